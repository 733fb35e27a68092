/**
 * `foreground` as a service manager runs it: attached, told to stop with SIGTERM (or Ctrl-C),
 * exiting with the node's code; NOTIFY_SOCKET reaches ejabberd, which reports READY=1 there.
 */
import { execa, type ResultPromise } from 'execa';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, EJCTL, epmdPort, tempDir } from '../helpers/env.js';
import { beamPids, createTestNodeFiles, stopTestNode, waitFor, type TestNode } from '../helpers/node.js';

/** A systemd-like notify socket: prints every datagram it receives, one per line. */
const LISTENER = `
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
print("bound", flush=True)
while True:
    print(s.recv(4096).decode(), flush=True)
`;

describe('foreground', () => {
  const nodes: Omit<TestNode, 'stop'>[] = [];
  afterAll(async () => {
    for (const n of nodes) await stopTestNode(n);
    cleanupTempDirs();
  });

  async function foreground(env: Record<string, string> = {}): Promise<{ n: Omit<TestNode, 'stop'>; child: ResultPromise }> {
    const n = await createTestNodeFiles();
    nodes.push(n);
    // At info level ejabberd logs its clean stop ("is stopped in the node").
    writeFileSync(n.ymlPath, readFileSync(n.ymlPath, 'utf8').replace('loglevel: warning', 'loglevel: info'));
    const child = execa(process.execPath, [EJCTL, '-c', n.cfgPath, 'foreground'], {
      env: { ERL_EPMD_PORT: epmdPort(), HOME: n.dir, ...env },
      reject: false,
      stdin: 'ignore',
    });
    expect((await n.ctl(['started'])).exitCode).toBe(0);
    return { n, child };
  }

  it('SIGTERM to ejctl stops the node cleanly and ejctl exits with its code 0', async () => {
    const { n, child } = await foreground();
    expect(beamPids(n.node)).toHaveLength(1);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain(`is stopped in the node ${n.node}`);
    expect(beamPids(n.node)).toEqual([]);
    expect((await n.ctl(['stopped', '--timeout', '10'])).exitCode).toBe(0);
  });

  it('Ctrl-C (SIGINT) reaches the node as a clean stop, not the BREAK menu', async () => {
    const { n, child } = await foreground();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain(`is stopped in the node ${n.node}`);
    expect(String(r.stdout)).not.toContain('BREAK');
    expect(beamPids(n.node)).toEqual([]);
  });

  it('NOTIFY_SOCKET passes through: ejabberd sends READY=1, then STOPPING=1', async () => {
    const dir = tempDir('ejctl-notify-');
    chmodSync(dir, 0o755);
    const path = join(dir, 'notify');
    const listener = execa('python3', ['-c', LISTENER, path], { reject: false, buffer: true });
    const lines: string[] = [];
    listener.stdout?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n')));
    await waitFor(() => lines.includes('bound'), 10_000, 'the notify listener did not start');
    const { child } = await foreground({ NOTIFY_SOCKET: path });
    await waitFor(() => lines.includes('READY=1'), 30_000, `no READY=1; got ${lines.join('|')}`);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
    await waitFor(() => lines.includes('STOPPING=1'), 10_000, `no STOPPING=1; got ${lines.join('|')}`);
    listener.kill('SIGTERM');
    await listener;
  });
});
