/**
 * Hermetic surroundings for every test: its own temp dirs, HOME, EPMD port, and a way to run the
 * built ejctl binary exactly as a user would.
 */
import { execa } from 'execa';
import { chownSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lookupUser, type UnixUser } from '../../src/system/users.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EJCTL = join(ROOT, 'bin/ejctl.js');
export const isRoot = process.getuid?.() === 0;

/** The Unix user test nodes run as: `ejabberd` when we are root, else ourselves. */
export function nodeUser(): UnixUser | undefined {
  return isRoot ? lookupUser({ passwd: '/etc/passwd' }, 'ejabberd') : undefined;
}

/** The EPMD port of this test run (set by test/globalSetup.ts). */
export function epmdPort(): string {
  const port = process.env.ERL_EPMD_PORT;
  if (!port) throw new Error('ERL_EPMD_PORT is not set: run the tests through vitest (test/globalSetup.ts)');
  return port;
}

const dirs: string[] = [];

/** A temp dir readable by the node user (0755), removed by cleanupTempDirs(). */
export function tempDir(prefix = 'ejctl-test-'): string {
  const dir = mkdtempSync(join(process.env.EJCTL_TEST_TMP ?? tmpdir(), prefix));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function chownToNodeUser(path: string): void {
  const user = nodeUser();
  if (user) chownSync(path, user.uid, user.gid);
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** A HOME for ejctl itself that is not the developer's. */
let cliHome: string | undefined;

/** Runs the built binary, the way a script would. */
export async function ejctl(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  cliHome ??= tempDir('ejctl-home-');
  const r = await execa(process.execPath, [EJCTL, ...args], {
    env: { HOME: cliHome, XDG_CONFIG_HOME: join(cliHome, '.config'), ERL_EPMD_PORT: epmdPort(), ...opts.env },
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    cwd: opts.cwd ?? ROOT,
    timeout: opts.timeoutMs ?? 90_000,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}
