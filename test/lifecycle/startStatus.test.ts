/**
 * `start; status` in a script: start returns once the node is registered, so the status right
 * after it says 1 (starting) or 0 (started), never 3 (unreachable) as before. A node that dies
 * before it registers makes start exit 1 with a sentence, not 0.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot } from '../helpers/env.js';
import { beamPids, createTestNodeFiles, freePort, stopTestNode, waitFor, type TestNode } from '../helpers/node.js';

describe.skipIf(!isRoot)('start, then status at once', () => {
  const nodes: Omit<TestNode, 'stop'>[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => stopTestNode(n)));
    servers.forEach((s) => s.close());
    cleanupTempDirs();
  });

  it('status right after start is 0 or 1, never 3 (three starts)', async () => {
    const n = await createTestNodeFiles({ cfgExtra: 'ERL_EPMD_ADDRESS=127.0.0.1' });
    nodes.push(n);
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await n.ctl(['start'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
      const status = await n.ctl(['status']);
      codes.push(status.exitCode);
      expect(status.stdout).toMatch(new RegExp(`^The node ${n.node} is start(ed|ing) with status: `));
      await stopTestNode(n);
      await waitFor(async () => (await n.ctl(['status'])).exitCode === 3, 30_000, `${n.node} did not stop`);
    }
    expect(codes.every((c) => c === 0 || c === 1)).toBe(true);
  });

  it('a node that dies before it registers (its only distribution port is taken): start exits 1 and says so', async () => {
    const port = await freePort();
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const n = await createTestNodeFiles({
      cfgExtra: `ERL_EPMD_ADDRESS=127.0.0.1\nINET_DIST_INTERFACE=127.0.0.1\nFIREWALL_WINDOW=${port}-${port}`,
    });
    nodes.push(n);
    const r = await n.ctl(['start']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${n.node} exited during start, before it registered: see the logs in ${n.logs}`);
    expect(beamPids(n.node)).toEqual([]);
  });
});
