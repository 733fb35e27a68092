/**
 * The proof of a setup: a real ejabberd node started (with `ejctl start`) from what setup wrote
 * listens on loopback only, inside the firewall window, answers ejctl with the new cookie and not
 * with the old one, and the audit finds nothing medium or high that setup is responsible for.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, ejctl, isRoot } from '../helpers/env.js';
import { beamPids, freePort, stopTestNode, waitFor } from '../helpers/node.js';
import { isLoopback, listeningSockets, type ListeningSocket } from '../lifecycle/helpers.js';
import { hostAddresses } from '../../src/setup/detect.js';
import { createDebianInstall, enableSystemEpmd, type Install } from './fixture.js';

let inst: Install | undefined;
afterAll(async () => {
  if (inst) await stopTestNode(inst);
  cleanupTempDirs();
});

describe.skipIf(!isRoot)('a node started after ejctl setup --yes', () => {
  it('listens on loopback only, answers with the new cookie, and passes the audit', async () => {
    inst = await createDebianInstall();
    const i = inst;
    // As Debian's erlang package leaves a host: systemd's epmd.socket enabled (in the fixture unit dir).
    enableSystemEpmd(i);
    const ctl = (args: string[]) => ejctl(['-c', i.cfgPath, ...args]);
    // A window of its own: other suites' nodes may hold the default 4370-4379 meanwhile.
    const min = await freePort();
    const setup = await ejctl([
      'setup',
      '--config-dir',
      i.dir,
      '--systemd-dir',
      i.systemdDir,
      '--yes',
      '--firewall-window',
      `${min}-${min + 9}`,
    ]);
    expect(setup.exitCode).toBe(0);

    const start = await ctl(['start']);
    expect(start.stderr).toBe('');
    expect(start.exitCode).toBe(0);
    await waitFor(async () => (await ctl(['status'])).exitCode === 0, 60_000, `${i.node} did not start; see ${i.logs}`);
    const status = await ctl(['status']);
    expect(status.stdout).toContain(`The node ${i.node} is started`);

    const [pid, ...others] = beamPids(i.node);
    expect(others).toEqual([]);
    const sockets = listeningSockets(pid ?? -1);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
    expect(sockets.some((s) => s.port >= min && s.port <= min + 9)).toBe(true);

    // The weak cookie setup replaced (kept as a backup) no longer opens the node.
    const backup = readdirSync(i.home).find((n) => n.startsWith('.erlang.cookie.bak-')) ?? '';
    const old = await ejctl(['-c', i.cfgPath, '--cookie-file', join(i.home, backup), 'status']);
    expect(old.exitCode).toBe(3);

    const audit = JSON.parse((await ctl(['audit', '--json', '--systemd-dir', i.systemdDir])).stdout) as {
      findings: { id: string; severity: string; evidence: string }[];
    };
    // The drop-in setup wrote restricts epmd.socket, so not even the low epmd-system-service is left.
    expect(audit.findings.map((f) => f.id)).not.toContain('epmd-system-service');
    const serious = audit.findings.filter((f) => f.severity === 'medium' || f.severity === 'high');
    expect(serious).toEqual([]);

    // Setup again while the node runs, with a new cookie: it warns, and its restart advice works.
    const again = await ejctl(['setup', '--config-dir', i.dir, '--systemd-dir', i.systemdDir, '--yes', '--cookie', 'new']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`note: ${i.node} is running: it keeps its current settings until it restarts.`);
    expect(again.stdout).toContain("   Restart the node's VM so it reads the new settings: ejctl restart-vm\n");
    expect(again.stdout).not.toContain('ejctl restart ');
    expect((await ctl(['status'])).exitCode).toBe(3); // the node still runs on the old cookie
    const restarted = await ctl(['restart-vm']);
    expect(restarted.exitCode).toBe(0);
    expect(restarted.stderr).toMatch(/still runs on the previous cookie \(\S+\.erlang\.cookie\.bak-\S+\): stopping it with that one/);
    expect((await ctl(['status'])).exitCode).toBe(0);

    // Setup once more: nothing changes, and no restart is advised.
    const third = await ejctl(['setup', '--config-dir', i.dir, '--systemd-dir', i.systemdDir, '--yes']);
    expect(third.exitCode).toBe(0);
    expect(third.stdout).toContain('2. Restart:\n   Nothing changed: no restart needed.\n');
    expect(third.stdout).not.toContain('restart-vm');
  });
});

describe.skipIf(!isRoot)('a cluster member started after ejctl setup --cluster', () => {
  const address = hostAddresses().find((a) => !a.internal && a.family === 'IPv4')?.address;

  it.skipIf(address === undefined)('listens for distribution on the chosen address only, inside the window', async () => {
    const c = await createDebianInstall();
    const min = await freePort();
    const setup = await ejctl([
      'setup',
      '--config-dir',
      c.dir,
      '--systemd-dir',
      c.systemdDir,
      '--yes',
      '--cluster',
      '--no-tls',
      '--interface',
      address ?? '',
      '--firewall-window',
      `${min}-${min + 9}`,
      '--cookie',
      'new',
    ]);
    expect(setup.exitCode).toBe(0);
    const start = await ejctl(['-c', c.cfgPath, 'start']);
    expect(start.exitCode).toBe(0);
    try {
      let sockets: ListeningSocket[] = [];
      await waitFor(
        () => {
          const pid = beamPids(c.node)[0];
          sockets = pid === undefined ? [] : listeningSockets(pid);
          return sockets.some((s) => s.port >= min && s.port <= min + 9);
        },
        60_000,
        `${c.node} did not listen in its window; see ${c.logs}`,
      );
      expect(sockets.filter((s) => s.port >= min && s.port <= min + 9)).toEqual([{ address, port: expect.any(Number) }]);
      expect(sockets.filter((s) => s.address === '0.0.0.0' || s.address === '0:0:0:0:0:0:0:0')).toEqual([]);
    } finally {
      // ejctl cannot stop it: its name says localhost, where it does not listen (setup warned).
      for (const pid of beamPids(c.node)) process.kill(pid, 'SIGKILL');
    }
  });
});
