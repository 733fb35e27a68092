/**
 * A real ejabberd node that faces the network: distribution on 0.0.0.0 without a firewall window,
 * registered in its own EPMD listening on every address (the run's EPMD is loopback-only). The
 * audit and the node are pointed at that EPMD with ERL_EPMD_PORT; both are stopped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/env.js';
import { freePort, startTestNode, waitFor, type TestNode } from '../helpers/node.js';
import { readListeningSockets } from '../../src/audit/procfs.js';
import { auditJson, expectFinding } from './helpers.js';

let epmd: ChildProcess | undefined;
let n: TestNode | undefined;
let port: number;
const runEpmdPort = process.env.ERL_EPMD_PORT;

beforeAll(async () => {
  port = await freePort();
  epmd = spawn('/usr/bin/epmd', ['-port', String(port)], { stdio: 'ignore' });
  const listening = () => {
    const s = readListeningSockets('/proc');
    return Array.isArray(s) && s.some((l) => l.port === port && l.address === '0.0.0.0');
  };
  await waitFor(listening, 10_000, `epmd -port ${port} did not listen`);
  // This file's node, its ctl calls and the audit use the exposed EPMD.
  process.env.ERL_EPMD_PORT = String(port);
  n = await startTestNode({ env: { ERL_EPMD_PORT: String(port) } });
});
afterAll(async () => {
  await n?.stop();
  process.env.ERL_EPMD_PORT = runEpmdPort;
  epmd?.kill('SIGTERM');
  cleanupTempDirs();
});

describe('an ejabberd node bound to 0.0.0.0 without a firewall window', () => {
  it('has the network findings, with the addresses as evidence', async () => {
    if (!n) throw new Error('no node');
    const run = await auditJson(n.cfgPath);
    expect(run.exitCode).toBe(1);
    expect(expectFinding(run, 'epmd-exposed').evidence).toMatch(new RegExp(`^EPMD \\(port ${port}\\) listens on 0\\.0\\.0\\.0:${port}`));
    const dist = expectFinding(run, 'dist-exposed');
    expect(dist.severity).toBe('high');
    expect(dist.evidence).toMatch(
      new RegExp(
        `^${n.node} \\(distribution port (\\d+) from EPMD at 127\\.0\\.0\\.1:${port}, beam pid \\d+\\) listens on 0\\.0\\.0\\.0:\\1$`,
      ),
    );
    expectFinding(run, 'no-firewall-window');
    expectFinding(run, 'plain-tcp-distribution');
    expect(run.ids).not.toContain('dist-port-outside-window');
    expect(run.ids).not.toContain('long-names');
  });
});
