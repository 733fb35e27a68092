/**
 * Endless stdin: `</dev/zero` (no newline, ever) to --secret-stdin, `cookie import` and `batch`.
 * Before the fix each kept reading and grew by gigabytes until killed; now each stops at its
 * documented limit with a clear message and its exit code, and stays small.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';
import { useTestNode } from '../helpers/node.js';
import { ejctlWithStdinFile } from '../helpers/peak.js';

afterAll(() => cleanupTempDirs());

const QUICK = { timeoutMs: 30_000 };
/** Node itself takes about 50 MiB here; the code before the fix passed 1 GiB within seconds. */
const SMALL_MIB = 150;

describe('stdin with no newline, ever', () => {
  it('--secret-stdin stops after 64 KiB: exit 64', async () => {
    const r = await ejctlWithStdinFile(
      ['-n', 'nobody@localhost', '--secret-stdin', 'register', 'u', 'localhost', '@SECRET@'],
      '/dev/zero',
      QUICK,
    );
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toBe(
      'ejctl: the secret on stdin is longer than 65536 bytes with no newline; nothing was done\nejctl: Give it as one line on stdin, e.g. from a file: < FILE.\n',
    );
    expect(r.peakMiB).toBeLessThan(SMALL_MIB);
  });

  it('cookie import stops after 255 characters: exit 77, nothing stored', async () => {
    const file = join(tempDir(), 'imported.cookie');
    const r = await ejctlWithStdinFile(['cookie', 'import', '--file', file], '/dev/zero', QUICK);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain('ejctl: the cookie on stdin is longer than 255 bytes with no newline; nothing was done\n');
    expect(existsSync(file)).toBe(false);
    expect(r.peakMiB).toBeLessThan(SMALL_MIB);
  });
});

describe('batch < /dev/zero against a real node', () => {
  const n = useTestNode();

  it('ends with a line-too-long error (exit 64), memory bounded', async () => {
    const r = await ejctlWithStdinFile(['-c', n.cfgPath, 'batch'], '/dev/zero', QUICK);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain(
      'ejctl: stdin: line 1: longer than 1 MiB (the most a batch line may hold); the batch stopped there (0 command(s) before it ran)\n',
    );
    expect(r.stdout).toBe('');
    expect(r.peakMiB).toBeLessThan(SMALL_MIB);
  });
});
