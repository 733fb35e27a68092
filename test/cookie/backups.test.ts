/**
 * The advice around a weak or replaced cookie, on a real single node: `cookie init --force` no
 * longer locks ejctl out of the running node, old cookies (.bak-*) are reported and removable, and
 * `cookie rotate --finalize` run twice is not an error.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chownToNodeUser, ejctl, isRoot, tempDir } from '../helpers/env.js';
import { useTestNode, writeFileMode } from '../helpers/node.js';
import { auditJson } from '../audit/helpers.js';

const backupsIn = (home: string): string[] => readdirSync(home).filter((f) => f.startsWith('.erlang.cookie.bak-'));

describe.skipIf(!isRoot)('old cookies and a running node', () => {
  const n = useTestNode();
  const state = () => ({ EJCTL_STATE_DIR: join(n.dir, 'state') });

  it('cookie init --force refuses while the node runs with the cookie, and points to the live way', async () => {
    const r = await n.ctl(['cookie', 'init', '--force']);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain(
      `ejctl: ${n.node} is running with the cookie in ${n.cookieFile}: replacing the file would lock ejctl out of it`,
    );
    expect(r.stderr).toContain('ejctl: Change it live instead: ejctl cookie rotate (it works on a single node too, without a restart)');
    expect(readFileSync(n.cookieFile, 'latin1')).toBe(n.cookie);
    expect(backupsIn(n.home)).toEqual([]);
    expect((await n.ctl(['status'])).exitCode).toBe(0); // not locked out
  });

  it('the fix for a weak cookie (cookie check, and so the audit) is the live way', async () => {
    const cookieFile = join(tempDir(), 'weak.cookie');
    writeFileMode(cookieFile, 'QWERTYUIOPASDFGHJKLZ', 0o400);
    const r = await ejctl(['--cookie-file', cookieFile, 'cookie', 'check']);
    expect(r.stdout).toContain('Replace it live: ejctl cookie rotate (a single node or a cluster, no restart');
    expect(r.stdout).not.toContain('init --force and a restart');
  });

  it('a rotation on the single node: its backup is reported, kept until --finalize, and --finalize twice is fine', async () => {
    const rotated = await n.ctl(['cookie', 'rotate', '--yes'], { env: state() });
    expect(rotated.exitCode).toBe(0);
    expect((await n.ctl(['status'])).exitCode).toBe(0);
    const [backup] = backupsIn(n.home);
    expect(backup).toBeDefined();

    const audit = await auditJson(n.cfgPath);
    expect(audit.report.findings.find((f) => f.id === 'cookie-backups')).toMatchObject({
      severity: 'low',
      fix: 'Once every node runs on the current cookie: ejctl cookie backups --remove (ejctl cookie backups lists them)',
    });
    const listed = await n.ctl(['cookie', 'backups']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain(`1 old cookie next to ${n.cookieFile}`);
    expect(listed.stdout).toContain(join(n.home, backup ?? ''));

    const refused = await n.ctl(['cookie', 'backups', '--remove'], { env: state() });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('still owns backups of the old cookie; nothing was removed');
    expect(refused.stderr).toContain('ejctl cookie rotate --finalize');
    expect(backupsIn(n.home)).toHaveLength(1);

    expect((await n.ctl(['cookie', 'rotate', '--finalize'], { env: state() })).exitCode).toBe(0);
    const again = await n.ctl(['cookie', 'rotate', '--finalize'], { env: state() });
    expect(again).toMatchObject({ exitCode: 0, stderr: '' });
    expect(again.stdout).toContain('Nothing to finalize: no rotation keeps backups of the old cookie.');
    expect(backupsIn(n.home)).toEqual([]);
    expect((await auditJson(n.cfgPath)).ids).not.toContain('cookie-backups');
  });

  it("backups --remove unlinks regular backups only: a planted link's target and a directory stay", async () => {
    const old = join(n.home, '.erlang.cookie.bak-20260101T000000Z');
    writeFileMode(old, 'an0ld-c00kie-setup-kept-Xq7Rv2Lp9Wm4Tz8Bn3', 0o400);
    chownToNodeUser(old);
    const victim = join(tempDir(), 'precious');
    writeFileMode(victim, 'keep me', 0o600);
    const link = join(n.home, '.erlang.cookie.bak-link');
    symlinkSync(victim, link);
    const dir = join(n.home, '.erlang.cookie.bak-dir');
    mkdirSync(dir);
    writeFileMode(join(dir, 'inside'), 'x', 0o600);

    const r = await n.ctl(['cookie', 'backups', '--remove'], { env: state() });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`Removed ${old}\n`);
    expect(r.stdout).toContain(`Not removed: ${link} (not a regular file: left alone)`);
    expect(r.stdout).toContain(`Not removed: ${dir} (not a regular file: left alone)`);
    expect(existsSync(old)).toBe(false);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(join(dir, 'inside'), 'utf8')).toBe('x');
  });
});
