/**
 * ejctl reaches cluster nodes on other hosts by long name (host part an IP address or a FQDN),
 * from an operator host whose own host name has no domain: both transports print what
 * ejabberdctl prints there with the same cfg, and exit with the same code. Before the fix the erl
 * transport's control node (`-name undefined`) died with "Can't set long node name!".
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot } from '../helpers/env.js';
import { clusterMembers, ejabberdctlOn, ejctlOn, startHostCluster, type HostCluster } from '../helpers/hostCluster.js';

const haveTools = ['/usr/sbin/ip', '/usr/bin/nsenter', '/usr/bin/unshare'].every((f) => existsSync(f));

let cluster: HostCluster | undefined;
const c = (): HostCluster => {
  if (!cluster) throw new Error('no cluster');
  return cluster;
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

  it('is one cluster of three long-named nodes on hosts whose names have no domain', async () => {
    const names = c().nodes.map((n) => n.node);
    expect(names[2]).toMatch(/^ejabberd@h3\.ejctl\.test$/);
    expect(await clusterMembers(c().nodes[0] ?? (undefined as never))).toEqual([...names].sort());
    const hostname = await c().operator.exec('/usr/bin/hostname', []);
    expect(hostname.stdout).toBe('op\n');
  });

  const commands = [['status'], ['registered_users', 'localhost'], ['connected_users_number'], ['no_such_command']];
  for (const args of commands) {
    it(`${args.join(' ')}: ejctl on both transports prints and exits as ejabberdctl, on each node`, async () => {
      for (const t of c().targets) {
        const want = await ejabberdctlOn(c().operator, t, args);
        expect(want.stdout).not.toBe('');
        for (const transport of ['erl', 'native']) {
          const got = await ejctlOn(c().operator, ['-c', t.cfgPath, '--transport', transport, ...args]);
          expect({ node: t.node, transport, stdout: got.stdout, code: got.exitCode }).toEqual({
            node: t.node,
            transport,
            stdout: want.stdout,
            code: want.exitCode,
          });
          expect(got.stderr).toBe('');
        }
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
