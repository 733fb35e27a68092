/** A process launch as data: what to run, as whom, with what. Built by pure functions, run by runner.ts. */

export type StdinPlan =
  /** Bytes written to the child's stdin, then closed. `redacted` is what --dry-run shows instead. */
  | { kind: 'secret'; data: string; redacted: string }
  /** The user's keystrokes, relayed by ejctl: only with `pty: 'interactive'`. */
  | { kind: 'terminal' }
  | { kind: 'ignore' };

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
  /** 'inherit': ejctl relays it to its own stdout as it comes; 'pipe' captures it. */
  stdout: 'inherit' | 'pipe';
  stderr: 'inherit' | 'pipe';
  /**
   * Every child runs in a new session and never gets a descriptor of ejctl's terminal, which a
   * process of another user could use to type into the caller's shell (TIOCSTI). Without `pty`
   * its stdio are pipes ejctl relays. With it, it runs on a pseudo-terminal of its own, ejctl
   * relaying output and window size: 'interactive' also relays the user's keystrokes (ejctl's
   * terminal in raw mode; stdin `terminal`); 'output' takes its stdin from the plan, written with
   * echo off (a control node formatting for ejctl's terminal).
   */
  pty?: 'interactive' | 'output';
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
    `terminal: ${plan.pty ? `a pseudo-terminal of its own, in a new session (${plan.pty === 'interactive' ? 'keystrokes, ' : ''}output and window size relayed)` : 'none: a new session, stdio through pipes'}`,
    ...(plan.umask === undefined ? [] : [`umask: 0${plan.umask.toString(8)}`]),
  ];
  return lines.join('\n') + '\n';
}
