/** Forwarding a command through a throw-away Erlang control node (the erl transport). */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { EjctlError, Exit } from '../errors.js';
import { describePlan } from '../run/plan.js';
import { describeOutcome, runPlan } from '../run/runner.js';
import { diagnoseUnreachable } from '../diagnose.js';
import { buildControlLaunch } from './controlLaunch.js';
import { controlSetup, warnControl } from './controlSetup.js';

export interface ForwardRequest {
  args: readonly string[];
  /** The cookie; `undefined` for --dry-run, which never reads it. */
  cookie: string | undefined;
}

export async function forwardErl(ctx: Pick<Ctx, 'stderr' | 'env' | 'uid' | 'files'>, s: Settings, req: ForwardRequest): Promise<number> {
  const setup = controlSetup(ctx, s);
  warnControl(ctx, setup);
  const outcome = await runPlan(buildControlLaunch(s, { ...setup, ...req }));
  if (outcome.kind !== 'exited') {
    throw new EjctlError(`the Erlang control node ${describeOutcome(outcome)}`, Exit.unreachable);
  }
  if (outcome.code === Exit.unreachable) ctx.stderr.write(`${await diagnoseUnreachable(s, ctx.env)}\n`);
  return outcome.code;
}

/** What --dry-run prints for a forwarded command: the erl plan, cookie and arguments redacted; warnings on stderr. */
export function describeControlPlan(ctx: Pick<Ctx, 'stderr' | 'uid' | 'files'>, s: Settings, req: ForwardRequest): string {
  const setup = controlSetup(ctx, s);
  warnControl(ctx, setup);
  return describePlan(buildControlLaunch(s, { ...setup, ...req }));
}
