/**
 * scripts/quickstart.sh run twice at once on one machine: each run has its own directory, node
 * name and ports, reports its own node's pid, and its cleanup stops only its own node.
 * (SKIP_BUILD=1: this suite already built ejctl; rebuilding under running tests would break them.)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, epmdPort, isRoot, ROOT, tempDir } from './helpers/env.js';
import { beamPids } from './helpers/node.js';

afterAll(cleanupTempDirs);

function quickstart(tmp: string) {
  return execa('bash', [join(ROOT, 'scripts/quickstart.sh')], {
    env: { SKIP_BUILD: '1', TMPDIR: tmp, ERL_EPMD_PORT: epmdPort(), KEEP: '0' },
    reject: false,
    all: true,
    timeout: 240_000,
  });
}

describe.skipIf(!isRoot)('the quick start', () => {
  it('two runs at once: separate nodes, own pids, each cleans up only its own', async () => {
    const tmp = tempDir('ejctl-qs-');
    const [a, b] = await Promise.all([quickstart(tmp), quickstart(tmp)]);
    const nodeOf = (out: string) => /\(node (ejctl-qs-\S+@localhost), c2s port \d+, distribution port \d+\)/.exec(out)?.[1];
    const pidOf = (out: string) => /\+ the node \(pid (\d+)\) runs as: ejabberd\n/.exec(out)?.[1];
    for (const r of [a, b]) {
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toContain('+ checked every /proc/*/cmdline and /proc/*/environ: the cookie is in none of them');
    }
    const [nodeA, nodeB] = [nodeOf(a.all), nodeOf(b.all)];
    expect(nodeA).toBeDefined();
    expect(nodeB).toBeDefined();
    expect(nodeA).not.toBe(nodeB);
    expect(a.all).not.toContain(nodeB);
    expect(b.all).not.toContain(nodeA);
    expect(pidOf(a.all)).toBeDefined();
    expect(pidOf(a.all)).not.toBe(pidOf(b.all));
    // Each status answered by its own node.
    // (ejabberd quotes a node name with a hyphen as an Erlang atom: 'ejctl-qs-...@localhost')
    expect(a.all).toContain(`The node '${nodeA}' is started`);
    expect(b.all).toContain(`The node '${nodeB}' is started`);
    expect(beamPids(nodeA ?? '')).toEqual([]);
    expect(beamPids(nodeB ?? '')).toEqual([]);
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  });
});
