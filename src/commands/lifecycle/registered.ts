/**
 * `start` launches the node detached (`erl -detached` returns at once), so a `status` right after
 * it would find no node at all and exit 3 ("unreachable"), where ejabberdctl's slower start gives
 * 1 ("starting"). So `start` returns once the node is at least registered: its name in EPMD (or
 * its ERL_DIST_PORT accepting connections), within a deadline; a node that dies before that is
 * reported, with exit 1.
 */
import type { Ctx } from '../../context.js';
import type { Settings } from '../../config/settings.js';
import { portOpen } from '../../diagnose.js';
import { EjctlError, Exit } from '../../errors.js';
import { epmdNames, epmdPort } from '../../system/epmd.js';
import { findBeams } from '../../system/procs.js';

type Where = Pick<Settings, 'node' | 'nodeName' | 'erlDistPort' | 'logsDir'>;

export interface RegisterWait {
  /** How long the node gets to register. */
  timeoutMs: number;
  pollMs: number;
  /** No VM of the node's name for this long: it has died (the detached VM may take a moment to appear). */
  goneMs: number;
}

export const REGISTER_WAIT: RegisterWait = { timeoutMs: 60_000, pollMs: 100, goneMs: 1000 };

/** Registered: EPMD knows its name, or its fixed ERL_DIST_PORT accepts connections. */
export async function isRegistered(s: Where, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (s.erlDistPort !== undefined) return portOpen(s.nodeName.host, s.erlDistPort);
  const answer = await epmdNames(s.nodeName.host, epmdPort(env));
  return answer.ok && answer.names.some((n) => n.name === s.nodeName.name);
}

/** Waits until the node is registered; throws when it dies first or the deadline passes. */
export async function waitRegistered(ctx: Pick<Ctx, 'env' | 'now'>, s: Where, w: RegisterWait = REGISTER_WAIT): Promise<void> {
  const start = ctx.now();
  let seen = start;
  for (;;) {
    if (await isRegistered(s, ctx.env)) return;
    const now = ctx.now();
    if (findBeams(s.node).length > 0) seen = now;
    else if (now - seen >= w.goneMs) {
      throw new EjctlError(`${s.node} exited during start, before it registered: see the logs in ${s.logsDir}`, Exit.error);
    }
    if (now - start >= w.timeoutMs) {
      throw new EjctlError(
        `${s.node} did not register within ${w.timeoutMs / 1000} s of its start; it may still be starting: see the logs in ${s.logsDir}`,
        Exit.error,
      );
    }
    await new Promise((r) => setTimeout(r, w.pollMs));
  }
}
