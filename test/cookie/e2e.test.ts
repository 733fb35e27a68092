/**
 * End to end: a real ejabberd node boots with a cookie made by `ejctl cookie init`, accepts
 * ejctl's commands with it, `cookie check` passes on it, and the replaced cookie no longer works.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, nodeUser } from '../helpers/env.js';
import { bootNode, createTestNodeFiles, stopTestNode, type TestNode } from '../helpers/node.js';
import { cookieFingerprint } from '../../src/cookie/fingerprint.js';
import { expectNoCookie, fingerprintIn, GENERATED, readCookieAsRoot } from './cli.js';

describe('a real ejabberd node with a cookie from ejctl cookie init', () => {
  let files: Omit<TestNode, 'stop'>;
  let initOut: { stdout: string; stderr: string; exitCode: number };
  let cookie: string;
  beforeAll(async () => {
    files = await createTestNodeFiles();
    // The harness wrote a cookie; replace it the way an operator would.
    initOut = await files.ctl(['cookie', 'init', '--file', files.cookieFile, '--force']);
    cookie = readCookieAsRoot(files.cookieFile);
    await bootNode(files);
  });
  afterAll(async () => {
    if (files) await stopTestNode(files);
    cleanupTempDirs();
  });

  it('init replaced the harness cookie with a strong 0400 one owned by the node user', () => {
    expect(initOut.exitCode).toBe(0);
    expect(cookie).toMatch(GENERATED);
    expect(cookie).not.toBe(files.cookie);
    const st = statSync(files.cookieFile);
    expect(st.mode & 0o7777).toBe(0o400);
    const user = nodeUser();
    if (user) expect(st.uid).toBe(user.uid);
    expect(fingerprintIn(initOut.stdout)).toBe(cookieFingerprint(cookie));
  });

  it('the node accepts ejctl status', async () => {
    const r = await files.ctl(['status']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`The node ${files.node} is started with status: started\nejabberd 23.01-1 is running in that node\n`);
  });

  it("cookie check passes on it (COOKIE_FILE from the node's cfg) and fingerprint matches", async () => {
    const check = await files.ctl(['cookie', 'check']);
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toContain(
      `Cookie file: ${files.cookieFile}\nFingerprint: ${cookieFingerprint(cookie)}\nOK: the cookie is sound.\n`,
    );
    const fp = await files.ctl(['cookie', 'fingerprint']);
    expect(fp.stdout).toBe(`${cookieFingerprint(cookie)}  ${files.cookieFile}\n`);
    for (const r of [initOut, check, fp]) expectNoCookie(r, cookie);
  });

  it('the old cookie, kept as a 0400 backup, is now rejected by the node', async () => {
    const backup = readdirSync(files.home).find((n) => n.startsWith('.erlang.cookie.bak-'));
    expect(backup).toBeDefined();
    const backupPath = join(files.home, backup ?? '');
    expect(readCookieAsRoot(backupPath)).toBe(files.cookie);
    expect(statSync(backupPath).mode & 0o7777).toBe(0o400);
    const r = await files.ctl(['--cookie-file', backupPath, 'status']);
    expect(r.exitCode).toBe(3);
  });
});
