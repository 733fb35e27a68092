/** Who ejctl's child processes run as, with ejabberdctl's rules (exit 7 for anyone else). */
import { accessSync, chownSync, constants, mkdirSync, statSync } from 'node:fs';
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

/** ejabberdctl creates the spool dir when missing and enters it; exit 6 when it cannot. */
export function ensureSpoolDir(s: Pick<Settings, 'spoolDir'>, runAs: LaunchPlan['user']): void {
  try {
    if (!exists(s.spoolDir)) {
      mkdirSync(s.spoolDir, { recursive: true, mode: 0o700 });
      if (runAs) chownSync(s.spoolDir, runAs.uid, runAs.gid);
    }
    if (!statSync(s.spoolDir).isDirectory()) throw new Error('not a directory');
    accessSync(s.spoolDir, constants.X_OK);
  } catch {
    throw new EjctlError(`ERROR: can not access directory ${s.spoolDir}`, Exit.spoolDir, {
      toStdout: true,
      hint: 'Set SPOOL_DIR in ejabberdctl.cfg or pass --spool DIR.',
    });
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
