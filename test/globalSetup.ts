/**
 * One EPMD for the whole test run, on a free port and on loopback only, so test nodes never meet
 * the system's EPMD (4369) or the system ejabberd node. Stopped at the end, with any test node
 * still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleNetworks } from './helpers/netns.js';

let epmd: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function setup(): Promise<void> {
  const port = await freePort();
  epmd = spawn('/usr/bin/epmd', ['-port', String(port), '-address', '127.0.0.1'], { stdio: 'ignore' });
  process.env.ERL_EPMD_PORT = String(port);
  // Every temp dir of this run lives below one directory, removed at the end whatever a test did.
  const runDir = mkdtempSync(join(tmpdir(), 'ejctl-run-'));
  chmodSync(runDir, 0o755);
  process.env.EJCTL_TEST_TMP = runDir;
  // A rotation's journal defaults to root's /var/lib/ejctl: every ejctl of this run uses the
  // run's own state dir instead, unless a test names one (ejctl makes it, 0700).
  process.env.EJCTL_STATE_DIR = join(runDir, 'state');
  await new Promise((r) => setTimeout(r, 200));
}

export function teardown(): void {
  const port = process.env.ERL_EPMD_PORT;
  // Any beam still running with this run's EPMD port in its environment is a test node we leaked.
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (cmd.includes('beam') && env.includes(`ERL_EPMD_PORT=${port}`)) process.kill(Number(entry), 'SIGKILL');
    } catch {
      /* gone or not ours */
    }
  }
  // The network namespaces of a test file that crashed before its afterAll (its worker is gone now).
  removeStaleNetworks();
  epmd?.kill('SIGTERM');
  if (process.env.EJCTL_TEST_TMP) rmSync(process.env.EJCTL_TEST_TMP, { recursive: true, force: true });
}
