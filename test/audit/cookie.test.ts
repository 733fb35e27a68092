/**
 * Cookie findings (what `ejctl cookie check` finds) and a stray cookie in root's home. Each
 * appears with a bad cookie file and goes away when the good one is back.
 */
import { chmodSync, chownSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processCtx } from '../../src/context.js';
import { loadSettings } from '../../src/config/load.js';
import { runAudit } from '../../src/audit/index.js';
import { chownToNodeUser, cleanupTempDirs, isRoot, tempDir } from '../helpers/env.js';
import { createTestNodeFiles, writeFileMode, type TestNode } from '../helpers/node.js';
import { auditJson, expectFinding, expectNoFinding } from './helpers.js';

let f: Omit<TestNode, 'stop'>;

beforeAll(async () => {
  f = await createTestNodeFiles();
});
afterAll(() => cleanupTempDirs());

function putCookie(text: string, mode = 0o400): void {
  rmSync(f.cookieFile, { recursive: true, force: true });
  writeFileMode(f.cookieFile, text, mode);
  chownToNodeUser(f.cookieFile);
}

const restore = () => putCookie(f.cookie);

describe('cookie findings', () => {
  const cases: { id: string; make: () => void; secret?: string }[] = [
    { id: 'cookie-missing', make: () => rmSync(f.cookieFile) },
    {
      id: 'cookie-symlink',
      make: () => {
        const real = join(f.home, 'real.cookie');
        rmSync(real, { force: true });
        writeFileMode(real, f.cookie, 0o400);
        rmSync(f.cookieFile);
        symlinkSync(real, f.cookieFile);
      },
    },
    {
      id: 'cookie-not-regular',
      make: () => {
        rmSync(f.cookieFile);
        mkdirSync(f.cookieFile, { mode: 0o700 });
      },
    },
    { id: 'cookie-loose-mode', make: () => putCookie(f.cookie, 0o440) },
    { id: 'cookie-loose-parent', make: () => chmodSync(f.home, 0o777) },
    { id: 'cookie-empty', make: () => putCookie('') },
    { id: 'cookie-too-long', make: () => putCookie('x'.repeat(300)), secret: 'x'.repeat(300) },
    {
      id: 'cookie-bad-characters',
      make: () => putCookie('Secret Cookie With Spaces 8f3k2l9q0w7e6r5t4y'),
      secret: 'Secret Cookie With Spaces',
    },
    { id: 'cookie-weak-otp-shape', make: () => putCookie('QWERTYUIOPASDFGHJKLZ'), secret: 'QWERTYUIOPASDFGHJKLZ' },
    { id: 'cookie-weak-entropy', make: () => putCookie('abc123'), secret: 'abc123' },
  ];
  for (const c of cases) {
    it(`${c.id}: appears, and goes away with a good cookie`, async () => {
      c.make();
      try {
        const bad = await auditJson(f.cfgPath);
        const found = expectFinding(bad, c.id);
        expect(found.path).toBe(f.cookieFile);
        if (c.secret) expect(bad.stdout).not.toContain(c.secret);
      } finally {
        chmodSync(f.home, 0o700);
        restore();
      }
      const good = await auditJson(f.cfgPath);
      expectNoFinding(good, c.id);
      expect(good.ids.filter((id) => id.startsWith('cookie-'))).toEqual([]);
      expect(good.stdout).not.toContain(f.cookie);
    });
  }

  it('cookie-loose-mode proposes 0400, and that mode clears it', async () => {
    putCookie(f.cookie, 0o644);
    const found = expectFinding(await auditJson(f.cfgPath), 'cookie-loose-mode');
    expect(found.fixMode).toBe('0400');
    chmodSync(f.cookieFile, 0o400);
    expectNoFinding(await auditJson(f.cfgPath), 'cookie-loose-mode');
  });

  it.skipIf(!isRoot)('cookie-wrong-owner: appears for uid 65534, goes away for the node user', async () => {
    chownSync(f.cookieFile, 65534, 65534);
    try {
      expectFinding(await auditJson(f.cfgPath), 'cookie-wrong-owner');
    } finally {
      chownToNodeUser(f.cookieFile);
    }
    expectNoFinding(await auditJson(f.cfgPath), 'cookie-wrong-owner');
  });
});

describe('old cookies next to the cookie file', () => {
  it('cookie-backups appears for a .bak- file and goes away with `ejctl cookie backups --remove`', async () => {
    const backup = `${f.cookieFile}.bak-20260101T000000Z`;
    writeFileMode(backup, 'QWERTYUIOPASDFGHJKLZ', 0o400);
    chownToNodeUser(backup);
    const bad = await auditJson(f.cfgPath);
    const found = expectFinding(bad, 'cookie-backups');
    expect(found).toMatchObject({ severity: 'low', path: backup });
    expect(found.evidence).toBe(`1 old cookie next to ${f.cookieFile}: ${backup}`);
    expect(bad.stdout).not.toContain('QWERTYUIOPASDFGHJKLZ');
    const removed = await f.ctl(['cookie', 'backups', '--remove'], { env: { EJCTL_STATE_DIR: join(f.dir, 'state') } });
    expect(removed).toMatchObject({ exitCode: 0, stdout: `Removed ${backup}\n` });
    expectNoFinding(await auditJson(f.cfgPath), 'cookie-backups');
  });
});

describe("a cookie in root's home", () => {
  const audit = async (rootHome: string) => {
    const ctx = processCtx();
    const { settings } = loadSettings(ctx, { ctlConfig: f.cfgPath });
    return runAudit(ctx, settings, { roots: { rootHome } });
  };

  it("root-home-cookie appears when root's home holds .erlang.cookie, and goes away without it", async () => {
    const rootHome = tempDir('ejctl-roothome-');
    writeFileMode(join(rootHome, '.erlang.cookie'), 'ABCDEFGHIJKLMNOPQRST', 0o400);
    const bad = await audit(rootHome);
    const found = bad.findings.find((x) => x.id === 'root-home-cookie');
    expect(found?.path).toBe(join(rootHome, '.erlang.cookie'));
    expect(found?.severity).toBe('low');
    expect(JSON.stringify(bad)).not.toContain('ABCDEFGHIJKLMNOPQRST');
    rmSync(join(rootHome, '.erlang.cookie'));
    expect((await audit(rootHome)).findings.map((x) => x.id)).not.toContain('root-home-cookie');
  });

  it("is not reported when root's cookie is the node's own cookie file", async () => {
    expect((await audit(f.home)).findings.map((x) => x.id)).not.toContain('root-home-cookie');
  });
});
