/**
 * The plan of the ejabberd node itself (start, foreground, foreground-quiet, live), with
 * ejabberdctl 23.01's argument set and environment. Pure: file contents, the clock and the
 * user arrive as arguments.
 *
 * The server reads its cookie from `$HOME/.erlang.cookie` (OTP's auth module), so the plan sets
 * HOME to the cookie file's directory: the cookie never appears in argv or the environment.
 */
import { basename, dirname } from 'node:path';
import type { Settings } from '../config/settings.js';
import { splitWords } from '../config/settings.js';
import type { LaunchPlan } from '../run/plan.js';
import { configError } from '../errors.js';
import { distributionArgs, ERL, exportedEnv, nameFlag } from './erlArgs.js';

export type ServerMode = 'start' | 'foreground' | 'foreground-quiet' | 'live';

/** Files the node creates (logs, Mnesia, crash dumps) get no permission for others. */
export const SERVER_UMASK = 0o027;

export interface ServerRequest {
  mode: ServerMode;
  /** INSTALLUSER when ejctl runs as root; undefined to run as ejctl's own user. */
  runAs: LaunchPlan['user'];
  vmArgsText: string | undefined;
  inetrcExists: boolean;
  /** ejabberd.yml's text, for the log_* options ejabberdctl copies onto the command line. */
  ymlText: string | undefined;
  now: Date;
}

/**
 * The `log_rotate_size`, `log_rotate_count`, `log_burst_limit_count` and
 * `log_burst_limit_window_time` lines of ejabberd.yml, turned into words exactly as
 * ejabberdctl's four sed commands do (each keeps the lines starting with the key and rewrites
 * the first `: value` into ` value`; the words are later split by the shell).
 */
export function ymlLogOptions(ymlText: string | undefined): string[] {
  if (ymlText === undefined) return [];
  const lines = ymlText.split('\n');
  const pick = (key: string, rewrites: [RegExp, string][]): string[] =>
    lines.filter((l) => l.startsWith(key)).map((l) => ` ${rewrites.reduce((acc, [re, to]) => acc.replace(re, to), l)}`);
  const text = [
    ...pick('log_rotate_size', [
      [/:[ \t]*([0-9]+).*/, ' $1'],
      [/:[ \t]*(infinity).*/, ' $1'],
    ]),
    ...pick('log_rotate_count', [[/:[ \t]*([0-9]*).*/, ' $1']]),
    ...pick('log_burst_limit_count', [[/:[ \t]*([0-9]*).*/, ' $1']]),
    ...pick('log_burst_limit_window_time', [[/:[ \t]*([0-9]*[a-z]*).*/, ' $1']]),
  ].join('\n');
  return splitWords(text);
}

/** `LOGS_DIR/erl_crash_YYYYmmdd-HHMMSS.dump`, in local time, as ejabberdctl names it. */
export function crashDumpPath(logsDir: string, now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  return `${logsDir}/erl_crash_${stamp}.dump`;
}

/**
 * The HOME under which OTP finds COOKIE_FILE: its directory. OTP only reads a file named
 * `.erlang.cookie`, so any other name cannot be used by a node that reads the cookie itself.
 */
export function cookieHome(cookieFile: string): string {
  if (basename(cookieFile) !== '.erlang.cookie') {
    throw configError(
      `COOKIE_FILE ${cookieFile} is not named .erlang.cookie: the ejabberd node reads its cookie from $HOME/.erlang.cookie and cannot use it`,
      'Move the cookie to DIR/.erlang.cookie (owned by the node user, mode 0400) and set COOKIE_FILE to that path.',
    );
  }
  return dirname(cookieFile);
}

/** The words after the distribution arguments: Mnesia's dir, ejabberd's options, `-s ejabberd`. */
export function ejabberdArgs(s: Settings, ymlText: string | undefined): string[] {
  const ejabberdOpts = [...splitWords(s.ejabberdOpts), ...ymlLogOptions(ymlText)];
  return [
    '-mnesia',
    'dir',
    `"${s.spoolDir}"`,
    ...splitWords(s.mnesiaOptions),
    ...(ejabberdOpts.length > 0 ? ['-ejabberd', ...ejabberdOpts] : []),
    '-s',
    'ejabberd',
  ];
}

const MODE_ARGS: Record<ServerMode, string[]> = {
  start: ['-detached'],
  foreground: ['-noinput'],
  'foreground-quiet': ['-noinput', '-ejabberd', 'quiet', 'true'],
  live: [],
};

/** `+K POLL +P ERL_PROCESSES`, then the shared distribution arguments, as ejabberdctl's ERLANG_OPTS. */
export function erlangOpts(s: Settings, vmArgsText: string | undefined): string[] {
  return ['+K', s.poll, '+P', s.erlProcesses, ...distributionArgs(s, vmArgsText)];
}

export function buildServerLaunch(s: Settings, req: ServerRequest): LaunchPlan {
  const args = [nameFlag(s.node), s.node, ...erlangOpts(s, req.vmArgsText), ...ejabberdArgs(s, req.ymlText), ...MODE_ARGS[req.mode]];
  return {
    file: ERL,
    args,
    env: serverEnv(s, req),
    cwd: s.spoolDir,
    ...(req.runAs ? { user: req.runAs } : {}),
    stdin: { kind: req.mode === 'live' ? 'terminal' : 'ignore' },
    stdout: 'inherit',
    stderr: 'inherit',
    umask: SERVER_UMASK,
    // The live shell gets a terminal of its own; the other modes pipes (src/run/plan.ts).
    ...(req.mode === 'live' ? { pty: 'interactive' as const } : {}),
  };
}

/** ejabberdctl's exported variables, HOME at the cookie, and the user's names as `su` sets them. */
export function serverEnv(s: Settings, req: Pick<ServerRequest, 'runAs' | 'inetrcExists' | 'now'>): Record<string, string> {
  const env: Record<string, string> = {
    ...exportedEnv(s, crashDumpPath(s.logsDir, req.now), req.inetrcExists),
    HOME: cookieHome(s.cookieFile),
  };
  if (req.runAs) {
    env.USER = req.runAs.name;
    env.LOGNAME = req.runAs.name;
  }
  return env;
}
