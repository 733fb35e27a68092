/** `ping [NODE]`: pong or pang, from a control node that gets the cookie on stdin. */
import type { Ctx } from '../../context.js';
import type { GlobalOptions } from '../../argv.js';
import { settingsFor } from '../../config/settingsFor.js';
import { parseNodeName } from '../../config/validate.js';
import { readCookie } from '../../cookie/read.js';
import { buildControlLaunch } from '../../erl/controlLaunch.js';
import { describePlan } from '../../run/plan.js';
import { runPlan } from '../../run/runner.js';
import { chooseRunAs } from '../../runAs.js';
import { ensureSpoolDir } from '../../system/spool.js';
import { Exit, usageError } from '../../errors.js';
import { exitCodeOf } from './launch.js';
import { controlSetup, warnControl } from '../../erl/controlSetup.js';
import { parseLifecycleOptions } from './options.js';
import { PING_SCRIPT } from './scripts.js';

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  const o = parseLifecycleOptions(ctx, opts.words, { argument: '[node]', description: 'Send ping to the node, returns pong or pang' });
  if (o.done !== undefined) return o.done;
  const s = settingsFor(ctx, opts);
  const peer = o.args[0] ?? s.node;
  const peerName = parseNodeName(peer);
  if (typeof peerName === 'string') throw usageError(`ping: ${peerName}`);
  // The -sname/-name choice follows the pinged node, as in ejabberdctl.
  const target = { ...s, node: peer, nodeName: peerName };
  const runAs = chooseRunAs(s, ctx);
  const setup = controlSetup(ctx, s);
  warnControl(ctx, setup);
  const request = { args: [], ...setup, script: PING_SCRIPT };
  if (opts.dryRun) {
    ctx.stdout.write(describePlan(buildControlLaunch(target, { ...request, cookie: undefined })));
    return Exit.ok;
  }
  const cookie = readCookie(s, ctx.uid);
  await ensureSpoolDir(s, runAs, ctx);
  return exitCodeOf(await runPlan(buildControlLaunch(target, { ...request, cookie })), 'the Erlang control node');
}
