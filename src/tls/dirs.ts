/** The directories ejctl tls writes into: made by us, or existing ones that only root or we can change. */
import { lstatSync, mkdirSync } from 'node:fs';
import { EjctlError, Exit } from '../errors.js';
import { formatMode } from '../system/files.js';

/**
 * Creates `dir` with `mode` when missing; refuses a symbolic link, another owner than root or
 * `uid`, and any group/other permission bit that `mode` does not have (0700: none; 0755: no write).
 */
export function ensureSafeDir(dir: string, uid: number, mode: 0o700 | 0o755): void {
  try {
    mkdirSync(dir, { recursive: true, mode });
  } catch (err) {
    throw new EjctlError(`cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); nothing was written`, Exit.config);
  }
  const st = lstatSync(dir);
  const extra = st.mode & 0o077 & ~mode;
  if (!st.isDirectory() || (st.uid !== 0 && st.uid !== uid) || extra !== 0) {
    const what = st.isSymbolicLink()
      ? 'a symbolic link'
      : st.isDirectory()
        ? `mode ${formatMode(st.mode)}, uid ${st.uid}`
        : 'not a directory';
    throw new EjctlError(`${dir} is not a directory only root can change (${what}); nothing was written`, Exit.cookie, {
      hint: `Remove it, or make it root's with mode ${formatMode(mode)}, then run the command again.`,
    });
  }
}
