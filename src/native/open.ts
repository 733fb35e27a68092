/**
 * Finding the node and opening a session: ERL_DIST_PORT when the cfg fixes it, else EPMD's
 * PORT_PLEASE2 on the node's host. Failures come back as data for diagnose.ts.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { hostname } from 'node:os';
import type { Settings } from '../config/settings.js';
import { epmdPort, epmdPortPlease } from '../system/epmd.js';
import { distTlsFor } from '../tls/distTls.js';
import { DialFailure, type FailureKind } from './dial.js';
import { NativeSession } from './session.js';

/** For the TCP connect and the handshake together: OTP's default net_setuptime is 7 s. */
export const CONNECT_TIMEOUT_MS = 7000;
/** Frames after the handshake: large enough for tens of MB of output, small enough to refuse garbage. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export type OpenFailure =
  | { kind: 'epmd'; reason: 'refused' | 'timeout' | 'unresolved' | 'error'; detail: string; host: string; port: number }
  | { kind: 'not-registered'; host: string; port: number }
  | { kind: 'old-node'; version: number }
  | { kind: FailureKind; detail: string; host: string; port: number };

export type Opened = { ok: true; session: NativeSession } | { ok: false; failure: OpenFailure };

type Target = Pick<Settings, 'node' | 'nodeName' | 'erlDistPort' | 'erlOptions' | 'vmArgs'>;

export async function openSession(s: Target, cookie: string, env: NodeJS.ProcessEnv): Promise<Opened> {
  const { host } = s.nodeName;
  // TLS distribution (-proto_dist inet_tls): the client side of the node's option file.
  const tls = distTlsFor(s);
  const address = await resolveIpv4(host);
  if (address === undefined) {
    return {
      ok: false,
      failure: { kind: 'epmd', reason: 'unresolved', detail: `the host name ${host} does not resolve`, host, port: epmdPort(env) },
    };
  }
  let port = s.erlDistPort;
  if (port === undefined) {
    const epmd = epmdPort(env);
    const answer = await epmdPortPlease(address, epmd, s.nodeName.name);
    if (!answer.ok) return { ok: false, failure: { kind: 'epmd', reason: answer.reason, detail: answer.detail, host, port: epmd } };
    if (!answer.found) return { ok: false, failure: { kind: 'not-registered', host, port: epmd } };
    if (answer.highestVersion < 6) return { ok: false, failure: { kind: 'old-node', version: answer.highestVersion } };
    port = answer.port;
  }
  try {
    const session = await NativeSession.open({
      host: address,
      port,
      cookie,
      ourHost: ourHost(s),
      expectNode: s.node,
      timeoutMs: CONNECT_TIMEOUT_MS,
      maxFrame: MAX_FRAME_BYTES,
      ...(tls ? { tls: tls.options } : {}),
    });
    return { ok: true, session };
  } catch (err) {
    if (!(err instanceof DialFailure)) throw err;
    return { ok: false, failure: { kind: err.kind, detail: err.message, host, port } };
  }
}

/**
 * The node's host, resolved once for EPMD and the node, as inet_tcp distribution resolves it:
 * IPv4 (the native transport serves inet_tcp nodes only, see choose.ts). `localhost` needs no
 * resolver: on a cold start the first lookup costs about 5 ms here. It is tested first because
 * net.isIPv6 on a name compiles a large regular expression (about 3 ms on a cold start).
 */
async function resolveIpv4(host: string): Promise<string | undefined> {
  if (host === 'localhost') return '127.0.0.1';
  if (isIPv4(host) || (host.includes(':') && isIPv6(host))) return host;
  try {
    // Loaded on first use (no import(): ejctl runs as a CommonJS bundle, see scripts/build.mjs).
    const { lookup } = process.getBuiltinModule('node:dns/promises');
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return undefined;
  }
}

/**
 * The host part of the name we ask for: short for a short-name node, as `-sname undefined`
 * would give; for a long-name node our FQDN when we know it, else the node's own host.
 */
function ourHost(s: Target): string {
  const mine = hostname();
  const long = s.nodeName.longNames;
  if (!long) return mine.split('.')[0] || 'localhost';
  return mine.includes('.') ? mine : s.nodeName.host;
}
