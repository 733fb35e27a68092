/** A process launch as data: what to run, as whom, with what. Built by pure functions, run by runner.ts. */

export type StdinPlan =
  /** Bytes written to the child's stdin, then closed. `redacted` is what --dry-run shows instead. */
  { kind: 'secret'; data: string; redacted: string } | { kind: 'inherit' } | { kind: 'ignore' };

export interface LaunchPlan {
  /** Absolute path of the program. */
  file: string;
  args: string[];
  /** Variables set for the child on top of ejctl's own environment. */
  env: Record<string, string>;
  cwd: string;
  /** Run as this user (uid, gid; supplementary groups dropped). */
  user?: { name: string; uid: number; gid: number };
  stdin: StdinPlan;
  /** 'inherit' streams to ejctl's stdout; 'pipe' captures it. */
  stdout: 'inherit' | 'pipe';
  stderr: 'inherit' | 'pipe';
  /** Start the child in its own process group and do not wait for it. */
  detached?: boolean;
  /** Start the child in a new session (setsid): terminal signals reach ejctl only; ejctl still waits. */
  newSession?: boolean;
  /** The child's umask (inherited from ejctl, set only around the spawn). */
  umask?: number;
}

/** What --dry-run prints: everything but secrets. */
export function describePlan(plan: LaunchPlan): string {
  const lines = [
    `program: ${plan.file}`,
    `argv: ${JSON.stringify([plan.file, ...plan.args])}`,
    `cwd: ${plan.cwd}`,
    `user: ${plan.user ? `${plan.user.name} (uid ${plan.user.uid}, gid ${plan.user.gid}, no supplementary groups)` : 'current user'}`,
    `environment (set by ejctl): ${Object.keys(plan.env).sort().join(' ') || '(none)'}`,
    `stdin: ${plan.stdin.kind === 'secret' ? plan.stdin.redacted : plan.stdin.kind}`,
    ...(plan.umask === undefined ? [] : [`umask: 0${plan.umask.toString(8)}`]),
  ];
  return lines.join('\n') + '\n';
}
