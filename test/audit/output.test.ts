/**
 * What `ejctl audit` prints and how it exits: the JSON schema, --fail-on, the table off and on a
 * terminal. On a fixture installation in a temp dir.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import pty from '@lydell/node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EJCTL, ROOT, ejctl, cleanupTempDirs, epmdPort } from '../helpers/env.js';
import { createTestNodeFiles, type TestNode } from '../helpers/node.js';
import { reportTable } from '../../src/audit/report.js';
import { auditJson, expectFinding, expectNoFinding } from './helpers.js';

let f: Omit<TestNode, 'stop'>;
let cleanCfg: string;

beforeAll(async () => {
  f = await createTestNodeFiles();
  cleanCfg = readFileSync(f.cfgPath, 'utf8');
});
afterAll(() => cleanupTempDirs());

const setCfg = (extra: string) => writeFileSync(f.cfgPath, cleanCfg + extra);

/** Runs the built ejctl in a pseudo-terminal and collects what it shows. */
function inTerminal(args: string[], extra: Record<string, string>): Promise<{ output: string; exitCode: number }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ERL_EPMD_PORT: epmdPort(), NO_COLOR: undefined, ...extra }))
    if (v !== undefined) env[k] = v;
  const term = pty.spawn(process.execPath, [EJCTL, ...args], { name: 'xterm-256color', cols: 200, rows: 60, env, cwd: ROOT });
  let output = '';
  term.onData((d) => (output += d));
  return new Promise((resolve) => term.onExit(({ exitCode }) => setTimeout(() => resolve({ output, exitCode }), 50)));
}

describe('outputs and exit codes', () => {
  it('--json follows schema version 1', async () => {
    chmodSync(f.ymlPath, 0o644);
    const run = await auditJson(f.cfgPath);
    chmodSync(f.ymlPath, 0o600);
    const r = run.report;
    expect(Object.keys(r)).toEqual([
      'schemaVersion',
      'node',
      'ctlConfig',
      'failOn',
      'passed',
      'counts',
      'findings',
      'skipped',
      'durationMs',
    ]);
    expect(r.schemaVersion).toBe(1);
    expect(r.node).toBe(f.node);
    expect(r.ctlConfig).toBe(f.cfgPath);
    expect(r.failOn).toBe('medium');
    expect(r.passed).toBe(false);
    expect(Object.keys(r.counts)).toEqual(['high', 'medium', 'low', 'info']);
    expect(r.counts.high).toBe(r.findings.filter((x) => x.severity === 'high').length);
    expect(typeof r.durationMs).toBe('number');
    for (const x of r.findings) {
      expect(Object.keys(x)).toEqual(['id', 'severity', 'title', 'evidence', 'fix', 'path', 'fixMode']);
      expect(x.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['info', 'low', 'medium', 'high']).toContain(x.severity);
      expect(x.fixMode === null || /^0[0-7]{3,4}$/.test(x.fixMode)).toBe(true);
      expect(x.path === null || typeof x.path === 'string').toBe(true);
    }
    for (const s of r.skipped) expect(Object.keys(s)).toEqual(['check', 'reason']);
    expect(r.findings.find((x) => x.id === 'ejabberd-yml-readable')).toEqual({
      id: 'ejabberd-yml-readable',
      severity: 'high',
      title: 'Others may read ejabberd.yml (passwords, SQL credentials)',
      evidence: expect.stringContaining(`${f.ymlPath} has mode 0644`),
      fix: `chmod 0640 ${f.ymlPath}`,
      path: f.ymlPath,
      fixMode: '0640',
    });
  });

  it('--fail-on decides the exit code: 1 at or above the level, 0 below', async () => {
    // A long node name (low) on a fixture whose other findings, from the host, are all low too.
    setCfg('ERLANG_NODE=failon@host.example\n');
    try {
      const medium = await auditJson(f.cfgPath);
      expectFinding(medium, 'long-names');
      expect(medium.report.findings.filter((x) => x.severity !== 'low')).toEqual([]);
      expect([medium.exitCode, medium.report.passed]).toEqual([0, true]);
      const low = await auditJson(f.cfgPath, ['--fail-on', 'low']);
      expect([low.exitCode, low.report.passed, low.report.failOn]).toEqual([1, false, 'low']);
      const info = await auditJson(f.cfgPath, ['--fail-on', 'info']);
      expect(info.exitCode).toBe(1);
      const high = await auditJson(f.cfgPath, ['--fail-on', 'high']);
      expect(high.exitCode).toBe(0);
    } finally {
      setCfg('');
    }
    expectNoFinding(await auditJson(f.cfgPath), 'long-names');
  });

  it('a bad --fail-on is a usage error (64)', async () => {
    const r = await ejctl(['-c', f.cfgPath, 'audit', '--fail-on', 'severe']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain("argument 'severe' is invalid. Allowed choices are info, low, medium, high.");
  });

  it('without --json prints the table grouped by severity, with the fix, and no colour off a TTY', async () => {
    chmodSync(f.ymlPath, 0o644);
    const r = await ejctl(['-c', f.cfgPath, 'audit']);
    chmodSync(f.ymlPath, 0o600);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.startsWith(`ejctl audit of ${f.node} (cfg ${f.cfgPath})\n\nHIGH (`)).toBe(true);
    expect(r.stdout).toContain(`  ejabberd-yml-readable`);
    expect(r.stdout).toContain(`fix:  chmod 0640 ${f.ymlPath}\n`);
    expect(r.stdout).toMatch(/\n\d+ findings? \(.*\), \d+ skipped, \d+ ms\. FAIL: findings at medium or above\.\n$/);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('on a terminal the severity headings are coloured, and NO_COLOR turns that off', async () => {
    chmodSync(f.ymlPath, 0o644);
    try {
      const tty = await inTerminal(['-c', f.cfgPath, 'audit'], {});
      expect(tty.exitCode).toBe(1);
      // eslint-disable-next-line no-control-regex -- the colour codes are what this test looks for
      expect(tty.output).toMatch(/\x1b\[1;31mHIGH \(\d+\)\x1b\[0m/);
      const plain = await inTerminal(['-c', f.cfgPath, 'audit'], { NO_COLOR: '1' });
      expect(plain.output).toContain('HIGH (');
      expect(plain.output).not.toContain('\x1b[');
    } finally {
      chmodSync(f.ymlPath, 0o600);
    }
  });

  it('an error is red on a terminal, plain with NO_COLOR, and plain when stderr is not a terminal', async () => {
    const args = ['-c', '/nonexistent/ejabberdctl.cfg', 'status'];
    const tty = await inTerminal(args, {});
    expect(tty.exitCode).toBe(78);
    expect(tty.output).toContain('\x1b[1;31mejctl: /nonexistent/ejabberdctl.cfg: no such file\x1b[0m');
    const plain = await inTerminal(args, { NO_COLOR: '1' });
    expect(plain.output).toContain('ejctl: /nonexistent/ejabberdctl.cfg: no such file');
    expect(plain.output).not.toContain('\x1b[');
    const piped = await ejctl(args);
    expect(piped.stderr).toBe(
      'ejctl: /nonexistent/ejabberdctl.cfg: no such file\nejctl: Check -c/--ctl-config or EJABBERDCTL_CONFIG_PATH.\n',
    );
  });

  it('colours severities on a TTY', () => {
    const report = {
      findings: [{ id: 'runs-as-root', severity: 'high' as const, title: 't', evidence: 'e', fix: 'x' }],
      skipped: [],
      durationMs: 5,
    };
    const text = reportTable(report, { node: 'n@h', ctlConfig: '/c', failOn: 'medium' }, true);
    expect(text).toContain('\x1b[1;31mHIGH (1)\x1b[0m');
    expect(text.endsWith('1 finding (1 high), 0 skipped, 5 ms. FAIL: findings at medium or above.\n')).toBe(true);
  });
});
