/**
 * A three-host cluster on real networking between network namespaces (test/helpers/netns.ts),
 * built once for this file with `ejctl setup --cluster`, `ejctl start` and join_cluster.
 *
 * 1. ejctl reaches the nodes on other hosts by long name (host part an IP address or a FQDN)
 *    from an operator host whose own host name has no domain: both transports print what
 *    ejabberdctl prints there with the same cfg, and exit with the same code. Before the fix the
 *    erl transport's control node (`-name undefined`) died with "Can't set long node name!".
 * 2. The firewall setup applies (nftables, table inet ejctl): the outsider can no longer reach
 *    EPMD or the window, the peers and the operator can; the audit says what was measured;
 *    `ejctl firewall remove` takes it all away again.
 * 3. Over plain TCP a capture on the bridge shows a password argument, the new cookie of a
 *    rotation and the shared_key (the counterpart of test/hosts/tls.test.ts). Last: it rotates.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot, tempDir } from '../helpers/env.js';
import {
  clusterMembers,
  asEjabberdctl,
  ejctlOn,
  runEveryWay,
  startHostCluster,
  WINDOW,
  type HostCluster,
  type HostNode,
} from '../helpers/hostCluster.js';
import { distPort, reach } from '../helpers/probe.js';
import { startCapture } from '../helpers/capture.js';

const haveTools = ['/usr/sbin/ip', '/usr/bin/nsenter', '/usr/bin/unshare', '/usr/sbin/nft'].every((f) => existsSync(f));
const haveIptables = ['/usr/sbin/iptables-nft', '/usr/sbin/iptables-legacy'].every((f) => existsSync(f));

let cluster: HostCluster | undefined;
const c = (): HostCluster => {
  if (!cluster) throw new Error('no cluster');
  return cluster;
};
const first = (): HostNode => c().nodes[0] ?? (undefined as never);
const auditIds = async (n: HostNode): Promise<string[]> => {
  const r = await n.ctl(['audit', '--json', '--fail-on', 'high']);
  return (JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id).filter((id) => id.startsWith('firewall-'));
};

describe.skipIf(!isRoot || !haveTools)('a three-host cluster, operated from a fourth host', () => {
  beforeAll(async () => {
    cluster = await startHostCluster();
    // One account, so registered_users has something to print on every member.
    const r = await ejctlOn(c().operator, ['-c', c().targets[0]?.cfgPath ?? '', 'register', 'alice', 'localhost', 'pw-alice']);
    expect(r.exitCode).toBe(0);
  });
  afterAll(async () => {
    await cluster?.destroy();
    cleanupTempDirs();
  });

  describe('reaching nodes by long name from another host', () => {
    it('is one cluster of three long-named nodes on hosts whose names have no domain', async () => {
      const names = c().nodes.map((n) => n.node);
      expect(names[2]).toMatch(/^ejabberd@h3\.ejctl\.test$/);
      expect(await clusterMembers(first())).toEqual([...names].sort());
      const hostname = await c().operator.exec('/usr/bin/hostname', []);
      expect(hostname.stdout).toBe('op\n');
    });

    const commands = [['status'], ['registered_users', 'localhost'], ['connected_users_number'], ['no_such_command']];
    for (const args of commands) {
      it(`${args.join(' ')}: ejctl on both transports prints and exits as ejabberdctl, on each node`, async () => {
        for (const t of c().targets) {
          const { want, got, stderr } = await runEveryWay(c().operator, t, args);
          expect(want.stdout).not.toBe('');
          expect(got).toEqual(asEjabberdctl(want));
          expect(stderr).toBe('');
        }
      });
    }

    it('registered_users shows the account on every member (the join replicated it)', async () => {
      for (const t of c().targets) {
        const r = await ejctlOn(c().operator, ['-c', t.cfgPath, '--transport', 'erl', 'registered_users', 'localhost']);
        expect(r.stdout).toBe('alice\n');
      }
    });
  });

  describe('the firewall setup applies', () => {
    const nft = { dir: '', conf: '' };
    const applyOn = async (n: HostNode) => {
      const peers = [
        ...c()
          .nodes.filter((m) => m !== n)
          .map((m) => m.host.address),
        c().operator.address,
      ];
      const flags = ['--config-dir', n.dir, '--systemd-dir', tempDir('ejctl-systemd-'), '--cluster', '--no-tls', '--node', n.node];
      flags.push('--interface', n.host.address, '--firewall-window', WINDOW, '--peers', peers.join(','));
      return n.ctl([
        'setup',
        ...flags,
        '--cookie',
        'keep',
        '--apply-firewall',
        '--nftables-dir',
        nft.dir,
        '--nftables-conf',
        nft.conf,
        '--yes',
      ]);
    };

    beforeAll(() => {
      const dir = tempDir('ejctl-nft-');
      nft.dir = join(dir, 'nftables.d');
      nft.conf = join(dir, 'nftables.conf');
      // Debian's /etc/nftables.conf as the nftables package leaves it.
      writeFileSync(
        nft.conf,
        '#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t}\n}\n',
        {
          mode: 0o755,
        },
      );
    });

    it('without it: the outsider reaches EPMD and the window, and the audit says so', async () => {
      const h1 = first();
      const port = await distPort(h1.host);
      expect(port).toBeGreaterThanOrEqual(4370);
      expect(port).toBeLessThanOrEqual(4379);
      expect(await reach(c().outsider, h1.host.address, 4369)).toBe('open');
      expect(await reach(c().outsider, h1.host.address, port)).toBe('open');
      expect(await auditIds(h1)).toEqual(['firewall-dist-open', 'firewall-epmd-open']);
    });

    it('with it: the outsider is filtered, the peers and the operator get through, and the audit agrees', async () => {
      for (const n of c().nodes) {
        const r = await applyOn(n);
        expect(r.stderr).toBe('');
        expect(r.exitCode).toBe(0);
        expect(r.stdout).toContain('Firewall: load the nftables table inet ejctl (nft -f -)');
      }
      for (const n of c().nodes) {
        const port = await distPort(n.host);
        for (const p of [4369, port]) {
          expect({ node: n.node, port: p, reach: await reach(c().outsider, n.host.address, p) }).toEqual({
            node: n.node,
            port: p,
            reach: 'filtered',
          });
          expect(await reach(c().operator, n.host.address, p)).toBe('open');
          const peer = c().nodes.find((m) => m !== n) ?? n;
          expect(await reach(peer.host, n.host.address, p)).toBe('open');
        }
        expect(await auditIds(n)).toEqual(['firewall-peers-only']);
      }
      // The cluster still works across the firewall, and the operator still runs commands.
      expect((await clusterMembers(first())).length).toBe(3);
      for (const t of c().targets) {
        for (const transport of ['erl', 'native']) {
          expect((await ejctlOn(c().operator, ['-c', t.cfgPath, '--transport', transport, 'status'])).exitCode).toBe(0);
        }
      }
    });

    it('is persisted where nftables loads it at boot, and applying again changes nothing', async () => {
      const h1 = first();
      const persisted = join(nft.dir, 'ejctl.nft');
      expect(statSync(persisted).mode & 0o777).toBe(0o644);
      expect(readFileSync(nft.conf, 'utf8')).toContain(`\ninclude "${persisted}"\n`);
      // nft checks the conf with its include as the boot would load it (-c: without loading).
      expect((await h1.host.exec('/usr/sbin/nft', ['-c', '-f', nft.conf])).exitCode).toBe(0);
      const before = (await h1.host.exec('/usr/sbin/nft', ['list', 'table', 'inet', 'ejctl'])).stdout;
      expect(before).toContain(`elements = { ${c().nodes[1]?.host.address}`);
      expect((await applyOn(h1)).exitCode).toBe(0);
      expect((await h1.host.exec('/usr/sbin/nft', ['list', 'table', 'inet', 'ejctl'])).stdout).toBe(before);
      expect(readFileSync(nft.conf, 'utf8').split('include ').length).toBe(2);
    });

    it('ejctl firewall remove takes the table, the file and the include away; the outsider gets through again', async () => {
      for (const n of c().nodes) {
        const r = await ejctlOn(n.host, ['firewall', 'remove', '--nftables-dir', nft.dir, '--nftables-conf', nft.conf]);
        expect(r.exitCode).toBe(0);
        const tables = await n.host.exec('/usr/sbin/nft', ['list', 'tables']);
        expect(tables.stdout).not.toContain('ejctl');
      }
      expect(existsSync(join(nft.dir, 'ejctl.nft'))).toBe(false);
      expect(readFileSync(nft.conf, 'utf8')).not.toContain('include');
      expect(await reach(c().outsider, first().host.address, 4369)).toBe('open');
      expect(await auditIds(first())).toEqual(['firewall-dist-open', 'firewall-epmd-open']);
    });
  });
  describe('the audit and iptables', () => {
    const iptables = (n: HostNode, tool: string, args: string[]) => n.host.exec(`/usr/sbin/${tool}`, args);
    const skippedFirewall = async (n: HostNode): Promise<string[]> => {
      const r = await n.ctl(['audit', '--json', '--fail-on', 'high']);
      return (JSON.parse(r.stdout) as { skipped: { check: string; reason: string }[] }).skipped
        .filter((x) => x.check === 'firewall')
        .map((x) => x.reason);
    };

    it.skipIf(!haveIptables)('reads rules iptables-nft made (they are nftables rules): EPMD dropped, the window still open', async () => {
      const h1 = first();
      // Loopback first: the audit asks the host's own EPMD for the node's port, over lo.
      const rules = [
        ['INPUT', '-i', 'lo', '-j', 'ACCEPT'],
        ['INPUT', '-p', 'tcp', '--dport', '4369', '-j', 'DROP'],
      ];
      for (const rule of rules) expect((await iptables(h1, 'iptables-nft', ['-A', ...rule])).exitCode).toBe(0);
      try {
        expect(await reach(c().outsider, h1.host.address, 4369)).toBe('filtered');
        expect(await auditIds(h1)).toEqual(['firewall-dist-open']);
      } finally {
        for (const rule of rules) expect((await iptables(h1, 'iptables-nft', ['-D', ...rule])).exitCode).toBe(0);
      }
    });

    it.skipIf(!haveIptables)(
      'with iptables-legacy tables loaded: "firewall not checked", never a verdict from nftables alone',
      async () => {
        const h1 = first();
        // A legacy rule nft cannot see; without the check the audit would call EPMD open.
        const rule = ['INPUT', '-p', 'tcp', '--dport', '4369', '-j', 'DROP'];
        expect((await iptables(h1, 'iptables-legacy', ['-A', ...rule])).exitCode).toBe(0);
        try {
          expect(await reach(c().outsider, h1.host.address, 4369)).toBe('filtered');
          expect(await auditIds(h1)).toEqual([]);
          expect(await skippedFirewall(h1)).toEqual([
            'iptables-legacy tables are loaded (iptables filter); ejctl reads only the nftables ruleset, so the firewall was not checked',
          ]);
        } finally {
          expect((await iptables(h1, 'iptables-legacy', ['-D', ...rule])).exitCode).toBe(0);
        }
        expect(await reach(c().outsider, h1.host.address, 4369)).toBe('open');
      },
    );
  });

  describe('on the wire, with plain-TCP distribution', () => {
    it('a capture shows the password argument, the new cookie and the shared_key (so the TLS test can fail)', async () => {
      const seed = c().targets[0];
      if (!seed) throw new Error('no seed');
      const password = 'Pw-in-clear-9Rk4';
      const capture = await startCapture(c().net);
      let bytes: Buffer;
      try {
        const r = await ejctlOn(c().operator, ['-c', seed.cfgPath, 'register', 'clear', 'localhost', password]);
        expect(r.exitCode).toBe(0);
        const rotate = await ejctlOn(c().operator, ['-c', seed.cfgPath, 'cookie', 'rotate', '--yes']);
        expect(rotate.exitCode).toBe(0);
        expect(rotate.stderr).toContain('plain TCP');
      } finally {
        bytes = await capture.stop();
      }
      const newCookie = readFileSync(join(seed.home, '.erlang.cookie'), 'utf8').trim();
      expect(newCookie).not.toBe(c().cookie);
      for (const secret of [password, newCookie, createHash('sha1').update(newCookie).digest('hex')]) {
        expect(bytes.includes(secret)).toBe(true);
      }
    });
  });
});
