/**
 * What is at a cookie's location before ejctl writes there, looked at without following links:
 * the directory must not let others swap files, the target must be absent or one plain file.
 */
import { formatMode } from '../system/files.js';
import { isProcessAlive } from '../system/procs.js';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { readOpenFile } from '../system/readBounded.js';
import { basename, dirname, join } from 'node:path';
import { cookieError } from '../errors.js';

export interface FileOwner {
  uid: number;
  gid: number;
}

/** Identity of the file found at the target, to make sure the one read later is the same. */
export interface ExistingCookie {
  dev: number;
  ino: number;
}

/** Anything bigger is not a cookie; it is still backed up whole, up to this size. */
const MAX_BACKUP_BYTES = 64 * 1024;

export function assertDirectorySafe(dir: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (err) {
    throw cookieError(
      `cannot use the directory ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Create it first, or choose another place with --file PATH.',
    );
  }
  if (!st.isDirectory()) throw cookieError(`${dir} is not a directory`);
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    throw cookieError(
      `${dir} has mode ${formatMode(st.mode)}: group or others could replace the cookie there`,
      `chmod go-w ${dir}, or choose another place with --file PATH.`,
    );
  }
}

/** undefined when nothing is there; throws for a symlink, a non-file or a file with other names. */
export function examineTarget(target: string): ExistingCookie | undefined {
  let st: Stats;
  try {
    st = lstatSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cookieError(`cannot examine ${target} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const fix = 'Remove it yourself after checking what it is, then run the command again.';
  if (st.isSymbolicLink()) throw cookieError(`${target} is a symbolic link; refusing to write through it (nothing was changed)`, fix);
  if (!st.isFile()) throw cookieError(`${target} is not a regular file; refusing to replace it (nothing was changed)`, fix);
  if (st.nlink > 1 && !onlyWriterTempsShare(target, st))
    throw cookieError(`${target} is a hard link (${st.nlink} names share it); refusing to replace it (nothing was changed)`, fix);
  return { dev: st.dev, ino: st.ino };
}

/**
 * Another ejctl writing this cookie links its temp file to the target and removes the temp name
 * right after (write.ts): in between, the new cookie has two names. Those are not a hard link
 * someone planted. True when, apart from such temp names, the target has one name. (Replacing
 * still reads the old cookie only from a file with exactly one name: readOldCookie.)
 */
function onlyWriterTempsShare(target: string, st: Stats): boolean {
  const dir = dirname(target);
  const prefix = basename(tempPrefix(dir, basename(target)));
  let temps = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    try {
      const t = lstatSync(join(dir, name));
      if (t.dev === st.dev && t.ino === st.ino) temps += 1;
    } catch {
      /* removed meanwhile: the lstat below sees one name less */
    }
  }
  try {
    const now = lstatSync(target);
    return now.dev === st.dev && now.ino === st.ino && now.nlink - temps <= 1;
  } catch {
    return false;
  }
}

/** The current cookie's bytes, from the very file examined (not one swapped in since). */
export function readOldCookie(target: string, expected: ExistingCookie): Buffer {
  let fd: number;
  try {
    fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw cookieError(
      `cannot read the current cookie ${target} to back it up (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Run ejctl as root or as the user who owns it.',
    );
  }
  try {
    const st = fstatSync(fd);
    if (st.dev !== expected.dev || st.ino !== expected.ino || !st.isFile() || st.nlink !== 1) {
      throw cookieError(`${target} changed while ejctl was replacing it; nothing was changed`, 'Run the command again.');
    }
    if (st.size > MAX_BACKUP_BYTES) throw cookieError(`${target} holds ${st.size} bytes: not a cookie; refusing to replace it`);
    return readOpenFile(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/** Temp files are named after their target and the writer's pid, so a later run can find them. */
export function tempPrefix(dir: string, base: string): string {
  return join(dir, `.${base}.ejctl-tmp-`);
}

/**
 * A writer killed between creating a temp file and removing it leaves it behind: cut short
 * (never in place) or complete and linked to the target. Remove those of `base` and of its
 * backups whose writer is gone, before the target is examined (a leftover link doubles its nlink).
 */
export function sweepStaleTemps(dir: string, base: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`.${base}`)) continue;
    const pid = Number(/\.ejctl-tmp-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || isProcessAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      /* another writer swept it first */
    }
  }
}
