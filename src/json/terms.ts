/** Small readings of Erlang terms the JSON formatting needs, each failing where Erlang's BIF would raise. */
import { Atom, ErlString, ImproperList, Tuple, isAtom, type Term } from '../native/term.js';

/** The Erlang code being mirrored would raise here (badarg, function_clause, badmatch). */
export class Crash extends Error {}

/** A proper list's items (a STRING_EXT list as its bytes), or undefined. */
export function asList(t: Term | undefined): Term[] | undefined {
  if (Array.isArray(t)) return t;
  if (t instanceof ErlString) return Array.from(t.bytes);
  return undefined;
}

/** iolist_to_binary/1. */
export function iolistBytes(t: Term | undefined): Buffer {
  const out: Buffer[] = [];
  const walk = (x: Term | undefined): void => {
    if (Buffer.isBuffer(x)) return void out.push(x);
    if (x instanceof ErlString) return void out.push(x.bytes);
    if (x instanceof ImproperList && Buffer.isBuffer(x.tail)) {
      x.items.forEach(walk);
      return void out.push(x.tail);
    }
    const items = Array.isArray(x) ? x : undefined;
    if (!items) throw new Crash('not an iolist');
    for (const i of items) {
      if (typeof i === 'number' && Number.isInteger(i) && i >= 0 && i <= 255) out.push(Buffer.of(i));
      else walk(i);
    }
  };
  walk(t);
  return Buffer.concat(out);
}

/** iolist_to_binary/1 read as jiffy reads a binary: UTF-8 text. */
export const iolistText = (t: Term | undefined): string => iolistBytes(t).toString('utf8');

/** atom_to_binary/1. */
export function atomName(t: Term | undefined): string {
  if (t instanceof Atom) return t.name;
  throw new Crash('not an atom');
}

/** `V == true orelse V == ok`. */
export const isOk = (t: Term | undefined): boolean => isAtom(t, 'true') || isAtom(t, 'ok');

/** A tuple's items when it has exactly `n`. */
export function tupleOf(t: Term | undefined, n: number): Term[] | undefined {
  return t instanceof Tuple && t.items.length === n ? t.items : undefined;
}

/** A result format `{Name, Type}` from a command definition. */
export function formatParts(fmt: Term | undefined): { name: string; type: Term } {
  const items = tupleOf(fmt, 2);
  if (!items) throw new Crash('not a {Name, Type} format');
  return { name: atomName(items[0]), type: items[1] ?? [] };
}
