/**
 * Any command ejctl does not handle itself goes to the ejabberd node, as ejabberdctl sends it.
 * The native transport (the default) is imported statically; the erl control node's modules are
 * loaded only when that transport is used.
 */
import { readVmArgs } from '../system/files.js';
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { describeOrigin, type Settings } from '../config/settings.js';
import { readCookie } from '../cookie/read.js';
import { nextCookies } from '../cookie/staged.js';
import { RPC_TIMEOUT_MS } from '../erl/erlArgs.js';
import { chooseRunAs } from '../runAs.js';
import { ensureSpoolDir } from '../system/spool.js';
import { Exit } from '../errors.js';
import { chooseTransport } from '../native/choose.js';
import { wantsDiagnosis } from '../diagnose.js';
import { forwardNative } from '../native/forward.js';
import { describeNativePlan } from './nativePlan.js';
// Static, small: printed whenever the node is down (exit 3), which monitoring checks see often.
import { ejabberdctlHelp } from '../ctlHelp.js';

export async function forwardCommand(ctx: Ctx, opts: GlobalOptions, s: Settings): Promise<number> {
  const vmArgsText = readVmArgs(s.vmArgs);
  const transport = chooseTransport(s, opts.transport, vmArgsText);
  if (opts.verbose) ctx.stderr.write(`ejctl: transport ${transport} ${whyTransport(s, opts.transport, transport)}\n`);
  const runAs = chooseRunAs(s, ctx);
  const args = opts.secretStdin ? await withSecret(ctx, opts.words) : opts.words;
  const erl = () => import('../erl/forwardErl.js');
  const timeout = s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS;
  if (opts.dryRun) {
    // The plan of the transport that would be used; the erl launch only when erl is that transport.
    if (transport === 'native') ctx.stdout.write(describeNativePlan(s, args, timeout, ctx.env));
    else ctx.stdout.write(`transport: erl\n${(await erl()).describeControlPlan(ctx, s, { args, cookie: undefined })}`);
    return Exit.ok;
  }
  const cookie = readCookie(s, ctx.uid);
  await ensureSpoolDir(s, runAs, ctx);
  // Refused by a node a rotation has switched: the staged cookie, or the file read again.
  const next = () => nextCookies(s, ctx.uid).find((c) => c !== cookie);
  const diagnose = wantsDiagnosis(ctx, opts.verbose);
  const viaErl = async () => (await erl()).forwardErl(ctx, s, { args, cookie, nextCookie: next() }, diagnose);
  const code =
    transport === 'native'
      ? await forwardNative(ctx, s, args, cookie, timeout, {
          fallback: () => {
            if (opts.verbose) ctx.stderr.write('ejctl: the node is older than OTP 23: transport erl instead (fallback)\n');
            return viaErl();
          },
          rereadCookie: next,
          diagnose,
        })
      : await viaErl();
  if (code === Exit.ejabberdUsage || code === Exit.unreachable) ctx.stdout.write(ejabberdctlHelp(s));
  return code;
}

/** For --verbose: where the transport choice came from. */
function whyTransport(s: Settings, flag: string | undefined, chosen: string): string {
  if (flag !== undefined) return '(from --transport)';
  if (s.transport !== undefined) return `(EJCTL_TRANSPORT ${describeOrigin(s.origins.EJCTL_TRANSPORT)})`;
  return chosen === 'native'
    ? '(auto: plain TCP distribution, which ejctl speaks itself: no Erlang VM is started)'
    : "(auto: the node's VM arguments need an Erlang control node: TLS distribution, another EPMD module, or IPv6)";
}

/** The words with the secret read from stdin (or a prompt) where one is `@SECRET@`. */
export async function withSecret(ctx: Ctx, words: string[]): Promise<string[]> {
  const { readSecret, substituteSecret } = await import('../secret.js');
  return substituteSecret(words, await readSecret(ctx));
}
