/**
 * `ejctl restart-vm`: a new VM with the current cfg and cookie: stop, wait until down, start,
 * wait until started. ejabberd's own `restart` (forwarded, unchanged) restarts ejabberd inside the
 * running VM, which keeps the distribution settings and cookie it booted with; what setup and the
 * audit change is read at boot only. docs/lifecycle.md says why the name.
 *
 * The cookie: when the file was replaced under the running node (setup, `cookie import --force`),
 * the node still runs on the old one, kept as `COOKIE_FILE.bak-*`. The stop is sent with the
 * first cookie the node accepts (one handshake each): the file's, then its backups, newest first.
 */
import { Writable } from 'node:stream';
import type { Ctx } from '../../context.js';
import type { GlobalOptions } from '../../argv.js';
import { settingsFor } from '../../config/settingsFor.js';
import type { Settings } from '../../config/settings.js';
import { listCookieBackups } from '../../cookie/backups.js';
import { probeNodeCookie } from '../../cookie/live.js';
import { readCookie } from '../../cookie/read.js';
import { findBeams } from '../../system/procs.js';
import { serviceUnitOf } from '../../system/serviceUnit.js';
import { EjctlError, Exit } from '../../errors.js';
import { forwardCommand } from '../forward.js';
import { parseLifecycleOptions } from './options.js';
import { startServer } from './server.js';
import { isDown, waitStarted, waitStopped } from './wait.js';

/** Backups tried after the cookie file: the recent ones are those a running node may still use. */
const MAX_BACKUPS_TRIED = 5;

export async function restartVm(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  const o = parseLifecycleOptions(ctx, opts.words, {
    allowRoot: true,
    timeout: true,
    description: "Stop the node's VM and start a new one with the current ejabberdctl.cfg and cookie (ejabberd's 'restart' keeps the VM)",
  });
  if (o.done !== undefined) return o.done;
  const s = settingsFor(ctx, opts);
  refuseServiceNode(s);
  if (opts.dryRun) return dryRun(ctx, s, o);
  if (await isDown(s, ctx.env)) {
    ctx.stderr.write(`ejctl: ${s.node} is not running: starting it\n`);
  } else {
    await stopNode(ctx, opts, s);
    const down = await waitStopped(ctx, s, o.timeout, false);
    if (down !== Exit.ok) return down;
  }
  const started = await startServer(ctx, s, 'start', { allowRoot: o.allowRoot, dryRun: false });
  if (started !== Exit.ok) return started;
  const up = await waitStarted(ctx, s, o.timeout, false);
  if (up === Exit.ok) ctx.stdout.write(`${s.node} runs in a new VM, with the current ${s.ctlConfigPath} and cookie\n`);
  return up;
}

/**
 * A node that systemd runs is restarted by systemd: stopping it here would leave its unit
 * "inactive" while the new VM runs outside it, in ejctl's own session, where `systemctl stop`
 * and the unit's restart policy never reach it.
 */
function refuseServiceNode(s: Settings): void {
  const unit = findBeams(s.node)
    .map((b) => serviceUnitOf(b.pid))
    .find((u) => u !== undefined);
  if (unit === undefined) return;
  throw new EjctlError(
    `${s.node} runs in the systemd service ${unit}: restart-vm would start the new VM outside it, where systemd no longer manages it; nothing was stopped`,
    Exit.error,
    { hint: `Restart it with systemd, which starts a new VM with the current cfg and cookie: systemctl restart ${unit}` },
  );
}

async function dryRun(ctx: Ctx, s: Settings, o: { timeout: number; allowRoot: boolean }): Promise<number> {
  ctx.stdout.write(
    `1. stop: ejabberd's 'stop', sent with the first cookie ${s.node} accepts: ${s.cookieFile}, then its backups (.bak-*), newest first\n2. wait until it is down: `,
  );
  await waitStopped(ctx, s, o.timeout, true);
  ctx.stdout.write('3. start:\n');
  await startServer(ctx, s, 'start', { allowRoot: o.allowRoot, dryRun: true });
  ctx.stdout.write(`4. wait until it answers 'started' (at most ${o.timeout} s):\n`);
  return waitStarted(ctx, s, o.timeout, true);
}

/** Sends `stop` with the cookie the node runs on; what it prints goes to stderr only on failure. */
async function stopNode(ctx: Ctx, opts: GlobalOptions, s: Settings): Promise<void> {
  const cookieFile = await cookieTheNodeTakes(ctx, s);
  if (cookieFile === undefined) return; // it went down meanwhile
  if (cookieFile !== s.cookieFile) {
    ctx.stderr.write(`ejctl: ${s.node} still runs on the previous cookie (${cookieFile}): stopping it with that one\n`);
  }
  let said = '';
  const stdout = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      said += chunk.toString();
      done();
    },
  });
  const code = await forwardCommand({ ...ctx, stdout }, { ...opts, secretStdin: false, words: ['stop'] }, { ...s, cookieFile });
  if (code !== Exit.ok) {
    ctx.stderr.write(said.split('\n')[0] ? `${said.split('\n')[0]}\n` : '');
    throw new EjctlError(`${s.node} did not accept 'stop' (exit ${code}); nothing was started`, code);
  }
}

/** The cookie file whose cookie the running node accepts; undefined when the node is down. */
async function cookieTheNodeTakes(ctx: Pick<Ctx, 'uid' | 'env'>, s: Settings): Promise<string | undefined> {
  const backups = listCookieBackups(s.cookieFile)
    .filter((b) => b.regular)
    .slice(0, MAX_BACKUPS_TRIED)
    .map((b) => b.path);
  for (const path of [s.cookieFile, ...backups]) {
    let cookie: string;
    try {
      cookie = readCookie({ ...s, cookieFile: path }, ctx.uid);
    } catch {
      continue; // an unusable backup: not the node's cookie
    }
    const answer = await probeNodeCookie(s, cookie, ctx.env);
    if (answer === 'down') return undefined;
    if (answer === 'accepts') return path;
    if (answer === 'unknown') return s.cookieFile; // no verdict (an old node): let the forward say what happens
  }
  throw new EjctlError(
    `${s.node} is running but accepts neither the cookie in ${s.cookieFile} nor its backups; nothing was stopped`,
    Exit.unreachable,
    { hint: `Stop it with the cookie it runs on (ejctl --cookie-file FILE stop), then: ejctl restart-vm` },
  );
}
