/**
 * TLS distribution findings: the ssl_dist option file the node starts with (the running beam's
 * arguments when there is one, else ERL_OPTIONS and vm.args), whether both sides verify, the
 * key's mode, a CA key lying next to the node's files, and the certificates' names and expiry.
 * gatherTlsFacts reads; evaluateTls is pure (the clock comes in), so tests can move time.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Settings } from '../config/settings.js';
import { EjctlError } from '../errors.js';
import { formatMode } from '../system/files.js';
import { certFacts, daysLeft, EXPIRY_WARNING_DAYS, issuedBy, namesHost, parseCert } from '../tls/inspect.js';
import { loadOptFile, optfileIn, type DistOptFile } from '../tls/optfile.js';
import { readBounded } from '../tls/readBounded.js';
import { finding } from './catalog.js';
import type { CheckResult, Finding } from './types.js';

export interface KeyFacts {
  path: string;
  mode: number;
  uid: number;
}

export interface TlsFacts {
  optfile: DistOptFile;
  /** certfile and cacertfile of each side, parsed (missing when unreadable). */
  certs: { side: 'server' | 'client'; role: 'certfile' | 'cacertfile'; path: string; cert: X509Certificate | undefined }[];
  keys: KeyFacts[];
  /** Private keys found next to the node's files that belong to the CA certificate. */
  caKeys: string[];
}

const MAX_PEM = 1024 * 1024;

/** The TLS facts of the node, or why they could not be read; undefined when TLS distribution is not used. */
export function gatherTlsFacts(words: readonly string[]): TlsFacts | { reason: string } | undefined {
  const i = words.lastIndexOf('-proto_dist');
  if (i < 0 || !/^inet6?_tls$/.test(words[i + 1] ?? '')) return undefined;
  const path = optfileIn(words);
  if (path === undefined) return { reason: 'TLS distribution is set without -ssl_dist_optfile (inline -ssl_dist_opt is not audited)' };
  let optfile: DistOptFile;
  try {
    optfile = loadOptFile(path);
  } catch (err) {
    if (err instanceof EjctlError) return { reason: err.message };
    throw err;
  }
  const certs: TlsFacts['certs'] = [];
  const keys = new Map<string, KeyFacts>();
  for (const side of ['server', 'client'] as const) {
    const opts = optfile[side];
    for (const role of ['certfile', 'cacertfile'] as const) {
      const p = opts.get(role);
      if (typeof p === 'string') certs.push({ side, role, path: p, cert: tryCert(p) });
    }
    const key = opts.get('keyfile') ?? opts.get('certfile');
    if (typeof key === 'string' && !keys.has(key)) keys.set(key, keyFacts(key));
  }
  const ca = certs.find((c) => c.role === 'cacertfile' && c.cert)?.cert;
  const dirs = new Set(certs.map((c) => dirname(c.path)));
  return { optfile, certs, keys: [...keys.values()].filter((k) => k.mode >= 0), caKeys: ca ? findCaKeys([...dirs], ca) : [] };
}

function tryCert(path: string): X509Certificate | undefined {
  try {
    return parseCert(readBounded(path, MAX_PEM, 'the certificate', ''));
  } catch {
    return undefined;
  }
}

function keyFacts(path: string): KeyFacts {
  try {
    const st = lstatSync(path);
    return { path, mode: st.mode & 0o7777, uid: st.uid };
  } catch {
    return { path, mode: -1, uid: -1 };
  }
}

/** Files in `dirs` holding the CA's private key (any PEM private key whose public half is the CA's). */
function findCaKeys(dirs: string[], ca: X509Certificate): string[] {
  const want = ca.publicKey.export({ type: 'spki', format: 'der' });
  const found: string[] = [];
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const text = readBounded(path, MAX_PEM, 'the file', '').toString('utf8');
        if (!/-----BEGIN (EC |RSA )?PRIVATE KEY-----/.test(text)) continue;
        if (createPublicKey(createPrivateKey(text)).export({ type: 'spki', format: 'der' }).equals(want)) found.push(path);
      } catch {
        /* not a readable key */
      }
    }
  }
  return found;
}

/** The TLS findings of a node started with `words`; nothing when it does not use TLS distribution. */
export function auditTls(s: Pick<Settings, 'nodeName' | 'installUser'>, words: readonly string[]): CheckResult {
  const facts = gatherTlsFacts(words);
  if (facts === undefined) return { findings: [], skipped: [] };
  if ('reason' in facts) return { findings: [], skipped: [{ check: 'tls', reason: facts.reason }] };
  return evaluateTls(s, facts, Date.now());
}

export function evaluateTls(s: Pick<Settings, 'nodeName' | 'installUser'>, facts: TlsFacts, nowMs: number): CheckResult {
  return { findings: [...verificationFindings(facts.optfile), ...keyFindings(s, facts), ...certFindings(s, facts, nowMs)], skipped: [] };
}

function verificationFindings(o: DistOptFile): Finding[] {
  const out: Finding[] = [];
  for (const side of ['server', 'client'] as const) {
    const v = o[side].get('verify');
    if (v !== 'verify_peer') {
      out.push(
        finding('tls-verify-off', {
          evidence: `the ${side} options in ${o.path} say {verify, ${String(v ?? 'verify_none (the default)')}}: any certificate is accepted from the peer`,
          fix: `Set {verify, verify_peer} and {cacertfile, CA} in the ${side} options (ejctl tls issue writes them).`,
          path: o.path,
        }),
      );
    }
  }
  if (o.server.get('verify') === 'verify_peer' && o.server.get('fail_if_no_peer_cert') !== true) {
    out.push(
      finding('tls-no-peer-cert-required', {
        evidence: `the server options in ${o.path} verify a certificate only when one is sent: without {fail_if_no_peer_cert, true} a peer with none (and the right cookie) gets in`,
        fix: 'Add {fail_if_no_peer_cert, true} to the server options.',
        path: o.path,
      }),
    );
  }
  return out;
}

function keyFindings(s: Pick<Settings, 'installUser'>, f: TlsFacts): Finding[] {
  const out: Finding[] = [];
  for (const k of f.keys) {
    const owners = [0, s.installUser?.uid];
    if ((k.mode & 0o077) !== 0 || !owners.includes(k.uid)) {
      out.push(
        finding('tls-key-readable', {
          evidence: `${k.path} has mode ${formatMode(k.mode)}, uid ${k.uid}: others may read the node's private key and pass as a cluster member`,
          fix: `chmod 0400 ${k.path}; it should belong to ${s.installUser?.name ?? 'the node user'}.`,
          path: k.path,
          fixMode: 0o400,
        }),
      );
    }
  }
  for (const p of f.caKeys) {
    out.push(
      finding('tls-ca-key-on-node', {
        evidence: `${p} holds the private key of the cluster CA: whoever reads it can issue certificates every node accepts`,
        fix: "Move the CA key to the operator's machine (ejctl tls init-ca keeps it in ~/.config/ejctl/ca) and remove it here.",
        path: p,
      }),
    );
  }
  return out;
}

function certFindings(s: Pick<Settings, 'nodeName'>, f: TlsFacts, nowMs: number): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const ca = f.certs.find((c) => c.role === 'cacertfile' && c.cert)?.cert;
  for (const c of f.certs) {
    if (!c.cert || seen.has(c.path)) continue;
    seen.add(c.path);
    const facts = certFacts(c.cert);
    const left = daysLeft(facts, nowMs);
    const what = c.role === 'cacertfile' ? 'The CA certificate' : "The node's certificate";
    const until = new Date(facts.notAfter).toISOString();
    if (facts.notAfter <= nowMs)
      out.push(finding('tls-cert-expired', { evidence: `${what} ${c.path} expired on ${until}`, fix: RENEW, path: c.path }));
    else if (left < EXPIRY_WARNING_DAYS)
      out.push(
        finding('tls-cert-expiring', { evidence: `${what} ${c.path} expires on ${until} (in ${left} days)`, fix: RENEW, path: c.path }),
      );
    if (c.role === 'certfile' && !namesHost(facts, s.nodeName.host)) {
      const names = [...facts.dnsNames.map((d) => `DNS:${d}`), ...facts.ipAddresses.map((a) => `IP:${a}`)].join(', ') || 'none';
      out.push(
        finding('tls-cert-wrong-host', {
          evidence: `${c.path} names ${names}, not ${s.nodeName.host} (the host part of the node name): peers checking host names refuse it`,
          fix: `Issue a certificate for the node: ejctl tls issue ${s.nodeName.name}@${s.nodeName.host}`,
          path: c.path,
        }),
      );
    }
    if (c.role === 'certfile' && ca && !issuedBy(c.cert, ca)) {
      out.push(
        finding('tls-cert-untrusted', {
          evidence: `${c.path} was not issued by the cacertfile's CA: peers refuse it`,
          fix: RENEW,
          path: c.path,
        }),
      );
    }
  }
  return out;
}

const RENEW = 'Issue a new certificate (ejctl tls issue; docs/tls.md, Renewal) and restart the node to load it.';
