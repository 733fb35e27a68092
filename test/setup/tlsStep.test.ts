/** setup --cluster's TLS choice, as data: TLS by default for a cluster, plain TCP only when asked. */
import { describe, expect, it } from 'vitest';
import { planSetupTls } from '../../src/setup/tlsStep.js';
import { EjctlError } from '../../src/errors.js';

const d = (erlOptions: string[] = []) => ({ settings: { erlOptions } }) as unknown as Parameters<typeof planSetupTls>[0];
const files = { cert: '/c/n.pem', key: '/c/n.key', ca: '/c/ca.pem' };

function usage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof EjctlError && err.exitCode === 64) return err.message;
    throw err;
  }
  throw new Error('no usage error');
}

describe('planSetupTls', () => {
  it('a cluster member with the three files installs them', () => {
    expect(planSetupTls(d(), 'cluster', { yes: true, tls: files })).toEqual({ kind: 'install', ...files });
  });

  it('a cluster member with --yes and no TLS choice is a usage error naming the flags and --no-tls', () => {
    expect(usage(() => planSetupTls(d(), 'cluster', { yes: true, tls: {} }))).toMatch(/--tls-cert, --tls-key and --tls-ca .* or --no-tls/);
  });

  it('--no-tls is plain TCP, with a warning that names what crosses the network', () => {
    const p = planSetupTls(d(), 'cluster', { yes: true, tls: { off: true } });
    expect(p.kind).toBe('plain');
    expect(p.kind === 'plain' ? p.warning : '').toContain('passwords');
  });

  it('a cfg that already starts the node with TLS keeps it', () => {
    expect(planSetupTls(d(['-proto_dist', 'inet_tls', '-ssl_dist_optfile', '/x']), 'cluster', { yes: true }).kind).toBe('keep');
  });

  it('refuses half a set of files, files with --no-tls, and files for a single node', () => {
    expect(usage(() => planSetupTls(d(), 'cluster', { yes: true, tls: { cert: '/a' } }))).toContain('go together');
    expect(usage(() => planSetupTls(d(), 'cluster', { yes: true, tls: { ...files, off: true } }))).toContain('--no-tls excludes');
    expect(usage(() => planSetupTls(d(), 'single', { yes: true, tls: files }))).toContain('add --cluster');
    expect(planSetupTls(d(), 'single', { yes: true })).toEqual({ kind: 'none' });
  });
});
