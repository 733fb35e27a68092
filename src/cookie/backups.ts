/**
 * The old cookies ejctl leaves next to COOKIE_FILE, all named `COOKIE_FILE.bak-SUFFIX`: by
 * `cookie init --force` and `cookie import --force` (src/cookie/write.ts), by `setup` when it
 * replaces the cookie, and by a rotation (`.bak-ROTATION`, src/rotate/plan.ts). Each is a working
 * credential for any node still on that cookie, so they are listed by the audit and removed on
 * request. The directory is usually INSTALLUSER's home, which that user can change under us: we
 * look with lstat, never follow a link, remove with unlink only (a link is removed, not its
 * target) and never recurse.
 */
import { lstatSync, readdirSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface CookieBackup {
  path: string;
  /** Last modification, ms since the epoch: when the backup was made. */
  mtimeMs: number;
  /** A regular file; anything else (a link, a directory) is reported and never touched. */
  regular: boolean;
  uid: number;
  mode: number;
}

/** At most this many entries of the directory are looked at: a home can be large, this is a report. */
const MAX_ENTRIES = 10_000;

export const backupPrefix = (cookieFile: string): string => `${basename(cookieFile)}.bak-`;

/** The backups next to `cookieFile`, newest first; none when the directory cannot be read. */
export function listCookieBackups(cookieFile: string): CookieBackup[] {
  const dir = dirname(cookieFile);
  const prefix = backupPrefix(cookieFile);
  let names: string[];
  try {
    names = readdirSync(dir).slice(0, MAX_ENTRIES);
  } catch {
    return [];
  }
  const found: CookieBackup[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || name.length === prefix.length) continue;
    const st = lstatOrUndefined(join(dir, name));
    if (st) found.push({ path: join(dir, name), mtimeMs: st.mtimeMs, regular: st.isFile(), uid: st.uid, mode: st.mode & 0o7777 });
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs || b.path.localeCompare(a.path));
}

export type Removal = { path: string; removed: true } | { path: string; removed: false; reason: string };

/** Removes one backup if it is still a regular file: lstat, then unlink (which never follows a link). */
export function removeCookieBackup(path: string): Removal {
  const st = lstatOrUndefined(path);
  if (!st) return { path, removed: false, reason: 'it is gone' };
  if (!st.isFile()) return { path, removed: false, reason: 'not a regular file: left alone' };
  try {
    unlinkSync(path);
    return { path, removed: true };
  } catch (err) {
    return { path, removed: false, reason: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
