/** Root's interactive shell in a pseudo-terminal of the test's own, to run ejctl from. */
import { ptyRun, type PtySession } from './helpers.js';

export const PROMPT = 'root-shell$ ';
/** bash switches bracketed paste on and off around each command line. */
// eslint-disable-next-line no-control-regex
const BRACKETED_PASTE = /\x1b\[\?2004[hl]/g;

/** Every shell started, for the tests' afterEach to kill. */
export const shells: PtySession[] = [];

/** Root's interactive shell in a pseudo-terminal of the test's own. */
export async function rootShell(): Promise<PtySession> {
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
export async function runInShell(shell: PtySession, command: string): Promise<string> {
  const from = shell.text().length;
  shell.write(`${command}\r`);
  const end = await shell.waitFor(PROMPT, 30_000, from);
  return shell.text().slice(from, end).replace(BRACKETED_PASTE, '');
}
