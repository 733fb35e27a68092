/** Every finding of `ejctl cookie check`, on real files, as a user sees it (text and --json). */
import { execa } from 'execa';
import { chmodSync, chownSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import { cookieFingerprint } from '../../src/cookie/fingerprint.js';
import { cookieCli, expectNoCookie, writeCfg } from './cli.js';

const STRONG = 'Strong0123456789abcdefghijklmnopqrstuvwxyzAB';

interface CheckJson {
  file: string;
  ok: boolean;
  problems: { id: string; severity: string; message: string; fix: string }[];
  otpWouldRead: string | null;
  fingerprint: string | null;
}

describe('ejctl cookie check', () => {
  let dir: string;
  let cfg: string;
  let home: string;
  beforeAll(() => {
    dir = tempDir('ejctl-cookie-check-');
    home = tempDir('ejctl-cookie-check-home-');
    // No INSTALLUSER: the node runs as us, so OTP's choice depends on our HOME only.
    cfg = writeCfg(tempDir(), '');
  });
  afterAll(() => cleanupTempDirs());

  /** A cookie file as root owns it (the allowed owner here), `mode` from the first byte. */
  const cookieFile = (name: string, text: string, mode = 0o400): string => {
    const path = join(dir, name);
    writeFileMode(path, text, mode);
    return path;
  };
  const check = async (file: string): Promise<CheckJson> => {
    const r = await cookieCli(['check', '--file', file, '--json'], { cfg, home });
    expect(r.exitCode).toBe(JSON.parse(r.stdout).ok ? 0 : 77);
    return JSON.parse(r.stdout) as CheckJson;
  };
  const ids = async (file: string): Promise<string[]> => (await check(file)).problems.map((p) => `${p.severity}:${p.id}`);

  it('a sound cookie: exit 0, its fingerprint, no problem, and the text a user reads', async () => {
    const file = cookieFile('sound', STRONG);
    const r = await cookieCli(['check', '--file', file], { cfg, home });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `Cookie file: ${file}\nFingerprint: ${cookieFingerprint(STRONG)}\nOK: the cookie is sound.\nNote: 'ejctl start' points the node at this file; Erlang started another way for this user reads ${home}/.erlang.cookie.\n`,
    );
    expectNoCookie(r, STRONG);
  });

  it('--json is one stable object', async () => {
    const file = cookieFile('json', STRONG);
    expect(await check(file)).toEqual({
      file,
      ok: true,
      problems: [],
      otpWouldRead: `${home}/.erlang.cookie`,
      fingerprint: cookieFingerprint(STRONG),
    });
  });

  it('missing', async () => {
    const json = await check(join(dir, 'absent'));
    expect(json.problems).toEqual([
      {
        id: 'missing',
        severity: 'fatal',
        message: `${join(dir, 'absent')} does not exist`,
        fix: 'Create a strong cookie with: ejctl cookie init',
      },
    ]);
    expect(json.fingerprint).toBeNull();
  });

  it('a symlink, even to a sound cookie', async () => {
    const link = join(dir, 'symlink');
    symlinkSync(cookieFile('symlink-target', STRONG), link);
    expect(await ids(link)).toEqual(['fatal:symlink']);
  });

  it('not a regular file (a directory, a FIFO that must not block the check)', async () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect(await ids(sub)).toEqual(['fatal:not-regular']);
    const fifo = join(dir, 'fifo');
    await execa('/usr/bin/mkfifo', [fifo]);
    expect(await ids(fifo)).toEqual(['fatal:not-regular']);
  });

  it.each(['0440', '0404', '0640', '0644'])('group or other permission bits (%s)', async (octalMode) => {
    const mode = Number.parseInt(octalMode, 8);
    const json = await check(cookieFile(`mode-${mode.toString(8)}`, STRONG, mode));
    expect(json.problems.map((p) => p.id)).toEqual(['loose-mode']);
    expect(json.problems[0]?.fix).toContain('chmod 0400');
  });

  it.skipIf(!isRoot)('owner not INSTALLUSER or root', async () => {
    const file = cookieFile('owned-by-nobody', STRONG);
    chownSync(file, 65534, 65534);
    const r = await cookieCli(['check', '--file', file, '--json'], { cfg: writeCfg(tempDir(), nodeUser()?.name ?? ''), home });
    expect((JSON.parse(r.stdout) as CheckJson).problems.map((p) => p.id)).toEqual(['wrong-owner']);
  });

  it('a parent directory writable by group or others (but not a sticky one)', async () => {
    const open = join(dir, 'open-dir');
    mkdirSync(open);
    writeFileMode(join(open, 'c'), STRONG, 0o400);
    chmodSync(open, 0o775);
    expect(await ids(join(open, 'c'))).toEqual(['fatal:loose-parent']);
    chmodSync(open, 0o1777);
    expect(await ids(join(open, 'c'))).toEqual([]);
  });

  it.each([
    ['empty', '', 'fatal:empty'],
    ['only a newline', '\n', 'fatal:empty'],
    ['too long', 'a1B'.repeat(86), 'fatal:too-long'],
    ['inner whitespace', 'Strong0123456789abcdef ghijklmnopqrstuvwxyzAB', 'fatal:bad-characters'],
    ['a control character', 'Strong0123456789abcdef\u0007ghijklmnopqrstuvwxyzAB', 'fatal:bad-characters'],
    ['non-ASCII', 'Strong0123456789abcdef\u00e9ghijklmnopqrstuvwxyzAB', 'fatal:bad-characters'],
    ['the shape OTP generates (CVE-2018-1279)', 'QWERTYUIOPASDFGHJKLZ', 'weak:weak-otp-shape'],
    ['under 128 bits', 'secretcookie', 'weak:weak-entropy'],
    ['under 128 bits though long', 'ab'.repeat(60), 'weak:weak-entropy'],
  ])('%s', async (name, text, expected) => {
    expect(await ids(cookieFile(name.replace(/\W+/g, '-'), text))).toEqual([expected]);
  });

  it('one trailing newline is fine (OTP strips it) and does not change the fingerprint', async () => {
    const json = await check(cookieFile('newline', `${STRONG}\n`));
    expect(json.problems).toEqual([]);
    expect(json.fingerprint).toBe(cookieFingerprint(STRONG));
  });

  it('lists every problem at once, with exit 77, and never the cookie', async () => {
    const open = join(dir, 'open-too');
    mkdirSync(open);
    writeFileMode(join(open, 'c'), 'QWERTYUIOPASDFGHJKLZ', 0o644);
    chmodSync(open, 0o777);
    const r = await cookieCli(['check', '--file', join(open, 'c')], { cfg, home });
    expect(r.exitCode).toBe(77);
    expect(r.stdout).toContain('3 problems:\n');
    for (const word of [
      '[fatal] ',
      'has mode 0644: group or others may read it',
      'has mode 0777: others can replace the cookie',
      '[weak] ',
      'CVE-2018-1279',
    ]) {
      expect(r.stdout).toContain(word);
    }
    expectNoCookie(r, 'QWERTYUIOPASDFGHJKLZ');
  });

  it('says which file OTP reads: $HOME first, then $XDG_CONFIG_HOME/erlang, and nothing when it is the one checked', async () => {
    const h = tempDir('ejctl-otp-home-');
    const xdg = join(h, 'xdg');
    mkdirSync(join(xdg, 'erlang'), { recursive: true });
    const xdgCookie = join(xdg, 'erlang', '.erlang.cookie');
    writeFileMode(xdgCookie, STRONG, 0o400);
    const run = async (file: string) =>
      JSON.parse(
        (await cookieCli(['check', '--file', file, '--json'], { cfg, home: h, env: { XDG_CONFIG_HOME: xdg } })).stdout,
      ) as CheckJson;
    expect((await run(join(h, '.erlang.cookie'))).otpWouldRead).toBe(xdgCookie);
    expect((await run(xdgCookie)).otpWouldRead).toBeNull();
    writeFileMode(join(h, '.erlang.cookie'), STRONG, 0o400);
    expect((await run(xdgCookie)).otpWouldRead).toBe(join(h, '.erlang.cookie'));
    expect((await run(join(h, '.erlang.cookie'))).otpWouldRead).toBeNull();
  });

  it('with no --file, checks COOKIE_FILE from the cfg', async () => {
    const file = cookieFile('from-cfg', STRONG);
    const r = await cookieCli(['check', '--json'], { cfg: writeCfg(tempDir(), '', file), home });
    expect((JSON.parse(r.stdout) as CheckJson).file).toBe(file);
    expect(r.exitCode).toBe(0);
  });
});
