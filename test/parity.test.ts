/**
 * The drop-in promise: for the same node, ejctl prints what ejabberdctl 23.01 prints on stdout,
 * byte for byte, and exits with the same code. Debian's ejabberdctl, run as root, switches to the
 * ejabberd user and reads that user's cookie; so here it runs as the ejabberd user itself
 * (setpriv) with HOME set to the test node's cookie dir and the test node's cfg.
 */
import { describe, expect, it } from 'vitest';
import { ejabberdctl } from './helpers/ejabberdctl.js';
import { isRoot } from './helpers/env.js';
import { useTestNode } from './helpers/node.js';

/**
 * Each entry runs in order through ejabberdctl, then `undo` (through ejabberdctl) puts the node
 * back as it was, then the same through ejctl: both tools see the same state.
 */
const CASES: { title: string; args: string[]; undo?: string[]; expectCode?: number }[] = [
  { title: 'status', args: ['status'] },
  { title: 'no command at all', args: [] },
  { title: 'help', args: ['help'] },
  { title: 'help for one command', args: ['help', 'register'] },
  { title: 'help for a tag', args: ['help', 'accounts'] },
  { title: 'an unknown command', args: ['no_such_command'] },
  { title: 'missing arguments', args: ['register', 'alice'] },
  { title: 'extra arguments', args: ['registered_users', 'localhost', 'extra'] },
  { title: 'register', args: ['register', 'alice', 'localhost', 'secret1'], undo: ['unregister', 'alice', 'localhost'] },
  { title: 'register twice', args: ['register', 'alice', 'localhost', 'secret1'] },
  { title: 'check_account, existing', args: ['check_account', 'alice', 'localhost'] },
  { title: 'check_account, missing', args: ['check_account', 'nobody', 'localhost'] },
  { title: 'a dashed command name', args: ['registered-users', 'localhost'] },
  {
    title: 'an argument with spaces',
    args: ['register', 'bob', 'localhost', 'pass with spaces'],
    undo: ['unregister', 'bob', 'localhost'],
  },
  { title: 'quotes in an argument', args: ['register', 'carol', 'localhost', `it's "quoted"`], undo: ['unregister', 'carol', 'localhost'] },
  { title: 'non-ASCII arguments', args: ['register', 'jürgen', 'localhost', 'pässwörd-日本'], undo: ['unregister', 'jürgen', 'localhost'] },
  { title: 'a leading dash', args: ['register', 'dave', 'localhost', '-dash'], undo: ['unregister', 'dave', 'localhost'] },
  { title: 'registered_users', args: ['registered_users', 'localhost'] },
  {
    title: 'the password with spaces was stored as given',
    args: ['check_password', 'bob', 'localhost', 'pass with spaces'],
    expectCode: 0,
  },
  { title: 'the quoted password was stored as given', args: ['check_password', 'carol', 'localhost', `it's "quoted"`], expectCode: 0 },
  { title: 'the non-ASCII password was stored as given', args: ['check_password', 'jürgen', 'localhost', 'pässwörd-日本'], expectCode: 0 },
  { title: 'the dashed password was stored as given', args: ['check_password', 'dave', 'localhost', '-dash'], expectCode: 0 },
  { title: 'unregister', args: ['unregister', 'alice', 'localhost'], undo: ['register', 'alice', 'localhost', 'secret1'] },
  { title: 'unregister again', args: ['unregister', 'alice', 'localhost'] },
  { title: '--version abc status', args: ['--version', 'abc', 'status'] },
  { title: '--version 0 registered_users', args: ['--version', '0', 'registered_users', 'localhost'] },
  { title: '--auth with a wrong password', args: ['--auth', 'bob', 'localhost', 'wrong', 'registered_users', 'localhost'] },
  { title: 'mnesia info key', args: ['mnesia', 'is_running'] },
  // ejabberd prints the stack trace of the process the command ran in: its last frame is
  // erpc:execute_call/4 when called as rpc:call does on OTP 23+ (not rex's rpc frames).
  { title: 'a command that raises: the same stack trace', args: ['stats', 'bogus'], expectCode: 1 },
  { title: 'an argument that fails to parse: the same nested stack trace', args: ['delete_old_messages', 'abc'], expectCode: 1 },
];

describe.skipIf(!isRoot)('parity with ejabberdctl 23.01 on the same node', () => {
  const n = useTestNode();

  const TRANSPORTS = ['erl', 'native'] as const;

  for (const c of CASES) {
    it(`${c.title}: same stdout and exit code on both transports`, async () => {
      const theirs = await ejabberdctl(n, c.args);
      for (const transport of TRANSPORTS) {
        if (c.undo) expect((await ejabberdctl(n, c.undo)).exitCode).toBe(0);
        const ours = await n.ctl(['--transport', transport, ...c.args]);
        expect({ transport, stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({
          transport,
          stdout: theirs.stdout,
          exitCode: theirs.exitCode,
        });
        if (c.expectCode !== undefined) expect(ours.exitCode).toBe(c.expectCode);
      }
    });
  }

  it('a stopped node, stderr a pipe: the same stdout, stderr (empty) and exit code 3 on both transports', async () => {
    const args = ['--node', `stopped${process.pid}@localhost`, 'status'];
    const theirs = await ejabberdctl(n, args);
    expect(theirs.exitCode).toBe(3);
    for (const transport of TRANSPORTS) {
      const ours = await n.ctl(['--transport', transport, ...args]);
      expect({ transport, ...ours }).toEqual({ transport, stdout: theirs.stdout, stderr: theirs.stderr, exitCode: 3 });
    }
  });

  it('a stopped node with EJCTL_DIAGNOSE=1 or --verbose: the same stdout and code, and a diagnosis on stderr', async () => {
    const args = ['--node', `stopped${process.pid}@localhost`, 'status'];
    const theirs = await ejabberdctl(n, args);
    const diagnosis = `no node named 'stopped${process.pid}' is registered`;
    for (const transport of TRANSPORTS) {
      for (const ours of [
        await n.ctl(['--transport', transport, ...args], { env: { EJCTL_DIAGNOSE: '1' } }),
        await n.ctl(['--verbose', '--transport', transport, ...args]),
      ]) {
        expect({ transport, stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({ transport, stdout: theirs.stdout, exitCode: 3 });
        expect(ours.stderr).toContain(diagnosis);
      }
    }
  });
});
