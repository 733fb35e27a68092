/**
 * `ejctl cookie rotate` on Debian 13 (ejabberd 24.12, Erlang/OTP 27): two nodes inside the
 * Debian 13 root (test/helpers/debian13.ts), each with its own name, dirs and cookie file,
 * clustered with 24.12's own `join_cluster`, rotated by the ejctl copied into the root (its
 * control node is the root's OTP 27, like the nodes: docs/rotate.md, Limits) while forwarded
 * commands run against both. Then `cookie check --cluster` passes and Debian 13's ejabberdctl
 * is refused with the old cookie.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot } from '../helpers/env.js';
import { BUILD_TIMEOUT_MS, logsOf, openDebian13, rootNode, writeInRoot, type ReleaseRoot, type RootNode } from '../helpers/debian13.js';
import { waitFor } from '../helpers/node.js';

const cookieOf = (r: ReleaseRoot, n: RootNode): string => readFileSync(join(r.dir, n.home, '.erlang.cookie'), 'latin1');

/** The running members as `list_cluster` prints them (one node name per line), sorted. */
async function listCluster(n: RootNode): Promise<string[]> {
  const l = await n.ctl(['list_cluster']);
  return l.exitCode === 0
    ? l.stdout
        .split('\n')
        .filter((x) => x.trim() !== '')
        .sort()
    : [];
}

describe.skipIf(!isRoot)('Debian 13: cookie rotate on a two-node ejabberd 24.12 cluster', () => {
  let r: ReleaseRoot;
  let nodes: [RootNode, RootNode];
  const oldCookie = randomBytes(32).toString('hex');
  const state = `/srv/ejctl/state-${process.pid}`;

  beforeAll(async () => {
    r = await openDebian13();
    nodes = [rootNode(r, { cookie: oldCookie }), rootNode(r, { cookie: oldCookie })];
    mkdirSync(join(r.dir, state), { mode: 0o700 });
    for (const n of nodes) expect((await n.ctl(['start'])).exitCode).toBe(0);
    for (const n of nodes) {
      const started = await n.ctl(['started', '--timeout', '90']);
      expect(started.exitCode, `${started.stderr}\n${logsOf(r, n)}`).toBe(0);
    }
    // Since 24.06 join_cluster answers at once and joins a second later, restarting ejabberd on
    // the joining node; its own help says to follow it with `started`, then `list_cluster`.
    const [a, b] = nodes;
    const joined = await b.ctl(['join_cluster', a.node]);
    expect({ stdout: joined.stdout, exitCode: joined.exitCode }).toEqual({
      stdout: 'Trying to join that cluster, wait a few seconds and check the list of nodes.\n',
      exitCode: 0,
    });
    const both = [a.node, b.node].sort();
    await waitFor(async () => JSON.stringify(await listCluster(a)) === JSON.stringify(both), 90_000, 'the cluster did not form');
    expect((await b.ctl(['started', '--timeout', '90'])).exitCode).toBe(0);
    expect(await listCluster(b)).toEqual(both);
  }, BUILD_TIMEOUT_MS + 300_000);

  afterAll(async () => {
    for (const n of nodes ?? []) await n.ctl(['stop']);
    await r?.close();
  }, 120_000);

  it('rotates both cookies while forwarded commands run against both nodes; the old cookie is refused', async () => {
    // A HOME holding the old cookie: Debian 13's ejabberdctl and ejctl get in with it before the rotation.
    const oldHome = `/srv/ejctl/old-cookie-${process.pid}`;
    mkdirSync(join(r.dir, oldHome), { mode: 0o700 });
    chownSync(join(r.dir, oldHome), r.user.uid, r.user.gid);
    writeInRoot(r, `${oldHome}/.erlang.cookie`, oldCookie, 0o400, r.user);
    const probeOld = (n: RootNode) => n.ctl(['--cookie-file', `${oldHome}/.erlang.cookie`, 'status']);
    for (const n of nodes) {
      expect((await n.ejabberdctl(['status'], { home: oldHome })).exitCode, n.node).toBe(0);
      expect((await probeOld(n)).exitCode, n.node).toBe(0);
    }

    const loop = forwardLoop(r, nodes);
    await new Promise((res) => setTimeout(res, 1500));
    const started = Date.now();
    const rot = await nodes[0].ctl(['cookie', 'rotate', '--json'], { env: { EJCTL_STATE_DIR: state } });
    const rotation = { start: started, end: Date.now() };
    await new Promise((res) => setTimeout(res, 1500));
    const runs = await loop.stop();

    expect(rot.exitCode, rot.stdout + rot.stderr).toBe(0);
    const report = JSON.parse(rot.stdout) as { state: string; verify: { node: string; ok: boolean }[]; steps: { ok: boolean }[] };
    expect(report.state).toBe('complete');
    expect(report.verify.map((v) => [v.node, v.ok]).sort()).toEqual(nodes.map((n) => [n.node, true]).sort());
    expect(report.steps.every((s) => s.ok)).toBe(true);
    const newCookie = cookieOf(r, nodes[0]);
    expect(newCookie).not.toBe(oldCookie);
    for (const secret of [oldCookie, newCookie]) expect(rot.stdout + rot.stderr).not.toContain(secret);

    // The commands that ran while `cookie rotate` did (started before it ended, ended after it began).
    const during = runs.filter((x) => x.start < rotation.end && x.end > rotation.start);
    const count = (f: (x: Run) => boolean) => during.filter(f).length;
    const perNode = nodes.map((n) => `${n.node}: ${count((x) => x.node === n.node)}`).join(', ');
    const [erl, retried, failed] = [
      count((x) => x.transport === 'erl'),
      count((x) => x.outcome === 'retried'),
      count((x) => x.outcome === 'failed'),
    ];
    console.log(
      `Debian 13 rotation (${rotation.end - rotation.start} ms): ${during.length} forwarded commands ran during it (${perNode}; ${erl} on the erl transport), ${retried} refused across a switch and fine on retry, ${failed} failed`,
    );
    // A fresh command that read the old file just before its node's switch is refused once and
    // works when run again (docs/rotate.md, "Fresh control commands"); nothing else may fail.
    expect(runs.filter((x) => x.outcome === 'failed').map((x) => `${x.node} ${x.transport}: ${x.detail}`)).toEqual([]);
    for (const n of nodes)
      expect(
        count((x) => x.node === n.node && x.outcome === 'ok'),
        n.node,
      ).toBeGreaterThan(2);

    for (const n of nodes) {
      expect(cookieOf(r, n)).toBe(newCookie);
      const st = statSync(join(r.dir, n.home, '.erlang.cookie'));
      expect({ mode: st.mode & 0o7777, uid: st.uid }).toEqual({ mode: 0o400, uid: r.user.uid });
      expect(await listCluster(n)).toEqual(nodes.map((x) => x.node).sort());
    }
    const check = await nodes[1].ctl(['cookie', 'check', '--cluster']);
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);

    // Debian 13's own ejabberdctl: refused with the old cookie (exit 3), let in with the new one.
    for (const n of nodes) {
      expect((await n.ejabberdctl(['status'], { home: oldHome })).exitCode, `${n.node} refuses the old cookie`).toBe(3);
      const fresh = await n.ejabberdctl(['status']);
      expect(fresh.exitCode, `${n.node} lets ejabberdctl in with the new cookie: ${fresh.stdout}`).toBe(0);
      // And ejctl's native probe with the old cookie file.
      expect((await probeOld(n)).exitCode).toBe(3);
    }
  });

  it('--finalize removes the old cookie backups on both nodes', async () => {
    const backups = (n: RootNode) => readdirSync(join(r.dir, n.home)).filter((f) => f.includes('.bak-'));
    for (const n of nodes) expect(backups(n)).toHaveLength(1);
    const fin = await nodes[0].ctl(['cookie', 'rotate', '--finalize'], { env: { EJCTL_STATE_DIR: state } });
    expect(fin.exitCode, fin.stdout + fin.stderr).toBe(0);
    for (const n of nodes) expect(backups(n)).toEqual([]);
  });
});

/** One forwarded command of the loop: its node, transport, when it ran, how it ended. */
interface Run {
  node: string;
  transport: string;
  start: number;
  end: number;
  outcome: 'ok' | 'retried' | 'failed';
  detail: string;
}

/**
 * Forwarded commands (`list_cluster`, each a fresh ejctl inside the root that reads its node's
 * cookie file as it starts, alternately on the native and the erl transport) against both nodes
 * at once, until stopped. A refusal counts as the documented switch window ("retried") only
 * when it is exit 3, the node's cookie file changed during that command, and the immediate retry
 * succeeds; anything else is a failure.
 */
function forwardLoop(r: ReleaseRoot, nodes: RootNode[]): { stop: () => Promise<Run[]> } {
  const runs: Run[] = [];
  let running = true;
  const one = async (n: RootNode): Promise<void> => {
    for (let i = 0; running; i++) {
      const transport = i % 2 === 0 ? 'native' : 'erl';
      const before = cookieOf(r, n);
      const start = Date.now();
      const c = await n.ctl(['--transport', transport, 'list_cluster']);
      const run: Run = { node: n.node, transport, start, end: Date.now(), outcome: 'ok', detail: '' };
      runs.push(run);
      if (c.exitCode === 0 && c.stdout.includes(n.node)) continue;
      const retry = await n.ctl(['--transport', transport, 'list_cluster']);
      run.outcome = c.exitCode === 3 && cookieOf(r, n) !== before && retry.exitCode === 0 ? 'retried' : 'failed';
      run.detail = `exit ${c.exitCode} ${JSON.stringify(c.stdout + c.stderr)}, retry ${retry.exitCode}`;
    }
  };
  const all = Promise.all(nodes.map(one));
  return {
    stop: async () => {
      running = false;
      await all;
      return runs;
    },
  };
}
