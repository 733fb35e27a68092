/**
 * ejctl killed (SIGKILL) right after each step of a rotation: the cluster stays meshed and
 * controllable, every node's cookie file agrees with the cookie it runs with, and `--resume`
 * completes the rotation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, tempDir, type CliResult } from '../helpers/env.js';
import type { TestNode } from '../helpers/node.js';
import { listCluster, memberJoinLines, startCluster, type TestCluster } from '../helpers/cluster.js';

let cluster: TestCluster;
let nodes: TestNode[];
let state: string;
let joinsAtStart: number[];
const rotate = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  nodes[0]!.ctl(['cookie', 'rotate', ...args], { env: { EJCTL_STATE_DIR: state, ...extra } });
const fileOf = (n: TestNode): string => readFileSync(n.cookieFile, 'latin1');
const STEPS = 15; // 3 nodes: backup and stage x3, pin x3 pairs, switch x3, shared-key x3

beforeAll(async () => {
  cluster = await startCluster(3);
  nodes = cluster.nodes;
  state = join(tempDir(), 'state');
  joinsAtStart = nodes.map((n) => memberJoinLines(n).length);
});

afterAll(async () => {
  await cluster?.stop();
  cleanupTempDirs();
});

describe('cookie rotate killed after each step, then --resume', () => {
  it('--resume with nothing to resume is a usage error', async () => {
    const r = await rotate(['--resume']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('there is no unfinished rotation to resume');
  });

  for (let k = 1; k <= STEPS; k++) {
    it(`killed after step ${k}: still meshed and controllable; --resume completes`, async () => {
      await settlePrevious();
      const before = fileOf(nodes[0]!);
      const killed = await rotate([], { EJCTL_TEST_KILL_AFTER_STEP: String(k) });
      expect(killed.exitCode).not.toBe(0);
      expect(killed.stderr).toContain(`[${k}/${STEPS}]`);
      expect(killed.stderr).not.toContain(`[${k + 1}/${STEPS}]`);
      // Every node answers a fresh command made with its own cookie file, and sees the others.
      for (const n of nodes) {
        expect((await n.ctl(['status'])).exitCode).toBe(0);
        expect(await listCluster(n)).toEqual(nodes.map((x) => x.node).sort());
      }
      const again = await rotate([]);
      expect(again.exitCode).toBe(1);
      expect(again.stderr).toContain('is unfinished');

      const resumed = await rotate(['--resume']);
      expect(resumed.stdout).toContain('Rotated the cookie of 3 node(s)');
      expect(resumed.stdout.match(/^ {2}ok {3}/gm)).toHaveLength(3);
      expect(resumed.exitCode).toBe(0);
      const after = fileOf(nodes[0]!);
      expect(after).not.toBe(before);
      for (const n of nodes) expect(fileOf(n)).toBe(after);
      expect((await rotate(['--finalize'])).exitCode).toBe(0);
    });
  }

  it('a switch that fails on one node completes on the others, says what that node needs, and --resume finishes', async () => {
    await settlePrevious();
    const victim = nodes[1]!;
    const before = fileOf(victim);
    expect((await rotate([], { EJCTL_TEST_KILL_AFTER_STEP: '6' })).exitCode).not.toBe(0);
    unlinkSync(`${victim.cookieFile}.ejctl-new`);
    chmodSync(victim.home, 0o500); // and it cannot be staged again: permission denied
    let failed: CliResult;
    try {
      failed = await rotate(['--resume']);
    } finally {
      chmodSync(victim.home, 0o700);
    }
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain('The rotation is not complete (failed).');
    expect(failed.stdout).toContain(`Failed: switch ${victim.node}:`);
    expect(failed.stdout).toContain(
      `${victim.node}: its cookie file and default cookie are still the old ones while its peers use the new cookie for it; do not restart it before`,
    );
    expect(fileOf(victim)).toBe(before);
    const others = nodes.filter((n) => n !== victim);
    for (const n of others) expect(fileOf(n)).not.toBe(before);
    for (const n of nodes) {
      expect((await n.ctl(['status'])).exitCode).toBe(0);
      expect(await listCluster(n)).toEqual(nodes.map((x) => x.node).sort());
    }
    const resumed = await rotate(['--resume']);
    expect(resumed.stdout).toContain('Rotated the cookie of 3 node(s)');
    expect(resumed.exitCode).toBe(0);
    for (const n of nodes) expect(fileOf(n)).toBe(fileOf(others[0]!));
    expect((await rotate(['--finalize'])).exitCode).toBe(0);
  });

  it("without ejctl on the nodes' hosts, the Erlang fallback writes the files (0400, in the 0700 HOME)", async () => {
    await settlePrevious();
    const r = await rotate(['--json'], { EJCTL_REMOTE_EJCTL: '/nonexistent/ejctl.js' });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as { steps: { id: string; detail?: string }[] };
    const writes = report.steps.filter((s) => /^(backup|stage) /.test(s.id));
    expect(writes.map((s) => s.detail)).toEqual(writes.map(() => 'written by erlang'));
    for (const n of nodes) {
      expect(statSync(n.cookieFile).mode & 0o7777).toBe(0o400);
      expect(fileOf(n)).toBe(fileOf(nodes[0]!));
    }
    expect((await rotate(['--finalize'])).exitCode).toBe(0);
  });

  it('no member ever reconnected (ejabberd logs each mnesia_up)', () => {
    expect(nodes.map((n) => memberJoinLines(n).length)).toEqual(joinsAtStart);
  });

  it('cookie check --cluster reports a node whose file and memory disagree', async () => {
    const n = nodes[1]!;
    const st = statSync(n.cookieFile);
    const saved = join(tempDir(), 'saved');
    renameSync(n.cookieFile, saved);
    try {
      writeFileSync(n.cookieFile, 'SomethingElse0123456789abcdefghijklmnopqrstu', { mode: 0o400 });
      chownSync(n.cookieFile, st.uid, st.gid);
      const r = await nodes[0]!.ctl(['cookie', 'check', '--cluster']);
      expect(r.exitCode).toBe(77);
      expect(r.stdout).toContain(`FAIL ${n.node}:`);
      expect(r.stdout).toContain('does not hold the cookie it runs with: a restart would change its cookie');
    } finally {
      renameSync(saved, n.cookieFile);
    }
    expect((await nodes[0]!.ctl(['cookie', 'check', '--cluster'])).exitCode).toBe(0);
  });
});

/** If an earlier case failed half-way, finish its rotation so this case starts clean. */
async function settlePrevious(): Promise<void> {
  if (!existsSync(state) || readdirSync(state).length === 0) return;
  await rotate(['--resume']);
  await rotate(['--finalize']);
}
