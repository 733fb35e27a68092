/**
 * The rotation's journal and lock, in a 0700 state directory. The journal holds both cookies
 * while a rotation is unfinished (--resume needs them), so it is written like a cookie: a new
 * 0600 file created with O_EXCL|O_NOFOLLOW, fsynced, renamed into place; never chmod-ed. When
 * the rotation completes the cookies are dropped from it; --finalize removes it.
 */
import { isProcessAlive } from '../system/procs.js';
import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { LIMITS, LocalInputError, readBounded } from '../system/readBounded.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';
import type { Ctx } from '../context.js';
import { EjctlError, Exit } from '../errors.js';
import { describeChangeable, findChangeableDir, trustedUids } from '../system/trustedPath.js';
import type { NodeFiles } from './plan.js';

export interface StepRecord {
  id: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

export interface Journal {
  version: 1;
  id: string;
  seed: string;
  startedAt: string;
  state: 'running' | 'failed' | 'complete' | 'rolled-back';
  /** Present until the rotation completes. */
  cookies?: { old: string; new: string };
  oldFingerprint: string;
  newFingerprint: string;
  nodes: NodeFiles[];
  skipped: string[];
  /** Each node's visible nodes at preflight, to compare after. */
  mesh: Record<string, string[]>;
  localFile: string | undefined;
  /** The backup of ejctl's own COOKIE_FILE, when the local-file step wrote one. */
  localBackup?: string;
  /** Step ids in order; `records` says which are done. */
  steps: string[];
  records: StepRecord[];
}

export function stateDir(ctx: Pick<Ctx, 'env' | 'uid'>): string {
  if (ctx.env.EJCTL_STATE_DIR) return ctx.env.EJCTL_STATE_DIR;
  return ctx.uid === 0 ? '/var/lib/ejctl' : envPaths('ejctl', { suffix: '' }).data;
}

/**
 * Creates the state directory 0700, or refuses one that others could read or replace, or whose
 * way another user could redirect (the journal and lock are then named by path, safely: only
 * root, or this user, can change where that path leads).
 */
export function ensureStateDir(dir: string, uid: number): void {
  const changeable = findChangeableDir(dir, trustedUids(uid));
  if (changeable) {
    throw new EjctlError(`refusing the state directory ${dir}: ${describeChangeable(changeable)}`, Exit.cookie, {
      hint: `It holds the rotation journal (a secret). Fix ${changeable.dir}, or set EJCTL_STATE_DIR to a directory only you can change.`,
    });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new EjctlError(`the state directory ${dir} must be a directory of yours with mode 0700`, Exit.cookie, {
      hint: `It holds the rotation journal (a secret). Fix it with chmod 0700 ${dir}, or set EJCTL_STATE_DIR.`,
    });
  }
}

export const journalPath = (dir: string, seed: string): string => join(dir, `rotate-${seed}.json`);

export function readJournal(path: string): Journal | undefined {
  let text: string;
  try {
    text = readBounded(path, { limit: LIMITS.small, what: 'the rotation journal', noFollow: true, exitCode: Exit.error });
  } catch (err) {
    if (err instanceof LocalInputError && err.reason === 'missing') return undefined;
    throw err;
  }
  return JSON.parse(text) as Journal;
}

/** Atomically replaces `path` with `text`, 0600 from the first byte. */
export function writeSecretFile(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    removeFile(temp); // nothing half-written stays behind
    throw err;
  }
}

export function writeJournal(path: string, journal: Journal): void {
  writeSecretFile(path, `${JSON.stringify(journal, null, 2)}\n`);
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

export interface LockInfo {
  pid: number;
  startedAt: string;
  host: string;
}

/**
 * One rotation at a time from this host: a lock file created with O_EXCL that names its holder.
 * A lock whose process is gone (ejctl was killed) is taken over, and said so.
 */
export function takeLock(dir: string, ctx: Pick<Ctx, 'stderr'>): () => void {
  const path = join(dir, 'rotate.lock');
  const mine: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), host: hostname() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        writeSync(fd, JSON.stringify(mine));
      } finally {
        closeSync(fd);
      }
      return () => {
        if (readLock(path)?.pid === process.pid) removeFile(path);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = readLock(path);
    if (holder && holder.host === hostname() && isProcessAlive(holder.pid)) {
      throw new EjctlError(
        `another rotation is running: pid ${holder.pid}, started ${holder.startedAt} (lock ${path})`,
        Exit.alreadyRunning,
        { hint: 'Wait for it to finish. If that process is not ejctl, remove the lock file.' },
      );
    }
    ctx.stderr.write(
      `ejctl: taking over the lock of a rotation that is no longer running (pid ${holder?.pid ?? '?'}, started ${holder?.startedAt ?? '?'})\n`,
    );
    removeFile(path);
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readBounded(path, { limit: LIMITS.small, what: 'the rotation lock', noFollow: true })) as LockInfo;
  } catch {
    return undefined;
  }
}
