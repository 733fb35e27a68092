/**
 * The world as ejctl sees it. Every function takes the slice it needs (`Pick<Ctx, 'env'>`), so
 * its signature says what it touches and a test builds only that.
 */
import type { Readable, Writable } from 'node:stream';

export interface SystemFiles {
  /** /etc/passwd, read to find INSTALLUSER's uid, gid and home. */
  passwd: string;
  /** /etc/group. */
  group: string;
  /** The system configuration directory whose presence marks a system install. */
  systemConfigDir: string;
}

export interface Ctx {
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Effective uid of this process. */
  uid: number;
  files: SystemFiles;
  /** Milliseconds, monotonic enough for durations. */
  now: () => number;
}

export const defaultSystemFiles: SystemFiles = {
  passwd: '/etc/passwd',
  group: '/etc/group',
  systemConfigDir: '/etc/ejabberd',
};

export function processCtx(): Ctx {
  return {
    env: process.env,
    // A getter: process.stdin builds a stream on first use (~0.5 ms), and most commands never read it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    uid: process.getuid?.() ?? 0,
    files: defaultSystemFiles,
    now: () => performance.now(),
  };
}
