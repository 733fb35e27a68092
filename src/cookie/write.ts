/**
 * Stores a cookie so that no one else can read it at any moment and a crash never leaves half of
 * one: a temp file in the target directory, 0400 from the first byte, written, fsynced and given
 * to its owner, then put in place with one atomic link() (new cookie) or rename() (replacement),
 * and the directory fsynced. Every step works on names without following a symlink, so a link
 * planted at the target is refused and what it points to is never touched.
 */
import { closeSync, constants, fchownSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { cookieError } from '../errors.js';
import { checkCookieText } from './inspect.js';
import { describeChangeable, findChangeableDir, trustedUids } from '../system/trustedPath.js';
import { assertDirectorySafe, examineTarget, readOldCookie, sweepStaleTemps, tempPrefix, type FileOwner } from './target.js';

export type { FileOwner } from './target.js';

export interface WriteCookieOptions {
  /** Who will own the file; ejctl must run as root to give it to another user. */
  owner?: FileOwner;
  /** Replace an existing cookie, keeping it as a 0400 backup next to the new one. */
  replace?: boolean;
}

export async function writeCookieFile(path: string, cookie: string, opts: WriteCookieOptions = {}): Promise<{ backupPath?: string }> {
  const fatal = checkCookieText(cookie, 'the new cookie').filter((p) => p.severity === 'fatal');
  if (fatal.length > 0 || cookie.endsWith('\n'))
    throw cookieError(`refusing to store it: ${fatal[0]?.message ?? 'the new cookie ends with a newline'}`);
  const target = resolve(path);
  const dir = dirname(target);
  assertDirectorySafe(dir);
  assertWayHeldByUs(dir);
  sweepStaleTemps(dir, basename(target));
  const existing = examineTarget(target);
  if (existing && !opts.replace) {
    throw cookieError(
      `a cookie exists at ${target}; it was left as it is`,
      'Keep it, or replace it with --force (the old one is kept as a backup).',
    );
  }
  const content = Buffer.from(cookie, 'latin1');
  if (!existing) {
    if (placeNewFile(target, content, opts.owner, 'link') === 'name-taken') {
      throw cookieError(
        `a cookie exists at ${target} (created while ejctl was writing); it was left as it is`,
        'Keep it, or replace it with --force.',
      );
    }
    syncDirectory(dir);
    return {};
  }
  const backupPath = placeBackup(target, readOldCookie(target, existing), opts.owner);
  placeNewFile(target, content, opts.owner, 'rename');
  syncDirectory(dir);
  return { backupPath };
}

/**
 * Every step below names files by path, and each name is in `dir`; the cookie directory itself
 * may be INSTALLUSER's (each step there refuses links), but no other user may be able to change
 * the way to it: else root would read, write and chown (backups included) wherever that user
 * points a swapped-in symlink, another user's cookie for one.
 */
function assertWayHeldByUs(dir: string): void {
  const changeable = findChangeableDir(dir, trustedUids(process.geteuid?.() ?? 0));
  if (!changeable) return;
  throw cookieError(
    `refusing to write in ${dir}: ${describeChangeable(changeable)} (nothing was changed)`,
    `Keep the cookie in a directory whose parents only root can change (INSTALLUSER's home, under a root-owned directory), or fix ${changeable.dir}.`,
  );
}

/**
 * Writes `content` to a fresh temp file next to `finalPath`, then links it in (never over an
 * existing name, so of two concurrent writers exactly one wins) or renames it over the old file.
 * The temp file is removed on every path out.
 */
function placeNewFile(finalPath: string, content: Buffer, owner: FileOwner | undefined, how: 'link' | 'rename'): 'placed' | 'name-taken' {
  const temp = `${tempPrefix(dirname(finalPath), basename(finalPath))}${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    writeTempFile(temp, content, owner);
    if (how === 'rename') renameSync(temp, finalPath);
    else linkSync(temp, finalPath);
    return 'placed';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && how === 'link') return 'name-taken';
    throw describeWriteError(err, finalPath);
  } finally {
    removeQuietly(temp);
  }
}

function writeTempFile(temp: string, content: Buffer, owner: FileOwner | undefined): void {
  const fd = openExclusive0400(temp);
  try {
    // pwrite at explicit offsets: a short write continues where it stopped.
    for (let done = 0; done < content.length;) done += writeSync(fd, content, done, content.length - done, done);
    if (owner) fchownOrExplain(fd, owner);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Mode 0400 whatever the caller's umask: the umask is narrowed to 077 for the one open() call
 * (synchronous, so nothing else runs in between), and 0400 survives any umask of that shape.
 * open() still returns a writable descriptor because the file is created by this call.
 */
function openExclusive0400(temp: string): number {
  const previous = process.umask(0o077);
  try {
    return openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o400);
  } finally {
    process.umask(previous);
  }
}

function fchownOrExplain(fd: number, owner: FileOwner): void {
  try {
    fchownSync(fd, owner.uid, owner.gid);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw cookieError(
      `cannot give the cookie to uid ${owner.uid} (${code ?? String(err)})`,
      'Run ejctl as root to write a cookie for another user.',
    );
  }
}

/** The old cookie, written as a new 0400 file (its own mode may have been loose), next to it. */
function placeBackup(target: string, old: Buffer, owner: FileOwner | undefined): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; n < 100; n++) {
    const backup = `${target}.bak-${stamp}${n === 0 ? '' : `-${n}`}`;
    if (placeNewFile(backup, old, owner, 'link') === 'placed') return backup;
  }
  throw cookieError(`cannot find a free backup name next to ${target}; nothing was changed`, 'Remove old .bak- files you no longer need.');
}

function describeWriteError(err: unknown, finalPath: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined) return err;
  if (code === 'EACCES' || code === 'EPERM') {
    return cookieError(`cannot write in ${dirname(finalPath)} (${code})`, 'Run ejctl as root or as the user who owns that directory.');
  }
  return cookieError(`cannot store the cookie at ${finalPath} (${code})`);
}

export function syncDirectory(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone: linked and removed, or never created */
  }
}
