/**
 * Plans of the VMs that attach to a running node (debug, etop, iexdebug) and of iexlive. Like
 * the server, they read the cookie themselves from HOME/.erlang.cookie (HOME = the cookie's
 * directory), so it is in no argv or environment. They take a dynamic name (`-sname undefined`,
 * hidden), so no new atom is left on the server per session, and never write a crash dump.
 */
import type { Settings } from '../../config/settings.js';
import type { LaunchPlan } from '../../run/plan.js';
import { controlDistributionArgs, controlNodeName, ERL, exportedEnv, IEX, nameFlag } from '../../erl/erlArgs.js';
import { cookieHome, ejabberdArgs, erlangOpts, serverEnv } from '../../erl/serverLaunch.js';

export interface ShellRequest {
  runAs: LaunchPlan['user'];
  vmArgsText: string | undefined;
  inetrcExists: boolean;
}

/** ejabberdctl's ERLANG_OPTS for a client VM: no EPMD of its own, and no listening port with ERL_DIST_PORT. */
function clientArgs(s: Settings, req: ShellRequest): string[] {
  return [
    nameFlag(s.node),
    controlNodeName(s.node),
    '-hidden',
    '-boot',
    'no_dot_erlang', // the HOME is the cookie's directory: never evaluate a .erlang there
    ...(s.erlDistPort === undefined ? ['-start_epmd', 'false'] : []),
    // A VM that attaches is a control node: of ERL_OPTIONS and vm.args it takes only the
    // distribution settings (docs/security.md, Control nodes); the server keeps them all.
    '+K',
    s.poll,
    ...controlDistributionArgs(s, req.vmArgsText).args,
    ...(s.erlDistPort === undefined ? [] : ['-dist_listen', 'false']),
  ];
}

function clientEnv(s: Settings, req: ShellRequest): Record<string, string> {
  const env: Record<string, string> = {
    ...exportedEnv(s, '/dev/null', req.inetrcExists),
    ERL_CRASH_DUMP_BYTES: '0', // a dump of this VM would hold the cookie
    HOME: cookieHome(s.cookieFile),
  };
  if (req.runAs) env.USER = env.LOGNAME = req.runAs.name;
  return env;
}

function interactive(s: Settings, req: ShellRequest, file: string, args: string[], env: Record<string, string>): LaunchPlan {
  return {
    file,
    args,
    env,
    cwd: s.spoolDir,
    ...(req.runAs ? { user: req.runAs } : {}),
    stdin: { kind: 'terminal' },
    stdout: 'inherit',
    stderr: 'inherit',
    // A terminal of its own, never the caller's (src/run/plan.ts).
    pty: 'interactive',
  };
}

/** `debug`: a remote shell into the node (`-remsh`). */
export function buildDebugLaunch(s: Settings, req: ShellRequest): LaunchPlan {
  return interactive(s, req, ERL, [...clientArgs(s, req), '-remsh', s.node], clientEnv(s, req));
}

/** `etop`: Erlang Top against the node, in text mode, as ejabberdctl runs it. */
export function buildEtopLaunch(s: Settings, req: ShellRequest): LaunchPlan {
  const args = [...clientArgs(s, req), '-node', s.node, '-s', 'etop', '-s', 'erlang', 'halt', '-output', 'text'];
  return interactive(s, req, ERL, args, clientEnv(s, req));
}

/** `iexdebug`: Elixir's remote shell. iex splits each `--erl` string on blanks itself. */
export function buildIexDebugLaunch(s: Settings, req: ShellRequest): LaunchPlan {
  const args = [
    `-${nameFlag(s.node)}`,
    controlNodeName(s.node),
    '--hidden',
    '--erl',
    clientArgs(s, req).slice(2).join(' '),
    '--remsh',
    s.node,
  ];
  return interactive(s, req, IEX, args, clientEnv(s, req));
}

/** `iexlive`: the ejabberd node itself with an Elixir shell. */
export function buildIexLiveLaunch(s: Settings, req: ShellRequest & { ymlText: string | undefined; now: Date }): LaunchPlan {
  const args = [
    `-${nameFlag(s.node)}`,
    s.node,
    '--erl',
    erlangOpts(s, req.vmArgsText).join(' '),
    '--erl',
    ejabberdArgs(s, req.ymlText).join(' '),
    '--app',
    'ejabberd',
  ];
  return { ...interactive(s, req, IEX, args, serverEnv(s, req)), umask: 0o027 };
}
