/**
 * `ejctl setup` for a cluster member in a real pseudo-terminal: it asks whether to use TLS
 * distribution (Enter: yes), for the certificate, key and CA that `ejctl tls issue` wrote (the key
 * and CA guessed next to the certificate), and whether to load the firewall; a person answering
 * gets what the flags give (--tls-cert/--tls-key/--tls-ca, --no-tls, --apply-firewall).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, ejctl, isRoot, tempDir } from '../helpers/env.js';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { createDebianInstall, snapshot, type Install } from './fixture.js';
import { KEY, openTerminal, type Terminal } from './pty.js';

afterAll(() => cleanupTempDirs());

/** The certificates the operator made for `node` with ejctl tls, as docs/cluster.md says. */
async function issued(node: string): Promise<{ dir: string; host: string }> {
  const dir = tempDir('ejctl-certs-');
  expect((await ejctl(['tls', 'init-ca', '--ca-dir', join(dir, 'ca')])).exitCode).toBe(0);
  expect((await ejctl(['tls', 'issue', node, '--ca-dir', join(dir, 'ca'), '--out', join(dir, 'out')])).exitCode).toBe(0);
  return { dir: join(dir, 'out'), host: node.split('@')[1] ?? '' };
}

/** Debian's nftables.conf, in a temp dir: --nftables-* keep the wizard away from /etc. */
function nftPaths(): string[] {
  const dir = tempDir('ejctl-nft-');
  writeFileSync(join(dir, 'nftables.conf'), '#!/usr/sbin/nft -f\n\nflush ruleset\n', { mode: 0o755 });
  return ['--nftables-dir', join(dir, 'nftables.d'), '--nftables-conf', join(dir, 'nftables.conf')];
}

/** Node name, Cluster member, the first address, the window, one peer, a new cluster, a new cookie, the fixes. */
async function answerClusterQuestions(t: Terminal): Promise<void> {
  await t.waitFor('Node name');
  await t.press(KEY.enter);
  await t.waitFor('❯ Single node');
  await t.press(KEY.down);
  await t.waitFor('❯ Cluster member');
  await t.press(KEY.enter);
  await t.waitFor('Which address should distribution listen on?');
  await t.press(KEY.enter);
  await t.waitFor('Distribution port window');
  await t.press(KEY.enter);
  await t.waitFor("The other nodes' addresses");
  await t.type('192.0.2.10');
  await t.press(KEY.enter);
  await t.waitFor('❯ Start a new cluster');
  await t.press(KEY.enter);
  await t.waitFor('❯ Create a new strong cookie');
  await t.press(KEY.enter);
  await t.waitFor('Fix these permission problems');
  await t.press(KEY.enter);
}

const setupArgs = (inst: Install): string[] => ['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, ...nftPaths()];

describe.skipIf(!isRoot)('ejctl setup asks a cluster member about TLS and the firewall', () => {
  it('Enter takes TLS; the files are asked for (key and CA guessed); a wrong path is refused; the firewall declined', async () => {
    const inst = await createDebianInstall();
    const certs = await issued(inst.node);
    const t = openTerminal(setupArgs(inst));
    await answerClusterQuestions(t);

    await t.waitFor('Use TLS distribution between the cluster members (certificates of the cluster CA on both sides; recommended)? (Y/n)');
    await t.press(KEY.enter);
    await t.waitFor("This node's certificate (HOST.pem, from `ejctl tls issue NODE --out DIR` on the CA's machine)");
    await t.type('/nonexistent/node.pem');
    await t.press(KEY.enter);
    await t.waitFor('/nonexistent/node.pem: no such file');
    await t.press(...Array<string>('/nonexistent/node.pem'.length).fill(KEY.backspace));
    const cert = join(certs.dir, `${certs.host}.pem`);
    await t.type(cert);
    await t.press(KEY.enter);
    await t.waitFor(`Its private key (${join(certs.dir, `${certs.host}.key`)})`);
    await t.press(KEY.enter);
    await t.waitFor(`The cluster CA certificate (${join(certs.dir, 'ca.pem')})`);
    await t.press(KEY.enter);
    await t.waitFor(
      'Load the firewall now (nftables table inet ejctl: EPMD and the window open to 192.0.2.10 only; persisted; ejctl firewall remove undoes it)? (Y/n)',
    );
    await t.type('n');
    await t.press(KEY.enter);

    const plan = await t.waitFor('Apply these changes?');
    expect(plan).toContain(
      `TLS distribution: install ${cert} (key ${join(certs.dir, `${certs.host}.key`)}, CA ${join(certs.dir, 'ca.pem')}), write ssl_dist.conf, set ERL_OPTIONS`,
    );
    expect(plan).not.toContain('Firewall: load');
    expect(plan).not.toContain('Plain-TCP distribution');
    await t.press(KEY.enter);
    await t.waitFor('Cookie fingerprint:');
    expect(await t.exited).toBe(0);

    const values = parseCtlConfig(readFileSync(inst.realCfg, 'utf8'), inst.realCfg, {}).values;
    const optfile = join(inst.dir, 'tls', 'ssl_dist.conf');
    expect(values.get('ERL_OPTIONS')).toContain(`-proto_dist inet_tls -ssl_dist_optfile ${optfile}`);
    const conf = readFileSync(optfile, 'utf8');
    expect(conf).toContain('verify_peer');
    expect(conf).toContain('{fail_if_no_peer_cert, true}');
    const key = /\{keyfile, "([^"]+)"\}/.exec(conf)?.[1] ?? '';
    expect(statSync(key).mode & 0o777).toBe(0o400);
    // The audit agrees: TLS distribution, so no plain-TCP finding, and no TLS finding either.
    const audit = await ejctl(['-c', inst.cfgPath, 'audit', '--json']);
    const ids = (JSON.parse(audit.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('plain-tcp-distribution');
    expect(ids.filter((id) => id.startsWith('tls-'))).toEqual([]);
  });

  it('answered no to TLS and yes to the firewall: plain TCP with its warning, and the table in the plan (--dry-run: nothing written)', async () => {
    const inst = await createDebianInstall();
    const before = snapshot(inst.dir);
    const t = openTerminal([...setupArgs(inst), '--dry-run']);
    await answerClusterQuestions(t);
    await t.waitFor('Use TLS distribution between the cluster members');
    await t.type('n');
    await t.press(KEY.enter);
    await t.waitFor('Load the firewall now');
    await t.press(KEY.enter); // default yes: a peer was named
    await t.waitFor('warning: Plain-TCP distribution for a cluster: the cookie handshake, every command argument (passwords)');
    await t.waitFor('Firewall: load the nftables table inet ejctl (nft -f -)');
    expect(await t.exited).toBe(0);
    expect(t.screen()).not.toContain("This node's certificate");
    expect(snapshot(inst.dir)).toEqual(before);
  });

  it('--no-tls answers the TLS question: it is not asked, the firewall still is', async () => {
    const inst = await createDebianInstall();
    const t = openTerminal([...setupArgs(inst), '--dry-run', '--no-tls']);
    await answerClusterQuestions(t);
    await t.waitFor('Load the firewall now');
    await t.type('n');
    await t.press(KEY.enter);
    await t.waitFor('warning: Plain-TCP distribution');
    expect(await t.exited).toBe(0);
    expect(t.screen()).not.toContain('Use TLS distribution');
    expect(t.screen()).not.toContain('Firewall: load');
  });
});
