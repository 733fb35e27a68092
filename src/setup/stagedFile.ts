/**
 * ejabberdctl.cfg's replacement, in two halves so that setup can prepare every file before it
 * puts any in place: `stageFile` writes the new content to a temp file next to the target (its
 * final mode from the first byte, its final owner, fsynced) and a backup of the current file
 * (same owner and mode); `commit` renames the temp over the target; `discard` removes both.
 */
import { closeSync, constants, fchownSync, fstatSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { readOpenFile } from '../system/readBounded.js';
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { configError } from '../errors.js';
import { sweepStaleTemps, tempPrefix } from '../cookie/target.js';
import { syncDirectory } from '../cookie/write.js';
import { describeChangeable, findChangeableDir, trustedUids } from '../system/trustedPath.js';
import type { FileState } from './types.js';

/** A cfg or a drop-in is a few KiB; anything past this is not one. */
const MAX_BACKUP_BYTES = 1024 * 1024;

export interface StagedFile {
  target: string;
  temp: string;
  backup: string | undefined;
}

export function stageFile(target: string, content: string, to: FileState, from: FileState | undefined): StagedFile {
  const dir = dirname(target);
  assertWayHeldByRoot(dir);
  sweepStaleTemps(dir, basename(target));
  const temp = `${tempPrefix(dir, basename(target))}${process.pid}-${randomBytes(6).toString('hex')}`;
  const staged: StagedFile = { target, temp, backup: undefined };
  try {
    writeExclusive(temp, Buffer.from(content, 'utf8'), to);
    if (from) staged.backup = writeBackup(target, from);
    return staged;
  } catch (err) {
    discard(staged);
    throw asConfigError(err, target);
  }
}

export function commit(staged: StagedFile): void {
  try {
    renameSync(staged.temp, staged.target);
    syncDirectory(dirname(staged.target));
  } catch (err) {
    discard(staged);
    throw asConfigError(err, staged.target);
  }
}

/** Removes what stageFile made; the target itself was never touched. */
export function discard(staged: StagedFile): void {
  for (const path of [staged.temp, staged.backup]) {
    if (path === undefined) continue;
    try {
      unlinkSync(path);
    } catch {
      /* never created, or already renamed into place */
    }
  }
}

function writeBackup(target: string, from: FileState): string {
  const old = readUnchanged(target, from);
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const backup = `${target}.ejctl-bak-${stamp}${n === 0 ? '' : `-${n}`}`;
    try {
      writeExclusive(backup, old, from);
      return backup;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 20) throw err;
    }
  }
}

/**
 * The file setup examined, read again for its backup: never through a symlink, never a FIFO,
 * one name only, and still with the owner and mode setup saw. Where the directory belongs to
 * INSTALLUSER, that user could otherwise swap in a link to a root-only file, whose bytes would
 * land in a backup with the cfg's (readable) mode.
 */
function readUnchanged(target: string, from: FileState): Buffer {
  const fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    const same = st.isFile() && st.nlink === 1 && st.uid === from.uid && st.gid === from.gid && (st.mode & 0o7777) === from.mode;
    if (!same)
      throw configError(`${target} changed while setup ran; it was left as it was`, 'Check what it is, then run ejctl setup again.');
    if (st.size > MAX_BACKUP_BYTES) throw configError(`${target} holds ${st.size} bytes: too big for a cfg; it was left as it was`);
    return readOpenFile(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/** Root writes here by name: no other user may be able to redirect the way to `dir`. */
export function assertWayHeldByRoot(dir: string): void {
  const changeable = findChangeableDir(dir, trustedUids(process.geteuid?.() ?? 0));
  if (changeable)
    throw configError(`refusing to write in ${dir}: ${describeChangeable(changeable)}; nothing was changed`, `Fix ${changeable.dir}.`);
}

/** Exclusive create, no symlink followed, exactly `state.mode` whatever the umask, then owner and fsync. */
function writeExclusive(path: string, content: Buffer, state: FileState): void {
  const previous = process.umask(0);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, state.mode);
  } finally {
    process.umask(previous);
  }
  try {
    for (let done = 0; done < content.length;) done += writeSync(fd, content, done, content.length - done, done);
    fchownSync(fd, state.uid, state.gid);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(path);
    throw err;
  }
  closeSync(fd);
}

function asConfigError(err: unknown, target: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined) return err;
  return configError(
    `cannot write ${target} (${code}); it was left as it was`,
    code === 'EPERM' || code === 'EACCES' ? 'Run ejctl setup as root.' : undefined,
  );
}
