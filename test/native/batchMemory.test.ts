/**
 * `ejctl batch` runs in memory that does not grow with the batch. Each command once left its
 * printing process behind as a key of ~250 bytes (a string concatenated from five parts) in the
 * set of finished speakers, which V8 kept moving and promoting: peak RSS grew by ~18 MB from the
 * first 5,000 commands to 20,000 (and on, until the set's bound of 10,000). The test runs 5,000 and
 * 20,000 `connected_users_number` lines on a real node and compares the peak RSS (VmHWM, read from
 * /proc while ejctl runs). A memory bound, not a timing one; the numbers go to the log.
 */
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, EJCTL, epmdPort, ROOT, tempDir } from '../helpers/env.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * What peak RSS may grow from 5,000 commands to 20,000. V8 sizes its young generation by what
 * survives its collections, so some growth is its policy, not ours (measured: 4-6 MiB; with the
 * per-command keys it was 12-18 MiB).
 */
const MAX_GROWTH_MIB = 8;

function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // it has exited
  }
}

describe('ejctl batch memory', () => {
  let n: TestNode;
  beforeAll(async () => {
    n = await startTestNode();
  });
  afterAll(async () => {
    await n?.stop();
    cleanupTempDirs();
  });

  async function peakMiB(lines: number): Promise<number> {
    const file = join(tempDir(), `batch-${lines}`);
    writeFileSync(file, 'connected_users_number\n'.repeat(lines));
    const child = execa(process.execPath, [EJCTL, '-c', n.cfgPath, 'batch', file], {
      env: { ERL_EPMD_PORT: epmdPort(), HOME: tempDir() },
      stdin: 'ignore',
      stdout: 'ignore',
      cwd: ROOT,
      reject: false,
      timeout: 240_000,
    });
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, vmHwmKiB(child.pid ?? 0) ?? 0)), 50);
    const r = await child.finally(() => clearInterval(poll));
    expect([r.exitCode, String(r.stderr)]).toEqual([
      0,
      expect.stringMatching(new RegExp(`^ejctl batch: ${lines} of ${lines} command\\(s\\) run, ${lines} ok;`)),
    ]);
    expect(peak).toBeGreaterThan(0);
    return peak / 1024;
  }

  it('peaks no higher after 20,000 commands than after 5,000, but for V8 sizing its young generation', async () => {
    const short = await peakMiB(5_000);
    const long = await peakMiB(20_000);
    console.log(`ejctl batch peak RSS: 5,000 commands ${short.toFixed(1)} MiB, 20,000 commands ${long.toFixed(1)} MiB`);
    expect(long - short).toBeLessThan(MAX_GROWTH_MIB);
  }, 600_000);
});
