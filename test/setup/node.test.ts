/**
 * The proof of a setup: a real ejabberd node started (with `ejctl start`) from what setup wrote
 * listens on loopback only, inside the firewall window, answers ejctl with the new cookie and not
 * with the old one, and the audit finds nothing medium or high that setup is responsible for.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, ejctl, isRoot } from '../helpers/env.js';
import { beamPids, stopTestNode, waitFor } from '../helpers/node.js';
import { hostAddresses } from '../../src/setup/detect.js';
import { createDebianInstall, type Install } from './fixture.js';

interface Listening { address: string; port: number }

/** The TCP sockets a process listens on: its socket inodes matched in /proc/net/tcp and tcp6. */
function listeningSocketsOf(pid: number): Listening[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  const out: Listening[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A' || !inodes.has(f[9] ?? '')) continue;
      const [hex, port] = (f[1] ?? '').split(':');
      out.push({ address: v6 ? ipv6(hex ?? '') : ipv4(hex ?? ''), port: parseInt(port ?? '0', 16) });
    }
  }
  return out;
}

const ipv4 = (hex: string): string => (hex.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)).join('.');
const ipv6 = (hex: string): string => (hex === '00000000000000000000000001000000' ? '::1' : hex === '0'.repeat(32) ? '::' : `v6:${hex}`);

let inst: Install | undefined;
afterAll(async () => {
  if (inst) await stopTestNode(inst);
  cleanupTempDirs();
});

describe.skipIf(!isRoot)('a node started after ejctl setup --yes', () => {
  it('listens on loopback only, answers with the new cookie, and passes the audit', async () => {
    inst = await createDebianInstall();
    const i = inst;
    const ctl = (args: string[]) => ejctl(['-c', i.cfgPath, ...args]);
    const setup = await ejctl(['setup', '--config-dir', i.dir, '--yes']);
    expect(setup.exitCode).toBe(0);

    const start = await ctl(['start']);
    expect(start.stderr).toBe('');
    expect(start.exitCode).toBe(0);
    await waitFor(async () => (await ctl(['status'])).exitCode === 0, 60_000, `${i.node} did not start; see ${i.logs}`);
    const status = await ctl(['status']);
    expect(status.stdout).toContain(`The node ${i.node} is started`);

    const [pid, ...others] = beamPids(i.node);
    expect(others).toEqual([]);
    const sockets = listeningSocketsOf(pid ?? -1);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((s) => s.address !== '127.0.0.1' && s.address !== '::1')).toEqual([]);
    expect(sockets.some((s) => s.port >= 4370 && s.port <= 4379)).toBe(true);

    // The weak cookie setup replaced (kept as a backup) no longer opens the node.
    const backup = readdirSync(i.home).find((n) => n.startsWith('.erlang.cookie.bak-')) ?? '';
    const old = await ejctl(['-c', i.cfgPath, '--cookie-file', join(i.home, backup), 'status']);
    expect(old.exitCode).toBe(3);

    const audit = JSON.parse((await ctl(['audit', '--json'])).stdout) as { findings: { id: string; severity: string; evidence: string }[] };
    // epmd-system-service is about this host's systemd units (under the real /etc), not this install.
    const serious = audit.findings.filter((f) => (f.severity === 'medium' || f.severity === 'high') && f.id !== 'epmd-system-service');
    expect(serious).toEqual([]);
  });
});

describe.skipIf(!isRoot)('a cluster member started after ejctl setup --cluster', () => {
  const address = hostAddresses().find((a) => !a.internal && a.family === 'IPv4')?.address;

  it.skipIf(address === undefined)('listens for distribution on the chosen address only, inside the window', async () => {
    const c = await createDebianInstall();
    const setup = await ejctl(['setup', '--config-dir', c.dir, '--yes', '--cluster', '--interface', address ?? '', '--firewall-window', '4400-4409', '--cookie', 'new']);
    expect(setup.exitCode).toBe(0);
    const start = await ejctl(['-c', c.cfgPath, 'start']);
    expect(start.exitCode).toBe(0);
    try {
      let sockets: Listening[] = [];
      await waitFor(() => {
        const pid = beamPids(c.node)[0];
        sockets = pid === undefined ? [] : listeningSocketsOf(pid);
        return sockets.some((s) => s.port >= 4400 && s.port <= 4409);
      }, 60_000, `${c.node} did not listen in its window; see ${c.logs}`);
      expect(sockets.filter((s) => s.port >= 4400 && s.port <= 4409)).toEqual([{ address, port: expect.any(Number) }]);
      expect(sockets.filter((s) => s.address === '0.0.0.0' || s.address === '::')).toEqual([]);
    } finally {
      // ejctl cannot stop it: its name says localhost, where it does not listen (setup warned).
      for (const pid of beamPids(c.node)) process.kill(pid, 'SIGKILL');
    }
  });
});
