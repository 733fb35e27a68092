/**
 * The whole life of a node run by ejctl alone: start, started, status, ping, a second start,
 * restart, stop, stopped; the node runs as the ejabberd user, and the cookie is in no process's
 * argv or environment meanwhile.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot, nodeUser } from '../helpers/env.js';
import { beamPids, createTestNodeFiles, stopTestNode, type TestNode } from '../helpers/node.js';
import { processesHolding, ptyEjctl } from './helpers.js';

/** Control VMs (dynamic name, no cookie on the command line) working in this spool dir. */
function controlVmsIn(spool: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        const isControlVm = argv[0]?.includes('beam') && argv.includes('-nocookie') && readlinkSync(`/proc/${p}/cwd`) === spool;
        // A VM forks erl_child_setup at boot; until that child execs, it shows the VM's own command
        // line. It is the same VM, not a second one: skip processes whose parent is a beam.
        return isControlVm && !isBeam(parentOf(p)) ? [Number(p)] : [];
      } catch {
        return [];
      }
    });
}

function parentOf(pid: string): string {
  return /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0';
}

function isBeam(pid: string): boolean {
  try {
    return (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '').includes('beam');
  } catch {
    return false;
  }
}

describe('start, started, ping, stop, stopped', () => {
  let n: Omit<TestNode, 'stop'>;
  beforeAll(async () => {
    n = await createTestNodeFiles({ cfgExtra: 'ERL_EPMD_ADDRESS=127.0.0.1' });
  });
  afterAll(async () => {
    if (n) await stopTestNode(n);
    cleanupTempDirs();
  });

  it('start exits 0 and started waits until status answers', async () => {
    const start = await n.ctl(['start']);
    expect(start).toMatchObject({ exitCode: 0, stdout: '' });
    const started = await n.ctl(['started', '--timeout', '60']);
    expect(started.exitCode).toBe(0);
    expect(started.stderr).toBe(''); // not a terminal: no progress line
    const status = await n.ctl(['status']);
    expect(status.stdout).toBe(`The node ${n.node} is started with status: started\nejabberd 23.01-1 is running in that node\n`);
    expect(status.exitCode).toBe(0);
  });

  it.skipIf(!isRoot)('the node runs as the ejabberd user, with no supplementary group', () => {
    const [pid] = beamPids(n.node);
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    const user = nodeUser();
    expect(/^Uid:\s+(\d+)/m.exec(st)?.[1]).toBe(String(user?.uid));
    expect(/^Gid:\s+(\d+)/m.exec(st)?.[1]).toBe(String(user?.gid));
    expect(/^Groups:[ \t]*(.*)$/m.exec(st)?.[1]?.trim()).toBe('');
  });

  it("the cookie is in no process's argv or environment while the node runs", async () => {
    const work = n.ctl(['ping']); // a control node runs too while we look
    expect(processesHolding([n.cookie])).toEqual([]);
    expect((await work).exitCode).toBe(0);
    expect(processesHolding([n.cookie])).toEqual([]);
  });

  it('logs are written without permissions for others (umask 027)', () => {
    const mode = statSync(`${n.logs}/ejabberd.log`).mode & 0o777;
    expect(mode & 0o007).toBe(0);
  });

  it('ping prints pong and exits 0; pang and 1 for a node that is not there', async () => {
    expect(await n.ctl(['ping'])).toMatchObject({ stdout: 'pong\n', exitCode: 0 });
    expect(await n.ctl(['ping', `nosuch${process.pid}@localhost`])).toMatchObject({ stdout: 'pang\n', exitCode: 1 });
    expect(await n.ctl(['ping', n.node])).toMatchObject({ stdout: 'pong\n', exitCode: 0 });
  });

  it('a second start says the node is already running, on stdout, and exits 4', async () => {
    const r = await n.ctl(['start']);
    expect(r.stdout).toBe(`ERROR: The ejabberd node '${n.node}' is already running.\n`);
    expect(r.exitCode).toBe(4);
    expect(beamPids(n.node)).toHaveLength(1);
  });

  it('restart is forwarded, and started sees the node come back', async () => {
    expect((await n.ctl(['restart'])).exitCode).toBe(0);
    expect((await n.ctl(['started'])).exitCode).toBe(0);
    expect((await n.ctl(['status'])).exitCode).toBe(0);
  });

  it('stop, then stopped returns once no VM of that name is left', async () => {
    expect((await n.ctl(['stop'])).exitCode).toBe(0);
    const stopped = await n.ctl(['stopped', '--timeout', '60']);
    expect(stopped).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(beamPids(n.node)).toEqual([]);
    expect((await n.ctl(['ping'])).stdout).toBe('pang\n');
  });

  it('started gives up after --timeout with exit 1 when the node stays down, having booted one VM', async () => {
    const work = n.ctl(['started', '--timeout', '3']);
    const vms = new Set<number>();
    let done = false;
    void work.finally(() => (done = true));
    while (!done) {
      for (const pid of controlVmsIn(n.spool)) vms.add(pid);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await work;
    expect(vms.size).toBe(1);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`ejctl: ${n.node} did not answer 'started' within 3 s\n`);
  });

  it('on a terminal, stopped and started show a progress line on stderr, erased at the end', async () => {
    const pty = ptyEjctl(['-c', n.cfgPath, 'started', '--timeout', '2']);
    expect((await pty.exited).exitCode).toBe(1);
    expect(pty.text()).toContain(`Waiting for ${n.node} to start... 0 s`);
    expect(pty.text()).toContain('\x1b[K');
    const stopped = ptyEjctl(['-c', n.cfgPath, 'stopped']);
    expect((await stopped.exited).exitCode).toBe(0);
  });
});
