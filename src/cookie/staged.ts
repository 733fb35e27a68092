/**
 * The cookie a rotation has staged next to COOKIE_FILE (`COOKIE_FILE.ejctl-new`): on a node's
 * host the stage step writes it, on the operator's host the local-stage step (src/rotate/plan.ts).
 * It exists only while a rotation runs; from the first switch on, the nodes that switched accept
 * only it. A command that such a node refuses reads it (or, once the rotation has renamed it into
 * place, COOKIE_FILE again) and tries once more, so commands keep working through a rotation.
 * It is read with the same checks as COOKIE_FILE (owner, mode, no link): whoever could plant it
 * could rewrite COOKIE_FILE itself.
 */
import type { Settings } from '../config/settings.js';
import { readCookie } from './read.js';

/** Where a rotation stages the new cookie next to a cookie file (a node's, or ejctl's own). */
export const stagedPath = (cookieFile: string): string => `${cookieFile}.ejctl-new`;

type Where = Pick<Settings, 'installUser' | 'cookieFile'>;

/** A readable cookie at `path`, or undefined (absent, unsafe, being renamed). */
function tryRead(s: Where, path: string, uid: number): string | undefined {
  try {
    return readCookie({ ...s, cookieFile: path }, uid);
  } catch {
    return undefined;
  }
}

/** The cookies a refused command tries next: the staged one if a rotation runs, else the file again. */
export function nextCookies(s: Where, uid: number): string[] {
  const staged = tryRead(s, stagedPath(s.cookieFile), uid);
  // Read after the staged file: once local-file renamed it away, COOKIE_FILE holds it.
  const current = tryRead(s, s.cookieFile, uid);
  return [...new Set([staged, current].filter((c): c is string => c !== undefined))];
}
