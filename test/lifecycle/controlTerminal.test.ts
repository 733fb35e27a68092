/**
 * Control nodes never get the caller's terminal (issue 12, finding 2): the erl transport's
 * control node runs in a session of its own, on pipes, or on a pty of its own when stdout is a
 * terminal, where it prints what ejabberdctl prints on that terminal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EJCTL } from '../helpers/env.js';
import { ejabberdctlArgv } from '../helpers/ejabberdctl.js';
import { useTestNode, waitFor } from '../helpers/node.js';
import { descendants, fdLinks, ptyRun, sessionOf, type PtySession } from './helpers.js';
import { PROMPT, rootShell, runInShell as run, shells } from './rootShell.js';

describe('the erl transport: a control node never holds the caller terminal', () => {
  const n = useTestNode();
  const servers: Server[] = [];
  afterEach(() => {
    for (const shell of shells.splice(0)) shell.kill();
    for (const server of servers.splice(0)) server.close();
  });

  /**
   * A control node to look at while it waits: EPMD is a server that accepts and never answers,
   * so the node tries to connect for its net_setuptime (7 s).
   */
  async function waitingControlNode(shell: PtySession, redirect: string): Promise<number> {
    const epmd = createServer(() => undefined);
    servers.push(epmd);
    await new Promise<void>((resolve) => epmd.listen(0, '127.0.0.1', resolve));
    const port = (epmd.address() as AddressInfo).port;
    shell.write(`ERL_EPMD_PORT=${port} ${process.execPath} ${EJCTL} -c ${n.cfgPath} --transport erl status ${redirect}\r`);
    let found: number | undefined;
    await waitFor(
      () => {
        found = descendants(shell.pid).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-nocookie'));
        return found !== undefined;
      },
      20_000,
      'no control node started',
    );
    return found!;
  }

  it.each([
    ['stdout is a file: pipes, no terminal at all', '> /dev/null'],
    ['stdout is the terminal: a pty of its own', ''],
  ])('%s, in a session of its own', async (_title, redirect) => {
    const shell = await rootShell();
    const ttyPath = fdLinks(shell.pid)['0'];
    const control = await waitingControlNode(shell, redirect);
    const caller = sessionOf(shell.pid);
    const own = sessionOf(control);
    expect(own.session).not.toBe(caller.session);
    expect(own.ttyNr).not.toBe(caller.ttyNr);
    const links = Object.values(fdLinks(control));
    expect(links).not.toContain(ttyPath);
    if (redirect) {
      expect(own.ttyNr).toBe(0);
      expect(links.filter((l) => l.startsWith('/dev/pts/') || l.startsWith('/dev/tty'))).toEqual([]);
    } else expect(own.ttyNr).not.toBe(0);
  });

  async function screenOf(session: PtySession): Promise<string> {
    await session.exited;
    return session.text();
  }

  it('on a terminal, prints help exactly as ejabberdctl does on the same terminal', async () => {
    const viaEjctl = await screenOf(ptyRun(process.execPath, [EJCTL, '-c', n.cfgPath, '--transport', 'erl', 'help']));
    const viaEjabberdctl = await screenOf(ptyRun('setpriv', ejabberdctlArgv(n, ['help']), { HOME: n.home }));
    const piped = await n.ctl(['--transport', 'erl', 'help']);
    // The request line, written to the control node's terminal, was not echoed.
    expect(viaEjctl).not.toContain(Buffer.from(n.cookie).toString('hex'));
    // ejabberd formats for a terminal (bold words), not as for a pipe.
    expect(viaEjctl).toContain('\x1b[1mhelp');
    expect(piped.stdout).not.toContain('\x1b[');
    expect(viaEjctl).toBe(viaEjabberdctl);
  });

  it('on a terminal, a request longer than a terminal line (4096 bytes) arrives whole', async () => {
    const args = ['--transport', 'erl', 'check_password', 'alice', 'localhost', 'p'.repeat(3000)];
    const piped = await n.ctl(args);
    const session = ptyRun(process.execPath, [EJCTL, '-c', n.cfgPath, ...args]);
    const { exitCode } = await session.exited;
    expect(exitCode).toBe(piped.exitCode);
    expect(session.text()).toBe(piped.stdout);
  });

  it('Ctrl-C on a terminal stops the control node and ejctl exits 130', async () => {
    const shell = await rootShell();
    const control = await waitingControlNode(shell, '');
    const from = shell.text().length;
    shell.write('\x03');
    await shell.waitFor(PROMPT, 20_000, from);
    expect(await run(shell, 'echo $?'), shell.text().slice(from - 300)).toContain('130');
    await waitFor(() => !existsSync(`/proc/${control}`), 10_000, 'the control node outlived ejctl');
  });
});
