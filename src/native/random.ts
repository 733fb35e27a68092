/**
 * Unpredictable bytes from the kernel (/dev/urandom, what node:crypto's randomBytes draws on too)
 * without loading node:crypto on every forwarded command (see md5.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';

export function urandom(n: number): Buffer {
  const out = Buffer.alloc(n);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let got = 0; got < n;) {
      const read = readSync(fd, out, got, n - got, null);
      if (read <= 0) throw new Error('/dev/urandom returned no bytes');
      got += read;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
