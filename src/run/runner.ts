/**
 * The one place that starts processes. Plans come in as data; outcomes go out as data.
 * Built on node:child_process rather than execa: loading execa costs about 74 ms here, more
 * than half of what a whole forwarded command may take (see README, Benchmarks). execa is kept
 * for long-lived sessions (src/run/session.ts), where its stream API pays off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { LaunchPlan } from './plan.js';

export type Outcome =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'killed'; signal: string; stdout: string; stderr: string }
  | { kind: 'not-found'; file: string }
  | { kind: 'failed'; message: string };

export interface RunOptions {
  /** Kill the child after this many milliseconds. */
  timeoutMs?: number;
  /**
   * Signals ejctl receives are passed on to the child (attached `foreground`): `true` passes
   * each as it is; a map passes each as the signal it names (e.g. SIGINT as SIGTERM).
   */
  forwardSignals?: boolean | Partial<Record<ForwardedSignal, NodeJS.Signals>>;
  /** ejctl survives Ctrl-C and Ctrl-\ while the child (an interactive shell on the same terminal) gets them. */
  ignoreTerminalSignals?: boolean;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type ForwardedSignal = (typeof FORWARDED)[number];
const TERMINAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

export async function runPlan(plan: LaunchPlan, opts: RunOptions = {}): Promise<Outcome> {
  // A child inherits ejctl's umask; set it only for the (synchronous) spawn.
  const previousUmask = plan.umask === undefined ? undefined : process.umask(plan.umask);
  let child: ChildProcess;
  try {
    child = spawn(plan.file, plan.args, {
      env: { ...process.env, ...plan.env },
      cwd: plan.cwd,
      ...(plan.user ? { uid: plan.user.uid, gid: plan.user.gid } : {}),
      stdio: [plan.stdin.kind === 'secret' ? 'pipe' : plan.stdin.kind, plan.stdout, plan.stderr],
      detached: (plan.detached ?? false) || (plan.newSession ?? false),
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    });
  } catch (err) {
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  if (plan.stdin.kind === 'secret') child.stdin?.on('error', () => {}).end(plan.stdin.data);
  const map = typeof opts.forwardSignals === 'object' ? opts.forwardSignals : {};
  const onSignal = (signal: NodeJS.Signals) => child.kill(map[signal as ForwardedSignal] ?? signal);
  const signals: NodeJS.Signals[] = opts.forwardSignals ? [...FORWARDED] : [];
  const ignore = () => {};
  const ignored = opts.ignoreTerminalSignals ? TERMINAL_SIGNALS.filter((s) => !signals.includes(s)) : [];
  signals.forEach((s) => process.on(s, onSignal));
  ignored.forEach((s) => process.on(s, ignore));
  try {
    return await waitForChild(child, plan.file);
  } finally {
    signals.forEach((s) => process.off(s, onSignal));
    ignored.forEach((s) => process.off(s, ignore));
  }
}

/** Collects piped output and classifies how the child ended, once. */
function waitForChild(child: ChildProcess, file: string): Promise<Outcome> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code === 'ENOENT' ? { kind: 'not-found', file } : { kind: 'failed', message: e.message });
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
