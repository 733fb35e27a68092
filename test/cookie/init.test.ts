import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import { cookieFingerprint } from '../../src/cookie/fingerprint.js';
import { tempPrefix } from '../../src/cookie/target.js';
import { cookieCli, expectNoCookie, fingerprintIn, GENERATED, readCookieAsRoot, writeCfg } from './cli.js';

const owner = nodeUser();

describe('ejctl cookie init', () => {
  let dir: string;
  let cfg: string;
  beforeAll(() => {
    dir = tempDir('ejctl-cookie-init-');
    cfg = writeCfg(dir, owner?.name ?? '');
  });
  afterAll(() => cleanupTempDirs());

  it('creates a 0400 cookie of 44 letters and digits owned by INSTALLUSER, and shows only its path and fingerprint', async () => {
    const file = join(dir, 'plain.cookie');
    const r = await cookieCli(['init', '--file', file], { cfg });
    expect(r.exitCode).toBe(0);
    const cookie = readCookieAsRoot(file);
    expect(cookie).toMatch(GENERATED);
    const st = statSync(file);
    expect(st.mode & 0o7777).toBe(0o400);
    if (owner) expect([st.uid, st.gid]).toEqual([owner.uid, owner.gid]);
    expect(r.stdout).toBe(
      `Created a new cookie in ${file} (mode 0400, owner ${owner?.name ?? 'root'})\nFingerprint: ${cookieFingerprint(cookie)}\n`,
    );
    expectNoCookie(r, cookie);
    const fp = await cookieCli(['fingerprint', '--file', file], { cfg });
    expect(fp.stdout).toBe(`${cookieFingerprint(cookie)}  ${file}\n`);
  });

  it('writes the cookie where COOKIE_FILE says when --file is not given', async () => {
    const sub = tempDir('ejctl-cookie-cfgfile-');
    const file = join(sub, '.erlang.cookie');
    const r = await cookieCli(['init'], { cfg: writeCfg(sub, owner?.name ?? '', file) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain(`in ${file} `);
    expect(readCookieAsRoot(file)).toMatch(GENERATED);
  });

  it.each([0o000, 0o777, 0o002])('is 0400 from the first byte under umask %o, and so is the --force backup', async (umask) => {
    const file = join(dir, `umask-${umask.toString(8)}.cookie`);
    expect((await cookieCli(['init', '--file', file], { cfg, umask })).exitCode).toBe(0);
    expect(statSync(file).mode & 0o7777).toBe(0o400);
    const again = await cookieCli(['init', '--file', file, '--force'], { cfg, umask });
    expect(again.exitCode).toBe(0);
    const backup = /kept in (\S+) /.exec(again.stdout)?.[1] ?? '';
    expect(statSync(backup).mode & 0o7777).toBe(0o400);
    expect(statSync(file).mode & 0o7777).toBe(0o400);
  });

  it('refuses to replace an existing cookie without --force, and leaves it as it was', async () => {
    const file = join(dir, 'existing.cookie');
    await cookieCli(['init', '--file', file], { cfg });
    const before = readCookieAsRoot(file);
    const r = await cookieCli(['init', '--file', file], { cfg });
    expect(r.exitCode).toBe(77);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `ejctl: a cookie exists at ${file}; it was left as it is\nejctl: Keep it, or replace it with --force (the old one is kept as a backup).\n`,
    );
    expect(readCookieAsRoot(file)).toBe(before);
  });

  it('--force keeps the old cookie as a 0400 backup, says running nodes keep the old one, and never shows either', async () => {
    const file = join(dir, 'forced.cookie');
    writeFileMode(file, 'OldLooseCookie0123456789abcdefghijklmnopqrstuv', 0o644);
    const r = await cookieCli(['init', '--file', file, '--force'], { cfg });
    expect(r.exitCode).toBe(0);
    const backup = /The previous cookie is kept in (\S+) \(mode 0400\)/.exec(r.stdout)?.[1] ?? '';
    expect(backup).toMatch(new RegExp(`^${file}\\.bak-\\d{8}T\\d{6}Z(-\\d+)?$`));
    expect(readCookieAsRoot(backup)).toBe('OldLooseCookie0123456789abcdefghijklmnopqrstuv');
    expect(statSync(backup).mode & 0o7777).toBe(0o400);
    const cookie = readCookieAsRoot(file);
    expect(cookie).toMatch(GENERATED);
    expect(fingerprintIn(r.stdout)).toBe(cookieFingerprint(cookie));
    expect(r.stderr).toContain(
      'running nodes keep using the old cookie until they restart; to change it on a live cluster use `ejctl cookie rotate`',
    );
    expectNoCookie(r, cookie);
    expectNoCookie(r, 'OldLooseCookie0123456789abcdefghijklmnopqrstuv');
    const second = await cookieCli(['init', '--file', file, '--force'], { cfg });
    const backup2 = /kept in (\S+) /.exec(second.stdout)?.[1] ?? '';
    expect(backup2).not.toBe(backup);
    expect(readCookieAsRoot(backup2)).toBe(cookie);
  });

  it('refuses a symlink at the target, with or without --force, and does not touch what it points to', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileMode(victim, 'precious\n', 0o644);
    const before = statSync(victim);
    const link = join(dir, 'link.cookie');
    symlinkSync(victim, link);
    for (const args of [
      ['init', '--file', link],
      ['init', '--file', link, '--force'],
    ]) {
      const r = await cookieCli(args, { cfg });
      expect(r.exitCode).toBe(77);
      expect(r.stderr).toContain(`ejctl: ${link} is a symbolic link; refusing to write through it (nothing was changed)`);
    }
    const imported = await cookieCli(['import', '--file', link, '--force'], {
      cfg,
      input: 'Imported0123456789abcdefghijklmnopqrstuvwxyzAB\n',
    });
    expect(imported.exitCode).toBe(77);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    const after = statSync(victim);
    expect([after.ino, after.mode, after.uid, after.mtimeMs]).toEqual([before.ino, before.mode, before.uid, before.mtimeMs]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses a dangling symlink and creates nothing where it points', async () => {
    const link = join(dir, 'dangling.cookie');
    symlinkSync(join(dir, 'would-be-created'), link);
    const r = await cookieCli(['init', '--file', link, '--force'], { cfg });
    expect(r.exitCode).toBe(77);
    expect(readdirSync(dir)).not.toContain('would-be-created');
  });

  it('refuses a hard link at the target and leaves the other name untouched', async () => {
    const victim = join(dir, 'hard-victim');
    writeFileMode(victim, 'precious\n', 0o600);
    const target = join(dir, 'hard.cookie');
    linkSync(victim, target);
    const r = await cookieCli(['init', '--file', target, '--force'], { cfg });
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain(`ejctl: ${target} is a hard link (2 names share it); refusing to replace it (nothing was changed)`);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(statSync(victim).nlink).toBe(2);
    expect(readdirSync(dir).filter((n) => n.startsWith('hard.cookie.bak'))).toEqual([]);
  });

  it('refuses a directory that group or others may write to', async () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const r = await cookieCli(['init', '--file', join(open, '.erlang.cookie')], { cfg });
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain(`ejctl: ${open} has mode 0777: group or others could replace the cookie there`);
    expect(readdirSync(open)).toEqual([]);
  });

  it('of several inits at once, exactly one wins; the others say a cookie exists; no temp file is left', async () => {
    const sub = tempDir('ejctl-cookie-race-');
    const file = join(sub, '.erlang.cookie');
    const runs = await Promise.all(Array.from({ length: 6 }, () => cookieCli(['init', '--file', file], { cfg })));
    const winners = runs.filter((r) => r.exitCode === 0);
    expect(winners).toHaveLength(1);
    for (const loser of runs.filter((r) => r.exitCode !== 0)) {
      expect(loser.exitCode).toBe(77);
      expect(loser.stderr).toMatch(/^ejctl: a cookie exists at /);
    }
    expect(fingerprintIn(winners[0]?.stdout ?? '')).toBe(cookieFingerprint(readCookieAsRoot(file)));
    expect(readdirSync(sub)).toEqual(['.erlang.cookie']);
  });

  it("while another writer's temp name still shares the new cookie, init says a cookie exists; --force does not back it up", async () => {
    // The window inside a concurrent init (src/cookie/write.ts): link(temp, target) is done,
    // unlink(temp) not yet. Our own pid keeps the temp from being swept as a dead writer's.
    const sub = tempDir('ejctl-cookie-window-');
    const file = join(sub, '.erlang.cookie');
    writeFileMode(file, 'W'.repeat(43), 0o400);
    const temp = `${tempPrefix(sub, '.erlang.cookie')}${process.pid}-0123456789ab`;
    linkSync(file, temp);

    const init = await cookieCli(['init', '--file', file], { cfg });
    expect(init.exitCode).toBe(77);
    expect(init.stderr).toMatch(/^ejctl: a cookie exists at /);

    // The same shape planted on purpose must not get the old content copied to a backup.
    const force = await cookieCli(['init', '--file', file, '--force'], { cfg });
    expect(force.exitCode).toBe(77);
    expect(force.stderr).toContain(`ejctl: ${file} changed while ejctl was replacing it; nothing was changed`);
    expect(readFileSync(file, 'utf8')).toBe('W'.repeat(43));
    expect(
      readdirSync(sub)
        .map((n) => join(sub, n))
        .sort(),
    ).toEqual([temp, file].sort());
  });

  it('--dry-run says what it would write and writes nothing', async () => {
    const file = join(dir, 'dry.cookie');
    const r = await cookieCli(['init', '--file', file, '--force'], { cfg, globalArgs: ['--dry-run'] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `would write ${file} (mode 0400, owner ${owner?.name ?? 'root'}), keeping any existing cookie as a 0400 backup\n`,
    );
    expect(readdirSync(dir)).not.toContain('dry.cookie');
  });

  it.skipIf(!isRoot)('as root, gives the cookie to INSTALLUSER even when root writes it', async () => {
    const file = join(dir, 'owned.cookie');
    await cookieCli(['init', '--file', file], { cfg });
    expect(statSync(file).uid).toBe(owner?.uid);
  });
});
