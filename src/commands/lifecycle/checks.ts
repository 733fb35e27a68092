/**
 * ejabberdctl's checks before it starts the node (check_start), and ejctl's own: never ejabberd as
 * root without --allow-root, and a cookie the node can read by itself from a safe HOME.
 */
import { formatMode } from '../../system/files.js';
import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Ctx } from '../../context.js';
import type { Settings } from '../../config/settings.js';
import type { LaunchPlan } from '../../run/plan.js';
import { readCookie } from '../../cookie/read.js';
import { cookieHome } from '../../erl/serverLaunch.js';
import { epmdNames, epmdPort } from '../../system/epmd.js';
import { configError, cookieError, EjctlError, Exit } from '../../errors.js';
import { findBeams } from '../../system/procs.js';

/** The node registers with the EPMD on the loopback address (OTP's erl_epmd), whatever ERL_EPMD_ADDRESS says. */
export const LOCAL_EPMD_HOST = '127.0.0.1';

/** Exit 4 when the node runs, exit 5 when its name is registered but no VM of that name is here. */
export async function checkStart(s: Pick<Settings, 'erlDistPort' | 'node' | 'nodeName'>, env: NodeJS.ProcessEnv): Promise<void> {
  if (s.erlDistPort !== undefined) return; // no EPMD to ask, as in ejabberdctl
  const answer = await epmdNames(LOCAL_EPMD_HOST, epmdPort(env));
  if (!answer.ok || !answer.names.some((n) => n.name === s.nodeName.name)) return;
  if (findBeams(s.node).length > 0) {
    throw new EjctlError(`ERROR: The ejabberd node '${s.node}' is already running.`, Exit.alreadyRunning, { toStdout: true });
  }
  throw new EjctlError(
    `ERROR: The ejabberd node '${s.node}' is registered,\n       but no related beam process has been found.\nShutdown all other erlang nodes, and call 'epmd -kill'.`,
    Exit.registeredNoBeam,
    { toStdout: true, hint: 'A VM this user cannot see (another PID namespace, or /proc mounted with hidepid) holds the name.' },
  );
}

/** The uid the node will run as. */
export function nodeUid(runAs: LaunchPlan['user'], ctx: Pick<Ctx, 'uid'>): number {
  return runAs?.uid ?? ctx.uid;
}

export function assertNotRoot(runAs: LaunchPlan['user'], ctx: Pick<Ctx, 'uid' | 'stderr'>, allowRoot: boolean): void {
  if (nodeUid(runAs, ctx) !== 0) return;
  if (!allowRoot) {
    throw new EjctlError('ERROR: ejctl does not run ejabberd as root', Exit.wrongUser, {
      hint: 'Set INSTALLUSER in ejabberdctl.cfg to the ejabberd user (it owns the spool, logs and cookie), or pass --allow-root after the command.',
    });
  }
  ctx.stderr.write('WARNING: It is not recommended to run ejabberd as root\n');
}

/**
 * The node reads COOKIE_FILE itself, as HOME/.erlang.cookie: check the file as every command
 * does, and that the node's user owns it (a 0400 file is unreadable to anyone else) and that
 * nobody else can write in that HOME (OTP would run a planted `.erlang` file).
 */
export function assertNodeCanReadCookie(
  s: Pick<Settings, 'cookieFile' | 'installUser'>,
  runAs: LaunchPlan['user'],
  ctx: Pick<Ctx, 'uid'>,
): void {
  const home = cookieHome(s.cookieFile);
  readCookie(s, ctx.uid); // missing, loose, symlinked or malformed: the usual cookie error
  const uid = nodeUid(runAs, ctx);
  const owner = lstatSync(s.cookieFile).uid;
  if (uid !== 0 && owner !== uid) {
    throw cookieError(
      `${s.cookieFile} is owned by uid ${owner}, but the node runs as uid ${uid} and could not read it`,
      `chown ${runAs?.name ?? uid} ${s.cookieFile}`,
    );
  }
  const dir = lstatSync(home);
  if (!dir.isDirectory() || (dir.uid !== 0 && dir.uid !== uid) || (dir.mode & 0o022) !== 0) {
    throw configError(
      `${dirname(s.cookieFile)} (the node's HOME, where its cookie is) must be a directory owned by the node user or root that nobody else can write; it is ${dir.isDirectory() ? `mode ${formatMode(dir.mode)}, uid ${dir.uid}` : 'not a directory'}`,
      `chmod go-w ${home}, or move the cookie into the node user's home.`,
    );
  }
}
