/**
 * Erlang terms as TypeScript values, for the external term format (erts/doc: "External Term
 * Format"). A proper list is a JS array (`[]` is NIL); integers are numbers, or bigints beyond
 * 2^53. Everything else has a small class, so a term the node sends us can be sent back to it
 * unchanged (the io protocol hands format arguments back to the node).
 */

export type Term =
  number | bigint | Atom | Float | Buffer | BitBinary | ErlString | Term[] | ImproperList | Tuple | ErlMap | Pid | Ref | Port | Raw;

const atoms = new Map<string, Atom>();
/**
 * Interned atoms. A peer can send a new atom in every frame; past this many, new names are no
 * longer kept, so the table cannot grow without end. Ours (node names, tags, the atoms of the io
 * protocol) are interned long before; pids and references compare their nodes by name.
 */
const MAX_INTERNED_ATOMS = 100_000;

export class Atom {
  private constructor(readonly name: string) {}
  /** Atoms are interned, so `===` compares them. */
  static of(name: string): Atom {
    let a = atoms.get(name);
    if (a) return a;
    a = new Atom(name);
    if (atoms.size < MAX_INTERNED_ATOMS) atoms.set(name, a);
    return a;
  }
}

export const atom = (name: string): Atom => Atom.of(name);

/** A float, boxed so that 1.0 stays a float on the way back. */
export class Float {
  constructor(readonly value: number) {}
}

/** A binary whose last byte holds fewer than 8 bits. */
export class BitBinary {
  constructor(
    readonly bytes: Buffer,
    readonly lastBits: number,
  ) {}
}

/** STRING_EXT: a list of small integers (bytes), kept as bytes. Same term as the list. */
export class ErlString {
  constructor(readonly bytes: Buffer) {}
}

export class ImproperList {
  constructor(
    readonly items: Term[],
    readonly tail: Term,
  ) {}
}

export class Tuple {
  readonly items: Term[];
  constructor(...items: Term[]) {
    this.items = items;
  }
  /** A tuple of these items, without spreading them as arguments (V8 refuses ~100,000 of those). */
  static ofItems(items: Term[]): Tuple {
    const t = new Tuple();
    (t as { items: Term[] }).items = items;
    return t;
  }
}

export class ErlMap {
  constructor(readonly entries: [Term, Term][]) {}
}

export class Pid {
  constructor(
    readonly node: Atom,
    readonly id: number,
    readonly serial: number,
    readonly creation: number,
  ) {}
}

export class Ref {
  constructor(
    readonly node: Atom,
    readonly creation: number,
    readonly ids: readonly number[],
  ) {}
}

export class Port {
  constructor(
    readonly node: Atom,
    readonly id: bigint,
    readonly creation: number,
  ) {}
}

/** A term we never look into (funs, exports): its encoded bytes, tag included. */
export class Raw {
  constructor(readonly bytes: Buffer) {}
}

export const tuple = (...items: Term[]): Tuple => new Tuple(...items);

/** A list of code points as the node would write it: a string. */
export function charList(text: string): Term[] {
  // By code point, as Array.from(text) splits a string, without a string per character.
  const chars: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i) ?? 0;
    chars.push(c);
    if (c > 0xffff) i++;
  }
  return chars;
}

export function isAtom(t: Term | undefined, name?: string): t is Atom {
  return t instanceof Atom && (name === undefined || t.name === name);
}

/** A tuple of `size` elements whose first is the atom `tag`. */
export function isTagged(t: Term | undefined, tag: string, size?: number): t is Tuple {
  return t instanceof Tuple && isAtom(t.items[0], tag) && (size === undefined || t.items.length === size);
}

export function samePid(a: Term | undefined, b: Pid): boolean {
  return a instanceof Pid && a.node.name === b.node.name && a.id === b.id && a.serial === b.serial && a.creation === b.creation;
}

export function sameRef(a: Term | undefined, b: Ref): boolean {
  return (
    a instanceof Ref &&
    a.node.name === b.node.name &&
    a.creation === b.creation &&
    a.ids.length === b.ids.length &&
    a.ids.every((id, i) => id === b.ids[i])
  );
}

/** A small non-negative integer, or undefined. */
export function toInt(t: Term | undefined): number | undefined {
  return typeof t === 'number' && Number.isInteger(t) ? t : undefined;
}
