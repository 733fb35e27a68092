/**
 * A child on a pseudo-terminal of its own, as sudo runs a command with `use_pty`: the child is
 * the leader of a new session whose controlling terminal is that pty, and ejctl relays output,
 * window size (SIGWINCH), signals and, for an interactive shell, the user's keystrokes with its
 * own terminal in raw mode, restored however the child ends. A process of the node user can then
 * type (TIOCSTI) into the child's terminal only, never into the caller's shell.
 *
 * Node has no pty API: @lydell/node-pty (prebuilt node-pty) forks the child on a new pty. Its
 * fork sets uid and gid but keeps the caller's supplementary groups (root's), so the user switch
 * goes through util-linux's setpriv, which also clears them. It is loaded here only, on first use:
 * `ejctl status` never loads it (test/setup/lazy.test.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import type { IPty } from '@lydell/node-pty';
import { EjctlError, Exit } from '../errors.js';
import type { LaunchPlan } from './plan.js';
import type { Outcome } from './runner.js';
import { relaySignals, type SignalRelay } from './signals.js';

export const SETPRIV = '/usr/bin/setpriv';

/** The program started on the pty: the plan's, behind setpriv when it runs as another user. */
export function ptyCommand(plan: Pick<LaunchPlan, 'file' | 'args' | 'user'>): { file: string; args: string[] } {
  if (!plan.user) return { file: plan.file, args: plan.args };
  const { uid, gid } = plan.user;
  return { file: SETPRIV, args: ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--', plan.file, ...plan.args] };
}

function loadNodePty(): typeof import('@lydell/node-pty') {
  // require(), not import(): ejctl runs as a CommonJS bundle without dynamic import (scripts/build.mjs).
  return createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');
}

/** The caller's window size, asked of the terminal itself (a SIGWINCH handler may run before Node's). */
function windowSize(): { cols: number; rows: number } {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.isTTY) {
      const [cols, rows] = stream.getWindowSize();
      return { cols, rows };
    }
  }
  return { cols: 80, rows: 24 };
}

export async function runOnPty(plan: LaunchPlan, relay: SignalRelay): Promise<Outcome> {
  if (!existsSync(plan.file)) return { kind: 'not-found', file: plan.file };
  if (plan.user && !existsSync(SETPRIV)) {
    throw new EjctlError(
      `running ${plan.file} as ${plan.user.name} on a terminal of its own needs ${SETPRIV}, which is not installed`,
      Exit.unavailable,
      {
        hint: 'Install util-linux (it provides setpriv).',
      },
    );
  }
  const { spawn } = loadNodePty();
  const { file, args } = ptyCommand(plan);
  const previousUmask = plan.umask === undefined ? undefined : process.umask(plan.umask);
  let term: IPty;
  try {
    const env = { ...process.env, ...plan.env };
    term = spawn(file, args, { name: process.env.TERM ?? 'xterm', ...windowSize(), cwd: plan.cwd, env, encoding: null });
  } catch (err) {
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  return relayUntilExit(term, plan, relay);
}

async function relayUntilExit(term: IPty, plan: LaunchPlan, relay: SignalRelay): Promise<Outcome> {
  const stops: (() => void)[] = [];
  try {
    const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit(resolve));
    const output = plan.stdout === 'inherit' ? process.stdout : undefined;
    const onData = term.onData((d: string | Buffer) => output?.write(d));
    stops.push(() => onData.dispose());
    const onWinch = () => term.resize(windowSize().cols, windowSize().rows);
    process.on('SIGWINCH', onWinch);
    stops.push(() => process.off('SIGWINCH', onWinch));
    const signals = relaySignals(relay, (signal) => term.kill(signal));
    stops.push(() => signals.stop());
    if (plan.stdin.kind === 'terminal') stops.push(relayKeystrokes(term));
    if (plan.stdin.kind === 'secret') writeWithoutEcho(term, plan.stdin.data);
    const { exitCode, signal } = await exited;
    const name = signal ? Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] : undefined;
    return signals.outcome(
      name ? { kind: 'killed', signal: name, stdout: '', stderr: '' } : { kind: 'exited', code: exitCode, stdout: '', stderr: '' },
    );
  } finally {
    for (const stop of stops.reverse()) stop();
  }
}

/**
 * The user's keystrokes go to the child's terminal, ejctl's own in raw mode meanwhile (Ctrl-C is
 * a key for the child's terminal to turn into its SIGINT). Restored when the child ends, and on
 * any exit of ejctl (Node also restores the terminal as it found it when it exits).
 */
function relayKeystrokes(term: IPty): () => void {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  const onData = (d: Buffer) => term.write(d as unknown as string);
  const restore = () => {
    stdin.off('data', onData);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  };
  if (raw) stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  process.once('exit', restore);
  return () => {
    process.off('exit', restore);
    restore();
  };
}

/**
 * A secret for a child on a pty (the erl transport's request line, which holds the cookie): the
 * pty is put in raw mode first, so its line discipline neither echoes it to the screen nor cuts
 * the line at the canonical-mode limit (4096 bytes). On Linux the termios of a pty pair are set
 * through either side; node-pty does not expose them, but the stream it reads the master with
 * does, and the test of this path checks that the cookie never shows.
 */
function writeWithoutEcho(term: IPty, data: string): void {
  const master = (term as unknown as { _socket?: { setRawMode?: (raw: boolean) => unknown } })._socket;
  if (typeof master?.setRawMode !== 'function') {
    term.kill('SIGKILL');
    throw new EjctlError('internal error: cannot turn echo off on the control node terminal (node-pty changed)', Exit.internal);
  }
  master.setRawMode(true);
  term.write(data);
}
