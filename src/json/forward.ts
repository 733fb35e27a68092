/**
 * `ejctl --json COMMAND ARGS...`: the command's result as ejabberd's HTTP API would answer it,
 * one JSON value on stdout, and the exit code ejabberdctl would give (docs/json.md). Loaded only
 * with --json; the erl transport's modules only when that transport is used.
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import type { Settings } from '../config/settings.js';
import { withSecret } from '../commands/forward.js';
import { readCookie } from '../cookie/read.js';
import { RPC_TIMEOUT_MS } from '../erl/erlArgs.js';
import { chooseTransport } from '../native/choose.js';
import { describeOpenFailure } from '../native/diagnose.js';
import { openSession } from '../native/open.js';
import type { Timeout } from '../native/session.js';
import { chooseRunAs } from '../runAs.js';
import { readVmArgs } from '../system/files.js';
import { ensureSpoolDir } from '../system/spool.js';
import { runJsonCommand, type JsonOutcome, type JsonRequest } from './call.js';
import { unreachableOutcome } from './errors.js';
import { stringifyJson } from './jiffy.js';
import { nativeRemote } from './remoteNative.js';
import { Unreachable, type Remote } from './remote.js';
import { readJsonWords } from './words.js';

type Out = Pick<Ctx, 'stdout' | 'stderr' | 'env' | 'uid' | 'files'>;

export async function forwardJson(ctx: Ctx, opts: GlobalOptions, s: Settings): Promise<number> {
  const words = opts.secretStdin ? await withSecret(ctx, opts.words) : opts.words;
  const read = readJsonWords(words);
  if (!read.ok) return print(ctx, read);
  const transport = chooseTransport(s, opts.transport, readVmArgs(s.vmArgs));
  if (opts.verbose) ctx.stderr.write(`ejctl: transport ${transport}\n`);
  const timeout: Timeout = s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS;
  const cookie = readCookie(s, ctx.uid);
  await ensureSpoolDir(s, chooseRunAs(s, ctx), ctx);
  const outcome =
    transport === 'native' ? await viaNative(ctx, s, cookie, timeout, read.req) : await viaErl(ctx, s, cookie, timeout, read.req);
  return print(ctx, outcome);
}

function print(ctx: Pick<Ctx, 'stdout' | 'stderr'>, o: JsonOutcome): number {
  ctx.stdout.write(`${stringifyJson(o.body)}\n`);
  if (o.note !== undefined) ctx.stderr.write(`${o.note}\n`);
  return o.exitCode;
}

async function viaNative(ctx: Out, s: Settings, cookie: string, timeout: Timeout, req: JsonRequest): Promise<JsonOutcome> {
  const opened = await openSession(s, cookie, ctx.env);
  if (!opened.ok) {
    if (opened.failure.kind === 'old-node') return viaErl(ctx, s, cookie, timeout, req);
    return unreachable(s, 'nodedown', await describeOpenFailure(s, opened.failure));
  }
  try {
    return await runOn(
      s,
      nativeRemote(opened.session, timeout, (b) => ctx.stderr.write(b)),
      req,
    );
  } finally {
    opened.session.close();
  }
}

async function viaErl(ctx: Out, s: Settings, cookie: string, timeout: Timeout, req: JsonRequest): Promise<JsonOutcome> {
  const { openErlRemote } = await import('./remoteErl.js');
  const { remote, close } = await openErlRemote(ctx, s, cookie, timeout);
  try {
    if (!remote) return unreachable(s, 'nodedown', (await import('../diagnose.js')).diagnoseUnreachable(s, ctx.env));
    return await runOn(s, remote, req);
  } finally {
    await close();
  }
}

async function runOn(s: Settings, remote: Remote, req: JsonRequest): Promise<JsonOutcome> {
  try {
    return await runJsonCommand(remote, req);
  } catch (err) {
    if (err instanceof Unreachable) return unreachable(s, err.reason, `ejctl: the node ${s.node} did not answer (${err.reason})`);
    throw err;
  }
}

async function unreachable(s: Settings, reason: string, why: string | Promise<string>): Promise<JsonOutcome> {
  return unreachableOutcome(s.node, reason, await why);
}
