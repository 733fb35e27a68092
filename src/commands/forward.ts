/**
 * Any command ejctl does not handle itself goes to the ejabberd node, as ejabberdctl sends it.
 * The native transport (the default) is imported statically; the erl control node's modules are
 * loaded only when that transport is used.
 */
import { readVmArgs } from '../system/files.js';
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import type { Settings } from '../config/settings.js';
import { readCookie } from '../cookie/read.js';
import { RPC_TIMEOUT_MS } from '../erl/erlArgs.js';
import { chooseRunAs } from '../runAs.js';
import { ensureSpoolDir } from '../system/spool.js';
import { Exit } from '../errors.js';
import { chooseTransport } from '../native/choose.js';
import { forwardNative } from '../native/forward.js';

export async function forwardCommand(ctx: Ctx, opts: GlobalOptions, s: Settings): Promise<number> {
  const vmArgsText = readVmArgs(s.vmArgs);
  const transport = chooseTransport(s, opts.transport, vmArgsText);
  const runAs = chooseRunAs(s, ctx);
  const args = opts.secretStdin ? await withSecret(ctx, opts.words) : opts.words;
  const erl = () => import('../erl/forwardErl.js');
  if (opts.dryRun) {
    ctx.stdout.write(
      transport === 'native'
        ? `transport: native (ejctl speaks Erlang distribution itself: no process is started; the erl plan below is the fallback for nodes older than OTP 23)\n`
        : 'transport: erl\n',
    );
    ctx.stdout.write((await erl()).describeControlPlan(ctx, s, { args, cookie: undefined }));
    return Exit.ok;
  }
  const cookie = readCookie(s, ctx.uid);
  await ensureSpoolDir(s, runAs, ctx);
  const viaErl = async () => (await erl()).forwardErl(ctx, s, { args, cookie });
  const code =
    transport === 'native'
      ? await forwardNative(ctx, s, args, cookie, s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS, {
          fallback: viaErl,
          rereadCookie: () => tryReadCookie(s, ctx.uid),
        })
      : await viaErl();
  if (code === Exit.ejabberdUsage || code === Exit.unreachable) ctx.stdout.write((await import('../ctlHelp.js')).ejabberdctlHelp(s));
  return code;
}

async function withSecret(ctx: Ctx, words: string[]): Promise<string[]> {
  const { readSecret, substituteSecret } = await import('../secret.js');
  return substituteSecret(words, await readSecret(ctx));
}

/** The cookie file's current content, or nothing when it cannot be used now. */
function tryReadCookie(s: Settings, uid: number): string | undefined {
  try {
    return readCookie(s, uid);
  } catch {
    return undefined;
  }
}
