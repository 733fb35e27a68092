/** Who owns the cookie, with root and with a throw-away user created for this test. */
import { chownSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import type { UnixUser } from '../../src/system/users.js';
import { cookieCli, GENERATED, readCookieAsRoot, writeCfg } from './cli.js';
import { createThrowawayUser, removeThrowawayUser } from './users.js';

describe.skipIf(!isRoot)('cookie ownership', () => {
  let user: UnixUser | undefined;
  let dir: string;
  beforeAll(async () => {
    user = await createThrowawayUser();
    dir = tempDir('ejctl-cookie-owner-');
  });
  afterAll(async () => {
    cleanupTempDirs();
    await removeThrowawayUser(user);
  });

  const someone = (): UnixUser => {
    if (!user) throw new Error('no throw-away user');
    return user;
  };

  it('root gives the new cookie to INSTALLUSER, whoever that is', async () => {
    const u = someone();
    const file = join(dir, 'theirs.cookie');
    const r = await cookieCli(['init', '--file', file], { cfg: writeCfg(tempDir(), u.name) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`(mode 0400, owner ${u.name})`);
    const st = statSync(file);
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([u.uid, u.gid, 0o400]);
  });

  it('root without INSTALLUSER keeps the cookie for root', async () => {
    const file = join(dir, 'root.cookie');
    expect((await cookieCli(['init', '--file', file], { cfg: writeCfg(tempDir(), '') })).exitCode).toBe(0);
    expect(statSync(file).uid).toBe(0);
  });

  it("another user than root or INSTALLUSER gets ejabberdctl's exit 7 and nothing is written", async () => {
    const u = someone();
    const own = join(dir, 'mine');
    mkdirSync(own, { mode: 0o700 });
    chownSync(own, u.uid, u.gid);
    const r = await cookieCli(['init', '--file', join(own, '.erlang.cookie')], {
      cfg: writeCfg(tempDir(), nodeUser()?.name ?? 'root'),
      user: u,
    });
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toContain('This command can only be run by root or the user');
  });

  it('INSTALLUSER itself writes its own cookie, owned by it', async () => {
    const u = someone();
    const own = join(dir, 'self');
    mkdirSync(own, { mode: 0o700 });
    chownSync(own, u.uid, u.gid);
    const file = join(own, '.erlang.cookie');
    const r = await cookieCli(['init', '--file', file], { cfg: writeCfg(tempDir(), u.name), user: u, umask: 0 });
    expect(r.exitCode).toBe(0);
    const st = statSync(file);
    expect([st.uid, st.mode & 0o7777]).toEqual([u.uid, 0o400]);
    expect(readCookieAsRoot(file)).toMatch(GENERATED);
  });

  it('a user who cannot write the directory gets exit 77 and a clear reason', async () => {
    const u = someone();
    const r = await cookieCli(['init', '--file', join(dir, 'denied.cookie')], { cfg: writeCfg(tempDir(), u.name), user: u });
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toBe(`ejctl: cannot write in ${dir} (EACCES)\nejctl: Run ejctl as root or as the user who owns that directory.\n`);
  });

  it('check reports a cookie owned by someone other than INSTALLUSER or root', async () => {
    const u = someone();
    const file = join(dir, 'foreign.cookie');
    writeFileMode(file, 'Foreign0123456789abcdefghijklmnopqrstuvwxyzAB', 0o400);
    chownSync(file, u.uid, u.gid);
    const r = await cookieCli(['check', '--file', file, '--json'], { cfg: writeCfg(tempDir(), nodeUser()?.name ?? 'root') });
    expect(r.exitCode).toBe(77);
    const json = JSON.parse(r.stdout) as { problems: { id: string; message: string }[] };
    expect(json.problems.map((p) => p.id)).toEqual(['wrong-owner']);
    expect(json.problems[0]?.message).toBe(`${file} is owned by uid ${u.uid}, not by ${nodeUser()?.name ?? 'root'} or root`);
  });

  it('check run by a user who cannot read the cookie says so', async () => {
    const u = someone();
    const file = join(dir, 'unreadable.cookie');
    writeFileMode(file, 'Unreadable0123456789abcdefghijklmnopqrstuvwxyz', 0o400);
    const r = await cookieCli(['check', '--file', file, '--json'], { cfg: writeCfg(tempDir(), ''), user: u });
    expect(r.exitCode).toBe(77);
    const json = JSON.parse(r.stdout) as { problems: { id: string }[]; fingerprint: string | null };
    expect(json.problems.map((p) => p.id)).toContain('unreadable');
    expect(json.fingerprint).toBeNull();
  });
});
