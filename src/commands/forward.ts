/** Any command ejctl does not handle itself goes to the ejabberd node, as ejabberdctl sends it. */
import { existsSync } from 'node:fs';
import { readTextIfPresent } from '../system/files.js';
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import type { Settings } from '../config/settings.js';
import { readCookie } from '../cookie/read.js';
import { buildControlLaunch, RPC_TIMEOUT_MS } from '../erl/controlLaunch.js';
import { inetrcPath } from '../erl/erlArgs.js';
import { describePlan } from '../run/plan.js';
import { runPlan, describeOutcome } from '../run/runner.js';
import { chooseRunAs, ensureSpoolDir } from '../runAs.js';
import { ejabberdctlHelp } from '../ctlHelp.js';
import { diagnoseUnreachable } from '../diagnose.js';
import { readSecret, substituteSecret } from '../secret.js';
import { EjctlError, Exit } from '../errors.js';
import { chooseTransport } from '../native/choose.js';

export async function forwardCommand(ctx: Ctx, opts: GlobalOptions, s: Settings): Promise<number> {
  const runAs = chooseRunAs(s, ctx);
  const args = opts.secretStdin ? substituteSecret(opts.words, await readSecret(ctx)) : opts.words;
  const vmArgsText = readTextIfPresent(s.vmArgs);
  const inetrcExists = existsSync(inetrcPath(s));
  const transport = chooseTransport(s, opts.transport, vmArgsText);
  if (opts.dryRun) {
    ctx.stdout.write(
      transport === 'native'
        ? `transport: native (ejctl speaks Erlang distribution itself: no process is started; the erl plan below is the fallback for nodes older than OTP 23)\n`
        : 'transport: erl\n',
    );
    ctx.stdout.write(describePlan(buildControlLaunch(s, { args, cookie: undefined, runAs, vmArgsText, inetrcExists })));
    return Exit.ok;
  }
  const cookie = readCookie(s, ctx.uid);
  ensureSpoolDir(s, runAs);
  const viaErl = () => forwardErl(ctx, s, { args, cookie, runAs, vmArgsText, inetrcExists });
  // The native transport (src/native, docs/native.md) is loaded only when used.
  const code =
    transport === 'native'
      ? await (
          await import('../native/forward.js')
        ).forwardNative(ctx, s, args, cookie, s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS, {
          fallback: viaErl,
          rereadCookie: () => tryReadCookie(s, ctx.uid),
        })
      : await viaErl();
  if (code === Exit.ejabberdUsage || code === Exit.unreachable) ctx.stdout.write(ejabberdctlHelp(s));
  return code;
}

async function forwardErl(ctx: Ctx, s: Settings, req: Parameters<typeof buildControlLaunch>[1]): Promise<number> {
  const outcome = await runPlan(buildControlLaunch(s, req));
  if (outcome.kind !== 'exited') {
    throw new EjctlError(`the Erlang control node ${describeOutcome(outcome)}`, Exit.unreachable);
  }
  if (outcome.code === Exit.unreachable) ctx.stderr.write(`${await diagnoseUnreachable(s, ctx.env)}\n`);
  return outcome.code;
}

/** The cookie file's current content, or nothing when it cannot be used now. */
function tryReadCookie(s: Settings, uid: number): string | undefined {
  try {
    return readCookie(s, uid);
  } catch {
    return undefined;
  }
}
