/**
 * term_to_binary for the terms ejctl sends (erts/doc: "External Term Format"). Atoms always go
 * as UTF-8 atoms, pids as NEW_PID_EXT, references as NEWER_REFERENCE_EXT, ports as V4_PORT_EXT:
 * the formats every OTP 23+ node accepts. The buffer grows by doubling, so encoding is linear.
 */
import { Atom, BitBinary, ErlMap, ErlString, Float, ImproperList, Pid, Port, Raw, Ref, Tuple, type Term } from './term.js';

export const VERSION_MAGIC = 131;

/** A byte buffer that grows by doubling: linear however much goes in. */
export class Writer {
  buf = Buffer.allocUnsafe(256);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }
  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16BE(v, this.len);
    this.len += 2;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
  }
  i32(v: number): void {
    this.room(4);
    this.buf.writeInt32BE(v, this.len);
    this.len += 4;
  }
  u64(v: bigint): void {
    this.room(8);
    this.buf.writeBigUInt64BE(v, this.len);
    this.len += 8;
  }
  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleBE(v, this.len);
    this.len += 8;
  }
  bytes(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** The term with the version byte in front, as term_to_binary/1 gives it. */
export function encodeTerm(term: Term): Buffer {
  const w = new Writer();
  encodeInto(w, term);
  return w.done();
}

/** encodeTerm's bytes, appended to `w` (a frame is built in one buffer). */
export function encodeInto(w: Writer, term: Term): void {
  w.u8(VERSION_MAGIC);
  writeTerm(w, term);
}

function writeTerm(w: Writer, t: Term): void {
  if (typeof t === 'number') {
    if (!Number.isInteger(t)) return writeFloat(w, t);
    if (t >= 0 && t <= 255) return (w.u8(97), w.u8(t));
    if (t >= -0x80000000 && t <= 0x7fffffff) return (w.u8(98), w.i32(t));
    return writeInteger(w, BigInt(t));
  }
  if (typeof t === 'bigint') return writeInteger(w, t);
  if (t instanceof Atom) return writeAtom(w, t);
  if (Buffer.isBuffer(t)) return (w.u8(109), w.u32(t.length), w.bytes(t));
  if (Array.isArray(t)) return writeList(w, t, []);
  if (t instanceof ErlString) return writeString(w, t.bytes);
  if (t instanceof Tuple) return writeTuple(w, t.items);
  if (t instanceof ImproperList) return writeList(w, t.items, t.tail);
  if (t instanceof ErlMap) return writeMap(w, t);
  if (t instanceof Pid) return (w.u8(88), writeAtom(w, t.node), w.u32(t.id), w.u32(t.serial), w.u32(t.creation));
  if (t instanceof Ref) return writeRef(w, t);
  if (t instanceof Port) return (w.u8(120), writeAtom(w, t.node), w.u64(t.id), w.u32(t.creation));
  if (t instanceof Float) return writeFloat(w, t.value);
  if (t instanceof BitBinary) return (w.u8(77), w.u32(t.bytes.length), w.u8(t.lastBits), w.bytes(t.bytes));
  if (t instanceof Raw) return w.bytes(t.bytes);
  throw new TypeError('not an Erlang term');
}

function writeInteger(w: Writer, n: bigint): void {
  if (n >= 0n && n <= 255n) return (w.u8(97), w.u8(Number(n)));
  if (n >= -(2n ** 31n) && n < 2n ** 31n) return (w.u8(98), w.i32(Number(n)));
  let magnitude = n < 0n ? -n : n;
  const digits: number[] = [];
  while (magnitude > 0n) {
    digits.push(Number(magnitude & 255n));
    magnitude >>= 8n;
  }
  if (digits.length <= 255) {
    w.u8(110);
    w.u8(digits.length);
  } else {
    w.u8(111);
    w.u32(digits.length);
  }
  w.u8(n < 0n ? 1 : 0);
  w.bytes(Buffer.from(digits));
}

function writeFloat(w: Writer, v: number): void {
  w.u8(70);
  w.f64(v);
}

/** The UTF-8 bytes of atoms already written: a session writes the same few atoms in every message. */
const atomBytes = new WeakMap<Atom, Buffer>();

function writeAtom(w: Writer, a: Atom): void {
  let name = atomBytes.get(a);
  if (name === undefined) {
    name = Buffer.from(a.name, 'utf8');
    atomBytes.set(a, name);
  }
  if (name.length <= 255) {
    w.u8(119);
    w.u8(name.length);
  } else {
    w.u8(118);
    w.u16(name.length);
  }
  w.bytes(name);
}

function writeString(w: Writer, bytes: Buffer): void {
  if (bytes.length === 0) return w.u8(106);
  if (bytes.length <= 65535) return (w.u8(107), w.u16(bytes.length), w.bytes(bytes));
  writeList(w, Array.from(bytes), []);
}

function writeList(w: Writer, items: readonly Term[], tail: Term): void {
  if (items.length === 0) return Array.isArray(tail) && tail.length === 0 ? w.u8(106) : writeTerm(w, tail);
  // A list of bytes is a string; STRING_EXT is what term_to_binary uses for it.
  if (Array.isArray(tail) && tail.length === 0 && items.length <= 65535 && items.every(isByte)) {
    return writeString(w, Buffer.from(items as number[]));
  }
  w.u8(108);
  w.u32(items.length);
  for (const item of items) writeTerm(w, item);
  writeTerm(w, tail);
}

const isByte = (t: Term): boolean => typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= 255;

function writeTuple(w: Writer, items: readonly Term[]): void {
  if (items.length <= 255) {
    w.u8(104);
    w.u8(items.length);
  } else {
    w.u8(105);
    w.u32(items.length);
  }
  for (const item of items) writeTerm(w, item);
}

function writeMap(w: Writer, m: ErlMap): void {
  w.u8(116);
  w.u32(m.entries.length);
  for (const [k, v] of m.entries) {
    writeTerm(w, k);
    writeTerm(w, v);
  }
}

function writeRef(w: Writer, r: Ref): void {
  w.u8(90);
  w.u16(r.ids.length);
  writeAtom(w, r.node);
  w.u32(r.creation);
  for (const id of r.ids) w.u32(id);
}
