/**
 * Reading a file named by TLS configuration (the ssl_dist option file, certificates, keys) with
 * the one bounded reader (src/system/readBounded.ts): no symbolic link, no blocking on a FIFO,
 * never more than `max` bytes. Its failures are configuration errors (78) with `hint` as the fix.
 */
import { EjctlError, Exit } from '../errors.js';
import { LocalInputError, readBoundedBytes } from '../system/readBounded.js';

export function readBounded(path: string, max: number, what: string, hint: string): Buffer {
  try {
    return readBoundedBytes(path, { limit: max, what, noFollow: true });
  } catch (err) {
    if (err instanceof LocalInputError && hint !== '') throw new EjctlError(err.message, Exit.config, { hint });
    throw err;
  }
}
