/** The building blocks other commands use: generateCookie, cookieFingerprint, writeCookieFile. */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import { COOKIE_ALPHABET, generateCookie } from '../../src/cookie/generate.js';
import { cookieFingerprint } from '../../src/cookie/fingerprint.js';
import { checkCookieText, estimateBits } from '../../src/cookie/inspect.js';
import { writeCookieFile } from '../../src/cookie/write.js';
import { EjctlError, Exit } from '../../src/errors.js';

afterAll(() => cleanupTempDirs());

describe('generateCookie', () => {
  const many = Array.from({ length: 2000 }, () => generateCookie());

  it('gives 44 letters and digits (262 bits), never a leading - or +, and passes every check', () => {
    for (const c of many) {
      expect(c).toMatch(/^[A-Za-z0-9]{44}$/);
      expect(checkCookieText(c, 'generated')).toEqual([]);
    }
    expect(44 * Math.log2(COOKIE_ALPHABET.length)).toBeGreaterThan(256);
  });

  it('never repeats and uses the whole alphabet', () => {
    expect(new Set(many).size).toBe(many.length);
    expect(new Set(many.join(''))).toEqual(new Set(COOKIE_ALPHABET));
  });

  it('is strong by the conservative estimate every time', () => {
    expect(Math.min(...many.map(estimateBits))).toBeGreaterThan(128);
  });
});

describe('cookieFingerprint', () => {
  it('is the first 64 bits of SHA-256 over a fixed label and the cookie, in four groups', () => {
    const cookie = 'Stable0123456789abcdefghijklmnopqrstuvwxyzAB';
    const hex = createHash('sha256').update(`ejctl-cookie-fingerprint-v1\0${cookie}`).digest('hex');
    expect(cookieFingerprint(cookie)).toBe(`${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 12)}:${hex.slice(12, 16)}`);
    expect(cookieFingerprint(cookie)).toBe(cookieFingerprint(cookie));
  });

  it('is not the plain SHA-256 of the cookie (ejabberd derives its shared_key from that)', () => {
    const cookie = 'Stable0123456789abcdefghijklmnopqrstuvwxyzAB';
    const plain = createHash('sha256').update(cookie).digest('hex').slice(0, 16);
    expect(cookieFingerprint(cookie).replaceAll(':', '')).not.toBe(plain);
  });

  it('tells different cookies apart', () => {
    expect(cookieFingerprint('a'.repeat(40))).not.toBe(cookieFingerprint(`${'a'.repeat(39)}b`));
  });
});

describe('writeCookieFile', () => {
  const expectCookieError = async (p: Promise<unknown>, text: string) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EjctlError);
    expect((err as EjctlError).exitCode).toBe(Exit.cookie);
    expect((err as EjctlError).message).toContain(text);
  };

  it('creates, refuses to overwrite, and replaces with a backup', async () => {
    const dir = tempDir();
    const path = join(dir, '.erlang.cookie');
    expect(await writeCookieFile(path, 'First0123456789abcdefghijklmnopqrstuvwxyzABCD', {})).toEqual({});
    expect(statSync(path).mode & 0o7777).toBe(0o400);
    await expectCookieError(writeCookieFile(path, 'Second0123456789abcdefghijklmnopqrstuvwxyzABC', {}), 'a cookie exists');
    const { backupPath } = await writeCookieFile(path, 'Second0123456789abcdefghijklmnopqrstuvwxyzABC', { replace: true });
    expect(readFileSync(backupPath ?? '', 'latin1')).toBe('First0123456789abcdefghijklmnopqrstuvwxyzABCD');
    expect(readFileSync(path, 'latin1')).toBe('Second0123456789abcdefghijklmnopqrstuvwxyzABC');
  });

  it('refuses what Erlang could not use, before touching anything', async () => {
    const dir = tempDir();
    for (const bad of ['', 'two words', 'x'.repeat(256), 'line\n']) {
      await expectCookieError(writeCookieFile(join(dir, 'c'), bad, {}), 'refusing to store it');
    }
    expect(() => statSync(join(dir, 'c'))).toThrow();
  });

  it('refuses a symlink target and a missing directory', async () => {
    const dir = tempDir();
    writeFileMode(join(dir, 'real'), 'x', 0o600);
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    await expectCookieError(writeCookieFile(join(dir, 'link'), generateCookie(), { replace: true }), 'is a symbolic link');
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('x');
    await expectCookieError(writeCookieFile(join(dir, 'no/such/dir/c'), generateCookie(), {}), 'cannot use the directory');
  });
});
