/**
 * Runs the built ejctl for the cookie tests: with its own cfg (never the system's), HOME and
 * XDG dirs, optionally under a umask or as another Unix user, and stdin given or closed.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { EJCTL, tempDir, type CliResult } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';

const WITH_UMASK = join(import.meta.dirname, 'fixtures/with-umask.mjs');

export interface CookieRun {
  /** ejabberdctl.cfg to pass with -c. */
  cfg: string;
  home?: string;
  env?: Record<string, string>;
  input?: string;
  /** e.g. 0o000: run ejctl under this umask. */
  umask?: number;
  /** Run ejctl as this user instead of root. */
  user?: { uid: number; gid: number };
  /** Global options before the command word, e.g. --dry-run. */
  globalArgs?: string[];
}

export async function cookieCli(args: string[], run: CookieRun): Promise<CliResult> {
  const home = run.home ?? tempDir('ejctl-cookie-home-');
  const argv = ['-c', run.cfg, ...(run.globalArgs ?? []), 'cookie', ...args];
  const nodeArgs = run.umask === undefined ? [EJCTL, ...argv] : [WITH_UMASK, run.umask.toString(8), EJCTL, ...argv];
  const r = await execa(process.execPath, nodeArgs, {
    env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...run.env },
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    ...(run.input === undefined ? { stdin: 'ignore' as const } : { input: run.input }),
    ...(run.user ? { uid: run.user.uid, gid: run.user.gid } : {}),
    cwd: '/',
    timeout: 60_000,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

/** An ejabberdctl.cfg naming INSTALLUSER (empty: none) and, optionally, COOKIE_FILE. */
export function writeCfg(dir: string, installUser: string, cookieFile?: string): string {
  const path = join(dir, 'ejabberdctl.cfg');
  const lines = [`INSTALLUSER=${installUser}`, `CONFIG_DIR=${dir}`, ...(cookieFile ? [`COOKIE_FILE=${cookieFile}`] : []), ''];
  writeFileMode(path, lines.join('\n'), 0o644);
  return path;
}

/** The fingerprint line of `init`/`import`/`check` output. */
export function fingerprintIn(stdout: string): string {
  const m = /Fingerprint: ([0-9a-f]{4}(?::[0-9a-f]{4}){3})/.exec(stdout);
  if (!m?.[1]) throw new Error(`no fingerprint in: ${stdout}`);
  return m[1];
}

/** A cookie ejctl generated: 44 letters and digits, nothing else. */
export const GENERATED = /^[A-Za-z0-9]{44}$/;

export function readCookieAsRoot(path: string): string {
  return readFileSync(path, 'latin1');
}

/** The cookie must never be shown: not whole, and not a long piece of it. */
export function expectNoCookie(r: CliResult, cookie: string): void {
  for (const text of [r.stdout, r.stderr]) {
    expect(text).not.toContain(cookie);
    for (let i = 0; i + 12 <= cookie.length; i += 4) expect(text).not.toContain(cookie.slice(i, i + 12));
  }
}
