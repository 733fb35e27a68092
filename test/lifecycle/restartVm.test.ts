/**
 * `ejctl restart-vm` on a real node: what an operator saw after setup changed the cfg (ejabberd's
 * `restart` keeps the VM, so the audit still finds the old distribution port), and after the
 * cookie file was replaced under the running node (`stop` gets exit 3).
 */
import { existsSync, mkdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseServiceUnit } from '../../src/system/serviceUnit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownToNodeUser, cleanupTempDirs } from '../helpers/env.js';
import { beamPids, createTestNodeFiles, freePort, stopTestNode, writeFileMode, type TestNode } from '../helpers/node.js';
import { auditJson } from '../audit/helpers.js';
import { listeningSockets } from './helpers.js';

type Window = { min: number; max: number };

async function freeWindow(avoid?: Window): Promise<Window> {
  for (;;) {
    const min = Math.min(await freePort(), 65_000);
    if (!avoid || min + 4 < avoid.min || min > avoid.max) return { min, max: min + 4 };
  }
}

function distPortIn(node: string, w: Window): boolean {
  const [pid] = beamPids(node);
  return listeningSockets(pid ?? 0).some((s) => s.port >= w.min && s.port <= w.max);
}

describe('restart-vm', () => {
  let n: Omit<TestNode, 'stop'>;
  let first: Window;
  beforeAll(async () => {
    first = await freeWindow();
    n = await createTestNodeFiles({ cfgExtra: `INET_DIST_INTERFACE=127.0.0.1\nFIREWALL_WINDOW=${first.min}-${first.max}` });
    expect((await n.ctl(['start'])).exitCode).toBe(0);
    expect((await n.ctl(['started'])).exitCode).toBe(0);
  });
  afterAll(async () => {
    if (n) await stopTestNode(n);
    cleanupTempDirs();
  });

  it('a changed cfg: restart (in-VM) keeps the old port; restart-vm starts a VM that reads the new cfg', async () => {
    expect(distPortIn(n.node, first)).toBe(true);
    const second = await freeWindow(first);
    const cfg = `${n.cfgPath}.new`;
    const { readFileSync } = await import('node:fs');
    writeFileMode(cfg, readFileSync(n.cfgPath, 'utf8').replace(`${first.min}-${first.max}`, `${second.min}-${second.max}`), 0o644);
    renameSync(cfg, n.cfgPath);

    // ejabberd's restart is forwarded unchanged: the same VM, so the old port and the finding stay.
    const before = beamPids(n.node);
    expect((await n.ctl(['restart'])).exitCode).toBe(0);
    expect((await n.ctl(['started'])).exitCode).toBe(0);
    expect(beamPids(n.node)).toEqual(before);
    expect((await auditJson(n.cfgPath)).ids).toContain('dist-port-outside-window');

    const r = await n.ctl(['restart-vm']);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ exitCode: 0, stdout: `${n.node} runs in a new VM, with the current ${n.cfgPath} and cookie\n` });
    expect(beamPids(n.node)).not.toEqual(before);
    expect(distPortIn(n.node, second)).toBe(true);
    expect((await auditJson(n.cfgPath)).ids).not.toContain('dist-port-outside-window');
    expect((await n.ctl(['status'])).exitCode).toBe(0);
  });

  it('a cookie replaced under the running node: stop is locked out, restart-vm stops it with the backup', async () => {
    const backup = `${n.cookieFile}.bak-20260101T000000Z`;
    renameSync(n.cookieFile, backup); // as setup leaves it: the old cookie kept 0400 next to the new one
    const fresh = 'Nw3Kx8Rt5Vq2Bz7Lm4Hc9Jd6Fs1Gp0Ty3Ua8We5Qo';
    writeFileMode(n.cookieFile, fresh, 0o400);
    chownToNodeUser(n.cookieFile);
    expect((await n.ctl(['status'])).exitCode).toBe(3); // what the operator saw

    const r = await n.ctl(['restart-vm']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`ejctl: ${n.node} still runs on the previous cookie (${backup}): stopping it with that one\n`);
    expect((await n.ctl(['status'])).exitCode).toBe(0); // the new VM runs on the new cookie
  });

  it('a stopped node is started; --dry-run lists the four steps and runs nothing', async () => {
    const plan = await n.ctl(['--dry-run', 'restart-vm']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toMatch(/^1\. stop: ejabberd's 'stop', sent with the first cookie/);
    expect(plan.stdout).toContain('2. wait until it is down: no process');
    expect(plan.stdout).toContain('3. start:');
    expect(plan.stdout).toContain("4. wait until it answers 'started' (at most 60 s):");
    expect(plan.stdout).not.toContain(n.cookie);
    const pids = beamPids(n.node);
    expect((await n.ctl(['stop'])).exitCode).toBe(0);
    expect((await n.ctl(['stopped'])).exitCode).toBe(0);
    const r = await n.ctl(['restart-vm']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`ejctl: ${n.node} is not running: starting it\n`);
    expect(beamPids(n.node)).not.toEqual(pids);
  });

  // The systemd hierarchy of this machine (hybrid v1 here; v2 elsewhere): a real cgroup named as
  // systemd names a service, with the node's beam moved into it, is what systemctl start leaves.
  const hierarchy = ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find((d) => existsSync(join(d, 'cgroup.procs')));
  it.runIf(hierarchy !== undefined && process.getuid?.() === 0)(
    'a node in a systemd service is refused with the systemctl command, and keeps running',
    async () => {
      const slice = join(hierarchy!, `ejctl-test-${process.pid}.slice`);
      const unit = `ejctl-test-${process.pid}.service`;
      const [pid] = beamPids(n.node);
      mkdirSync(join(slice, unit), { recursive: true });
      try {
        writeFileSync(join(slice, unit, 'cgroup.procs'), String(pid));
        const r = await n.ctl(['restart-vm']);
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain(`${n.node} runs in the systemd service ${unit}: restart-vm would start the new VM outside it`);
        expect(r.stderr).toContain(`systemctl restart ${unit}`);
        expect((await n.ctl(['--dry-run', 'restart-vm'])).exitCode).toBe(1);
        expect(beamPids(n.node)).toEqual([pid]);
      } finally {
        writeFileSync(join(hierarchy!, 'cgroup.procs'), String(pid));
        rmdirSync(join(slice, unit));
        rmdirSync(slice);
      }
      expect((await n.ctl(['status'])).exitCode).toBe(0);
    },
  );
});

describe('the service unit of a process, from its cgroup', () => {
  it('reads cgroup v2 and the name=systemd line of a hybrid setup; a login scope has none', () => {
    expect(parseServiceUnit('0::/system.slice/ejabberd.service\n')).toBe('ejabberd.service');
    expect(parseServiceUnit('4:memory:/x\n1:name=systemd:/system.slice/ejabberd@a.service\n0::/\n')).toBe('ejabberd@a.service');
    expect(parseServiceUnit('0::/user.slice/user-0.slice/session-3.scope\n')).toBeUndefined();
    expect(parseServiceUnit('')).toBeUndefined();
  });
});
