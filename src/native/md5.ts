/**
 * MD5 (RFC 1321) for the distribution handshake's digest, in plain JavaScript: loading
 * node:crypto costs a native `ejctl status` more time than the whole handshake (the module and
 * its ~30 internal modules; see docs/performance.md), and MD5 of a cookie and a number is all the
 * native transport needs from it. test/native/md5.test.ts checks it against node:crypto.
 */

/** Per-round left rotations and the constants floor(abs(sin(i + 1)) * 2^32). */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

export function md5(input: Buffer): Buffer {
  const blocks = Math.ceil((input.length + 9) / 64);
  const padded = Buffer.alloc(blocks * 64);
  input.copy(padded);
  padded[input.length] = 0x80;
  padded.writeUInt32LE((input.length * 8) >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(input.length / 2 ** 29), padded.length - 4);
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);
  const m = new Int32Array(16);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) m[i] = padded.readInt32LE(off + i * 4);
    compress(h, m);
  }
  const out = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) out.writeInt32LE(h[i] ?? 0, i * 4);
  return out;
}

function compress(h: Int32Array, m: Int32Array): void {
  let [a, b, c, d] = [h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0];
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) [f, g] = [(b & c) | (~b & d), i];
    else if (i < 32) [f, g] = [(d & b) | (~d & c), (5 * i + 1) % 16];
    else if (i < 48) [f, g] = [b ^ c ^ d, (3 * i + 5) % 16];
    else [f, g] = [c ^ (b | ~d), (7 * i) % 16];
    const sum = (a + f + (K[i] ?? 0) + (m[g] ?? 0)) | 0;
    const s = SHIFTS[(i >> 4) * 4 + (i % 4)] ?? 0;
    [a, d, c] = [d, c, b];
    b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
  }
  h[0] = ((h[0] ?? 0) + a) | 0;
  h[1] = ((h[1] ?? 0) + b) | 0;
  h[2] = ((h[2] ?? 0) + c) | 0;
  h[3] = ((h[3] ?? 0) + d) | 0;
}

/** Equal without an early exit, so the time taken does not tell how much of a digest matched. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
