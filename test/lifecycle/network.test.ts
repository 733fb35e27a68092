/**
 * A node started by ejctl with INET_DIST_INTERFACE=127.0.0.1, ERL_EPMD_ADDRESS=127.0.0.1 and a
 * FIREWALL_WINDOW listens on loopback only, with its distribution port inside the window. It
 * uses an EPMD port of its own, so the EPMD its start brings up is checked too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/env.js';
import { beamPids, createTestNodeFiles, freePort, stopTestNode, type TestNode } from '../helpers/node.js';
import { isLoopback, listeningSockets, pidsWith } from './helpers.js';

describe('a node started with loopback-only settings', () => {
  let n: Omit<TestNode, 'stop'>;
  let epmdPort: string;
  let window: { min: number; max: number };
  beforeAll(async () => {
    epmdPort = String(await freePort());
    const min = Math.min(await freePort(), 65_000);
    window = { min, max: min + 9 };
    const files = await createTestNodeFiles({
      cfgExtra: `INET_DIST_INTERFACE=127.0.0.1\nERL_EPMD_ADDRESS=127.0.0.1\nFIREWALL_WINDOW=${window.min}-${window.max}`,
    });
    n = { ...files, ctl: (args, o = {}) => files.ctl(args, { ...o, env: { ERL_EPMD_PORT: epmdPort, ...o.env } }) };
    expect((await n.ctl(['start'])).exitCode).toBe(0);
    expect((await n.ctl(['started'])).exitCode).toBe(0);
  });
  afterAll(async () => {
    if (n) await stopTestNode(n);
    for (const pid of pidsWith('epmd', `ERL_EPMD_PORT=${epmdPort}`)) process.kill(pid, 'SIGTERM');
    cleanupTempDirs();
  });

  it('the node listens on loopback only, its distribution port inside FIREWALL_WINDOW', () => {
    const [pid] = beamPids(n.node);
    expect(pid).toBeDefined();
    const sockets = listeningSockets(pid ?? 0);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
    expect(sockets.some((s) => s.port >= window.min && s.port <= window.max)).toBe(true);
  });

  it('the EPMD the start brought up listens on loopback only', () => {
    const epmds = pidsWith('epmd', `ERL_EPMD_PORT=${epmdPort}`);
    expect(epmds).toHaveLength(1);
    const sockets = listeningSockets(epmds[0] ?? 0);
    expect(sockets.map((s) => s.port)).toContain(Number(epmdPort));
    expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
  });
});
