/** `debug`, `etop`, `iexdebug`, `iexlive`: interactive VMs on a terminal of their own, relayed by ejctl. */
import { existsSync, readdirSync } from 'node:fs';
import type { Ctx } from '../../context.js';
import type { GlobalOptions } from '../../argv.js';
import { settingsFor } from '../../config/settingsFor.js';
import type { Settings } from '../../config/settings.js';
import { ERL_LIBS, IEX } from '../../erl/erlArgs.js';
import { controlWarnings } from '../../erl/controlLaunch.js';
import { describePlan, type LaunchPlan } from '../../run/plan.js';
import { runPlan } from '../../run/runner.js';
import { chooseRunAs } from '../../runAs.js';
import { ensureSpoolDir } from '../../system/spool.js';
import { EjctlError, Exit } from '../../errors.js';
import { readEjabberdYml } from '../../system/files.js';
import { assertNodeCanReadCookie, assertNotRoot, checkStart } from './checks.js';
import { exitCodeOf, launchFiles } from './launch.js';
import { parseLifecycleOptions } from './options.js';
import { buildDebugLaunch, buildEtopLaunch, buildIexDebugLaunch, buildIexLiveLaunch, type ShellRequest } from './shellLaunch.js';
import { DEBUG_WARNING, LIVE_WARNING, showWarning } from './warnings.js';

/** sysexits EX_UNAVAILABLE: a program ejctl needs (Elixir's iex) is not installed. */
export const EXIT_UNAVAILABLE = Exit.unavailable;

interface Shell {
  description: string;
  build: (s: Settings, req: ShellRequest) => LaunchPlan;
  warning?: readonly string[];
  /** iexlive starts the ejabberd node: the server's checks apply. */
  server?: boolean;
  /** Throws when a program or application the shell needs is not installed. */
  requires?: (shell: Shell) => void;
}

function requireIex(shell: Shell): void {
  if (existsSync(IEX)) return;
  throw new EjctlError(`this command needs Elixir's shell ${IEX}, which is not installed`, EXIT_UNAVAILABLE, {
    hint: `Install Elixir (e.g. apt-get install elixir), or use ejctl ${shell.server ? 'live' : 'debug'} for an Erlang shell.`,
  });
}

/** etop is part of Erlang's observer application, a separate package on Debian. */
function requireObserver(): void {
  const dirs = [ERL_ROOT_LIB, ERL_LIBS];
  if (dirs.some((d) => listDir(d).some((name) => name.startsWith('observer-')))) return;
  throw new EjctlError(
    `etop needs Erlang's observer application, which is not installed (no observer-* in ${dirs.join(' or ')})`,
    EXIT_UNAVAILABLE,
    {
      hint: 'Install it (Debian: apt-get install erlang-observer).',
    },
  );
}

const ERL_ROOT_LIB = '/usr/lib/erlang/lib';

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function runShell(ctx: Ctx, opts: GlobalOptions, shell: Shell): Promise<number> {
  const o = parseLifecycleOptions(ctx, opts.words, { allowRoot: shell.server === true, description: shell.description });
  if (o.done !== undefined) return o.done;
  const s = settingsFor(ctx, opts);
  const runAs = chooseRunAs(s, ctx);
  if (shell.server) assertNotRoot(runAs, ctx, o.allowRoot);
  const files = launchFiles(s);
  const plan = shell.build(s, { runAs, ...files });
  if (!shell.server) for (const w of controlWarnings(s, files.vmArgsText)) ctx.stderr.write(`${w}\n`);
  if (opts.dryRun) {
    ctx.stdout.write(describePlan(plan));
    return Exit.ok;
  }
  shell.requires?.(shell);
  assertNodeCanReadCookie(s, runAs, ctx);
  await ensureSpoolDir(s, runAs, ctx);
  if (shell.warning) showWarning(ctx, s.bypassWarnings, shell.warning);
  if (shell.server) await checkStart(s, ctx.env);
  return exitCodeOf(await runPlan(plan, { forwardSignals: true }), 'the Erlang shell');
}

export const debug = (ctx: Ctx, opts: GlobalOptions) =>
  runShell(ctx, opts, {
    description: 'Attach an interactive Erlang shell to a running node',
    build: buildDebugLaunch,
    warning: DEBUG_WARNING,
  });

export const etop = (ctx: Ctx, opts: GlobalOptions) =>
  runShell(ctx, opts, { description: 'Attach to a running node and start Erlang Top', build: buildEtopLaunch, requires: requireObserver });

export const iexdebug = (ctx: Ctx, opts: GlobalOptions) =>
  runShell(ctx, opts, {
    description: 'Attach an interactive Elixir shell to a running node',
    build: buildIexDebugLaunch,
    warning: DEBUG_WARNING,
    requires: requireIex,
  });

export const iexlive = (ctx: Ctx, opts: GlobalOptions) =>
  runShell(ctx, opts, {
    description: 'Start in interactive mode, with Elixir shell',
    build: (s, req) => buildIexLiveLaunch(s, { ...req, ymlText: readEjabberdYml(s.ejabberdConfigPath), now: new Date() }),
    warning: LIVE_WARNING,
    server: true,
    requires: requireIex,
  });
