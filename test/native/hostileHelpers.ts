/**
 * Running the built ejctl against a fake peer: a cfg naming fake@localhost with the test cookie,
 * and a run that records the child's peak resident memory (VmHWM) while it lives. Every run has
 * a hard harness timeout, so a run that would hang ends as a failed test, not a stuck suite.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EJCTL, ROOT, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import { COOKIE, FAKE_NODE } from './fakePeers.js';

export interface HostileRun {
  stdout: string;
  stderr: string;
  /** -1 when the harness had to kill it. */
  exitCode: number;
  /** Peak resident memory of the ejctl process, in bytes, as last sampled. */
  peakRss: number;
  ms: number;
}

let counter = 0;

/** A cfg for fake@localhost; `distPort` fixes ERL_DIST_PORT (no EPMD lookup). */
export function fakeCfg(distPort?: number): string {
  const dir = tempDir('ejctl-hostile-');
  writeFileMode(join(dir, 'cookie'), COOKIE, 0o400);
  const cfg = join(dir, `fake${counter++}.cfg`);
  const port = distPort === undefined ? '' : `ERL_DIST_PORT=${distPort}\n`;
  writeFileMode(
    cfg,
    `ERLANG_NODE=${FAKE_NODE}\n${port}COOKIE_FILE=${dir}/cookie\nINSTALLUSER=\nSPOOL_DIR=${dir}\nCONFIG_DIR=${dir}\nLOGS_DIR=${dir}\n`,
    0o644,
  );
  return cfg;
}

function peakOf(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `ejctl -c CFG --transport native ARGS` with EPMD at `epmdPort`, killed after `killAfterMs`. */
export async function runHostile(cfg: string, args: string[], epmdPort: number | string, killAfterMs: number): Promise<HostileRun> {
  const t0 = Date.now();
  const child = execa(process.execPath, [EJCTL, '-c', cfg, '--transport', 'native', ...args], {
    // The diagnosis on stderr is what these tests read (without a terminal it needs EJCTL_DIAGNOSE).
    env: { ERL_EPMD_PORT: String(epmdPort), EJCTL_DIAGNOSE: '1' },
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    cwd: ROOT,
    timeout: killAfterMs,
  });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, peakOf(child.pid))), 20);
  const r = await child;
  clearInterval(sampler);
  return {
    stdout: String(r.stdout),
    stderr: String(r.stderr),
    exitCode: r.timedOut ? -1 : (r.exitCode ?? -1),
    peakRss,
    ms: Date.now() - t0,
  };
}

export const MiB = 1024 * 1024;
