/**
 * What `--dry-run` shows for the native transport: the connection and the call ejctl would make
 * itself, not the erl control node's launch (that is the plan of the other transport, used only
 * as the fallback for nodes older than OTP 23). No secret: the cookie and the arguments after
 * the command word are not shown.
 */
import type { Settings } from '../config/settings.js';
import { epmdPort } from '../system/epmd.js';

export function describeNativePlan(
  s: Pick<Settings, 'node' | 'nodeName' | 'erlDistPort' | 'cookieFile'>,
  args: readonly string[],
  timeout: number | 'infinity',
  env: NodeJS.ProcessEnv,
): string {
  const where =
    s.erlDistPort !== undefined
      ? `${s.nodeName.host}:${s.erlDistPort} (ERL_DIST_PORT: no EPMD)`
      : `the port EPMD at ${s.nodeName.host}:${epmdPort(env)} gives for '${s.nodeName.name}'`;
  const [command, ...rest] = args;
  return [
    'transport: native (ejctl speaks Erlang distribution itself: no process is started)',
    `node: ${s.node}`,
    `connect: TCP to ${where}`,
    `handshake: distribution protocol 6, as a hidden node, with the cookie in ${s.cookieFile} (not shown)`,
    `call: ejabberd_ctl:process for '${command ?? ''}' with ${rest.length} more argument(s) (not shown), ${timeout === 'infinity' ? 'no time limit (--no-timeout)' : `at most ${timeout / 1000} s`}`,
    "output: the command's text on stdout and its integer as the exit code, as with ejabberdctl",
    'fallback: a node older than OTP 23 is reached with the erl transport (`ejctl --transport erl --dry-run ...` shows that plan)',
    '',
  ].join('\n');
}
