/**
 * What the native transport needs to speak TLS distribution as the node's own client side
 * would (inet_tls_dist): the client certificate and key, the cluster CA, and the TLS versions,
 * all from the `{client, Opts}` of the node's ssl_dist option file. The peer is always verified
 * against that CA and the node's host name (see docs/tls.md: even when the file says
 * verify_none, which audit reports).
 */
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import type { Settings } from '../config/settings.js';
import { configError } from '../errors.js';
import { readTextIfPresent } from '../system/files.js';
import { readBounded } from './readBounded.js';
import { loadOptFile, optfileIn, unknownOptions, type SideOptions } from './optfile.js';

/** A certificate chain or key file is a few kB; refuse anything much larger. */
const MAX_PEM_BYTES = 1024 * 1024;

export interface DistTls {
  optfile: string;
  /** The node's host part: what its certificate must name. */
  host: string;
  options: ConnectionOptions;
}

/** The words of ERL_OPTIONS and vm.args, in launch order. */
export function launchWords(s: Pick<Settings, 'erlOptions'>, vmArgsText: string | undefined): string[] {
  const vm = (vmArgsText ?? '').split('\n').flatMap((l) => l.replace(/#.*/, '').split(/\s+/));
  return [...s.erlOptions, ...vm].filter(Boolean);
}

/** `-proto_dist inet_tls` among the launch words. */
export function usesTlsDist(words: readonly string[]): boolean {
  const i = words.lastIndexOf('-proto_dist');
  return i >= 0 && words[i + 1] === 'inet_tls';
}

/** The TLS side of a native connection to the node `s` names, or undefined for plain TCP distribution. */
export function distTlsFor(s: Pick<Settings, 'erlOptions' | 'vmArgs' | 'nodeName'>): DistTls | undefined {
  const words = launchWords(s, readTextIfPresent(s.vmArgs));
  if (!usesTlsDist(words)) return undefined;
  const optfile = optfileIn(words);
  if (optfile === undefined) {
    throw configError(
      '-proto_dist inet_tls is set without -ssl_dist_optfile: the native transport needs the option file',
      'Add -ssl_dist_optfile FILE to ERL_OPTIONS (ejctl tls install writes one), or use --transport erl.',
    );
  }
  return { optfile, host: s.nodeName.host, options: clientOptions(loadOptFile(optfile).client, optfile, s.nodeName.host) };
}

export function clientOptions(c: SideOptions, optfile: string, host: string): ConnectionOptions {
  const unknown = unknownOptions(c);
  if (unknown.length > 0) {
    throw configError(
      `the client options in ${optfile} hold ${unknown.join(', ')}, which the native transport does not implement`,
      'Use --transport erl (or EJCTL_TRANSPORT=erl in ejabberdctl.cfg) for this node.',
    );
  }
  const certfile = stringOpt(c, 'certfile', optfile);
  const cacertfile = stringOpt(c, 'cacertfile', optfile);
  const keyfile = c.has('keyfile') ? stringOpt(c, 'keyfile', optfile) : certfile;
  const versions = tlsVersions(c.get('versions'), optfile);
  return {
    cert: readPem(certfile),
    key: readPem(keyfile),
    ca: readPem(cacertfile),
    rejectUnauthorized: true,
    // SNI takes names only; for an address the identity check below still applies.
    ...(/^[0-9.]+$|:/.test(host) ? {} : { servername: host }),
    checkServerIdentity: (_name: string, cert: PeerCertificate) => nodeIdentity(host, cert),
    minVersion: versions[0],
    maxVersion: versions[versions.length - 1],
  };
}

/** As inet_tls_dist checks: the certificate must name the host part of the node name. */
function nodeIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const { checkServerIdentity } = process.getBuiltinModule('node:tls');
  // OTP accepts an address named as a DNS SAN (FACTS: with verify_peer, IP-only SANs fail there).
  const dnsForm = /^[0-9.]+$/.test(host) && cert.subjectaltname?.split(', ').includes(`DNS:${host}`);
  return dnsForm ? undefined : checkServerIdentity(host, cert);
}

function stringOpt(c: SideOptions, key: string, optfile: string): string {
  const v = c.get(key);
  if (typeof v !== 'string' || v === '') {
    throw configError(
      `the client options in ${optfile} have no ${key}: the native transport needs certfile, keyfile and cacertfile`,
      'Give the client a certificate, key and CA (ejctl tls install writes them), or use --transport erl.',
    );
  }
  return v;
}

type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

function tlsVersions(v: ReturnType<SideOptions['get']>, optfile: string): TlsVersion[] {
  if (v === undefined) return ['TLSv1.2', 'TLSv1.3'];
  const map: Record<string, TlsVersion> = { 'tlsv1.2': 'TLSv1.2', 'tlsv1.3': 'TLSv1.3' };
  const out = Array.isArray(v) ? v.map((x) => map[x]) : [];
  if (out.length === 0 || out.some((x) => x === undefined)) {
    throw configError(`the client versions in ${optfile} are not among 'tlsv1.2', 'tlsv1.3'`, 'Use TLS 1.3 (and 1.2 only where needed).');
  }
  return (out as TlsVersion[]).sort();
}

export function readPem(path: string): Buffer {
  return readBounded(
    path,
    MAX_PEM_BYTES,
    'the file',
    'It is named in the ssl_dist option file: run ejctl as root or as INSTALLUSER, and check the path.',
  );
}
