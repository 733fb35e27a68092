/**
 * ejabberdctl.cfg's replacement, in two halves so that setup can prepare every file before it
 * puts any in place: `stageFile` writes the new content to a temp file next to the target (its
 * final mode from the first byte, its final owner, fsynced) and a backup of the current file
 * (same owner and mode); `commit` renames the temp over the target; `discard` removes both.
 */
import { closeSync, constants, fchownSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { LIMITS, readBoundedBytes } from '../system/readBounded.js';
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { configError } from '../errors.js';
import { sweepStaleTemps, tempPrefix } from '../cookie/target.js';
import { syncDirectory } from '../cookie/write.js';
import type { FileState } from './types.js';

export interface StagedFile {
  target: string;
  temp: string;
  backup: string | undefined;
}

export function stageFile(target: string, content: string, to: FileState, from: FileState | undefined): StagedFile {
  const dir = dirname(target);
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
  const old = readBoundedBytes(target, { limit: LIMITS.yml, what: 'the file to back up' });
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
