/**
 * Reading a file named by configuration (the ssl_dist option file, certificates, keys): without
 * following a symbolic link, without blocking on a FIFO, and never more than `max` bytes.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { configError } from '../errors.js';

export function readBounded(path: string, max: number, what: string, hint: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw configError(`cannot read ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw configError(`${what} ${path} is not a regular file`, hint);
    if (st.size > max) throw configError(`${what} ${path} is larger than ${max} bytes`, hint);
    const buf = Buffer.alloc(st.size);
    return buf.subarray(0, readSync(fd, buf, 0, st.size, 0));
  } finally {
    closeSync(fd);
  }
}
