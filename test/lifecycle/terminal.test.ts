/**
 * Root's terminal is never handed to a process of the node user (issue 12, finding 2).
 *
 * The kernel here allows TIOCSTI (dev.tty.legacy_tiocsti=1): a process whose controlling terminal
 * is root's can push keystrokes into it, and root's shell runs them once ejctl is gone. The test
 * plays the whole attack: root's interactive shell in a pseudo-terminal runs `ejctl debug`; a
 * process of the node user (fixtures/tiocsti.py) traces the debug VM, as any process of that user
 * may, makes it type a command into its terminal and kills it. The command must not run in
 * root's shell. (A program the VM starts through a port gets no terminal: erl_child_setup
 * starts it in a session of its own; tried.)
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chownToNodeUser, EJCTL, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { useTestNode } from '../helpers/node.js';
import { credentialsOf, descendants, fdLinks, ptyEjctl, remoteShells, sessionOf, type PtySession } from './helpers.js';
import { PROMPT, rootShell, runInShell as run, shells } from './rootShell.js';

/** The attacker (x86_64 only): see the file. */
const ATTACKER = readFileSync(join(import.meta.dirname, 'fixtures/tiocsti.py'), 'utf8');

describe('debug: the shell VM runs on a terminal of its own', () => {
  const n = useTestNode();
  afterEach(() => {
    // A failed test may leave its shell and debug VM behind.
    for (const shell of shells.splice(0)) shell.kill();
    for (const pid of remoteShells(n.node)) process.kill(pid, 'SIGKILL');
  });

  async function startDebug(shell: PtySession, prefix = ''): Promise<number> {
    const from = shell.text().length;
    shell.write(`${prefix}${process.execPath} ${EJCTL} -c ${n.cfgPath} debug\r`);
    await shell.waitFor(`(${n.node})1> `, 30_000, from);
    const vms = remoteShells(n.node);
    expect(vms).toHaveLength(1);
    return vms[0]!;
  }

  async function leaveDebug(shell: PtySession): Promise<void> {
    const from = shell.text().length;
    shell.write('\x07'); // ^G: the user switch menu; q leaves the local shell
    await shell.waitFor('-->', 10_000, from);
    shell.write('q\r');
    await shell.waitFor(PROMPT, 30_000, from);
  }

  it('another session and controlling terminal than the caller, no descriptor of its terminal, INSTALLUSER without groups', async () => {
    const shell = await rootShell();
    const before = await run(shell, 'stty -g');
    // ejctl itself with a supplementary group (adm, 4: Debian's logs), which the VM must not keep.
    const vm = await startDebug(shell, isRoot ? 'setpriv --groups 4 -- ' : '');
    const caller = sessionOf(shell.pid);
    const ttyPath = fdLinks(shell.pid)['0'];
    expect(ttyPath).toMatch(/^\/dev\/pts\/\d+$/);
    const own = sessionOf(vm);
    expect(own.ttyNr).not.toBe(0);
    expect(own.ttyNr).not.toBe(caller.ttyNr);
    expect(own.session).not.toBe(caller.session);
    expect(Object.values(fdLinks(vm))).not.toContain(ttyPath);
    const user = nodeUser();
    if (user) {
      expect(credentialsOf(vm)).toEqual({
        uid: `${user.uid}\t${user.uid}\t${user.uid}\t${user.uid}`,
        gid: `${user.gid}\t${user.gid}\t${user.gid}\t${user.gid}`,
        groups: '',
      });
    }
    await leaveDebug(shell);
    // ejctl put the terminal back as it found it.
    expect(await run(shell, 'stty -g')).toBe(before);
    shell.write('exit\r');
    await shell.exited;
  });

  it('SIGTERM to ejctl during the session ends the VM and leaves the terminal as it was', async () => {
    const shell = await rootShell();
    const before = await run(shell, 'stty -g');
    const vm = await startDebug(shell);
    const ejctl = descendants(shell.pid).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(EJCTL));
    expect(ejctl).toBeDefined();
    const from = shell.text().length;
    process.kill(ejctl!, 'SIGTERM');
    await shell.waitFor(PROMPT, 30_000, from);
    expect(existsSync(`/proc/${vm}`)).toBe(false);
    expect(await run(shell, 'stty -g')).toBe(before);
  });

  it("the VM's terminal follows the caller's window size (SIGWINCH)", async () => {
    const pty = ptyEjctl(['-c', n.cfgPath, 'debug'], { EJABBERD_BYPASS_WARNINGS: 'true' });
    await pty.waitFor(`(${n.node})1> `);
    pty.write('io:columns().\r');
    const at = await pty.waitFor('{ok,160}');
    pty.resize(100, 40);
    pty.write('io:columns().\r');
    await pty.waitFor('{ok,100}', 10_000, at);
    pty.write('\x07');
    await pty.waitFor('-->', 10_000, at);
    pty.write('q\r');
    expect((await pty.exited).exitCode).toBe(0);
  });

  it.runIf(process.arch === 'x64')(
    "a process of the node user that makes the VM type (TIOCSTI) does not reach the caller's shell",
    async () => {
      const dir = tempDir('ejctl-tiocsti-');
      writeFileSync(join(dir, 'attack.py'), ATTACKER, { mode: 0o644 });
      const drop = join(dir, 'drop');
      mkdirSync(drop, { mode: 0o700 });
      chownToNodeUser(drop);
      const report = join(drop, 'report.json');
      const marker = join(dir, 'marker');
      const shell = await rootShell();
      const vm = await startDebug(shell);
      const from = shell.text().length;
      const user = nodeUser();
      const typed = Buffer.from(`touch ${marker}\n`).toString('hex');
      await execa('python3', [join(dir, 'attack.py'), String(vm), typed, report], {
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        reject: false,
      });
      const results = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
      expect(results.uid).toBe(user?.uid ?? process.getuid!());
      // The attack itself worked: the VM's terminal got the keystrokes (its own, with the fix).
      expect(results.TIOCSTI).toBe('injected');
      await shell.waitFor(PROMPT, 30_000, from);
      // Whatever was typed has reached the shell by now: let it handle a command after it.
      await run(shell, 'echo checked');
      shell.write('exit\r');
      await shell.exited;
      expect(existsSync(marker), `the node user's process typed into root's shell:\n${shell.text().slice(from)}`).toBe(false);
    },
  );
});
