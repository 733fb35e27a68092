/** Long-lived children for request/reply conversations (the cookie rotation's control session). */
import { execa } from 'execa';
import type { LaunchPlan } from './plan.js';

/**
 * A long-lived child whose stdin and stdout stay open as pipes, for a conversation of request
 * and reply lines (the cookie rotation's control session). plan.stdin is ignored: the caller
 * writes the lines. The caller ends it by closing stdin. Like every child (src/run/runner.ts)
 * it runs in a new session with pipes only: it never gets ejctl's terminal.
 */
export function startSession(plan: LaunchPlan) {
  return execa(plan.file, plan.args, {
    env: plan.env,
    extendEnv: true,
    cwd: plan.cwd,
    ...(plan.user ? { uid: plan.user.uid, gid: plan.user.gid } : {}),
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: plan.stderr === 'inherit' ? 'ignore' : plan.stderr,
    // setsid: no controlling terminal (its stdin ends when ejctl does, and so does the node).
    detached: true,
    reject: false,
    buffer: false,
  });
}
