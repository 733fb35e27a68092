/** Small file helpers shared by commands that read optional configuration files. */
import { isRegularFile, LIMITS, readOptional } from './readBounded.js';

/**
 * The text of an optional file (vm.args, a systemd drop-in, an args file), or `undefined` when it
 * is missing or this user may not read it. A FIFO, a device or more than 1 MiB is an error (78).
 */
export function readTextIfPresent(path: string, what = 'the file'): string | undefined {
  return readOptional(path, { limit: LIMITS.small, what });
}

/** ejabberd.yml, or `undefined` when missing or unreadable; a FIFO or more than 16 MiB is an error (78). */
export function readEjabberdYml(path: string): string | undefined {
  return readOptional(path, { limit: LIMITS.yml, what: 'ejabberd.yml' });
}

/** vm.args, or `undefined` when missing or unreadable; a FIFO or more than 1 MiB is an error (78). */
export function readVmArgs(path: string): string | undefined {
  return readTextIfPresent(path, 'vm.args');
}

/** Whether an inetrc file exists (a regular one: anything else there is an error, 78). */
export function inetrcPresent(path: string): boolean {
  return isRegularFile(path, { what: 'inetrc' });
}

/** A file mode as people write it: `0400`, `2750`. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
