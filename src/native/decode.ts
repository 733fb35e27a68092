/**
 * binary_to_term for what a node sends (erts/doc: "External Term Format"). Every length is
 * checked against the bytes that are really there before anything is allocated, so a short or
 * hostile frame ends in a DecodeError, never in a huge allocation.
 */
import { Atom, BitBinary, ErlMap, ErlString, Float, ImproperList, Pid, Port, Raw, Ref, Tuple, type Term } from './term.js';
import { VERSION_MAGIC } from './encode.js';

export class DecodeError extends Error {}

/** Nesting beyond this is refused rather than risking the stack. */
const MAX_DEPTH = 10_000;
/**
 * What a frame may cost once decoded, in units of about 8 bytes of heap: an integer or an atom
 * costs 1 (a slot in its list or tuple), anything else 8 (an object of 40-80 bytes). Without it,
 * a frame of empty lists or tuples would grow 40 times over (a 256 MiB frame into 10 GB). 64 Mi
 * units is about 512 MiB, and a printed list of 64 million characters.
 */
export const MAX_DECODE_UNITS = 64 * 1024 * 1024;
const OBJECT_UNITS = 8;

class Reader {
  units = 0;
  constructor(
    readonly buf: Buffer,
    public pos: number,
    private readonly maxUnits: number,
  ) {}
  spend(n: number): void {
    this.units += n;
    if (this.units > this.maxUnits) throw new DecodeError(`term too large once decoded (over ${this.maxUnits} units of 8 bytes)`);
  }
  need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new DecodeError(`term truncated at byte ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++] ?? 0;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** The next `n` bytes as text, without a Buffer view of them (atoms: several in every message). */
  text(n: number, encoding: 'latin1' | 'utf8'): string {
    this.need(n);
    const t = this.buf.toString(encoding, this.pos, this.pos + n);
    this.pos += n;
    return t;
  }
  /** A count of items each at least `minBytes` long: refuse counts the frame cannot hold. */
  count(n: number, minBytes: number): number {
    this.need(n * minBytes);
    return n;
  }
}

/** Decodes one version-prefixed term starting at `offset`; returns it, where it ends and what it cost. */
export function decodeTerm(buf: Buffer, offset = 0, maxUnits = MAX_DECODE_UNITS): { term: Term; end: number; units: number } {
  const r = new Reader(buf, offset, maxUnits);
  if (r.u8() !== VERSION_MAGIC) throw new DecodeError('not an external term (no version byte 131)');
  const term = readTerm(r, 0);
  return { term, end: r.pos, units: r.units };
}

/** Integers and (interned) atoms: a slot of their container; everything else is an object. */
const SLOT_TAGS = new Set([97, 98, 100, 115, 118, 119]);

function readTerm(r: Reader, depth: number): Term {
  if (depth > MAX_DEPTH) throw new DecodeError('term nested too deeply');
  const tag = r.u8();
  r.spend(SLOT_TAGS.has(tag) ? 1 : OBJECT_UNITS);
  switch (tag) {
    case 97:
      return r.u8();
    case 98:
      return r.i32();
    case 70: {
      r.need(8);
      const v = r.buf.readDoubleBE(r.pos);
      r.pos += 8;
      return new Float(v);
    }
    case 99:
      return new Float(Number.parseFloat(r.bytes(31).toString('latin1')));
    case 110:
      return readBig(r, r.u8());
    case 111:
      return readBig(r, r.u32());
    case 100:
    case 118:
      return atomAt(r, r.u16(), tag === 100 ? 'latin1' : 'utf8');
    case 115:
    case 119:
      return atomAt(r, r.u8(), tag === 115 ? 'latin1' : 'utf8');
    case 104:
      return readTuple(r, r.u8(), depth);
    case 105:
      return readTuple(r, r.count(r.u32(), 1), depth);
    case 106:
      return [];
    case 107:
      return new ErlString(r.bytes(r.u16()));
    case 108:
      return readList(r, depth);
    case 109:
      return r.bytes(r.u32());
    case 77: {
      const n = r.u32();
      const bits = r.u8();
      return new BitBinary(r.bytes(n), bits);
    }
    case 116:
      return readMap(r, depth);
    case 88:
      return new Pid(readAtom(r), r.u32(), r.u32(), r.u32());
    case 103:
      return new Pid(readAtom(r), r.u32(), r.u32(), r.u8());
    case 90:
    case 114:
      return readRef(r, tag);
    case 101: {
      const node = readAtom(r);
      const id = r.u32();
      return new Ref(node, r.u8(), [id]);
    }
    case 120:
      return new Port(readAtom(r), r.u64(), r.u32());
    case 89:
      return new Port(readAtom(r), BigInt(r.u32()), r.u32());
    case 102:
      return new Port(readAtom(r), BigInt(r.u32()), r.u8());
    case 112: {
      const start = r.pos - 1;
      const size = r.u32();
      r.pos = start;
      return new Raw(r.bytes(size + 1));
    }
    case 113: {
      const start = r.pos - 1;
      readTerm(r, depth + 1);
      readTerm(r, depth + 1);
      readTerm(r, depth + 1);
      return new Raw(r.buf.subarray(start, r.pos));
    }
    default:
      throw new DecodeError(`unsupported term tag ${tag}`);
  }
}

/** Atoms met lately, by a hash of their bytes: every message repeats the same few (node names, tags). */
const recentAtoms = new Map<number, { bytes: Buffer; encoding: 'latin1' | 'utf8'; atom: Atom }>();
const MAX_RECENT_ATOMS = 256;

/** The atom whose `n` bytes come next: found by comparing bytes when met before, without making its name again. */
function atomAt(r: Reader, n: number, encoding: 'latin1' | 'utf8'): Atom {
  r.need(n);
  const { buf, pos } = r;
  let h = encoding === 'latin1' ? n : ~n;
  for (let i = pos; i < pos + n; i++) h = (Math.imul(h, 31) + (buf[i] ?? 0)) | 0;
  const known = recentAtoms.get(h);
  if (known && known.encoding === encoding && known.bytes.length === n && buf.compare(known.bytes, 0, n, pos, pos + n) === 0) {
    r.pos += n;
    return known.atom;
  }
  const atom = Atom.of(r.text(n, encoding));
  if (recentAtoms.size < MAX_RECENT_ATOMS) recentAtoms.set(h, { bytes: Buffer.from(buf.subarray(pos, pos + n)), encoding, atom });
  return atom;
}

function readAtom(r: Reader): Atom {
  const t = readTerm(r, 0);
  if (!(t instanceof Atom)) throw new DecodeError('expected an atom');
  return t;
}

function readBig(r: Reader, n: number): bigint | number {
  const sign = r.u8();
  // Little-endian digits, read in one linear step (a digit-by-digit shift would be quadratic).
  const digits = Buffer.from(r.bytes(n)).reverse();
  r.spend(Math.ceil(n / 8));
  let v = n === 0 ? 0n : BigInt(`0x${digits.toString('hex')}`);
  if (sign) v = -v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// A small tuple's items are placed in an array of its size; a larger one's are appended: V8 makes
// an array of more than 32 Mi preallocated slots a slow dictionary, and n comes from the peer.
function readTuple(r: Reader, n: number, depth: number): Tuple {
  const items: Term[] = n <= 255 ? new Array<Term>(n) : [];
  for (let i = 0; i < n; i++) items[i] = readTerm(r, depth + 1);
  return Tuple.ofItems(items);
}

function readList(r: Reader, depth: number): Term[] | ImproperList {
  const n = r.count(r.u32(), 1);
  const items: Term[] = [];
  for (let i = 0; i < n; i++) items.push(readTerm(r, depth + 1));
  const tail = readTerm(r, depth + 1);
  if (Array.isArray(tail)) return tail.length === 0 ? items : items.concat(tail);
  if (tail instanceof ErlString) return items.concat(Array.from(tail.bytes));
  return new ImproperList(items, tail);
}

function readMap(r: Reader, depth: number): ErlMap {
  const n = r.count(r.u32(), 2);
  const entries: [Term, Term][] = [];
  for (let i = 0; i < n; i++) entries.push([readTerm(r, depth + 1), readTerm(r, depth + 1)]);
  return new ErlMap(entries);
}

function readRef(r: Reader, tag: number): Ref {
  const n = r.u16();
  if (n > 5) throw new DecodeError('reference with too many words');
  const node = readAtom(r);
  const creation = tag === 90 ? r.u32() : r.u8();
  const ids = new Array<number>(n);
  for (let i = 0; i < n; i++) ids[i] = r.u32();
  return new Ref(node, creation, ids);
}
