/**
 * TLS distribution findings (src/audit/tls.ts), through `ejctl tls check` and `ejctl audit`, on
 * files made by ejctl tls and then made unsafe; the clock is moved for expiry.
 */
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateTls, gatherTlsFacts } from '../../src/audit/tls.js';
import { parseNodeName } from '../../src/config/validate.js';
import { ejctl, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';
import { nodeWithTls, ok, tlsFindingIds } from '../helpers/tls.js';

describe.skipIf(!isRoot)('TLS findings (tls check, audit)', () => {
  it('a key readable by others; the CA key on the node', async () => {
    const n = await nodeWithTls();
    chmodSync(join(n.tls, 'node.key'), 0o444);
    copyFileSync(join(n.ca, 'ca.key'), join(n.tls, 'cluster-ca.key'));
    expect(await tlsFindingIds(n.cfgPath)).toEqual(['tls-ca-key-on-node', 'tls-key-readable']);
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
    expect(await tlsFindingIds(n.cfgPath)).toEqual(['tls-no-peer-cert-required']);
    writeFileSync(conf, text.replaceAll('verify_peer', 'verify_none'));
    expect(await tlsFindingIds(n.cfgPath)).toEqual(['tls-verify-off', 'tls-verify-off']);
    const r = await ejctl(['-c', n.cfgPath, 'tls', 'check']);
    expect(r.exitCode).toBe(78);
    expect(r.stdout).toContain('HIGH tls-verify-off: the server options in');
  });

  it('a certificate expiring within 30 days, expired, or naming another host', async () => {
    const n = await createTestNodeFiles();
    const ca = join(n.dir, 'ca');
    await ok(['tls', 'init-ca', '--ca-dir', ca]);
    await ok(['-c', n.cfgPath, 'tls', 'issue', '--ca-dir', ca, '--days', '10']);
    expect(await tlsFindingIds(n.cfgPath)).toEqual(['tls-cert-expiring']);
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

  it("the node's certificate from another CA than its cacertfile", async () => {
    const n = await nodeWithTls();
    const other = join(tempDir(), 'ca');
    await ok(['tls', 'init-ca', '--ca-dir', other]);
    const out = tempDir();
    await ok(['tls', 'issue', n.node, '--ca-dir', other, '--out', out]);
    writeFileSync(join(n.tls, 'node.pem'), readFileSync(join(out, 'localhost.pem')));
    expect(await tlsFindingIds(n.cfgPath)).toEqual(['tls-cert-untrusted']);
  });
});
