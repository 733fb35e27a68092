/** The one place that starts processes. Plans come in as data; outcomes go out as data. */
import { execa } from 'execa';
import type { LaunchPlan } from './plan.js';

export type Outcome =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'killed'; signal: string; stdout: string; stderr: string }
  | { kind: 'not-found'; file: string }
  | { kind: 'failed'; message: string };

export interface RunOptions {
  /** Kill the child after this many milliseconds. */
  timeoutMs?: number;
  /** Signals ejctl receives are passed on to the child (attached `foreground`). */
  forwardSignals?: boolean;
}

export async function runPlan(plan: LaunchPlan, opts: RunOptions = {}): Promise<Outcome> {
  const child = execa(plan.file, plan.args, {
    env: plan.env,
    extendEnv: true,
    cwd: plan.cwd,
    ...(plan.user ? { uid: plan.user.uid, gid: plan.user.gid } : {}),
    ...(plan.stdin.kind === 'secret' ? { input: plan.stdin.data } : { stdin: plan.stdin.kind }),
    stdout: plan.stdout,
    stderr: plan.stderr,
    reject: false,
    stripFinalNewline: false,
    detached: plan.detached ?? false,
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
  const onSignal = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (opts.forwardSignals) signals.forEach((s) => process.on(s, onSignal));
  try {
    const r = await child;
    const stdout = typeof r.stdout === 'string' ? r.stdout : '';
    const stderr = typeof r.stderr === 'string' ? r.stderr : '';
    if (r.signal) return { kind: 'killed', signal: r.signal, stdout, stderr };
    if (r.exitCode !== undefined) return { kind: 'exited', code: r.exitCode, stdout, stderr };
    const code = (r as { code?: string }).code;
    if (code === 'ENOENT') return { kind: 'not-found', file: plan.file };
    return { kind: 'failed', message: r.shortMessage ?? 'the process could not be started' };
  } finally {
    if (opts.forwardSignals) signals.forEach((s) => process.off(s, onSignal));
  }
}

/** Words an outcome for people, once. */
export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'exited': return `exited with code ${o.code}`;
    case 'killed': return `was killed by ${o.signal}`;
    case 'not-found': return `could not be started: ${o.file} was not found (is Erlang installed?)`;
    case 'failed': return `could not be started: ${o.message}`;
  }
}
