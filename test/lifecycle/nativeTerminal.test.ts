/**
 * The native transport on a terminal prints what ejabberdctl prints on the same terminal: it
 * answers the node's geometry requests with the terminal's size, as the control node's `user`
 * does, so ejabberd's help carries its escape sequences and wraps to the width. On a terminal,
 * stderr also carries the diagnosis of an unreachable node.
 */
import { describe, expect, it } from 'vitest';
import { EJCTL } from '../helpers/env.js';
import { ejabberdctlArgv } from '../helpers/ejabberdctl.js';
import { useTestNode } from '../helpers/node.js';
import { ptyRun, type PtySession } from './helpers.js';

async function screenOf(session: PtySession): Promise<{ screen: string; exitCode: number }> {
  const { exitCode } = await session.exited;
  return { screen: session.text(), exitCode };
}

describe('the native transport on a terminal', () => {
  const n = useTestNode();

  it.each([[['help', 'register']], [['help']], [['help', 'accounts']]])(
    'ejctl %j prints what ejabberdctl prints on the same terminal, byte for byte',
    async (args) => {
      const ours = await screenOf(ptyRun(process.execPath, [EJCTL, '-c', n.cfgPath, '--transport', 'native', ...args]));
      const theirs = await screenOf(ptyRun('setpriv', ejabberdctlArgv(n, args), { HOME: n.home }));
      expect(theirs.screen).toContain('\x1b['); // ejabberd formats for a terminal
      expect(ours).toEqual(theirs);
    },
  );

  it('with stdout not a terminal, help has no escape sequences (geometry: enotsup), as ejabberdctl piped', async () => {
    const piped = await n.ctl(['--transport', 'native', 'help', 'register']);
    expect(piped.stdout).not.toContain('\x1b[');
    expect(piped.exitCode).toBe(0);
  });

  it('an unreachable node: the diagnosis shows on the terminal (stderr is one)', async () => {
    const node = `gone${process.pid}@localhost`;
    const { screen, exitCode } = await screenOf(
      ptyRun(process.execPath, [EJCTL, '-c', n.cfgPath, '--transport', 'native', '--node', node, 'status']),
    );
    expect(exitCode).toBe(3);
    expect(screen).toContain(`Failed RPC connection to the node ${node}: nodedown`);
    expect(screen).toContain(`no node named 'gone${process.pid}' is registered`);
  });
});
