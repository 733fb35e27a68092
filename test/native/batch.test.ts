/**
 * `ejctl batch`: many commands over one connection, outputs in order or as JSON lines, stopping
 * or keeping going on errors, refusing bad quoting before running anything, and arguments that
 * never appear in any process's command line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';
import { writeFileMode, type TestNode } from '../helpers/node.js';
import { startNodeWithAdmin } from './helpers.js';

describe('ejctl batch against a real node', () => {
  let n: TestNode;
  beforeAll(async () => {
    n = await startNodeWithAdmin();
  });
  afterAll(async () => {
    await n?.stop();
    cleanupTempDirs();
  });

  it("prints each command's output in order, as the commands one by one would, and a summary on stderr", async () => {
    const commands = [['status'], ['registered_users', 'localhost'], ['check_account', 'admin', 'localhost'], ['help', 'register']];
    const file = `${tempDir()}/cmds`;
    writeFileMode(file, `# read-only commands\n${commands.map((c) => c.join(' ')).join('\n')}\n\n`, 0o600);
    const r = await n.ctl(['batch', file]);
    let expected = '';
    for (const c of commands) expected += (await n.ctl(['--transport', 'erl', ...c])).stdout;
    expect(r.stdout).toBe(expected);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^ejctl batch: 4 of 4 command\(s\) run, 4 ok; \d+ ms/);
  });

  it('--json: one object per command, with quoting as in sh, and --keep-going past a failure', async () => {
    const input = [
      `register carol localhost 'it'\\''s "quoted" pass'`,
      'no_such_command',
      `check_password carol localhost "it's \\"quoted\\" pass"`,
      `unregister carol localhost # a comment`,
    ].join('\n');
    const r = await n.ctl(['batch', '--json', '--keep-going'], { input });
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; args: string[]; exitCode: number; stdout: string; ms: number });
    expect(rows.map((x) => [x.line, x.exitCode])).toStrictEqual([
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 0],
    ]);
    // The quoting reached the node intact: check_password (line 3) passed with the password of line 1.
    // --json shows no password (the node's definitions name the argument `password`).
    expect(rows[0]?.args).toStrictEqual(['register', 'carol', 'localhost', '(redacted)']);
    expect(rows[2]?.args).toStrictEqual(['check_password', 'carol', 'localhost', '(redacted)']);
    expect(rows[3]?.args).toStrictEqual(['unregister', 'carol', 'localhost']);
    expect(r.stdout).not.toContain('quoted');
    expect(rows[1]?.stdout).toContain("Error: unknown command 'no_such_command'");
    expect(rows.every((x) => typeof x.ms === 'number')).toBe(true);
    expect(r.exitCode).toBe(1);
  });

  it('stops at the first failing command without --keep-going, and says what was not run', async () => {
    const r = await n.ctl(['batch'], { input: 'status\ncheck_account nobody localhost\nregister dave localhost pw\n' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/2 of 3 command\(s\) run, 1 ok, 1 failed \(line 2\), 1 not run/);
    expect((await n.ctl(['check_account', 'dave', 'localhost'])).exitCode).toBe(1);
  });

  it('bad quoting anywhere: a usage error, and nothing runs', async () => {
    const r = await n.ctl(['batch'], { input: 'register erin localhost pw\nregister frank localhost "unterminated\n' });
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('line 2: unterminated double quote; nothing was run');
    expect((await n.ctl(['check_account', 'erin', 'localhost'])).exitCode).toBe(1);
  });

  it('needs the native transport', async () => {
    const r = await n.ctl(['--transport', 'erl', 'batch'], { input: 'status\n' });
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('batch needs the native transport');
  });

  it("the node unreachable: ejabberdctl's nodedown line and exit 3", async () => {
    const r = await n.ctl(['--node', `gone${process.pid}@localhost`, 'batch'], { input: 'status\n' });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe(`Failed RPC connection to the node gone${process.pid}@localhost: nodedown\n`);
  });

  it("passwords from the input never show in any process's command line", async () => {
    const secret = `S3cret-${process.pid}-x`;
    const input = Array.from({ length: 200 }, () => `check_password admin localhost ${secret}`).join('\n');
    let seen = false;
    let scans = 0;
    const scan = setInterval(() => {
      scans++;
      for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(secret)) seen = true;
        } catch {
          /* gone */
        }
      }
    }, 5);
    const r = await n.ctl(['batch', '--keep-going'], { input });
    clearInterval(scan);
    expect(r.exitCode).toBe(1); // a wrong password: check_password fails, on every line
    expect(r.stderr).toContain('200 of 200 command(s) run');
    expect(scans).toBeGreaterThan(0);
    expect(seen).toBe(false);
  });
});
