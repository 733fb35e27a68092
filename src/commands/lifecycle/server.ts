/**
 * `start`, `foreground`, `foreground-quiet`, `live`: the ejabberd node itself, launched as
 * ejabberdctl launches it, as INSTALLUSER, with its cookie read by the node from its HOME.
 */
import type { Ctx } from '../../context.js';
import type { GlobalOptions } from '../../argv.js';
import { settingsFor } from '../../config/settingsFor.js';
import type { Settings } from '../../config/settings.js';
import { buildServerLaunch, type ServerMode } from '../../erl/serverLaunch.js';
import { describePlan } from '../../run/plan.js';
import { runPlan, type RunOptions } from '../../run/runner.js';
import { chooseRunAs } from '../../runAs.js';
import { ensureSpoolDir } from '../../system/spool.js';
import { Exit } from '../../errors.js';
import { readEjabberdYml } from '../../system/files.js';
import { assertNodeCanReadCookie, assertNotRoot, checkStart } from './checks.js';
import { exitCodeOf, launchFiles } from './launch.js';
import { parseLifecycleOptions } from './options.js';
import { waitRegistered } from './registered.js';
import { LIVE_WARNING, showWarning } from './warnings.js';

const DESCRIPTIONS: Record<ServerMode, string> = {
  start: 'Start in server mode',
  foreground: 'Start in server mode (attached)',
  'foreground-quiet': 'Start in server mode (attached), show only critical messages',
  live: 'Start in interactive mode, with Erlang shell',
};

/**
 * How ejctl waits: every node runs in its own session, so Ctrl-C reaches ejctl only; for an
 * attached node it is passed on as SIGTERM (ejabberd stops cleanly; SIGINT would end the VM at
 * once). A live shell has a terminal of its own: Ctrl-C typed there reaches it as a key, and
 * signals sent to ejctl are passed on as they are.
 */
const RUN_OPTIONS: Record<ServerMode, RunOptions> = {
  start: {},
  foreground: { forwardSignals: { SIGINT: 'SIGTERM' } },
  'foreground-quiet': { forwardSignals: { SIGINT: 'SIGTERM' } },
  live: { forwardSignals: true },
};

export async function launchServer(ctx: Ctx, opts: GlobalOptions, mode: ServerMode): Promise<number> {
  const o = parseLifecycleOptions(ctx, opts.words, { allowRoot: true, description: DESCRIPTIONS[mode] });
  if (o.done !== undefined) return o.done;
  return startServer(ctx, settingsFor(ctx, opts), mode, { allowRoot: o.allowRoot, dryRun: opts.dryRun });
}

/** The launch itself, once the settings are known (also the start half of `restart-vm`). */
export async function startServer(ctx: Ctx, s: Settings, mode: ServerMode, o: { allowRoot: boolean; dryRun: boolean }): Promise<number> {
  const runAs = chooseRunAs(s, ctx);
  assertNotRoot(runAs, ctx, o.allowRoot);
  const plan = buildServerLaunch(s, { mode, runAs, ...launchFiles(s), ymlText: readEjabberdYml(s.ejabberdConfigPath), now: new Date() });
  if (o.dryRun) {
    ctx.stdout.write(describePlan(plan));
    return Exit.ok;
  }
  assertNodeCanReadCookie(s, runAs, ctx);
  await ensureSpoolDir(s, runAs, ctx);
  if (mode === 'live') showWarning(ctx, s.bypassWarnings, LIVE_WARNING);
  await checkStart(s, ctx.env);
  const code = exitCodeOf(await runPlan(plan, RUN_OPTIONS[mode]), 'the ejabberd node');
  // A detached start returns before the node exists: wait until it is registered (registered.ts).
  if (mode === 'start' && code === Exit.ok) await waitRegistered(ctx, s);
  return code;
}

export const start = (ctx: Ctx, opts: GlobalOptions) => launchServer(ctx, opts, 'start');
export const foreground = (ctx: Ctx, opts: GlobalOptions) => launchServer(ctx, opts, 'foreground');
export const foregroundQuiet = (ctx: Ctx, opts: GlobalOptions) => launchServer(ctx, opts, 'foreground-quiet');
export const live = (ctx: Ctx, opts: GlobalOptions) => launchServer(ctx, opts, 'live');
