/** The plan of a throw-away control node that forwards one command to the ejabberd node. */
import type { Settings } from '../config/settings.js';
import type { LaunchPlan } from '../run/plan.js';
import { CONTROL_SCRIPT, encodeRequest } from './controlScript.js';
import { controlNodeName, distributionArgs, ERL, exportedEnv, nameFlag, RPC_TIMEOUT_MS } from './erlArgs.js';

export { RPC_TIMEOUT_MS } from './erlArgs.js';

export interface ControlRequest {
  args: readonly string[];
  /** The cookie; `undefined` for --dry-run, which never reads it. */
  cookie: string | undefined;
  /** Whom to run as: INSTALLUSER when ejctl runs as root. */
  runAs: LaunchPlan['user'];
  vmArgsText: string | undefined;
  inetrcExists: boolean;
  /** Erlang code to evaluate instead of CONTROL_SCRIPT; it reads the same stdin line (ping, started). */
  script?: string;
  /** Milliseconds for the script's line instead of the RPC timeout (`started`'s deadline). */
  timeoutMs?: number;
}

export function buildControlLaunch(s: Settings, req: ControlRequest): LaunchPlan {
  const args = [
    nameFlag(s.node),
    controlNodeName(s.node), // a dynamic name: no new atom on the server per call (OTP 23+)
    '-hidden',
    '-nocookie', // never read or create a .erlang.cookie; the cookie comes on stdin
    '-noshell',
    '-boot',
    'no_dot_erlang', // never evaluate a ~/.erlang file
    ...(s.erlDistPort === undefined ? ['-start_epmd', 'false'] : []),
    ...distributionArgs(s, req.vmArgsText),
    ...(s.erlDistPort === undefined ? [] : ['-dist_listen', 'false']),
    '-eval',
    req.script ?? CONTROL_SCRIPT,
  ];
  const timeoutMs = req.timeoutMs ?? (s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS);
  const env: Record<string, string> = {
    ...withoutErlLibs(exportedEnv(s, '/dev/null', req.inetrcExists)),
    // A control node's crash dump would hold the cookie: write none.
    ERL_CRASH_DUMP_BYTES: '0',
  };
  if (req.runAs) env.HOME = homeOf(s, req.runAs.name);
  return {
    file: ERL,
    args,
    env,
    cwd: s.spoolDir,
    ...(req.runAs ? { user: req.runAs } : {}),
    stdin: {
      kind: 'secret',
      data: encodeRequest({ cookie: req.cookie ?? '', node: s.node, timeoutMs, args: req.args }),
      redacted: `one line: the cookie from ${s.cookieFile} (redacted), the node ${s.node}, timeout ${timeoutMs}, ${req.args.length} argument(s) (not shown)`,
    },
    stdout: 'inherit',
    stderr: 'inherit',
  };
}

function homeOf(s: Settings, name: string): string {
  return s.installUser && s.installUser.name === name ? s.installUser.home : '/';
}

/**
 * A control node runs no ejabberd code (the call is made from CONTROL_SCRIPT), and with ERL_LIBS
 * set the code server scans every application directory there at boot.
 */
function withoutErlLibs(env: Record<string, string>): Record<string, string> {
  const { ERL_LIBS: _notNeeded, ...rest } = env;
  return rest;
}
