/**
 * Which transport forwards a command: the erl control node, or ejctl's own distribution client
 * (src/native). `auto` takes native where it applies: plain TCP distribution, or TLS distribution
 * (`-proto_dist inet_tls` with `-ssl_dist_optfile`, spoken by src/tls/distTls.ts), found through
 * EPMD or ERL_DIST_PORT. Another -proto_dist, inline -ssl_dist_opt or a custom EPMD module need
 * the erl control node. Kept free of heavy imports: every forwarded command loads it.
 */
import { isIPv6 } from 'node:net';
import type { Settings } from '../config/settings.js';
import { usageError } from '../errors.js';

export type Transport = 'erl' | 'native';

/** What `--transport` and EJCTL_TRANSPORT default to. */
export const DEFAULT_TRANSPORT = 'auto';

/** VM arguments after which only the erl control node can reach the node. */
const NEEDS_ERL = ['-ssl_dist_opt', '-epmd_module', '-erl_epmd_port', '-connect_all'];
/** -proto_dist carriers the native transport speaks (inet_tls needs its -ssl_dist_optfile). */
const NATIVE_PROTO = new Set(['inet_tcp', 'inet_tls']);

export function chooseTransport(
  s: Pick<Settings, 'transport' | 'erlOptions' | 'inetDistInterface'>,
  flag: string | undefined,
  vmArgsText: string | undefined,
): Transport {
  const wanted = flag ?? s.transport ?? DEFAULT_TRANSPORT;
  if (wanted === 'erl' || wanted === 'native') return wanted;
  if (wanted !== 'auto') {
    throw usageError(`unknown transport '${wanted}'`, 'Use --transport erl, native or auto (or EJCTL_TRANSPORT in ejabberdctl.cfg).');
  }
  return nativeApplies(s, vmArgsText) ? 'native' : 'erl';
}

export function nativeApplies(s: Pick<Settings, 'erlOptions' | 'inetDistInterface'>, vmArgsText: string | undefined): boolean {
  const vmWords = (vmArgsText ?? '').split('\n').flatMap((line) => line.replace(/#.*/, '').split(/\s+/));
  const list = [...s.erlOptions, ...vmWords];
  const words = new Set(list);
  if (NEEDS_ERL.some((w) => words.has(w))) return false;
  const proto = list[list.lastIndexOf('-proto_dist') + 1];
  if (words.has('-proto_dist') && !NATIVE_PROTO.has(proto ?? '')) return false;
  if (proto === 'inet_tls' && !words.has('-ssl_dist_optfile')) return false;
  // An IPv6 INET_DIST_INTERFACE makes ejctl's erl launch use inet6_tcp; leave that to erl.
  // (The ':' test first: net.isIPv6 compiles a large regular expression, ~3 ms on a cold start.)
  const iface = s.inetDistInterface;
  return !(iface?.includes(':') && isIPv6(iface));
}
