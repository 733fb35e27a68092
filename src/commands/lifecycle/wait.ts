/**
 * `started` / `stopped`: wait until the node is up / down. ejabberdctl boots a VM every 2 s for
 * this; ejctl boots one VM for `started` (it polls over its connection) and none for `stopped`
 * (the node is down when EPMD no longer knows its name and no VM of that name runs here).
 */
import type { Ctx } from '../../context.js';
import type { GlobalOptions } from '../../argv.js';
import { settingsFor } from '../../config/settingsFor.js';
import type { Settings } from '../../config/settings.js';
import { readCookie } from '../../cookie/read.js';
import { buildControlLaunch } from '../../erl/controlLaunch.js';
import { describePlan } from '../../run/plan.js';
import { runPlan } from '../../run/runner.js';
import { chooseRunAs } from '../../runAs.js';
import { ensureSpoolDir } from '../../system/spool.js';
import { epmdNames, epmdPort } from '../../system/epmd.js';
import { Exit } from '../../errors.js';
import { portOpen } from '../../diagnose.js';
import { exitCodeOf } from './launch.js';
import { withProgress } from '../../progress.js';
import { controlSetup, warnControl } from '../../erl/controlSetup.js';
import { parseLifecycleOptions } from './options.js';
import { findBeams } from '../../system/procs.js';
import { STARTED_SCRIPT } from './scripts.js';

const POLL_MS = 1000;

export async function started(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  const o = parseLifecycleOptions(ctx, opts.words, { timeout: true, description: 'Wait for the node to fully start' });
  if (o.done !== undefined) return o.done;
  return waitStarted(ctx, settingsFor(ctx, opts), o.timeout, opts.dryRun);
}

/** Polls over one control VM until the node answers `started`; exit 1 after `timeout` seconds. */
export async function waitStarted(ctx: Ctx, s: Settings, timeout: number, dryRun: boolean): Promise<number> {
  const runAs = chooseRunAs(s, ctx);
  const setup = controlSetup(ctx, s);
  warnControl(ctx, setup);
  const request = { args: [], ...setup, script: STARTED_SCRIPT, timeoutMs: timeout * 1000 };
  if (dryRun) {
    ctx.stdout.write(describePlan(buildControlLaunch(s, { ...request, cookie: undefined })));
    return Exit.ok;
  }
  const cookie = readCookie(s, ctx.uid);
  await ensureSpoolDir(s, runAs, ctx);
  const plan = buildControlLaunch(s, { ...request, cookie });
  const code = await withProgress(
    ctx,
    `Waiting for ${s.node} to start`,
    runPlan(plan).then((r) => exitCodeOf(r, 'the Erlang control node')),
  );
  if (code === Exit.error) ctx.stderr.write(`ejctl: ${s.node} did not answer 'started' within ${timeout} s\n`);
  return code;
}

export async function stopped(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  const o = parseLifecycleOptions(ctx, opts.words, { timeout: true, description: 'Wait for the node to fully stop' });
  if (o.done !== undefined) return o.done;
  return waitStopped(ctx, settingsFor(ctx, opts), o.timeout, opts.dryRun);
}

/** Polls EPMD (or ERL_DIST_PORT) and /proc until the node is down; exit 1 after `timeout` seconds. */
export async function waitStopped(
  ctx: Pick<Ctx, 'env' | 'now' | 'stdout' | 'stderr'>,
  s: Settings,
  timeout: number,
  dryRun: boolean,
): Promise<number> {
  if (dryRun) {
    ctx.stdout.write(
      `no process: ejctl polls ${s.erlDistPort === undefined ? `EPMD on ${s.nodeName.host}` : `${s.nodeName.host}:${s.erlDistPort}`} and /proc every ${POLL_MS} ms for ${timeout} s\n`,
    );
    return Exit.ok;
  }
  const deadline = ctx.now() + timeout * 1000;
  const poll = async (): Promise<number> => {
    for (;;) {
      if (await isDown(s, ctx.env)) return Exit.ok;
      if (ctx.now() >= deadline) return Exit.error;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const code = await withProgress(ctx, `Waiting for ${s.node} to stop`, poll());
  if (code === Exit.error) ctx.stderr.write(`ejctl: ${s.node} was still up after ${timeout} s\n`);
  return code;
}

/** Down: its name is gone from EPMD (or its ERL_DIST_PORT refuses), and no local VM has its name. */
export async function isDown(s: Pick<Settings, 'node' | 'nodeName' | 'erlDistPort'>, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (findBeams(s.node).length > 0) return false;
  if (s.erlDistPort !== undefined) return !(await portOpen(s.nodeName.host, s.erlDistPort));
  const answer = await epmdNames(s.nodeName.host, epmdPort(env));
  return !answer.ok || !answer.names.some((n) => n.name === s.nodeName.name);
}
