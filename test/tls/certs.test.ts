/**
 * `ejctl tls` on disk, no node needed: the CA stays with the operator (0400 key, 0700 dir), node
 * files get their modes and owners, ssl_dist.conf verifies both sides, ERL_OPTIONS points at it,
 * and bad material is refused before anything is written (the findings: test/audit/tls.test.ts).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ejctl, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';
import { nodeWithTls, ok } from '../helpers/tls.js';

describe.skipIf(!isRoot)('ejctl tls: certificates and files', () => {
  it('init-ca keeps the key 0400 in a 0700 directory, and refuses to overwrite a CA', async () => {
    const dir = join(tempDir(), 'ca');
    await ok(['tls', 'init-ca', '--ca-dir', dir]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o400);
    const cert = new X509Certificate(readFileSync(join(dir, 'ca.pem')));
    expect(cert.ca).toBe(true);
    const before = readFileSync(join(dir, 'ca.key'));
    const again = await ejctl(['tls', 'init-ca', '--ca-dir', dir]);
    expect(again.exitCode).toBe(78);
    expect(again.stderr).toContain(`${dir}/ca.key exists; the CA there was left as it is`);
    expect(readFileSync(join(dir, 'ca.key'))).toEqual(before);
  });

  it('issue installs the node files with their modes and owners, an option file that verifies both sides, and ERL_OPTIONS', async () => {
    const n = await nodeWithTls();
    const key = statSync(join(n.tls, 'node.key'));
    expect(key.mode & 0o777).toBe(0o400);
    expect(key.uid).toBe(nodeUser()?.uid);
    for (const f of ['node.pem', 'ca.pem', 'ssl_dist.conf']) expect(statSync(join(n.tls, f)).mode & 0o777).toBe(0o644);
    const cert = new X509Certificate(readFileSync(join(n.tls, 'node.pem')));
    expect(cert.subjectAltName).toBe('DNS:localhost');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(cert.checkIssued(new X509Certificate(readFileSync(join(n.ca, 'ca.pem'))))).toBe(true);
    const conf = readFileSync(join(n.tls, 'ssl_dist.conf'), 'utf8');
    expect(conf.match(/\{verify, verify_peer\}/g)).toHaveLength(2);
    expect(conf).toContain('{fail_if_no_peer_cert, true}');
    expect(conf.match(/\{versions, \['tlsv1\.3'\]\}/g)).toHaveLength(2);
    expect(readFileSync(n.cfgPath, 'utf8')).toContain(`ERL_OPTIONS='-proto_dist inet_tls -ssl_dist_optfile ${n.tls}/ssl_dist.conf'`);
    // No CA key on the node: only the CA certificate.
    expect(existsSync(join(n.tls, 'ca.key'))).toBe(false);
    const check = await ejctl(['-c', n.cfgPath, 'tls', 'check']);
    expect(check).toEqual({ stdout: `TLS distribution of ${n.node}: no problem found.\n`, stderr: '', exitCode: 0 });
  });

  it('issue --out writes a bundle; import-node refuses a certificate for another host or a key that is not its own, writing nothing', async () => {
    const n = await createTestNodeFiles();
    const ca = join(n.dir, 'ca');
    await ok(['tls', 'init-ca', '--ca-dir', ca]);
    const out = tempDir();
    await ok(['tls', 'issue', 'ejabberd@other.example', '--ca-dir', ca, '--out', out]);
    expect(statSync(join(out, 'other.example.key')).mode & 0o777).toBe(0o400);
    const other = await ejctl([
      '-c',
      n.cfgPath,
      'tls',
      'import-node',
      '--cert',
      `${out}/other.example.pem`,
      '--key',
      `${out}/other.example.key`,
      '--ca',
      `${out}/ca.pem`,
    ]);
    expect(other.exitCode).toBe(78);
    expect(other.stderr).toContain(
      `cannot serve as ${n.node}'s distribution certificate: it does not name localhost (names: DNS:other.example)`,
    );
    const mine = tempDir();
    await ok(['tls', 'issue', n.node, '--ca-dir', ca, '--out', mine]);
    const mixed = await ejctl([
      '-c',
      n.cfgPath,
      'tls',
      'import-node',
      '--cert',
      `${mine}/localhost.pem`,
      '--key',
      `${out}/other.example.key`,
      '--ca',
      `${mine}/ca.pem`,
    ]);
    expect(mixed.exitCode).toBe(78);
    expect(mixed.stderr).toContain('the key does not belong to it');
    expect(existsSync(join(n.dir, 'tls'))).toBe(false);
    await ok([
      '-c',
      n.cfgPath,
      'tls',
      'import-node',
      '--cert',
      `${mine}/localhost.pem`,
      '--key',
      `${mine}/localhost.key`,
      '--ca',
      `${mine}/ca.pem`,
    ]);
    expect(statSync(join(n.dir, 'tls', 'node.key')).uid).toBe(nodeUser()?.uid);
  });

  it('import-ca takes an existing CA (and refuses a certificate that is not one); issue then signs with it', async () => {
    const src = join(tempDir(), 'ca');
    await ok(['tls', 'init-ca', '--ca-dir', src, '--name', 'Corp CA']);
    const dst = join(tempDir(), 'ca');
    const notCa = tempDir();
    await ok(['tls', 'issue', 'ejabberd@x.example', '--ca-dir', src, '--out', notCa]);
    const refused = await ejctl(['tls', 'import-ca', '--cert', `${notCa}/x.example.pem`, '--ca-dir', dst]);
    expect(refused.exitCode).toBe(78);
    expect(refused.stderr).toContain('is not a CA certificate');
    await ok(['tls', 'import-ca', '--cert', `${src}/ca.pem`, '--key', `${src}/ca.key`, '--ca-dir', dst]);
    expect(statSync(join(dst, 'ca.key')).mode & 0o777).toBe(0o400);
    const out = tempDir();
    await ok(['tls', 'issue', 'ejabberd@y.example', '--ca-dir', dst, '--out', out]);
    expect(new X509Certificate(readFileSync(`${out}/y.example.pem`)).issuer).toBe('CN=Corp CA');
  });

  it('a node named by address gets the address as IP and DNS subjectAltName (OTP checks the DNS form)', async () => {
    const n = await nodeWithTls('127.0.0.1');
    expect(new X509Certificate(readFileSync(join(n.tls, 'node.pem'))).subjectAltName).toBe('IP Address:127.0.0.1, DNS:127.0.0.1');
  });

  it('--dry-run writes nothing', async () => {
    const n = await createTestNodeFiles();
    const ca = join(n.dir, 'ca');
    const r = await ejctl(['--dry-run', 'tls', 'init-ca', '--ca-dir', ca]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Would create');
    expect(existsSync(ca)).toBe(false);
  });
});
