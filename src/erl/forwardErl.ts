/** Forwarding a command through a throw-away Erlang control node (the erl transport). */
import { constants } from 'node:os';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { EjctlError, Exit } from '../errors.js';
import { describePlan, type LaunchPlan } from '../run/plan.js';
import { describeOutcome, runPlan } from '../run/runner.js';
import { diagnoseUnreachable } from '../diagnose.js';
import { buildControlLaunch } from './controlLaunch.js';
import { controlSetup, warnControl } from './controlSetup.js';

export interface ForwardRequest {
  args: readonly string[];
  /** The cookie; `undefined` for --dry-run, which never reads it. */
  cookie: string | undefined;
  /** A cookie to try when the node refuses `cookie` (a rotation staged it: src/cookie/staged.ts). */
  nextCookie?: string | undefined;
}

const INTERRUPTS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);

/**
 * On a terminal the control node gets a pseudo-terminal of its own with the same window size,
 * so ejabberd formats what it prints (`help`) as it would for that terminal; never ejctl's own
 * terminal (src/run/plan.ts). Otherwise pipes.
 */
function forwardPlan(ctx: Pick<Ctx, 'stdout' | 'stderr' | 'uid' | 'files'>, s: Settings, req: ForwardRequest): LaunchPlan {
  const setup = controlSetup(ctx, s);
  warnControl(ctx, setup);
  const plan = buildControlLaunch(s, { ...setup, ...req });
  return ctx.stdout.isTTY === true ? { ...plan, pty: 'output' } : plan;
}

export async function forwardErl(
  ctx: Pick<Ctx, 'stdout' | 'stderr' | 'env' | 'uid' | 'files'>,
  s: Settings,
  req: ForwardRequest,
  diagnose = true,
): Promise<number> {
  const outcome = await runPlan(forwardPlan(ctx, s, req));
  // Interrupted (Ctrl-C, SIGTERM): ejctl stopped the control node; exit as a shell reports it.
  if (outcome.kind === 'killed' && INTERRUPTS.has(outcome.signal)) return 128 + (constants.signals[outcome.signal as NodeJS.Signals] ?? 0);
  if (outcome.kind !== 'exited') {
    throw new EjctlError(`the Erlang control node ${describeOutcome(outcome)}`, Exit.unreachable);
  }
  if (outcome.code === Exit.unreachable && diagnose) ctx.stderr.write(`${await diagnoseUnreachable(s, ctx.env)}\n`);
  return outcome.code;
}

/** What --dry-run prints for a forwarded command: the erl plan, cookie and arguments redacted; warnings on stderr. */
export function describeControlPlan(ctx: Pick<Ctx, 'stdout' | 'stderr' | 'uid' | 'files'>, s: Settings, req: ForwardRequest): string {
  return describePlan(forwardPlan(ctx, s, req));
}
