/**
 * Live network and process findings with real nodes on the run's loopback EPMD: an ejabberd node
 * with loopback distribution and a firewall window (no network findings), variants of its cfg
 * that make window and long-name findings appear, and a plain Erlang node run as root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, epmdPort, isRoot, tempDir } from '../helpers/env.js';
import { beamPids, freePort, startTestNode, uniqueName, waitFor, writeFileMode, type TestNode } from '../helpers/node.js';
import { NODE_NETWORK_IDS, auditJson, expectFinding, expectNoFinding } from './helpers.js';

let n: TestNode;
let port: number;

beforeAll(async () => {
  port = await freePort();
  const window = `${port}-${port + 5}`;
  n = await startTestNode({
    erlArgs: [
      '-kernel',
      'inet_dist_use_interface',
      '{127,0,0,1}',
      '-kernel',
      'inet_dist_listen_min',
      String(port),
      'inet_dist_listen_max',
      String(port + 5),
    ],
    cfgExtra: `FIREWALL_WINDOW=${window}\nINET_DIST_INTERFACE=127.0.0.1\nERL_EPMD_ADDRESS=127.0.0.1`,
  });
});
afterAll(async () => {
  await n?.stop();
  cleanupTempDirs();
});

/** A copy of the node's cfg with lines replaced, to audit the same node under another cfg. */
function cfgVariant(replace: (text: string) => string): string {
  const path = join(tempDir(), 'ejabberdctl.cfg');
  writeFileMode(path, replace(readFileSync(n.cfgPath, 'utf8')), 0o644);
  return path;
}

describe('an ejabberd node on loopback with a window', () => {
  it('has no network findings, and the distribution and user checks did run', async () => {
    const run = await auditJson(n.cfgPath);
    expect(run.ids.filter((id) => NODE_NETWORK_IDS.includes(id))).toEqual([]);
    expectNoFinding(run, 'runs-as-root');
    const skipped = run.report.skipped.map((s) => s.check);
    expect(skipped).not.toContain('distribution-exposure');
    expect(skipped).not.toContain('epmd-exposure');
    expect(skipped).not.toContain('node-user');
  });

  it('dist-port-outside-window appears under a cfg whose window does not hold the port', async () => {
    const other = cfgVariant((t) => t.replace(/^FIREWALL_WINDOW=.*$/m, `FIREWALL_WINDOW=${port + 10}-${port + 12}`));
    const found = expectFinding(await auditJson(other), 'dist-port-outside-window');
    const distPort = Number(/distribution port (\d+)/.exec(found.evidence)?.[1]);
    expect(distPort >= port && distPort <= port + 5).toBe(true);
    expect(found.evidence).toContain(`is outside FIREWALL_WINDOW=${port + 10}-${port + 12}`);
    expectNoFinding(await auditJson(n.cfgPath), 'dist-port-outside-window');
  });

  it('long-names appears for a node name with a dot (not running), not for the -sname node', async () => {
    const long = cfgVariant((t) => t.replace(/^ERLANG_NODE=.*$/m, 'ERLANG_NODE=ejabberd@xmpp.example.net'));
    const run = await auditJson(long);
    expect(expectFinding(run, 'long-names').evidence).toBe(
      'ERLANG_NODE=ejabberd@xmpp.example.net holds a dot, so the node starts with -name',
    );
    expect(run.report.skipped).toContainEqual({
      check: 'node-user',
      reason: 'no beam process runs ejabberd@xmpp.example.net (the node is not running)',
    });
    expect(run.report.skipped.find((s) => s.check === 'distribution-exposure')?.reason).toBe(
      `ejabberd@xmpp.example.net is not registered in EPMD at 127.0.0.1:${epmdPort()}: the node is not running`,
    );
    expectNoFinding(await auditJson(n.cfgPath), 'long-names');
  });
});

describe.skipIf(!isRoot)('an Erlang node run as root', () => {
  let child: ChildProcess | undefined;
  let node: string;
  beforeAll(async () => {
    node = `${uniqueName('ejroot')}@localhost`;
    const home = tempDir();
    writeFileMode(join(home, '.erlang.cookie'), 'RootNodeCookie0123456789abcdefghij', 0o400);
    child = spawn('/usr/bin/erl', ['-sname', node, '-noshell', '-noinput', '-kernel', 'inet_dist_use_interface', '{127,0,0,1}'], {
      env: { PATH: process.env.PATH, HOME: home, ERL_EPMD_PORT: epmdPort(), ERL_EPMD_ADDRESS: '127.0.0.1' },
      stdio: 'ignore',
    });
    await waitFor(() => beamPids(node).length > 0, 20_000, `${node} did not start`);
  });
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('runs-as-root appears for it, and not for the ejabberd node (run as ejabberd)', async () => {
    const asRoot = cfgVariant((t) => t.replace(/^ERLANG_NODE=.*$/m, `ERLANG_NODE=${node}`));
    const found = expectFinding(await auditJson(asRoot), 'runs-as-root');
    expect(found.evidence).toBe(`beam pid ${beamPids(node)[0]} of ${node} runs as uid 0 (effective 0)`);
    expectNoFinding(await auditJson(n.cfgPath), 'runs-as-root');
  });
});
