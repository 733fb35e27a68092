/** The one reader of local files (src/system/readBounded.ts) and the stdin line reader, below the CLI. */
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { isRegularFile, LocalInputError, readBounded, readOptional } from '../../src/system/readBounded.js';
import { readFirstLine } from '../../src/secret.js';
import { batchLines } from '../../src/native/batchInput.js';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';

afterAll(() => cleanupTempDirs());

const spec = { limit: 10, what: 'the test file' };

function failureOf(fn: () => unknown): LocalInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LocalInputError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('readBounded', () => {
  const dir = tempDir();

  it('reads a regular file up to the limit, one byte more is too large', () => {
    writeFileSync(join(dir, 'ten'), '0123456789');
    writeFileSync(join(dir, 'eleven'), '0123456789x');
    expect(readBounded(join(dir, 'ten'), spec)).toBe('0123456789');
    const e = failureOf(() => readBounded(join(dir, 'eleven'), { ...spec, exitCode: 77 }));
    expect([e.reason, e.exitCode, e.message]).toStrictEqual([
      'too-large',
      77,
      `the test file ${dir}/eleven is larger than 10 bytes, the most ejctl reads of it`,
    ]);
  });

  it('a FIFO: not a regular file, at once (no writer needed)', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const e = failureOf(() => readBounded(fifo, spec));
    expect([e.reason, e.exitCode, e.message]).toStrictEqual(['not-regular', 78, `the test file ${fifo} is not a regular file (a FIFO)`]);
    expect(() => readOptional(fifo, spec)).toThrow(LocalInputError);
    expect(() => isRegularFile(fifo, spec)).toThrow('is not a regular file (a FIFO)');
  });

  it('a device and a directory: not regular files; /dev/null reads as empty (-c /dev/null: no cfg)', () => {
    expect(failureOf(() => readBounded('/dev/zero', spec)).message).toContain('(a character device)');
    expect(readBounded('/dev/null', spec)).toBe('');
    expect(failureOf(() => readBounded(dir, spec)).message).toContain('(a directory)');
  });

  it('/proc files (size 0) are read to their end, and bounded by what is read', () => {
    expect(readBounded('/proc/self/status', { limit: 1 << 20, what: 'status' })).toMatch(/^Name:/);
    expect(failureOf(() => readBounded('/proc/self/status', spec)).reason).toBe('too-large');
  });

  it('noFollow refuses a symlink; without it the link is followed', () => {
    writeFileSync(join(dir, 'target'), 'ok');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    expect(failureOf(() => readBounded(join(dir, 'link'), { ...spec, noFollow: true })).reason).toBe('symlink');
    expect(readBounded(join(dir, 'link'), spec)).toBe('ok');
  });

  it('missing: readOptional gives undefined, isRegularFile false', () => {
    expect(failureOf(() => readBounded(join(dir, 'nope'), spec)).reason).toBe('missing');
    expect(readOptional(join(dir, 'nope'), spec)).toBeUndefined();
    expect(isRegularFile(join(dir, 'nope'), spec)).toBe(false);
    expect(isRegularFile(join(dir, 'target'), spec)).toBe(true);
  });
});

describe('stdin readers', () => {
  it('readFirstLine: the first line; undefined past the limit with no newline', async () => {
    expect(await readFirstLine(Readable.from([Buffer.from('pw\r\nmore')]), 10)).toBe('pw');
    expect(await readFirstLine(Readable.from([Buffer.from('0123456789\r')]), 10)).toBe('0123456789');
    expect(await readFirstLine(Readable.from([Buffer.from('0123456'), Buffer.from('789ab')]), 10)).toBeUndefined();
  });

  it('batchLines: lines across chunks, comments and blanks skipped, an overlong line stops it', async () => {
    const chunks = ['regis', 'ter a b "c d"\n\n# note\nstat', 'us\nlast'].map((c) => Buffer.from(c));
    const got = [];
    for await (const l of batchLines(Readable.from(chunks))) got.push(l);
    expect(got).toStrictEqual([
      { line: 1, args: ['register', 'a', 'b', 'c d'] },
      { line: 4, args: ['status'] },
      { line: 5, args: ['last'] },
    ]);
    const long = async () => {
      for await (const _ of batchLines(Readable.from([Buffer.from('ok\n'), Buffer.from('x'.repeat(20))]), 16)) void _;
    };
    await expect(long()).rejects.toThrow('line 2: longer than 16 bytes');
  });
});
