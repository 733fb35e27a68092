/**
 * `cookie init` and `cookie import` share this: decide who owns the file, store the cookie with
 * writeCookieFile, and say what happened in words that never include the cookie.
 */
import { resolve } from 'node:path';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { cookieError } from '../errors.js';
import { chooseRunAs } from '../runAs.js';
import { otpCookiePath } from './check.js';
import { cookieFingerprint } from './fingerprint.js';
import { checkCookieText } from './inspect.js';
import { writeCookieFile, type FileOwner } from './write.js';

export interface StoreRequest {
  cookie: string;
  /** Replace an existing cookie (kept as a backup). */
  force: boolean;
  /** Only say what would be done. */
  dryRun: boolean;
  /** Words for the first line: "Created a new cookie" / "Imported the cookie". */
  verb: string;
}

type StoreSettings = Pick<Settings, 'cookieFile' | 'installUser'>;

/**
 * INSTALLUSER owns the cookie, as the node reads it as that user. Only root may give a file to
 * someone else; anyone else but INSTALLUSER gets ejabberdctl's exit 7.
 */
export function cookieOwner(settings: StoreSettings, ctx: Pick<Ctx, 'uid'>): { owner: FileOwner | undefined; ownerName: string } {
  const runAs = chooseRunAs(settings, ctx);
  if (runAs) return { owner: { uid: runAs.uid, gid: runAs.gid }, ownerName: runAs.name };
  return { owner: undefined, ownerName: settings.installUser?.name ?? (ctx.uid === 0 ? 'root' : `uid ${ctx.uid}`) };
}

export async function storeCookie(
  settings: StoreSettings,
  ctx: Pick<Ctx, 'uid' | 'env' | 'stdout' | 'stderr'>,
  req: StoreRequest,
): Promise<void> {
  const { owner, ownerName } = cookieOwner(settings, ctx);
  const path = resolve(settings.cookieFile);
  if (req.dryRun) {
    ctx.stdout.write(
      `would write ${path} (mode 0400, owner ${ownerName})${req.force ? ', keeping any existing cookie as a 0400 backup' : ''}\n`,
    );
    return;
  }
  const { backupPath } = await writeCookieFile(path, req.cookie, { owner, replace: req.force });
  ctx.stdout.write(`${req.verb} in ${path} (mode 0400, owner ${ownerName})\n`);
  if (backupPath) ctx.stdout.write(`The previous cookie is kept in ${backupPath} (mode 0400)\n`);
  ctx.stdout.write(`Fingerprint: ${cookieFingerprint(req.cookie)}\n`);
  if (backupPath) {
    ctx.stderr.write(
      'ejctl: note: running nodes keep using the old cookie until they restart; to change it on a live cluster use `ejctl cookie rotate`.\n',
    );
  }
  const otp = otpCookiePath(settings, ctx);
  if (otp !== undefined && otp !== path) {
    ctx.stderr.write(
      `ejctl: note: 'ejctl start' points the node at this file; a node started another way (ejabberdctl, a service unit) as ${ownerName} reads ${otp}.\n`,
    );
  }
}

/**
 * A cookie from outside (`cookie import`): what Erlang would refuse is refused; a weak one only
 * with --allow-weak, because joining a cluster that still runs on OTP's cookie may need it.
 */
export function validateImported(raw: string, allowWeak: boolean, ctx: Pick<Ctx, 'stderr'>): string {
  const cookie = raw.replace(/\r?\n$/, '');
  const problems = checkCookieText(cookie, 'the cookie read from stdin');
  const fatal = problems.find((p) => p.severity === 'fatal');
  if (fatal)
    throw cookieError(`${fatal.message}; nothing was stored`, 'Give exactly one line of 1-255 printable ASCII characters without spaces.');
  const weak = problems.find((p) => p.severity === 'weak');
  if (weak && !allowWeak) {
    throw cookieError(
      `${weak.message}; nothing was stored`,
      'To join a cluster that uses it anyway, add --allow-weak, then rotate it: ejctl cookie rotate.',
    );
  }
  if (weak) ctx.stderr.write(`ejctl: warning: ${weak.message}. Rotate it soon: ejctl cookie rotate.\n`);
  return cookie;
}
