/**
 * `ejctl tls` on disk, no node needed: the CA stays with the operator (0400 key, 0700 dir), node
 * files get their modes and owners, ssl_dist.conf verifies both sides, ERL_OPTIONS points at it,
 * bad material is refused before anything is written, and `tls check` / audit report each TLS
 * finding when the files are made unsafe.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateTls, gatherTlsFacts } from '../../src/audit/tls.js';
import { parseNodeName } from '../../src/config/validate.js';
import { ejctl, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';

async function ok(args: string[]): Promise<string> {
  const r = await ejctl(args);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

async function nodeWithTls(host?: string) {
  const n = await createTestNodeFiles(host ? { host } : {});
  const ca = join(n.dir, 'ca');
  await ok(['tls', 'init-ca', '--ca-dir', ca]);
  await ok(['-c', n.cfgPath, 'tls', 'issue', '--ca-dir', ca]);
  return { ...n, ca, tls: join(n.dir, 'tls') };
}

const ids = async (cfg: string): Promise<string[]> => {
  const r = await ejctl(['-c', cfg, 'tls', 'check', '--json']);
  return (JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);
};

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

describe.skipIf(!isRoot)('TLS findings (tls check, audit)', () => {
  it('a key readable by others; the CA key on the node', async () => {
    const n = await nodeWithTls();
    chmodSync(join(n.tls, 'node.key'), 0o444);
    copyFileSync(join(n.ca, 'ca.key'), join(n.tls, 'cluster-ca.key'));
    expect(await ids(n.cfgPath)).toEqual(['tls-ca-key-on-node', 'tls-key-readable']);
    const audit = JSON.parse((await ejctl(['-c', n.cfgPath, 'audit', '--json'])).stdout) as { findings: { id: string; path?: string }[] };
    expect(audit.findings.filter((f) => f.id.startsWith('tls-')).map((f) => [f.id, f.path])).toEqual([
      ['tls-ca-key-on-node', join(n.tls, 'cluster-ca.key')],
      ['tls-key-readable', join(n.tls, 'node.key')],
    ]);
  });

  it('verification off on both sides, or a server that does not insist on a certificate', async () => {
    const n = await nodeWithTls();
    const conf = join(n.tls, 'ssl_dist.conf');
    const text = readFileSync(conf, 'utf8');
    writeFileSync(conf, text.replace('{fail_if_no_peer_cert, true}', '{depth, 2}'));
    expect(await ids(n.cfgPath)).toEqual(['tls-no-peer-cert-required']);
    writeFileSync(conf, text.replaceAll('verify_peer', 'verify_none'));
    expect(await ids(n.cfgPath)).toEqual(['tls-verify-off', 'tls-verify-off']);
    const r = await ejctl(['-c', n.cfgPath, 'tls', 'check']);
    expect(r.exitCode).toBe(78);
    expect(r.stdout).toContain('HIGH tls-verify-off: the server options in');
  });

  it('a certificate expiring within 30 days, expired, or naming another host', async () => {
    const n = await createTestNodeFiles();
    const ca = join(n.dir, 'ca');
    await ok(['tls', 'init-ca', '--ca-dir', ca]);
    await ok(['-c', n.cfgPath, 'tls', 'issue', '--ca-dir', ca, '--days', '10']);
    expect(await ids(n.cfgPath)).toEqual(['tls-cert-expiring']);
    const facts = gatherTlsFacts(['-proto_dist', 'inet_tls', '-ssl_dist_optfile', join(n.dir, 'tls', 'ssl_dist.conf')]);
    if (facts === undefined || 'reason' in facts) throw new Error('no facts');
    const nodeName = parseNodeName(n.node);
    if (typeof nodeName === 'string') throw new Error(nodeName);
    const in11Days = Date.now() + 11 * 86_400_000;
    expect(evaluateTls({ nodeName, installUser: nodeUser() }, facts, in11Days).findings.map((f) => f.id)).toEqual(['tls-cert-expired']);
    const elsewhere = parseNodeName('ejabberd@other.example');
    if (typeof elsewhere === 'string') throw new Error(elsewhere);
    expect(evaluateTls({ nodeName: elsewhere, installUser: nodeUser() }, facts, Date.now()).findings.map((f) => f.id)).toEqual([
      'tls-cert-expiring',
      'tls-cert-wrong-host',
    ]);
  });
});
