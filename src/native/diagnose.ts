/**
 * ejabberdctl says "nodedown" for every failure. The native transport knows which step failed,
 * so it says it on stderr (stdout stays ejabberdctl's).
 */
import type { Settings } from '../config/settings.js';
import { epmdNames } from '../system/epmd.js';
import type { OpenFailure } from './open.js';

type Where = Pick<Settings, 'node' | 'nodeName' | 'cookieFile'>;

export async function describeOpenFailure(s: Where, f: OpenFailure): Promise<string> {
  const node = s.node;
  switch (f.kind) {
    case 'epmd':
      if (f.reason === 'unresolved') return `ejctl: the host part of ${node} does not resolve: check ERLANG_NODE or --node.`;
      return `ejctl: no EPMD answered on ${f.host}:${f.port} (${f.detail}): ${node} is not running, or its host name is wrong.`;
    case 'not-registered': {
      const names = await epmdNames(f.host, f.port);
      const list = names.ok ? names.names.map((n) => n.name).join(', ') || 'none' : 'unknown';
      return `ejctl: EPMD on ${f.host}:${f.port} answered, but no node named '${s.nodeName.name}' is registered (registered: ${list}): ${node} is stopped, or the node name is wrong.`;
    }
    case 'old-node':
      return `ejctl: ${node} speaks distribution version ${f.version}; the native transport needs OTP 23 or newer: use --transport erl.`;
    case 'refused':
      return `ejctl: nothing accepts connections on ${f.host}:${f.port}: ${node} is stopping or gone (stale EPMD entry), or ERL_DIST_PORT is wrong.`;
    case 'unreachable':
      return `ejctl: cannot reach ${f.host}:${f.port} (${f.detail}).`;
    case 'timeout':
      return `ejctl: ${f.detail}: a firewall may drop the connection, or ${node} is overloaded.`;
    case 'rejected-cookie':
      return `ejctl: ${node} rejected the cookie in ${s.cookieFile}: it closed the connection right after our challenge reply. Compare fingerprints with 'ejctl cookie fingerprint' on both sides.`;
    case 'bad-ack':
      return `ejctl: the peer at ${f.host}:${f.port} does not know the cookie in ${s.cookieFile}, so it is not ${node}; nothing was sent to it.`;
    case 'refused-status':
      return `ejctl: ${node} refused the connection during the handshake (${f.detail}).`;
    case 'closed':
      return `ejctl: ${f.host}:${f.port} closed the connection during the handshake: ${node} may use TLS distribution (then ERL_OPTIONS must say -proto_dist inet_tls -ssl_dist_optfile FILE). ${f.detail}`;
    case 'protocol':
      return `ejctl: the distribution handshake with ${node} failed: ${f.detail}`;
    case 'tls':
      return describeTlsFailure(node, s.nodeName.host, f.detail);
  }
}

export function describeLost(s: Where, reason: string): string {
  return `ejctl: the connection to ${s.node} was lost during the command (${reason}).`;
}

export function describeTimeout(s: Where, timeoutMs: number): string {
  return `ejctl: ${s.node} did not answer within ${timeoutMs / 1000} s; the command may still be running there. Use --no-timeout to wait for it.`;
}

/** Which side's certificate failed, from OpenSSL's code: the node's (checked by us) or ours (an alert from the node). */
function describeTlsFailure(node: string, host: string, detail: string): string {
  const head = `ejctl: TLS verification failed with ${node} (${detail}):`;
  if (/ALTNAME|HOSTNAME/.test(detail)) return `${head} the node's certificate does not name ${host}; nothing was sent to it.`;
  if (/ALERT/.test(detail))
    return `${head} the node refused our client certificate (the certfile of the client options in the ssl_dist option file): it must come from the cluster CA.`;
  return `${head} the node's certificate is not signed by the cacertfile of the ssl_dist option file, or has expired; nothing was sent to it.`;
}
