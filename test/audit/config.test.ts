/**
 * Configuration findings and the cfg's exit code (78), on fixture installations in temp dirs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ejctl, cleanupTempDirs, tempDir } from '../helpers/env.js';
import { createTestNodeFiles, writeFileMode, type TestNode } from '../helpers/node.js';
import { auditJson, expectFinding, expectNoFinding } from './helpers.js';

let f: Omit<TestNode, 'stop'>;
let cleanCfg: string;

beforeAll(async () => {
  f = await createTestNodeFiles();
  cleanCfg = readFileSync(f.cfgPath, 'utf8');
});
afterAll(() => cleanupTempDirs());

/** The line an extra cfg line lands on. */
const extraLine = () => cleanCfg.split('\n').length;

/** Rewrites the fixture's cfg (in place, keeping its 0644 root mode). */
function setCfg(extra: string): void {
  writeFileSync(f.cfgPath, cleanCfg + extra);
}

describe('ejabberdctl.cfg', () => {
  it('ctl-config-shell-code: a cfg with a command is a finding, and the audit still runs on the defaults', async () => {
    setCfg('touch /tmp/pwned-by-cfg\n');
    try {
      const run = await auditJson(f.cfgPath);
      const found = expectFinding(run, 'ctl-config-shell-code', f.cfgPath);
      expect(found.evidence).toContain(`${f.cfgPath}:${extraLine()}: a command ('touch') is not allowed`);
      expect(run.report.node).toBe('ejabberd@localhost');
      expect(run.exitCode).toBe(1);
    } finally {
      setCfg('');
    }
    const clean = await auditJson(f.cfgPath);
    expectNoFinding(clean, 'ctl-config-shell-code');
    expect(clean.report.node).toBe(f.node);
  });

  it('exits 78 when an explicit cfg does not exist', async () => {
    const r = await ejctl(['-c', join(f.dir, 'nope.cfg'), 'audit']);
    expect(r.exitCode).toBe(78);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`ejctl: ${join(f.dir, 'nope.cfg')}: no such file\nejctl: Check -c/--ctl-config or EJABBERDCTL_CONFIG_PATH.\n`);
  });

  it('exits 78 when the cfg cannot be read', async () => {
    const dir = join(tempDir(), 'a-directory.cfg');
    mkdirSync(dir);
    const r = await ejctl(['-c', dir, 'audit', '--json']);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`the cfg file ${dir} is not a regular file (a directory)`);
  });
});

describe('-setcookie on a command line', () => {
  const secret = 'VisibleInPs0123456789abcdefXYZ';
  it('in ERL_OPTIONS: appears without quoting the cookie, goes away when removed', async () => {
    setCfg(`ERL_OPTIONS="-setcookie ${secret}"\n`);
    const run = await auditJson(f.cfgPath);
    const found = expectFinding(run, 'setcookie-on-command-line');
    expect(found.evidence).toBe(`ERL_OPTIONS (${f.cfgPath}:${extraLine()}) holds -setcookie`);
    expect(run.stdout).not.toContain(secret);
    setCfg('');
    expectNoFinding(await auditJson(f.cfgPath), 'setcookie-on-command-line');
  });

  it('in EJABBERD_OPTS: appears, goes away', async () => {
    setCfg(`EJABBERD_OPTS="-setcookie ${secret}"\n`);
    expect(expectFinding(await auditJson(f.cfgPath), 'setcookie-on-command-line').evidence).toContain('EJABBERD_OPTS');
    setCfg('');
    expectNoFinding(await auditJson(f.cfgPath), 'setcookie-on-command-line');
  });

  it('in vm.args: appears with the line, not for a commented-out line', async () => {
    const vmArgs = join(f.dir, 'vm.args');
    writeFileMode(vmArgs, `+P 250000\n-setcookie ${secret}\n`, 0o600);
    try {
      const run = await auditJson(f.cfgPath);
      const found = expectFinding(run, 'setcookie-on-command-line', vmArgs);
      expect(found.evidence).toBe(`${vmArgs}:2 holds -setcookie`);
      expect(run.stdout).not.toContain(secret);
      writeFileSync(vmArgs, `+P 250000\n# -setcookie was here\n`);
      expectNoFinding(await auditJson(f.cfgPath), 'setcookie-on-command-line');
    } finally {
      rmSync(vmArgs);
    }
  });
});

describe('options that run code in control nodes', () => {
  it('control-node-code-options: ERL_OPTIONS -eval is high without INSTALLUSER, low with it; goes away when removed', async () => {
    setCfg(`INSTALLUSER=\nERL_OPTIONS='+K true -eval os:cmd("id") -pa /opt/x -proto_dist inet_tcp'\n`);
    try {
      const run = await auditJson(f.cfgPath);
      const found = expectFinding(run, 'control-node-code-options');
      expect(found.evidence).toBe(`ERL_OPTIONS (${f.cfgPath}:${extraLine() + 1}) holds -eval, -pa`);
      expect(found.severity).toBe('high');
      expect(run.stdout).not.toContain('os:cmd');
      setCfg(`ERL_OPTIONS='-s mymodule'\n`);
      expect(expectFinding(await auditJson(f.cfgPath), 'control-node-code-options').severity).toBe('low');
      setCfg(`ERL_OPTIONS='+K true -proto_dist inet_tcp -kernel net_ticktime 20'\n`);
      expectNoFinding(await auditJson(f.cfgPath), 'control-node-code-options');
    } finally {
      setCfg('');
    }
  });

  it('in vm.args: names the flags and their lines', async () => {
    const vmArgs = join(f.dir, 'vm.args');
    writeFileMode(vmArgs, `+P 250000\n# -eval commented out\n-env ERL_LIBS /tmp/x\n-kernel logger []\n`, 0o600);
    try {
      const found = expectFinding(await auditJson(f.cfgPath), 'control-node-code-options', vmArgs);
      expect(found.evidence).toBe(`${vmArgs} holds -env (line 3), -kernel logger (line 4)`);
      writeFileSync(vmArgs, `+P 250000\n# -eval commented out\n`);
      expectNoFinding(await auditJson(f.cfgPath), 'control-node-code-options');
    } finally {
      rmSync(vmArgs);
    }
  });
});

describe('ejabberd.yml', () => {
  for (const level of ['debug', '5', '"debug"']) {
    it(`loglevel-debug: appears for loglevel: ${level}, goes away for info`, async () => {
      const yml = readFileSync(f.ymlPath, 'utf8');
      writeFileSync(f.ymlPath, yml.replace('loglevel: warning', `loglevel: ${level}`));
      try {
        const found = expectFinding(await auditJson(f.cfgPath), 'loglevel-debug', f.ymlPath);
        expect(found.evidence).toBe(`${f.ymlPath}:3: loglevel: ${level}`);
        writeFileSync(f.ymlPath, yml.replace('loglevel: warning', 'loglevel: info'));
        expectNoFinding(await auditJson(f.cfgPath), 'loglevel-debug');
      } finally {
        writeFileSync(f.ymlPath, yml);
      }
    });
  }

  it('an unreadable ejabberd.yml is reported as skipped, not passed', async () => {
    const yml = f.ymlPath;
    const moved = `${yml}.away`;
    writeFileSync(moved, readFileSync(yml));
    rmSync(yml);
    try {
      const run = await auditJson(f.cfgPath);
      expect(run.report.skipped).toContainEqual({ check: 'loglevel', reason: `cannot read ${yml}` });
      expect(run.report.skipped).toContainEqual({ check: 'file:ejabberd-yml', reason: `${yml} does not exist` });
    } finally {
      writeFileMode(yml, readFileSync(moved, 'utf8'), 0o600);
      rmSync(moved);
    }
  });
});
