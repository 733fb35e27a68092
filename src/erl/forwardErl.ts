/** Forwarding a command through a throw-away Erlang control node (the erl transport). */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { EjctlError, Exit } from '../errors.js';
import { describePlan } from '../run/plan.js';
import { describeOutcome, runPlan } from '../run/runner.js';
import { diagnoseUnreachable } from '../diagnose.js';
import { buildControlLaunch, type ControlRequest } from './controlLaunch.js';

export async function forwardErl(ctx: Pick<Ctx, 'stderr' | 'env'>, s: Settings, req: ControlRequest): Promise<number> {
  const outcome = await runPlan(buildControlLaunch(s, req));
  if (outcome.kind !== 'exited') {
    throw new EjctlError(`the Erlang control node ${describeOutcome(outcome)}`, Exit.unreachable);
  }
  if (outcome.code === Exit.unreachable) ctx.stderr.write(`${await diagnoseUnreachable(s, ctx.env)}\n`);
  return outcome.code;
}

/** What --dry-run prints for a forwarded command: the erl plan, cookie and arguments redacted. */
export function describeControlPlan(s: Settings, req: ControlRequest): string {
  return describePlan(buildControlLaunch(s, req));
}
