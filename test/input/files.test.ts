/**
 * Local files ejctl reads, under attack: the cfg, vm.args and ejabberd.yml replaced by a device,
 * a FIFO (in a directory the ejabberd user writes, nobody ever writes to it) or an oversized file.
 * Before the fix `-c /dev/zero` grew without end and every FIFO blocked ejctl forever; now each
 * ends at once with exit 78 and a message naming the file and the problem.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, ejctl, isRoot, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';
import { ejctlWithStdinFile } from '../helpers/peak.js';
import { createDebianInstall } from '../setup/fixture.js';

afterAll(() => cleanupTempDirs());

/** Long enough for a start-up, far too short for a 10 GB read; a hang ends here too. */
const QUICK = { timeoutMs: 20_000 };

function fifoAt(path: string): string {
  rmSync(path, { force: true });
  execFileSync('mkfifo', [path]);
  return path;
}

const HINT = (what: string, size: string) =>
  `ejctl: ejctl reads ${what} only from a regular file of at most ${size} (docs/security.md, "Local input").\n`;

describe('the cfg file', () => {
  it('-c /dev/zero: exit 78 at once, no endless read', async () => {
    const r = await ejctlWithStdinFile(['-c', '/dev/zero', 'status'], '/dev/null', QUICK);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toBe(`ejctl: the cfg file /dev/zero is not a regular file (a character device)\n${HINT('the cfg file', '1 MiB')}`);
    expect(r.peakMiB).toBeLessThan(150);
  });

  it('a FIFO as the cfg: exit 78 "not a regular file", no blocking', async () => {
    const fifo = fifoAt(join(tempDir(), 'ejabberdctl.cfg'));
    const r = await ejctl(['-c', fifo, 'status'], QUICK);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toBe(`ejctl: the cfg file ${fifo} is not a regular file (a FIFO)\n${HINT('the cfg file', '1 MiB')}`);
  });

  it('a FIFO at the default cfg path (CONFIG_DIR): the same', async () => {
    const dir = tempDir();
    fifoAt(join(dir, 'ejabberdctl.cfg'));
    const r = await ejctl(['--config-dir', dir, 'status'], QUICK);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`the cfg file ${dir}/ejabberdctl.cfg is not a regular file (a FIFO)`);
  });

  it('a cfg over 1 MiB: exit 78 naming the limit', async () => {
    const path = join(tempDir(), 'big.cfg');
    writeFileSync(path, `${'#'.repeat(100)}\n`.repeat(11_000));
    const r = await ejctl(['-c', path, 'status'], QUICK);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`the cfg file ${path} is larger than 1 MiB, the most ejctl reads of it`);
  });
});

describe('files next to the cfg, read as root by status, audit, start and setup', () => {
  it('vm.args a FIFO: a forwarded command exits 78 instead of hanging', async () => {
    const f = await createTestNodeFiles();
    fifoAt(join(f.dir, 'vm.args'));
    const r = await ejctl(['-c', f.cfgPath, 'status'], QUICK);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`vm.args ${f.dir}/vm.args is not a regular file (a FIFO)`);
  });

  it('ejabberd.yml a FIFO: audit exits 78 instead of hanging', async () => {
    const f = await createTestNodeFiles();
    fifoAt(f.ymlPath);
    const r = await ejctl(['-c', f.cfgPath, 'audit', '--json'], QUICK);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`ejabberd.yml ${f.ymlPath} is not a regular file (a FIFO)`);
  });

  it('ejabberd.yml a FIFO: start exits 78 before launching anything', async () => {
    const f = await createTestNodeFiles();
    fifoAt(f.ymlPath);
    const r = await ejctl(['-c', f.cfgPath, 'start'], QUICK);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`ejabberd.yml ${f.ymlPath} is not a regular file (a FIFO)`);
  });

  it.skipIf(!isRoot)('ejabberd.yml a FIFO: setup --yes --dry-run exits 78 instead of hanging', async () => {
    const inst = await createDebianInstall();
    fifoAt(inst.ymlPath);
    const r = await ejctl(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, '--yes', '--dry-run'], {
      ...QUICK,
      env: { CI: undefined },
    });
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`ejabberd.yml ${inst.ymlPath} is not a regular file (a FIFO)`);
  });
});
