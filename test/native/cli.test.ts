/**
 * The native transport keeps the erl transport's contract: for each command, `--transport
 * native` prints the same stdout bytes and exits with the same code as `--transport erl` on the
 * same node, and failures to connect are told apart on stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownToNodeUser, cleanupTempDirs, tempDir } from '../helpers/env.js';
import { writeFileMode, type TestNode } from '../helpers/node.js';
import { startNodeWithAdmin } from './helpers.js';

/** Each case runs through erl, then `undo` through erl, then the same through native, then `undo` again. */
const CASES: { title: string; args: string[]; undo?: string[] }[] = [
  { title: 'status', args: ['status'] },
  { title: 'no command', args: [] },
  { title: 'help', args: ['help'] },
  { title: 'help CMD', args: ['help', 'register'] },
  { title: 'an unknown command', args: ['no_such_command'] },
  { title: 'too few arguments', args: ['register', 'alice'] },
  { title: 'too many arguments', args: ['registered_users', 'localhost', 'extra'] },
  { title: 'register', args: ['register', 'alice', 'localhost', 'secret1'], undo: ['unregister', 'alice', 'localhost'] },
  { title: 'register an existing user', args: ['register', 'admin', 'localhost', 'x'] },
  { title: 'check_account, existing', args: ['check_account', 'admin', 'localhost'] },
  { title: 'check_account, missing', args: ['check_account', 'nobody', 'localhost'] },
  { title: 'registered_users', args: ['registered_users', 'localhost'] },
  { title: 'unregister a missing user', args: ['unregister', 'nobody', 'localhost'] },
  { title: 'non-ASCII arguments', args: ['register', 'jürgen', 'localhost', 'pässwörd-日本'], undo: ['unregister', 'jürgen', 'localhost'] },
  { title: 'non-ASCII in the output', args: ['check_password', 'jürgen', 'localhost', 'wrong'] },
  { title: 'a non-ASCII unknown host', args: ['registered_users', 'hôte-日本'] },
  { title: '--version abc status', args: ['--version', 'abc', 'status'] },
  { title: '--auth with a wrong password', args: ['--auth', 'admin', 'localhost', 'wrong', 'registered_users', 'localhost'] },
  { title: 'mnesia info', args: ['mnesia', 'is_running'] },
  { title: 'a term result (connected_users_info)', args: ['connected_users_info'] },
];

describe('--transport native against --transport erl on one node', () => {
  let n: TestNode;
  const both = async (args: string[], undo?: string[]) => {
    const erl = await n.ctl(['--transport', 'erl', ...args]);
    if (undo) expect((await n.ctl(['--transport', 'erl', ...undo])).exitCode).toBe(0);
    const native = await n.ctl(['--transport', 'native', ...args]);
    if (undo) expect((await n.ctl(['--transport', 'native', ...undo])).exitCode).toBe(0);
    return { erl, native };
  };
  beforeAll(async () => {
    n = await startNodeWithAdmin();
  });
  afterAll(async () => {
    await n?.stop();
    cleanupTempDirs();
  });

  for (const c of CASES) {
    it(`${c.title}: same stdout bytes and exit code`, async () => {
      const { erl, native } = await both(c.args, c.undo);
      expect(native.stdout).toBe(erl.stdout);
      expect(native.exitCode).toBe(erl.exitCode);
      expect(native.stderr).toBe('');
    });
  }

  it('--no-timeout: same result', async () => {
    const { erl, native } = await both(['--no-timeout', 'status']);
    expect(native.stdout).toBe(erl.stdout);
    expect(native.exitCode).toBe(0);
  });

  it("a stopped node: ejabberdctl's line and help, exit 3, and stderr says the name is not registered", async () => {
    const { erl, native } = await both(['--verbose', '--node', `gone${process.pid}@localhost`, 'status']);
    expect(native.stdout).toBe(erl.stdout);
    expect(native.stdout.startsWith(`Failed RPC connection to the node gone${process.pid}@localhost: nodedown\n\nCommands to start`)).toBe(
      true,
    );
    expect(native.exitCode).toBe(3);
    expect(native.stderr).toContain(`no node named 'gone${process.pid}' is registered`);
  });

  it('a wrong cookie: the same stdout and exit 3, and stderr says the node rejected the cookie', async () => {
    const wrong = `${tempDir()}/wrong.cookie`;
    writeFileMode(wrong, 'WRONGCOOKIEWRONGCOOKIE', 0o400);
    chownToNodeUser(wrong);
    const { erl, native } = await both(['--verbose', '--cookie-file', wrong, 'status']);
    expect(native.stdout).toBe(erl.stdout);
    expect(native.exitCode).toBe(3);
    expect(native.stderr).toContain(`${n.node} rejected the cookie in ${wrong}`);
  });

  it('an unknown transport is a usage error', async () => {
    const r = await n.ctl(['--transport', 'carrier-pigeon', 'status']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain("unknown transport 'carrier-pigeon'");
  });

  it('auto picks native for plain TCP distribution and erl when ERL_OPTIONS names another carrier (--dry-run)', async () => {
    expect((await n.ctl(['--transport', 'auto', '--dry-run', 'status'])).stdout).toMatch(/^transport: native \(/);
    const r = await n.ctl(['--transport', 'auto', '--dry-run', 'status'], { env: { ERL_OPTIONS: '-proto_dist inet_tls' } });
    expect(r.stdout).toMatch(/^transport: erl\n/);
  });
});
