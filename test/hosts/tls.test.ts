/**
 * A three-host cluster with TLS distribution, every host set up with `ejctl setup --cluster
 * --tls-cert/--tls-key/--tls-ca` from certificates the operator made with `ejctl tls`, operated
 * from a fourth host with a client certificate of its own. Proven on the wire: a capture on the
 * harness's bridge during commands with a password and a full `cookie rotate` holds neither
 * cookie, nor the password, nor the shared_key (test/hosts/cluster.test.ts shows the same
 * capture over plain TCP does). An outsider with the right cookie but no certificate from the
 * cluster CA is refused.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownToNodeUser, cleanupTempDirs, isRoot, tempDir } from '../helpers/env.js';
import { startCapture } from '../helpers/capture.js';
import {
  clusterMembers,
  asEjabberdctl,
  ejctlOn,
  operatorOptfile,
  operatorTarget,
  runEveryWay,
  startHostCluster,
  type HostCluster,
} from '../helpers/hostCluster.js';
import { writeFileMode } from '../helpers/node.js';

const haveTools = ['/usr/sbin/ip', '/usr/bin/nsenter', '/usr/bin/unshare', '/usr/bin/tcpdump', '/usr/bin/openssl'].every((f) =>
  existsSync(f),
);
const PASSWORD = 'Pw-over-the-wire-7Qx2';

let cluster: HostCluster | undefined;
const c = (): HostCluster => {
  if (!cluster) throw new Error('no cluster');
  return cluster;
};
const sha1hex = (s: string) => createHash('sha1').update(s).digest('hex');

describe.skipIf(!isRoot || !haveTools)('a three-host TLS cluster', () => {
  beforeAll(async () => {
    cluster = await startHostCluster({ tls: true });
  });
  afterAll(async () => {
    await cluster?.destroy();
    cleanupTempDirs();
  });

  it('forms over TLS: three members, each started with TLS distribution, no plain-TCP finding', async () => {
    const names = c().nodes.map((n) => n.node);
    expect(await clusterMembers(c().nodes[0] ?? (undefined as never))).toEqual([...names].sort());
    for (const n of c().nodes) {
      const cfg = readFileSync(n.cfgPath, 'utf8');
      expect(cfg).toMatch(/-proto_dist inet_tls -ssl_dist_optfile \S+\/tls\/ssl_dist\.conf/);
      const audit = JSON.parse((await n.ctl(['audit', '--json', '--fail-on', 'high'])).stdout) as { findings: { id: string }[] };
      const ids = audit.findings.map((f) => f.id);
      expect(ids).not.toContain('plain-tcp-distribution');
      expect(ids.filter((id) => id.startsWith('tls-'))).toEqual([]);
    }
  });

  it('the operator runs commands on each node on both transports, as ejabberdctl does there', async () => {
    for (const args of [['status'], ['registered_users', 'localhost']]) {
      for (const t of c().targets) {
        const { want, got } = await runEveryWay(c().operator, t, args);
        expect(want.code).toBe(0);
        expect(got).toEqual(asEjabberdctl(want));
      }
    }
  });

  it('on the wire: neither cookie, nor a password argument, nor the shared_key, during commands and a cookie rotate', async () => {
    const [seed, ...others] = c().targets;
    if (!seed) throw new Error('no seed');
    const oldCookie = c().cookie;
    const capture = await startCapture(c().net);
    let bytes: Buffer;
    try {
      for (const transport of ['erl', 'native']) {
        const user = `wire-${transport}`;
        const r = await ejctlOn(c().operator, ['-c', seed.cfgPath, '--transport', transport, 'register', user, 'localhost', PASSWORD]);
        expect(r.exitCode).toBe(0);
        const check = await ejctlOn(c().operator, [
          '-c',
          seed.cfgPath,
          '--transport',
          transport,
          'check_password',
          user,
          'localhost',
          PASSWORD,
        ]);
        expect(check.exitCode).toBe(0);
      }
      const rotate = await ejctlOn(c().operator, ['-c', seed.cfgPath, 'cookie', 'rotate', '--yes']);
      expect({ code: rotate.exitCode, err: rotate.stderr.includes('plain TCP') }).toEqual({ code: 0, err: false });
    } finally {
      bytes = await capture.stop();
    }
    const newCookie = readFileSync(join(seed.home, '.erlang.cookie'), 'utf8').trim();
    expect(newCookie).not.toBe(oldCookie);
    // The capture saw the traffic: EPMD's lookups (plain by design) name the node.
    expect(bytes.includes('ejabberd')).toBe(true);
    for (const secret of [oldCookie, newCookie, PASSWORD, sha1hex(oldCookie), sha1hex(newCookie)]) {
      expect(bytes.includes(secret)).toBe(false);
    }
    // The other cfgs of the operator carry the new cookie from now on (rotate replaced the seed's).
    for (const t of others) replaceCookie(join(t.home, '.erlang.cookie'), newCookie);
    c().cookie = newCookie;
    for (const t of c().targets) expect((await ejctlOn(c().operator, ['-c', t.cfgPath, 'status'])).exitCode).toBe(0);
  });

  it('the outsider, with the right cookie but no certificate of the cluster CA, is refused by every node', async () => {
    const out = c().outsider;
    const dir = tempDir('ejctl-outsider-');
    // Its own CA and a certificate from it: a valid TLS client, just not of this cluster.
    const own = join(dir, 'ca');
    expect((await ejctlOn(out, ['tls', 'init-ca', '--ca-dir', own])).exitCode).toBe(0);
    expect((await ejctlOn(out, ['tls', 'issue', `ejctl@${out.name}`, '--ca-dir', own, '--out', join(dir, 'certs')])).exitCode).toBe(0);
    const key = join(dir, 'out.key');
    writeFileMode(key, readFileSync(join(dir, 'certs', `${out.name}.key`), 'utf8'), 0o400);
    chownToNodeUser(key);
    const optfile = join(dir, 'ssl_dist.conf');
    writeFileMode(optfile, operatorOptfile({ cert: join(dir, 'certs', `${out.name}.pem`), key, ca: join(dir, 'certs', 'ca.pem') }), 0o644);
    for (const n of c().nodes) {
      const withOtherCa = operatorTarget(n.node, c().cookie, `-proto_dist inet_tls -ssl_dist_optfile ${optfile}`);
      const plain = operatorTarget(n.node, c().cookie, undefined);
      for (const t of [withOtherCa, plain]) {
        for (const transport of ['erl', 'native']) {
          const r = await ejctlOn(out, ['-c', t.cfgPath, '--transport', transport, 'status']);
          expect({ node: n.node, transport, code: r.exitCode, tls: t === withOtherCa }).toEqual({
            node: n.node,
            transport,
            code: 3,
            tls: t === withOtherCa,
          });
        }
      }
      // The same cookie and the operator's certificate get in: the refusal is the certificate's.
    }
    expect((await ejctlOn(c().operator, ['-c', c().targets[0]?.cfgPath ?? '', 'status'])).exitCode).toBe(0);
  });
});

/** A cookie file rewritten as the operator would copy it: a new 0400 file of the node user. */
function replaceCookie(path: string, cookie: string): void {
  unlinkSync(path);
  writeFileMode(path, cookie, 0o400);
  chownToNodeUser(path);
}
