/**
 * The one place that starts processes. Plans come in as data; outcomes go out as data.
 * Built on node:child_process rather than execa: loading execa costs about 74 ms here, more
 * than half of what a whole forwarded command may take (see README, Benchmarks). execa is kept
 * for long-lived sessions (src/run/session.ts), where its stream API pays off.
 *
 * No child ever gets ejctl's terminal: each runs in a new session (setsid) with pipes that ejctl
 * relays, or on a pseudo-terminal of its own (src/run/pty.ts). A process of the node user that
 * shared the caller's terminal as its controlling terminal could type into the caller's shell
 * with TIOCSTI once ejctl is gone (docs/security.md, Terminals).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { LaunchPlan } from './plan.js';
import { runOnPty } from './pty.js';
import { relaySignals, type SignalRelay } from './signals.js';

export type Outcome =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'killed'; signal: string; stdout: string; stderr: string }
  | { kind: 'not-found'; file: string }
  | { kind: 'failed'; message: string };

export interface RunOptions {
  /** Kill the child after this many milliseconds. */
  timeoutMs?: number;
  /**
   * What SIGINT, SIGTERM, SIGHUP (and SIGQUIT) sent to ejctl do. By default ejctl stops the
   * child (SIGTERM) and reports the signal it got, as if it had killed them both. `true` passes
   * each on as it is; a map passes each as the signal it names (e.g. SIGINT as SIGTERM); either
   * way the outcome is the child's own.
   */
  forwardSignals?: SignalRelay;
}

export async function runPlan(plan: LaunchPlan, opts: RunOptions = {}): Promise<Outcome> {
  // A shell fed from a pipe or a file (a script) gets it through a pipe: without a terminal its
  // VM reads input line by line and ends at end of file, as it did before.
  if (plan.pty === 'output' || (plan.pty === 'interactive' && process.stdin.isTTY === true)) return runOnPty(plan, opts.forwardSignals);
  // A child inherits ejctl's umask; set it only for the (synchronous) spawn.
  const previousUmask = plan.umask === undefined ? undefined : process.umask(plan.umask);
  let child: ChildProcess;
  try {
    child = spawn(plan.file, plan.args, {
      env: { ...process.env, ...plan.env },
      cwd: plan.cwd,
      ...(plan.user ? { uid: plan.user.uid, gid: plan.user.gid } : {}),
      stdio: [plan.stdin.kind === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // setsid: no controlling terminal, and terminal signals reach ejctl only.
      detached: true,
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    });
  } catch (err) {
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  if (plan.stdin.kind === 'secret') child.stdin?.on('error', () => {}).end(plan.stdin.data);
  const stopInput = plan.stdin.kind === 'terminal' && child.stdin ? relayInput(child.stdin) : () => {};
  const relay = relaySignals(opts.forwardSignals, (signal) => child.kill(signal));
  try {
    const outcome = await waitForChild(child, plan);
    return relay.outcome(outcome);
  } finally {
    relay.stop();
    stopInput();
  }
}

/** ejctl's stdin (not a terminal) to the child's, until the child ends. */
function relayInput(to: Writable): () => void {
  to.on('error', () => {});
  process.stdin.pipe(to);
  return () => {
    process.stdin.unpipe(to);
    process.stdin.pause();
  };
}

/** Relays or collects the child's output and classifies how it ended, once. */
function waitForChild(child: ChildProcess, plan: LaunchPlan): Promise<Outcome> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  // Writes to a terminal, a pipe or a file are synchronous on Linux: nothing is left behind.
  child.stdout?.on('data', (c: Buffer) => (plan.stdout === 'inherit' ? process.stdout.write(c) : out.push(c)));
  child.stderr?.on('data', (c: Buffer) => (plan.stderr === 'inherit' ? process.stderr.write(c) : err.push(c)));
  return new Promise((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code === 'ENOENT' ? { kind: 'not-found', file: plan.file } : { kind: 'failed', message: e.message });
    });
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (signal) resolve({ kind: 'killed', signal, stdout, stderr });
      else if (code !== null) resolve({ kind: 'exited', code, stdout, stderr });
    });
  });
}

/** Words an outcome for people, once. */
export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'exited':
      return `exited with code ${o.code}`;
    case 'killed':
      return `was killed by ${o.signal}`;
    case 'not-found':
      return `could not be started: ${o.file} was not found (is Erlang installed?)`;
    case 'failed':
      return `could not be started: ${o.message}`;
  }
}
