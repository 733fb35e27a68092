/**
 * Everything wrong with a cookie file, and which file OTP itself would read for the node's user:
 * used by `ejctl cookie check` and by the audit. Reads the cookie but never returns it.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { cookieFingerprint } from './fingerprint.js';
import { inspectCookieFile, type CookieProblem } from './inspect.js';
import { ownerPolicy } from './read.js';

export interface CookieCheck {
  path: string;
  problems: CookieProblem[];
  /** The file OTP would read for the node's user, when it is not the one checked. */
  otpWouldRead?: string;
  /** Present when the cookie could be read: safe to show, it reveals nothing. */
  fingerprint?: string;
}

export function checkCookie(settings: Pick<Settings, 'cookieFile' | 'installUser'>, ctx: Pick<Ctx, 'uid' | 'env'>): CookieCheck {
  const path = resolve(settings.cookieFile);
  const inspection = inspectCookieFile(path, ownerPolicy(settings, ctx.uid));
  const result: CookieCheck = { path, problems: inspection.problems };
  if (inspection.cookie !== undefined) result.fingerprint = cookieFingerprint(inspection.cookie);
  const otp = otpCookiePath(settings, ctx);
  if (otp !== undefined && otp !== path) result.otpWouldRead = otp;
  return result;
}

/**
 * OTP 25 (kernel auth.erl) reads $HOME/.erlang.cookie when it exists, else
 * $XDG_CONFIG_HOME/erlang/.erlang.cookie when that exists, else creates the first (read with
 * file:raw_read_file_info, which follows symlinks). The node runs
 * as INSTALLUSER with the HOME of its passwd entry; our own environment only counts when ejctl
 * runs as that user (or there is none).
 */
export function otpCookiePath(settings: Pick<Settings, 'installUser'>, ctx: Pick<Ctx, 'uid' | 'env'>): string | undefined {
  const user = settings.installUser;
  const ownEnv = !user || user.uid === ctx.uid;
  const home = ownEnv ? (ctx.env.HOME ?? user?.home) : user.home;
  if (!home) return undefined;
  const inHome = join(home, '.erlang.cookie');
  const configHome = (ownEnv ? ctx.env.XDG_CONFIG_HOME : undefined) || join(home, '.config');
  const inXdg = join(configHome, 'erlang', '.erlang.cookie');
  if (exists(inHome) || !exists(inXdg)) return resolve(inHome);
  return resolve(inXdg);
}

/** As OTP asks (raw_read_file_info follows links): only "no such file" moves it on. */
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
