/**
 * Batch output is gathered into fewer writes (src/native/batchOutput.ts): every byte still comes
 * out, in order, at the size limit, after the delay, and when flushed (before stderr, at the end).
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CoalescedOutput, FLUSH_BYTES, FLUSH_DELAY_MS } from '../../src/native/batchOutput.js';

function recorder(highWaterMark = 1 << 30) {
  const writes: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk);
      setImmediate(done);
    },
  });
  return { stream, writes };
}

describe('coalesced batch output', () => {
  it('short lines become one write when flushed, in order', () => {
    const { stream, writes } = recorder();
    const out = new CoalescedOutput(stream);
    for (let i = 0; i < 100; i++) out.write(Buffer.from(`${i}\n`));
    expect(writes).toHaveLength(0);
    out.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]?.toString()).toBe(Array.from({ length: 100 }, (_, i) => `${i}\n`).join(''));
    out.flush();
    expect(writes).toHaveLength(1);
  });

  it('writes at the size limit without waiting', () => {
    const { stream, writes } = recorder();
    const out = new CoalescedOutput(stream);
    out.write(Buffer.alloc(FLUSH_BYTES - 1, 0x61));
    expect(writes).toHaveLength(0);
    out.write(Buffer.from('b'));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.length).toBe(FLUSH_BYTES);
    out.flush();
  });

  it('writes what waits after the delay, so a slow batch still streams', async () => {
    const { stream, writes } = recorder();
    const out = new CoalescedOutput(stream);
    out.write(Buffer.from('first\n'));
    await new Promise((r) => setTimeout(r, FLUSH_DELAY_MS * 3));
    expect(writes.map(String)).toEqual(['first\n']);
  });

  it('says when the stream is full, so the batch waits for drain', () => {
    const { stream } = recorder(16);
    const out = new CoalescedOutput(stream);
    out.write(Buffer.alloc(64, 0x61));
    expect(out.full).toBe(false);
    out.flush();
    expect(out.full).toBe(true);
  });

  it('a flush with nothing waiting writes nothing', () => {
    const p = new PassThrough();
    const out = new CoalescedOutput(p);
    out.flush();
    expect(p.readableLength).toBe(0);
  });
});
