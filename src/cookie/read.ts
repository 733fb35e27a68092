/** Reads the cookie a command needs, refusing one that is unsafe to use. */
import type { Settings } from '../config/settings.js';
import { cookieError } from '../errors.js';
import { inspectCookieFile, type OwnerPolicy } from './inspect.js';

export function ownerPolicy(settings: Pick<Settings, 'installUser'>, currentUid: number): OwnerPolicy {
  const user = settings.installUser;
  if (user) return { allowedUids: [...new Set([user.uid, 0])], allowedText: `${user.name} or root` };
  return currentUid === 0
    ? { allowedUids: [0], allowedText: 'root' }
    : { allowedUids: [currentUid, 0], allowedText: `uid ${currentUid} or root` };
}

export function readCookie(settings: Pick<Settings, 'installUser' | 'cookieFile'>, currentUid: number): string {
  const inspection = inspectCookieFile(settings.cookieFile, ownerPolicy(settings, currentUid));
  const fatal = inspection.problems.filter((p) => p.severity === 'fatal');
  if (fatal.length > 0 || inspection.cookie === undefined) {
    const lines = fatal.map((p) => `  - ${p.message}\n    fix: ${p.fix}`).join('\n');
    throw cookieError(
      `the cookie file cannot be used:\n${lines}`,
      'Set COOKIE_FILE in ejabberdctl.cfg or pass --cookie-file PATH to use another one.',
    );
  }
  return inspection.cookie;
}
