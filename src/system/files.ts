/** Small file helpers shared by commands that read optional configuration files. */
import { readFileSync } from 'node:fs';

/** The text of a file, or `undefined` when it is missing or unreadable (an optional file). */
export function readTextIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A file mode as people write it: `0400`, `2750`. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
