/**
 * `ejctl cookie rotate` on a three-host TLS cluster, run from the operator host, whose cfgs (one
 * per node) share one COOKIE_FILE as docs/cluster.md sets them up.
 *
 * 1. While it rotates, loops of fresh forwarded commands (both transports, `status`,
 *    `connected_users_number`, `registered_users localhost`) run against every node from the
 *    operator host: not one fails, every one prints what it printed before. No plain-TCP warning.
 *    Afterwards every node and the operator hold the new cookie, `cookie check --cluster` passes,
 *    and the old cookie is refused by every node.
 * 2. A node killed in the middle (ejctl killed after the first switch, then the node): `--resume`
 *    with the node down ends as docs/rotate.md says ("When a member dies during a rotation"); the
 *    node started again with its old cookie file, `--resume` completes and it is back in the
 *    cluster with the new cookie.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownToNodeUser, cleanupTempDirs, isRoot, tempDir, type CliResult } from '../helpers/env.js';
import {
  clusterMembers,
  ejctlOn,
  operatorTarget,
  rotationStateDir,
  startHostCluster,
  type HostCluster,
  type HostNode,
  type OperatorTarget,
} from '../helpers/hostCluster.js';
import { waitFor, writeFileMode } from '../helpers/node.js';
import { killNode } from '../helpers/netns.js';

const haveTools = ['/usr/sbin/ip', '/usr/bin/nsenter', '/usr/bin/unshare', '/usr/bin/openssl'].every((f) => existsSync(f));
const TRANSPORTS = ['erl', 'native'] as const;
const COMMANDS = [['status'], ['connected_users_number'], ['registered_users', 'localhost']];

let cluster: HostCluster | undefined;
const c = (): HostCluster => {
  if (!cluster) throw new Error('no cluster');
  return cluster;
};
/** The operator's cfgs, one per node, sharing `sharedCookie`. */
let targets: OperatorTarget[] = [];
let sharedCookie = '';
const cookieOfNode = (n: HostNode): string => readFileSync(join(n.dir, 'home', '.erlang.cookie'), 'latin1');
const op = (t: OperatorTarget, args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  ejctlOn(c().operator, ['-c', t.cfgPath, ...args], { env, timeoutMs: 300_000 });
const seed = (): OperatorTarget => targets[0] ?? (undefined as never);
const journalPath = (): string => join(rotationStateDir(), `rotate-${seed().node}.json`);
interface JournalSeen {
  state: string;
  cookies?: unknown;
  nodes: { node: string }[];
  records: { id: string; ok: boolean }[];
}
const readJournal = (): JournalSeen => JSON.parse(readFileSync(journalPath(), 'utf8')) as JournalSeen;

/** What each command printed before the rotation, per node (both transports print the same). */
const expected = new Map<string, string>();
const key = (node: string, args: string[]): string => `${node} ${args.join(' ')}`;

describe.skipIf(!isRoot || !haveTools)('cookie rotate on a three-host TLS cluster, from the operator host', () => {
  beforeAll(async () => {
    cluster = await startHostCluster({ tls: true });
    const dir = tempDir('ejctl-opcookie-');
    sharedCookie = join(dir, 'cluster.cookie');
    writeFileMode(sharedCookie, c().cookie, 0o400);
    chownToNodeUser(sharedCookie);
    targets = c().nodes.map((n) => operatorTarget(n.node, c().cookie, c().operatorErlOptions, sharedCookie));
    expect((await op(seed(), ['register', 'alice', 'localhost', 'pw-alice'])).exitCode).toBe(0);
    for (const t of targets) {
      for (const args of COMMANDS) {
        const runs = await Promise.all(TRANSPORTS.map((tr) => op(t, ['--transport', tr, ...args])));
        for (const r of runs) expect({ code: r.exitCode, stdout: r.stdout }).toEqual({ code: 0, stdout: runs[0]?.stdout });
        expected.set(key(t.node, args), runs[0]?.stdout ?? '');
      }
    }
  });
  afterAll(async () => {
    await cluster?.destroy();
    cleanupTempDirs();
  });

  it('rotates while commands run against every node on both transports: none fails', async () => {
    const oldCookie = c().cookie;
    const loops = startLoops(targets);
    await loops.waitForRounds(1);
    const before = loops.done();
    const r = await op(seed(), ['cookie', 'rotate']);
    const during = loops.done() - before;
    await loops.waitForRounds(1);
    const runs = await loops.stop();

    // Every member uses TLS distribution: no warning, and no --yes needed.
    expect(r.stderr).not.toMatch(/warning|plain TCP/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Rotated the cookie of 3 node(s)');
    expect(r.stdout.match(/^ {2}ok {3}/gm)).toHaveLength(3);
    const failed = runs.filter((x) => x.code !== 0 || x.stdout !== expected.get(key(x.node, x.args)));
    console.log(`${runs.length} commands from the operator host, ${during} of them while the rotation ran; ${failed.length} failed`);
    expect(failed).toEqual([]);
    // Commands ran on every node, on both transports, while the rotation ran.
    expect(during).toBeGreaterThanOrEqual(TRANSPORTS.length * targets.length);

    const newCookie = readFileSync(sharedCookie, 'latin1');
    expect(newCookie).not.toBe(oldCookie);
    expect(existsSync(`${sharedCookie}.ejctl-new`)).toBe(false);
    for (const n of c().nodes) expect(cookieOfNode(n)).toBe(newCookie);
    expect(r.stdout + r.stderr).not.toContain(newCookie);
    const check = await op(seed(), ['cookie', 'check', '--cluster']);
    expect(check.exitCode).toBe(0);
    for (const n of c().nodes) expect(check.stdout).toContain(`ok   ${n.node}: accepts this cookie`);
    await expectOldRefused(oldCookie, c().nodes);
    c().cookie = newCookie;
    expect((await op(seed(), ['cookie', 'rotate', '--finalize'])).exitCode).toBe(0);
  }, 600_000);

  it('a node killed in the middle: --resume says what it needs; started again, --resume completes', async () => {
    const oldCookie = c().cookie;
    // 1 local-stage, 2-7 backup and stage, 8-10 pins, 11-13 switches, 14-16 shared-key, 17 local-file.
    const killed = await op(seed(), ['cookie', 'rotate'], { EJCTL_TEST_KILL_AFTER_STEP: '11' });
    expect(killed.exitCode).not.toBe(0);
    expect(killed.stderr).toMatch(/\[11\/17\] switch \S+: ok/);
    expect(killed.stderr).not.toContain('[12/17]');
    // The victim: a member that has not switched yet, and not the seed.
    const order = readJournal().nodes.map((n) => n.node);
    const victim = must(c().nodes.find((n) => n.node !== order[0] && n.node !== seed().node));
    const others = c().nodes.filter((n) => n !== victim);
    const victimTarget = must(targets.find((t) => t.node === victim.node));
    await killNode(victim.host, victim.node);
    await waitFor(async () => (await op(victimTarget, ['status'])).exitCode === 3, 30_000, 'the killed node still answers');

    const down = await op(seed(), ['cookie', 'rotate', '--resume']);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain(`ejctl: warning: cannot reach ${victim.node} with either cookie; its steps will fail`);
    expect(down.stdout).toContain('The rotation is not complete (failed).');
    expect(down.stdout).toContain(`Failed: switch ${victim.node}:`);
    expect(down.stdout).toContain(`Failed: shared-key ${victim.node}:`);
    expect(down.stdout).toContain(
      `${victim.node}: down or unreachable: it still has the old cookie in its file, and its peers use the new one for it. Start it as it is, then run \`ejctl cookie rotate --resume\`: it switches the node and brings it back into the cluster.`,
    );
    const journal = readJournal();
    expect(statSync(journalPath()).mode & 0o777).toBe(0o600);
    expect(journal.state).toBe('failed');
    expect(journal.cookies).toBeDefined(); // --resume needs them
    const ok = (id: string) => journal.records.filter((x) => x.id === id).map((x) => x.ok);
    for (const n of others) expect(ok(`switch ${n.node}`)).toEqual([true]);
    expect(ok(`switch ${victim.node}`)).toEqual([false]);
    // The two that switched serve commands with the new cookie (now in the operator's file) and refuse the old.
    const newCookie = readFileSync(sharedCookie, 'latin1');
    expect(newCookie).not.toBe(oldCookie);
    for (const n of others) expect(cookieOfNode(n)).toBe(newCookie);
    expect(cookieOfNode(victim)).toBe(oldCookie);
    await expectCommandsWork(targets.filter((t) => t !== victimTarget));
    await expectOldRefused(oldCookie, others);

    // The node comes back as it is: its file still holds the old cookie.
    const started = await victim.ctl(['start']);
    expect(started.exitCode).toBe(0);
    await waitFor(async () => (await victim.ctl(['ping'])).stdout === 'pong\n', 90_000, 'the node did not come back');
    const resumed = await op(seed(), ['cookie', 'rotate', '--resume']);
    expect(resumed.stdout).toContain('Rotated the cookie of 3 node(s)');
    expect(resumed.stdout.match(/^ {2}ok {3}/gm)).toHaveLength(3);
    expect(resumed.exitCode).toBe(0);
    // Nothing else reconnects the restarted node to its peers: the rotation does, and says so.
    const rejoined = resumed.stderr.split('\n').filter((l) => l.startsWith('ejctl: reconnected '));
    expect(rejoined.length).toBeGreaterThan(0);
    for (const l of rejoined) expect(l).toContain(victim.node);
    for (const n of c().nodes) expect(cookieOfNode(n)).toBe(newCookie);
    try {
      await waitFor(async () => (await op(victimTarget, ['status'])).exitCode === 0, 120_000, 'the node did not finish starting');
    } catch (err) {
      const st = await op(victimTarget, ['status']);
      console.log('status', st.exitCode, st.stdout, st.stderr);
      console.log('ejabberd.log', readFileSync(join(victim.logs, 'ejabberd.log'), 'utf8').split('\n').slice(-60).join('\n'));
      throw err;
    }
    expect(await clusterMembers(victim)).toEqual(
      c()
        .nodes.map((n) => n.node)
        .sort(),
    );
    await expectCommandsWork(targets);
    expect((await op(seed(), ['cookie', 'check', '--cluster'])).exitCode).toBe(0);
    await expectOldRefused(oldCookie, c().nodes);
    expect((await op(seed(), ['cookie', 'rotate', '--finalize'])).exitCode).toBe(0);
    expect(readdirSync(rotationStateDir()).filter((f) => f.startsWith('rotate-'))).toEqual([]);
  }, 600_000);
});

function must<T>(x: T | undefined): T {
  if (x === undefined) throw new Error('not found');
  return x;
}

async function expectCommandsWork(ts: OperatorTarget[]): Promise<void> {
  for (const t of ts) {
    for (const tr of TRANSPORTS) {
      for (const args of COMMANDS) {
        const r = await op(t, ['--transport', tr, ...args]);
        expect({ node: t.node, tr, args, code: r.exitCode, stdout: r.stdout }).toEqual({
          node: t.node,
          tr,
          args,
          code: 0,
          stdout: expected.get(key(t.node, args)),
        });
      }
    }
  }
}

/** A cfg holding the old cookie gets nothing from these nodes, on either transport. */
async function expectOldRefused(oldCookie: string, nodes: HostNode[]): Promise<void> {
  for (const n of nodes) {
    const t = operatorTarget(n.node, oldCookie, c().operatorErlOptions);
    for (const tr of TRANSPORTS) {
      const r = await op(t, ['--transport', tr, 'status']);
      expect({ node: n.node, tr, code: r.exitCode }).toEqual({ node: n.node, tr, code: 3 });
    }
  }
}

interface LoopRun {
  node: string;
  transport: string;
  args: string[];
  code: number;
  stdout: string;
}

/** One loop per node and transport, each running COMMANDS in turn until stopped. */
function startLoops(ts: OperatorTarget[]) {
  const runs: LoopRun[] = [];
  const counts: number[] = [];
  let stopping = false;
  const loops = ts.flatMap((t) =>
    TRANSPORTS.map(async (transport) => {
      const me = counts.push(0) - 1;
      for (let i = 0; !stopping; i++) {
        const args = COMMANDS[i % COMMANDS.length] ?? [];
        const r = await op(t, ['--transport', transport, ...args]);
        runs.push({ node: t.node, transport, args, code: r.exitCode, stdout: r.stdout });
        counts[me] = (counts[me] ?? 0) + 1;
      }
    }),
  );
  let mark = counts.map(() => 0);
  return {
    /** Waits until every loop has run `n` more commands since the last wait. */
    async waitForRounds(n: number) {
      const from = [...mark];
      await waitFor(() => counts.every((k, i) => k >= (from[i] ?? 0) + n), 300_000, 'the command loops stalled');
      mark = [...counts];
    },
    done: () => runs.length,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return runs;
    },
  };
}
