/**
 * `ejctl --json` where ejabberd's HTTP API has no answer to compare with: arguments read by
 * position as ejabberdctl reads them, a node that cannot be reached, no command, an invalid API
 * version; and `ejctl --json batch`. Each on both transports (batch is native only), with the
 * exit code ejctl gives without --json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRoot } from '../helpers/env.js';
import { useTestNode } from '../helpers/node.js';

const TRANSPORTS = ['native', 'erl'] as const;
const error = (code: number, message: string) => ({ status: 'error', code, message });

describe.skipIf(!isRoot)('ejctl --json: errors as JSON objects, exit codes as without --json', () => {
  // The HTTP API node's modules: rooms_unused_list (mod_muc_admin) takes an integer.
  const n = useTestNode({ httpApi: true });

  /** The --json run and the plain one, on one transport. */
  const both = async (transport: string, args: string[]) => {
    const json = await n.ctl(['--transport', transport, '--json', ...args]);
    const plain = await n.ctl(['--transport', transport, ...args]);
    return { json, body: JSON.parse(json.stdout) as unknown, plain };
  };

  for (const transport of TRANSPORTS) {
    it(`${transport}: too few and too many arguments: ejabberdctl's message, exit 1`, async () => {
      for (const [args, message] of [
        [['register', 'alice'], "Error: the command 'register' requires 2 more argument."],
        [['registered_users', 'localhost', 'extra'], "Error: the command 'registered_users' requires 1 less argument."],
      ] as const) {
        const r = await both(transport, [...args]);
        expect(r.body).toEqual(error(400, message));
        expect(r.plain.stdout).toContain(`${message}\n`);
        expect([r.json.exitCode, r.plain.exitCode]).toEqual([1, 1]);
      }
    });

    it(`${transport}: an integer argument that io_lib:fread cannot read, and one it reads as ejabberdctl does`, async () => {
      const bad = await both(transport, ['rooms_unused_list', 'global', 'abc']);
      expect(bad.body).toEqual(error(400, "Error: the argument 'days' of 'rooms_unused_list' cannot be read as an integer: abc"));
      expect([bad.json.exitCode, bad.plain.exitCode]).toEqual([1, 1]);
      // "5x" reads as 5, as ejabberdctl reads it: the command runs.
      const loose = await both(transport, ['rooms_unused_list', 'global', '5x']);
      expect(loose.body).toEqual([]);
      expect([loose.json.exitCode, loose.plain.exitCode]).toEqual([0, 0]);
    });

    it(`${transport}: a dashed command name, an API version, an invalid one`, async () => {
      const dashed = await both(transport, ['registered-users', 'localhost']);
      expect(dashed.body).toEqual([]);
      expect(dashed.json.exitCode).toBe(0);
      const v1 = await both(transport, ['--version', '1', 'connected_users_number']);
      expect(v1.body).toEqual({ num_sessions: 0 });
      const invalid = await both(transport, ['--version', 'abc', 'status']);
      expect(invalid.body).toEqual(error(400, 'Invalid API version number: "abc"'));
      expect([invalid.json.exitCode, invalid.plain.exitCode]).toEqual([1, 1]);
    });

    it(`${transport}: no command: code 40 as the HTTP API, exit 2 as ejabberdctl`, async () => {
      const r = await n.ctl(['--transport', transport, '--json']);
      expect(JSON.parse(r.stdout)).toEqual(error(40, 'Missing command name.'));
      expect(r.exitCode).toBe(2);
    });

    it(`${transport}: a node that cannot be reached: ejabberdctl's line as the message, exit 3`, async () => {
      const node = `stopped${process.pid}@localhost`;
      const r = await both(transport, ['--node', node, 'status']);
      const line = `Failed RPC connection to the node ${node}: nodedown`;
      expect(r.body).toEqual(error(503, line));
      expect(r.plain.stdout.split('\n')[0]).toBe(line);
      expect([r.json.exitCode, r.plain.exitCode]).toEqual([3, 3]);
      expect(r.json.stderr).toContain(`no node named 'stopped${process.pid}' is registered`);
    });
  }

  it("--json before one of ejctl's own commands is a usage error (64)", async () => {
    const r = await n.ctl(['--json', 'audit']);
    expect(r.exitCode).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("--json before the command is for ejabberd's commands, not audit");
  });

  it('ejctl --json batch: each line keeps its fields and gets the typed result; batch --json alone is unchanged', async () => {
    const file = join(n.dir, 'typed.batch');
    writeFileSync(
      file,
      'register erin localhost pw\ncheck_account erin localhost\ncheck_account nobody localhost\nno_such_command\nstats registeredusers\n',
    );
    const typed = await n.ctl(['--json', 'batch', '--keep-going', file]);
    const lines = typed.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.line, l.exitCode, l.result, l.stdout])).toEqual([
      [1, 0, 'User erin@localhost successfully registered', ''],
      [2, 0, 0, ''],
      [3, 1, 1, ''],
      [4, 1, error(400, 'unknown_command'), ''],
      [5, 0, { stat: 1 }, ''],
    ]);
    // The password is redacted in `args`, as batch --json always does.
    expect(lines[0]).toMatchObject({ args: ['register', 'erin', 'localhost', '(redacted)'] });
    expect(typeof lines[0]?.ms).toBe('number');
    expect(typed.exitCode).toBe(1);
    // The same commands one by one give the same results.
    for (const [index, args] of [
      [2, ['check_account', 'nobody', 'localhost']],
      [4, ['stats', 'registeredusers']],
    ] as const) {
      expect(JSON.parse((await n.ctl(['--json', ...args])).stdout)).toEqual(lines[index]?.result);
    }
    const plain = await n.ctl(['batch', '--json', file]);
    const first = JSON.parse(plain.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    expect(first).not.toHaveProperty('result');
    expect(first.stdout).toBe('Error: conflict: User erin@localhost already registered\n');
  });
});
