/**
 * What a certificate says, read with node:crypto's X509Certificate (no openssl process): the
 * names it carries, its validity, its extended key usages, whether a CA issued it and whether a
 * key belongs to it. Pure apart from parsing; `problemsOf` words what is wrong for a node.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

export interface CertFacts {
  subject: string;
  issuer: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: number;
  notAfter: number;
  isCa: boolean;
  /** Extended key usages (OIDs), empty when the extension is absent. */
  extKeyUsage: string[];
  fingerprint256: string;
}

export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
/** Certificates expiring sooner than this are reported (audit, tls check). */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export function parseCert(pem: string | Buffer): X509Certificate {
  return new X509Certificate(pem);
}

export function certFacts(c: X509Certificate): CertFacts {
  const sans = (c.subjectAltName ?? '').split(', ').filter(Boolean);
  return {
    subject: c.subject.replace(/\n/g, ', '),
    issuer: c.issuer.replace(/\n/g, ', '),
    dnsNames: sans.filter((x) => x.startsWith('DNS:')).map((x) => x.slice(4)),
    ipAddresses: sans.filter((x) => x.startsWith('IP Address:')).map((x) => x.slice(11)),
    notBefore: Date.parse(c.validFrom),
    notAfter: Date.parse(c.validTo),
    isCa: c.ca,
    extKeyUsage: c.keyUsage ?? [],
    fingerprint256: c.fingerprint256,
  };
}

/** Whether the certificate names `host` the way OTP's client checks it (an address as a DNS SAN too, see FACTS). */
export function namesHost(f: CertFacts, host: string): boolean {
  const h = host.toLowerCase();
  if (isIP(host)) return f.ipAddresses.includes(host) && f.dnsNames.includes(host);
  return f.dnsNames.some(
    (d) =>
      d.toLowerCase() === h || (d.startsWith('*.') && h.endsWith(d.slice(1).toLowerCase()) && !h.slice(0, -d.length + 1).includes('.')),
  );
}

export function issuedBy(c: X509Certificate, ca: X509Certificate): boolean {
  return c.checkIssued(ca) && c.verify(ca.publicKey);
}

export function keyMatches(c: X509Certificate, keyPem: string | Buffer): boolean {
  try {
    return c.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

export function daysLeft(f: CertFacts, nowMs: number): number {
  return Math.floor((f.notAfter - nowMs) / DAY_MS);
}

/** What keeps a certificate from serving as node `host`'s distribution certificate, in words. */
export function problemsOf(f: CertFacts, host: string, nowMs: number): string[] {
  const p: string[] = [];
  if (f.isCa) p.push('it is a CA certificate, not a node certificate');
  if (!namesHost(f, host))
    p.push(
      `it does not name ${host} (names: ${[...f.dnsNames.map((d) => `DNS:${d}`), ...f.ipAddresses.map((i) => `IP:${i}`)].join(', ') || 'none'})`,
    );
  if (f.extKeyUsage.length > 0 && !(f.extKeyUsage.includes(SERVER_AUTH) && f.extKeyUsage.includes(CLIENT_AUTH)))
    p.push('its extended key usage does not allow both serverAuth and clientAuth');
  if (f.notAfter <= nowMs) p.push(`it expired on ${new Date(f.notAfter).toISOString()}`);
  if (f.notBefore > nowMs) p.push(`it is not valid before ${new Date(f.notBefore).toISOString()}`);
  return p;
}
