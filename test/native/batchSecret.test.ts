/**
 * `--secret-stdin batch FILE`: the secret read from stdin replaces @SECRET@ in the lines of FILE.
 * Before the fix batch ignored --secret-stdin and registered the literal password `@SECRET@`
 * (exit 0), and `batch --json` echoed every password it ran.
 */
import { describe, expect, it } from 'vitest';
import { ejctl, tempDir } from '../helpers/env.js';
import { useTestNode, writeFileMode } from '../helpers/node.js';

describe('batch and secrets, against a real node', () => {
  const n = useTestNode();

  const batchFile = (lines: string[]): string => {
    const file = `${tempDir()}/cmds`;
    writeFileMode(file, `${lines.join('\n')}\n`, 0o600);
    return file;
  };
  const checkPassword = async (user: string, pw: string) => (await n.ctl(['check_password', user, 'localhost', pw])).exitCode;
  /** Refused with 64 and this message, and the account of the batch was not created. */
  const expectRefused = async (r: { exitCode: number; stderr: string }, message: string, user: string) => {
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain(message);
    expect((await n.ctl(['check_account', user, 'localhost'])).exitCode).toBe(1);
  };

  it('--secret-stdin batch FILE: the account gets the secret, never the placeholder', async () => {
    const secret = `Pw-${process.pid}-1`;
    const file = batchFile(['register sam localhost @SECRET@', 'check_account sam localhost']);
    const r = await n.ctl(['--secret-stdin', 'batch', file], { input: `${secret}\n` });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/2 of 2 command\(s\) run, 2 ok/);
    expect(await checkPassword('sam', secret)).toBe(0);
    expect(await checkPassword('sam', '@SECRET@')).toBe(1);
  });

  it('@SECRET@ in a batch without --secret-stdin: exit 64, nothing run', async () => {
    const file = batchFile(['register tom localhost @SECRET@']);
    const r = await n.ctl(['batch', file]);
    expect(r.stderr).toBe(`ejctl: ${file}: line 1: holds @SECRET@, and no secret was given (use --secret-stdin); nothing was run\n`);
    await expectRefused(r, 'holds @SECRET@', 'tom');
  });

  it('@SECRET@ on stdin without --secret-stdin: exit 64, the placeholder never reaches the node', async () => {
    const r = await n.ctl(['batch'], { input: 'register tim localhost @SECRET@\n' });
    await expectRefused(r, 'stdin: line 1: holds @SECRET@, and no secret was given (use --secret-stdin); nothing was run', 'tim');
  });

  it('--secret-stdin with the batch on stdin too: exit 64', async () => {
    const r = await n.ctl(['--secret-stdin', 'batch'], { input: 'pw\nregister ted localhost @SECRET@\n' });
    await expectRefused(r, '--secret-stdin reads the secret from stdin, so the batch must come from a FILE', 'ted');
  });

  it('--secret-stdin and no line holds @SECRET@: exit 64, nothing run (as for one command)', async () => {
    const file = batchFile(['register tad localhost plain']);
    const r = await n.ctl(['--secret-stdin', 'batch', file], { input: 'pw\n' });
    await expectRefused(r, `--secret-stdin: no line of ${file} holds an argument written as @SECRET@; nothing was run`, 'tad');
  });

  it('batch --json shows no secret: password-type arguments and @SECRET@ are redacted', async () => {
    const secret = `Pw-${process.pid}-2`;
    const typed = `Typed-${process.pid}`;
    const changed = `Changed-${process.pid}`;
    const file = batchFile([
      'register una localhost @SECRET@',
      `check_password una localhost @SECRET@`,
      `register vic localhost ${typed}`,
      `change_password vic localhost ${changed}`,
      `check_password_hash vic localhost 0123abcd sha`,
      'check_account una localhost',
    ]);
    const r = await ejctl(['-c', n.cfgPath, '--secret-stdin', 'batch', '--json', '--keep-going', file], { input: `${secret}\n` });
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; args: string[]; exitCode: number });
    expect(rows.map((x) => x.args)).toStrictEqual([
      ['register', 'una', 'localhost', '@SECRET@'],
      ['check_password', 'una', 'localhost', '@SECRET@'],
      ['register', 'vic', 'localhost', '(redacted)'],
      ['change_password', 'vic', 'localhost', '(redacted)'],
      ['check_password_hash', 'vic', 'localhost', '(redacted)', 'sha'],
      ['check_account', 'una', 'localhost'],
    ]);
    expect(rows.map((x) => x.exitCode)).toStrictEqual([0, 0, 0, 0, 1, 0]);
    for (const s of [secret, typed, changed, '0123abcd']) expect(r.stdout + r.stderr).not.toContain(s);
    expect(await checkPassword('una', secret)).toBe(0);
    expect(await checkPassword('vic', changed)).toBe(0);
  });
});
