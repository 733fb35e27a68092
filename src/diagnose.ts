/**
 * ejabberdctl prints the same line for a stopped node and a rejected cookie. When a command ends
 * with "node unreachable", ask EPMD what it knows and say which case this looks like.
 */
import { connect } from 'node:net';
import type { Settings } from './config/settings.js';
import type { Ctx } from './context.js';
import { epmdNames, epmdPort } from './system/epmd.js';

/**
 * Whether a forwarded command may add its diagnosis to stderr: for a person (stderr is a
 * terminal), with --verbose, or with EJCTL_DIAGNOSE=1 (logs). Otherwise stderr stays ejabberdctl's
 * (empty), for scripts that merge stderr into stdout.
 */
export function wantsDiagnosis(ctx: Pick<Ctx, 'stderr' | 'env'>, verbose: boolean | undefined): boolean {
  return ctx.stderr.isTTY === true || verbose === true || ctx.env.EJCTL_DIAGNOSE === '1';
}

export async function diagnoseUnreachable(
  s: Pick<Settings, 'node' | 'nodeName' | 'erlDistPort' | 'cookieFile'>,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const { name, host } = s.nodeName;
  if (s.erlDistPort !== undefined) {
    const open = await portOpen(host, s.erlDistPort);
    return open
      ? `ejctl: ${host}:${s.erlDistPort} (ERL_DIST_PORT) accepts connections, so ${s.node} is likely running and rejected the cookie in ${s.cookieFile}.`
      : `ejctl: nothing listens on ${host}:${s.erlDistPort} (ERL_DIST_PORT): ${s.node} is not running, or the host name is wrong.`;
  }
  const port = epmdPort(env);
  const answer = await epmdNames(host, port);
  if (!answer.ok) {
    if (answer.reason === 'unresolved') return `ejctl: the host part of ${s.node} does not resolve: check ERLANG_NODE or --node.`;
    return `ejctl: no EPMD answered on ${host}:${port} (${answer.detail}): ${s.node} is not running, or its host name is wrong.`;
  }
  const entry = answer.names.find((n) => n.name === name);
  if (!entry) {
    const others = answer.names.map((n) => n.name).join(', ') || 'none';
    return `ejctl: EPMD on ${host}:${port} answered, but no node named '${name}' is registered (registered: ${others}): ${s.node} is stopped, or the node name is wrong.`;
  }
  return `ejctl: ${s.node} is registered in EPMD (port ${entry.port}) but did not let us in: most likely it rejected the cookie in ${s.cookieFile}. Compare fingerprints with 'ejctl cookie fingerprint' on both sides.`;
}

export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
