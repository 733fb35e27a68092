/** The local-stage step's file on this host (src/cookie/staged.ts says who reads it). */
import { unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stagedPath } from '../cookie/staged.js';
import { writeCookieFile, type FileOwner } from '../cookie/write.js';
import { cookieError } from '../errors.js';
import { describeChangeable, findChangeableDir, trustedUids } from '../system/trustedPath.js';

/** Writes the staged cookie next to `cookieFile` (a stale one from an interrupted run is replaced). */
export async function stageCookie(cookieFile: string, cookie: string, owner: FileOwner | undefined): Promise<void> {
  removeStaged(cookieFile);
  await writeCookieFile(stagedPath(cookieFile), cookie, owner ? { owner } : {});
}

/** Removes the staged file by name, only where no other user can redirect the way to it. */
export function removeStaged(cookieFile: string): void {
  const path = resolve(stagedPath(cookieFile));
  const changeable = findChangeableDir(dirname(path), trustedUids(process.geteuid?.() ?? 0));
  if (changeable) throw cookieError(`refusing to remove ${path}: ${describeChangeable(changeable)}`);
  try {
    unlinkSync(path); // unlink never follows a link: it removes the name only
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
