/**
 * Whether another user can change where a path leads. Root acts by path (mkdir, open, rename,
 * unlink) only where every directory that holds a component of the path, the last existing one
 * included, can be changed by trusted users alone: owned by one of them and not writable by group
 * or others, or sticky (/tmp) with the component itself owned by a trusted user. Nobody else can
 * then rename a component or plant a symlink, so the answer cannot change after it is given.
 * The path's own last component may belong to anyone: what is done inside it is the caller's
 * care (exclusive creates, O_NOFOLLOW, work on descriptors). ACLs are not looked at.
 */
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ChangeableDir {
  /** The directory (symlinks resolved) another user can change. */
  dir: string;
  /** Why, for a message: "is owned by uid 107", "is writable by its group". */
  why: string;
}

/** Symlinks followed before giving up, as the kernel's MAXSYMLINKS. */
const MAX_LINKS = 40;

/**
 * The first directory on the way to `path` that a user outside `trusted` can change, or
 * undefined. The walk stops at the first missing component: what the caller creates there is
 * created in a directory that was checked.
 */
export function findChangeableDir(path: string, trusted: readonly number[]): ChangeableDir | undefined {
  // Not resolve(): it drops `..` by text, where the kernel goes up from wherever a link led.
  let pending = components(path.startsWith('/') ? path : `${process.cwd()}/${path}`);
  let dir = '/';
  let links = 0;
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (name === '..') {
      dir = dirname(dir);
      continue;
    }
    const entry = join(dir, name);
    const st = lstatOrUndefined(entry);
    const problem = judgeDirectory(lstatSync(dir), st, trusted);
    if (problem) return { dir, why: problem };
    if (st === undefined) return undefined;
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return { dir: entry, why: 'leads through too many symbolic links' };
      const target = readlinkSync(entry);
      if (target.startsWith('/')) dir = '/';
      pending = [...components(target), ...pending];
      continue;
    }
    if (!st.isDirectory()) return undefined;
    dir = entry;
  }
  return undefined;
}

/** Who may change the way for root: root alone. For anyone else: root and themselves (and `also`). */
export function trustedUids(uid: number, also: number[] = []): number[] {
  return [...new Set([0, uid, ...also])];
}

/** A message naming the directory and what to do, for the callers' errors. */
export function describeChangeable(c: ChangeableDir): string {
  return `${c.dir} ${c.why}, so another user could redirect what root does there`;
}

function judgeDirectory(dir: Stats, entry: Stats | undefined, trusted: readonly number[]): string | undefined {
  if (!trusted.includes(dir.uid)) return `is owned by uid ${dir.uid}`;
  const writable = dir.mode & 0o022;
  if (writable === 0) return undefined;
  // Sticky: others may add names, but not rename or remove one a trusted user owns.
  if ((dir.mode & 0o1000) !== 0 && entry !== undefined && trusted.includes(entry.uid)) return undefined;
  return (dir.mode & 0o002) !== 0 ? 'is writable by others' : 'is writable by its group';
}

function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
