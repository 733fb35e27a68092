/**
 * Root writes INSTALLUSER's cookie and its backup by path. When the way to the cookie's
 * directory goes through a directory the ejabberd user owns, that user can point it anywhere
 * with a symlink: at root's own cookie, say, which root would then back up into a file given to
 * ejabberd and replace with one ejabberd owns. ejctl must refuse and touch nothing.
 */
import { lchownSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import { cookieCli, readCookieAsRoot, writeCfg } from '../cookie/cli.js';
import { nodeUserDir } from './helpers.js';

const ROOTS_COOKIE = 'RootsOwnCookie0123456789abcdefghijklmnopqrstuv';

describe.skipIf(!isRoot || !nodeUser())('the way to the cookie directory', () => {
  afterAll(() => cleanupTempDirs());

  it('a symlink the ejabberd user put on the way: root neither reads nor replaces what it points at (exit 77)', async () => {
    const user = nodeUser();
    const t = tempDir();
    const attic = nodeUserDir(t, 'attic');
    const rootHome = join(t, 'root-home');
    mkdirSync(rootHome, { mode: 0o700 });
    writeFileMode(join(rootHome, '.erlang.cookie'), ROOTS_COOKIE, 0o400);
    const planted = join(attic, 'cookies');
    symlinkSync(rootHome, planted);
    if (user) lchownSync(planted, user.uid, user.gid);
    const cfg = writeCfg(t, 'ejabberd', join(planted, '.erlang.cookie'));
    const r = await cookieCli(['init', '--force'], { cfg });
    expect(readdirSync(rootHome), 'nothing was written next to root’s cookie').toEqual(['.erlang.cookie']);
    expect(readCookieAsRoot(join(rootHome, '.erlang.cookie'))).toBe(ROOTS_COOKIE);
    expect(statSync(join(rootHome, '.erlang.cookie')).uid).toBe(0);
    expect(r.stderr).toContain(`refusing to write in ${planted}: ${attic} is owned by uid ${user?.uid}`);
    expect(r.exitCode).toBe(77);
  });

  it('a cookie directory in INSTALLUSER’s home under a root-owned directory is written as before', async () => {
    const t = tempDir();
    const home = nodeUserDir(t, 'home');
    const r = await cookieCli(['init'], { cfg: writeCfg(t, 'ejabberd', join(home, '.erlang.cookie')) });
    expect(r.exitCode).toBe(0);
    expect(statSync(join(home, '.erlang.cookie')).uid).toBe(nodeUser()?.uid);
  });
});
