/**
 * Certificates for TLS distribution, made by the system's openssl (/usr/bin/openssl, OpenSSL 3:
 * `req -x509 -newkey -CA` makes the EC P-256 key and signs in one step). The new key never
 * touches a file or a command line: openssl prints it with the certificate on stdout (`-keyout -
 * -out -`), and ejctl writes it where it belongs with its final mode. (Feeding a key to openssl
 * on stdin does not work: Node's child stdin is a socket, which openssl cannot open as a file.)
 * Only the CA key is named, by path: the 0400 file it lives in on the operator's machine.
 * Plans are data (buildCertPlan); runCertPlan is the one place that runs them.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { LaunchPlan } from '../run/plan.js';
import { describeOutcome, runPlan } from '../run/runner.js';
import { EjctlError, Exit } from '../errors.js';

export const OPENSSL = '/usr/bin/openssl';

export interface CertRequest {
  /** The subject's common name. */
  commonName: string;
  /** Host names and addresses the certificate names (node certificates). */
  hosts: string[];
  days: number;
  kind: 'ca' | 'node';
  /** For node certificates: the CA that signs. */
  ca?: { certFile: string; keyFile: string };
}

/** subjectAltName entries: a name as DNS; an address as IP and, for OTP's host name check, as DNS too (FACTS). */
export function subjectAltNames(hosts: readonly string[]): string {
  return hosts.flatMap((h) => (isIP(h) ? [`IP:${h}`, `DNS:${h}`] : [`DNS:${h}`])).join(',');
}

const CA_EXTENSIONS = ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign'];
const NODE_EXTENSIONS = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth,clientAuth',
];

export function buildCertPlan(r: CertRequest): LaunchPlan {
  const ext = r.kind === 'ca' ? CA_EXTENSIONS : [...NODE_EXTENSIONS, `subjectAltName=${subjectAltNames(r.hosts)}`];
  const signer = r.kind === 'node' && r.ca ? ['-CA', r.ca.certFile, '-CAkey', r.ca.keyFile] : [];
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-noenc',
    '-keyout',
    '-',
    '-out',
    '-',
    ...signer,
    '-sha256',
    '-days',
    String(r.days),
    '-subj',
    `/CN=${escapeRdn(r.commonName)}`,
    ...ext.flatMap((e) => ['-addext', e]),
  ];
  return {
    file: OPENSSL,
    args,
    // No config file of the host's may add extensions or change defaults.
    env: { OPENSSL_CONF: '/dev/null' },
    cwd: '/',
    stdin: { kind: 'ignore' },
    stdout: 'pipe',
    stderr: 'pipe',
  };
}

/** `-subj` treats `/`, `+`, `=` and `\` specially. */
function escapeRdn(s: string): string {
  return s.replace(/[\\/+=]/g, (c) => `\\${c}`);
}

export interface Made {
  keyPem: string;
  pem: string;
  cert: X509Certificate;
}

const KEY_PEM = /-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n/;
const CERT_PEM = /-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n/;

/** Runs one plan; the key and certificate (PEM) it printed, or an error saying what openssl said (never its stdout). */
export async function runCertPlan(plan: LaunchPlan): Promise<Made> {
  const o = await runPlan(plan, { timeoutMs: 30_000 });
  const key = o.kind === 'exited' && o.code === 0 ? KEY_PEM.exec(o.stdout)?.[0] : undefined;
  const pem = o.kind === 'exited' && o.code === 0 ? CERT_PEM.exec(o.stdout)?.[0] : undefined;
  if (key !== undefined && pem !== undefined) {
    try {
      return { keyPem: key, pem, cert: new X509Certificate(pem) };
    } catch {
      /* below */
    }
  }
  const said = o.kind === 'exited' || o.kind === 'killed' ? o.stderr.trim().split('\n').slice(0, 3).join('; ') : '';
  throw new EjctlError(`openssl ${describeOutcome(o)}${said ? `: ${said}` : ''}; nothing was written`, Exit.unavailable, {
    hint: `ejctl makes certificates with ${OPENSSL} (OpenSSL 3); install the openssl package.`,
  });
}
