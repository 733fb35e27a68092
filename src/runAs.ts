/** Who ejctl's child processes run as, with ejabberdctl's rules (exit 7 for anyone else). */
import type { Ctx } from './context.js';
import type { Settings } from './config/settings.js';
import type { LaunchPlan } from './run/plan.js';
import { EjctlError, Exit } from './errors.js';

/** INSTALLUSER when ejctl runs as root; nobody else when ejctl already runs as that user. */
export function chooseRunAs(s: Pick<Settings, 'installUser'>, ctx: Pick<Ctx, 'uid'>): LaunchPlan['user'] {
  const user = s.installUser;
  if (!user || ctx.uid === user.uid) return undefined;
  if (ctx.uid === 0) return { name: user.name, uid: user.uid, gid: user.gid };
  throw new EjctlError(`ERROR: This command can only be run by root or the user ${user.name}`, Exit.wrongUser, {
    hint: 'Run it with sudo, or as that user (INSTALLUSER in ejabberdctl.cfg names it).',
  });
}
