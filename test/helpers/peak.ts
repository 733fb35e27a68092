/**
 * Runs the built binary with a file (a device, a FIFO, a large file) as its stdin and follows its
 * peak memory (VmHWM in /proc) while it runs: the attack tests need "ended, and stayed small",
 * where the code before the fix grew by gigabytes until the timeout killed it.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EJCTL, ROOT, epmdPort, tempDir, type CliResult } from './env.js';

export interface PeakResult extends CliResult {
  /** Highest VmHWM seen, in MiB. */
  peakMiB: number;
  timedOut: boolean;
}

export async function ejctlWithStdinFile(
  args: string[],
  stdinPath: string,
  opts: { timeoutMs?: number; env?: Record<string, string | undefined> } = {},
): Promise<PeakResult> {
  const home = tempDir('ejctl-home-');
  const fd = openSync(stdinPath, 'r');
  let peakKiB = 0;
  try {
    const child = spawn(process.execPath, [EJCTL, ...args], {
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ERL_EPMD_PORT: epmdPort(), ...opts.env },
      stdio: [fd, 'pipe', 'pipe'],
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    const poll = setInterval(() => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {
        /* it ended */
      }
    }, 10);
    const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    clearTimeout(timer);
    clearInterval(poll);
    return { stdout, stderr, exitCode, peakMiB: peakKiB / 1024, timedOut };
  } finally {
    closeSync(fd);
  }
}
