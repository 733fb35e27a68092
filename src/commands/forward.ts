/** Any command ejctl does not handle itself goes to the ejabberd node, as ejabberdctl sends it. */
import { existsSync, readFileSync } from 'node:fs';
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import type { Settings } from '../config/settings.js';
import { readCookie } from '../cookie/read.js';
import { buildControlLaunch } from '../erl/controlLaunch.js';
import { inetrcPath } from '../erl/erlArgs.js';
import { describePlan } from '../run/plan.js';
import { runPlan, describeOutcome } from '../run/runner.js';
import { chooseRunAs, ensureSpoolDir } from '../runAs.js';
import { ejabberdctlHelp } from '../ctlHelp.js';
import { diagnoseUnreachable } from '../diagnose.js';
import { readSecret, substituteSecret } from '../secret.js';
import { EjctlError, Exit } from '../errors.js';

export async function forwardCommand(ctx: Ctx, opts: GlobalOptions, s: Settings): Promise<number> {
  const runAs = chooseRunAs(s, ctx);
  const args = opts.secretStdin ? substituteSecret(opts.words, await readSecret(ctx)) : opts.words;
  const vmArgsText = readOptional(s.vmArgs);
  const inetrcExists = existsSync(inetrcPath(s));
  if (opts.dryRun) {
    ctx.stdout.write(describePlan(buildControlLaunch(s, { args, cookie: undefined, runAs, vmArgsText, inetrcExists })));
    return Exit.ok;
  }
  const cookie = readCookie(s, ctx.uid);
  ensureSpoolDir(s, runAs);
  const plan = buildControlLaunch(s, { args, cookie, runAs, vmArgsText, inetrcExists });
  const outcome = await runPlan(plan);
  if (outcome.kind !== 'exited') {
    throw new EjctlError(`the Erlang control node ${describeOutcome(outcome)}`, Exit.unreachable);
  }
  if (outcome.code === Exit.ejabberdUsage || outcome.code === Exit.unreachable) ctx.stdout.write(ejabberdctlHelp(s));
  if (outcome.code === Exit.unreachable) ctx.stderr.write(`${await diagnoseUnreachable(s, ctx.env)}\n`);
  return outcome.code;
}

export function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
