/**
 * Every file and directory finding, on a fixture installation in a temp dir: it appears when the
 * mode or owner is loose, and goes away once the mode the finding proposes (fixMode) is applied,
 * or the owner is put back.
 */
import { chmodSync, chownSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, isRoot, nodeUser } from '../helpers/env.js';
import { createTestNodeFiles, writeFileMode, type TestNode } from '../helpers/node.js';
import { auditJson, expectFinding, expectNoFinding } from './helpers.js';

type Files = Omit<TestNode, 'stop'>;

const FILE_IDS = /^(ctl-config|config-dir|ejabberd-yml|inetrc|vm-args|logs-dir|log-file|spool-dir)-/;
const NOBODY = 65534;

let f: Files;
let vmArgs: string;
let logFile: string;

beforeAll(async () => {
  f = await createTestNodeFiles();
  vmArgs = join(f.dir, 'vm.args');
  writeFileMode(vmArgs, '+P 250000\n', 0o644);
  logFile = join(f.logs, 'ejabberd.log');
  writeFileMode(logFile, 'a log line\n', 0o644);
});
afterAll(() => cleanupTempDirs());

describe('file permissions', () => {
  it('a clean installation has no file findings', async () => {
    const run = await auditJson(f.cfgPath);
    expect(run.ids.filter((id) => FILE_IDS.test(id))).toEqual([]);
    expect(run.report.skipped.filter((s) => s.check.startsWith('file:'))).toEqual([]);
  });

  const modeCases: { id: string; path: () => string; loose: number; dir?: () => [string, number] }[] = [
    { id: 'ctl-config-writable', path: () => f.cfgPath, loose: 0o666 },
    { id: 'config-dir-writable', path: () => f.dir, loose: 0o777 },
    { id: 'ejabberd-yml-readable', path: () => f.ymlPath, loose: 0o644 },
    { id: 'ejabberd-yml-writable', path: () => f.ymlPath, loose: 0o602 },
    { id: 'inetrc-writable', path: () => join(f.dir, 'inetrc'), loose: 0o646 },
    { id: 'vm-args-writable', path: () => vmArgs, loose: 0o666 },
    { id: 'logs-dir-readable', path: () => f.logs, loose: 0o755 },
    { id: 'logs-dir-writable', path: () => f.logs, loose: 0o702 },
    { id: 'log-file-readable', path: () => logFile, loose: 0o644, dir: () => [f.logs, 0o701] },
    { id: 'log-file-writable', path: () => logFile, loose: 0o602, dir: () => [f.logs, 0o701] },
    { id: 'spool-dir-readable', path: () => f.spool, loose: 0o755 },
    { id: 'spool-dir-writable', path: () => f.spool, loose: 0o702 },
  ];

  for (const c of modeCases) {
    it(`${c.id}: appears with mode ${c.loose.toString(8)}, goes away with the proposed fixMode`, async () => {
      const path = c.path();
      const before = statSync(path).mode & 0o7777;
      const dirBefore = c.dir ? statSync(c.dir()[0]).mode & 0o7777 : undefined;
      if (c.dir) chmodSync(...c.dir());
      chmodSync(path, c.loose);
      try {
        const bad = await auditJson(f.cfgPath);
        const found = expectFinding(bad, c.id, path);
        expect(found.evidence).toContain(`mode 0${c.loose.toString(8)}`);
        expect(found.fix).toBe(`chmod ${found.fixMode} ${path}`);
        expect(bad.exitCode).toBe(1);
        chmodSync(path, parseInt(found.fixMode ?? '', 8));
        const fixed = await auditJson(f.cfgPath);
        expectNoFinding(fixed, c.id, path);
      } finally {
        chmodSync(path, before);
        if (c.dir && dirBefore !== undefined) chmodSync(c.dir()[0], dirBefore);
      }
    });
  }

  it('a log file is not a finding while others cannot enter the logs dir', async () => {
    chmodSync(logFile, 0o644);
    const run = await auditJson(f.cfgPath);
    expectNoFinding(run, 'log-file-readable');
    expect(statSync(f.logs).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!isRoot)('ejabberd-yml-readable: group read counts when the group is a foreign one', async () => {
    const user = nodeUser();
    if (!user) throw new Error('no ejabberd user');
    chmodSync(f.ymlPath, 0o640);
    chownSync(f.ymlPath, user.uid, NOBODY);
    try {
      const found = expectFinding(await auditJson(f.cfgPath), 'ejabberd-yml-readable', f.ymlPath);
      expect(found.fixMode).toBe('0600');
      chownSync(f.ymlPath, user.uid, user.gid);
      expectNoFinding(await auditJson(f.cfgPath), 'ejabberd-yml-readable');
    } finally {
      chmodSync(f.ymlPath, 0o600);
    }
  });
});

describe.skipIf(!isRoot)('file owners', () => {
  const ownerCases: { id: string; path: () => string; wrongUid: () => number }[] = [
    // ejabberdctl sources the cfg as root: even the ejabberd user must not own it.
    { id: 'ctl-config-owner', path: () => f.cfgPath, wrongUid: () => nodeUser()?.uid ?? NOBODY },
    { id: 'config-dir-owner', path: () => f.dir, wrongUid: () => NOBODY },
    { id: 'ejabberd-yml-owner', path: () => f.ymlPath, wrongUid: () => NOBODY },
    { id: 'inetrc-owner', path: () => join(f.dir, 'inetrc'), wrongUid: () => NOBODY },
    { id: 'vm-args-owner', path: () => vmArgs, wrongUid: () => NOBODY },
    { id: 'logs-dir-owner', path: () => f.logs, wrongUid: () => NOBODY },
    { id: 'spool-dir-owner', path: () => f.spool, wrongUid: () => NOBODY },
  ];
  for (const c of ownerCases) {
    it(`${c.id}: appears for a wrong owner, goes away with the right one`, async () => {
      const path = c.path();
      const { uid, gid } = lstatSync(path);
      chownSync(path, c.wrongUid(), gid);
      try {
        const found = expectFinding(await auditJson(f.cfgPath), c.id, path);
        expect(found.fix).toMatch(/^chown (root|ejabberd) /);
      } finally {
        chownSync(path, uid, gid);
      }
      expectNoFinding(await auditJson(f.cfgPath), c.id, path);
    });
  }
});

describe('read-only', () => {
  it('the audit changes no mode, owner, content or time of the installation', async () => {
    chmodSync(f.ymlPath, 0o644);
    const snapshot = () =>
      readdirSync(f.dir, { recursive: true, withFileTypes: false })
        .map((p) => {
          const st = lstatSync(join(f.dir, String(p)));
          return `${String(p)} ${st.mode} ${st.uid} ${st.gid} ${st.size} ${st.mtimeMs}`;
        })
        .sort();
    const before = snapshot();
    const run = await auditJson(f.cfgPath);
    expectFinding(run, 'ejabberd-yml-readable');
    expect(snapshot()).toEqual(before);
    chmodSync(f.ymlPath, 0o600);
  });
});
