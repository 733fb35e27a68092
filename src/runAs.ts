/** Who ejctl's child processes run as, with ejabberdctl's rules (exit 7 for anyone else); control nodes never as root. */
import type { Ctx } from './context.js';
import type { Settings } from './config/settings.js';
import type { LaunchPlan } from './run/plan.js';
import { configError, EjctlError, Exit } from './errors.js';
import { lookupUser } from './system/users.js';

/** ejabberdctl's refusal of any other user, word for word (on stderr, exit 7). */
export function wrongUserError(installUser: string): EjctlError {
  return new EjctlError(`ERROR: This command can only be run by root or the user ${installUser}`, Exit.wrongUser);
}

/** INSTALLUSER when ejctl runs as root; nobody else when ejctl already runs as that user. */
export function chooseRunAs(s: Pick<Settings, 'installUser'>, ctx: Pick<Ctx, 'uid'>): LaunchPlan['user'] {
  const user = s.installUser;
  if (!user || ctx.uid === user.uid) return undefined;
  if (ctx.uid === 0) return { name: user.name, uid: user.uid, gid: user.gid };
  throw wrongUserError(user.name);
}

/** The account a control node runs as when neither INSTALLUSER nor ejctl's own user may: never root. */
export const CONTROL_FALLBACK_USER = 'nobody';

/**
 * Whom a control node (a throw-away VM that only talks to the node) runs as: INSTALLUSER when
 * ejctl runs as root, ejctl's own user when that is not root, else an unprivileged account
 * (nobody). It needs nothing but the cookie, which it gets on stdin.
 */
export function chooseControlUser(s: Pick<Settings, 'installUser'>, ctx: Pick<Ctx, 'uid' | 'files'>): LaunchPlan['user'] {
  const runAs = chooseRunAs(s, ctx);
  if ((runAs?.uid ?? ctx.uid) !== 0) return runAs;
  const fallback = lookupUser(ctx.files, CONTROL_FALLBACK_USER);
  if (!fallback || fallback.uid === 0) {
    throw configError(
      `INSTALLUSER is ${s.installUser ? 'root' : 'empty'} and there is no user '${CONTROL_FALLBACK_USER}' in ${ctx.files.passwd}: ejctl runs no Erlang control node as root`,
      'Set INSTALLUSER in ejabberdctl.cfg to the unprivileged user ejabberd runs as.',
    );
  }
  return { name: fallback.name, uid: fallback.uid, gid: fallback.gid };
}
