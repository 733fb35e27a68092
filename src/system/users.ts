/** Unix users and groups, read from the passwd and group files (Node has no getpwnam). */
import { LIMITS, LocalInputError, readBounded } from './readBounded.js';
import type { SystemFiles } from '../context.js';

export interface UnixUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The lines of the passwd or group file; none when it is missing or unreadable. At most 16 MiB. */
function readLines(file: string): string[] {
  try {
    return readBounded(file, { limit: LIMITS.accounts, what: 'the accounts file' }).split('\n');
  } catch (err) {
    if (err instanceof LocalInputError && (err.reason === 'missing' || err.reason === 'denied')) return [];
    throw err;
  }
}

export function parsePasswd(text: string): UnixUser[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) return [];
    return [{ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' }];
  });
}

export function lookupUser(files: Pick<SystemFiles, 'passwd'>, name: string): UnixUser | undefined {
  return parsePasswd(readLines(files.passwd).join('\n')).find((u) => u.name === name);
}

export function lookupUid(files: Pick<SystemFiles, 'passwd'>, uid: number): UnixUser | undefined {
  return parsePasswd(readLines(files.passwd).join('\n')).find((u) => u.uid === uid);
}

export function lookupGroupName(files: Pick<SystemFiles, 'group'>, gid: number): string | undefined {
  for (const line of readLines(files.group)) {
    const f = line.split(':');
    if (Number(f[2]) === gid && f[0]) return f[0];
  }
  return undefined;
}
