/**
 * Frames come back whole and in order however the byte stream is cut into chunks: a header split
 * across chunks, many frames in one chunk, a frame over many chunks, ticks (empty frames).
 */
import { describe, expect, it } from 'vitest';
import { FrameReader, FrameTooLarge } from '../../src/native/frames.js';

function framed(payloads: Buffer[], headerBytes: 2 | 4): Buffer {
  return Buffer.concat(
    payloads.flatMap((p) => {
      const h = Buffer.alloc(headerBytes);
      if (headerBytes === 2) h.writeUInt16BE(p.length);
      else h.writeUInt32BE(p.length);
      return [h, p];
    }),
  );
}

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
}

describe('frame reader', () => {
  for (const headerBytes of [2, 4] as const) {
    it(`${headerBytes}-byte headers: any cut of the stream gives the same frames`, () => {
      const random = rng(headerBytes);
      const payloads = Array.from({ length: 200 }, (_, i) => Buffer.alloc(i % 7 === 0 ? 0 : Math.floor(random() * 300), i % 251));
      const stream = framed(payloads, headerBytes);
      for (const maxCut of [1, 2, 3, 5, 64, 1000, stream.length]) {
        const reader = new FrameReader(headerBytes, 1 << 20);
        const got: Buffer[] = [];
        for (let at = 0; at < stream.length;) {
          const size = Math.max(1, Math.floor(random() * maxCut));
          reader.push(stream.subarray(at, at + size));
          at += size;
          for (let f = reader.next(); f; f = reader.next()) got.push(Buffer.from(f));
        }
        expect(got.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
        expect(reader.next()).toBeUndefined();
      }
    });
  }

  it('a frame above the limit is refused from its header alone', () => {
    const reader = new FrameReader(4, 100);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(101);
    reader.push(head.subarray(0, 3));
    expect(reader.next()).toBeUndefined();
    reader.push(head.subarray(3));
    expect(() => reader.next()).toThrow(FrameTooLarge);
  });
});
