/**
 * The plan of a throw-away control node that forwards one command to the ejabberd node. A control
 * node never runs as root (see chooseControlUser) and takes from ERL_OPTIONS and vm.args only
 * the distribution settings (controlOptions.ts).
 */
import type { Settings } from '../config/settings.js';
import type { LaunchPlan } from '../run/plan.js';
import { CONTROL_SCRIPT, encodeRequest } from './controlScript.js';
import { controlDistributionArgs, controlNodeName, ERL, exportedEnv, inetrcPath, nameFlag, RPC_TIMEOUT_MS } from './erlArgs.js';

export { RPC_TIMEOUT_MS } from './erlArgs.js';

export interface ControlRequest {
  args: readonly string[];
  /** The cookie; `undefined` for --dry-run, which never reads it. */
  cookie: string | undefined;
  /** With CONTROL_SCRIPT: the cookie a rotation staged, tried when the node refuses `cookie`. */
  nextCookie?: string | undefined;
  /** Whom to run as (chooseControlUser): INSTALLUSER, or nobody when ejctl runs as root without one. */
  runAs: LaunchPlan['user'];
  vmArgsText: string | undefined;
  /** CONFIG_DIR/inetrc exists and the control node's user can read it. */
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
    ...controlDistributionArgs(s, req.vmArgsText).args,
    // ejctl's own, after the cfg's: a control node never starts an EPMD, nor listens with ERL_DIST_PORT.
    ...(s.erlDistPort === undefined ? ['-start_epmd', 'false'] : ['-dist_listen', 'false']),
    '-eval',
    req.script ?? CONTROL_SCRIPT,
  ];
  const timeoutMs = req.timeoutMs ?? (s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS);
  const env: Record<string, string> = {
    ...withoutErlLibs(exportedEnv(s, '/dev/null', req.inetrcExists)),
    // A control node's crash dump would hold the cookie: write none.
    ERL_CRASH_DUMP_BYTES: '0',
  };
  const foreign = req.runAs !== undefined && req.runAs.name !== s.installUser?.name;
  if (req.runAs) env.HOME = foreign ? '/' : homeOf(s, req.runAs.name);
  return {
    file: ERL,
    args,
    env,
    // An account other than INSTALLUSER (nobody) gets a directory it can enter, not the spool.
    cwd: foreign ? '/' : s.spoolDir,
    ...(req.runAs ? { user: req.runAs } : {}),
    stdin: {
      kind: 'secret',
      data: encodeRequest({ cookie: req.cookie ?? '', nextCookie: req.nextCookie, node: s.node, timeoutMs, args: req.args }),
      redacted: `one line: the cookie from ${s.cookieFile} (redacted), the node ${s.node}, timeout ${timeoutMs}, ${req.args.length} argument(s) (not shown)`,
    },
    stdout: 'inherit',
    stderr: 'inherit',
  };
}

/**
 * What a control node leaves out, one warning per place it came from. `inetrcUnreadable`: the
 * file exists but the control node's user cannot read it (OTP would print an error report).
 */
export function controlWarnings(s: Settings, vmArgsText: string | undefined, inetrcUnreadable = false): string[] {
  const lines = controlDistributionArgs(s, vmArgsText).dropped.map((d) => {
    const names = [...new Set(d.options.map((o) => (o.line === undefined ? o.name : `${o.name} (line ${o.line})`)))];
    return `ejctl: warning: ${d.source}: control nodes leave out ${names.join(', ')}; they take only the distribution settings (see docs/security.md)`;
  });
  if (inetrcUnreadable) {
    lines.push(`ejctl: warning: ${inetrcPath(s)} is not readable by the control node's user: it resolves host names without it`);
  }
  return lines;
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
