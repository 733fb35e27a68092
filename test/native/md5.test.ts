/** The handshake's MD5 (src/native/md5.ts) against RFC 1321's examples and node:crypto. */
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { md5, sameBytes } from '../../src/native/md5.js';
import { digest } from '../../src/native/handshake.js';

const hex = (b: Buffer) => b.toString('hex');

describe('md5', () => {
  it("gives RFC 1321's test suite results", () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, expected] of suite) expect(hex(md5(Buffer.from(input, 'latin1')))).toBe(expected);
  });

  it('equals node:crypto for every length across the block and padding boundaries, and for long input', () => {
    for (let n = 0; n <= 300; n++) {
      const input = randomBytes(n);
      expect(hex(md5(input)), `length ${n}`).toBe(createHash('md5').update(input).digest('hex'));
    }
    const long = randomBytes(1_000_003);
    expect(hex(md5(long))).toBe(createHash('md5').update(long).digest('hex'));
  });

  it("gives the handshake's digest as dist_util:gen_digest/2 does: MD5(cookie ++ integer_to_list(challenge))", () => {
    const cookie = 'LRFNJORZVFTDZXXHHBDYEQYMTT7BTZ3U\u00e9';
    for (const challenge of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) {
      const expected = createHash('md5').update(Buffer.from(cookie, 'latin1')).update(String(challenge)).digest('hex');
      expect(hex(digest(challenge, cookie))).toBe(expected);
    }
  });

  it('compares digests byte for byte', () => {
    const a = randomBytes(16);
    expect(sameBytes(a, Buffer.from(a))).toBe(true);
    for (let i = 0; i < 16; i++) {
      const b = Buffer.from(a);
      b[i] = (b[i] ?? 0) ^ 1;
      expect(sameBytes(a, b)).toBe(false);
    }
    expect(sameBytes(a, a.subarray(0, 15))).toBe(false);
  });
});
