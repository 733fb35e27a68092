/**
 * The rotation's long-lived control session, like every child, starts in a session of its own
 * with pipes (Node makes them socket pairs) only (src/run/session.ts): it never holds the
 * caller's terminal.
 */
import { describe, expect, it } from 'vitest';
import { startSession } from '../../src/run/session.js';
import { fdLinks, sessionOf } from '../lifecycle/helpers.js';

describe('startSession', () => {
  it('starts the child as the leader of a new session, without a terminal, on pipes', async () => {
    const child = startSession({
      file: '/bin/cat',
      args: [],
      env: {},
      cwd: '/',
      stdin: { kind: 'ignore' },
      stdout: 'pipe',
      stderr: 'inherit',
    });
    const pid = child.pid!;
    const own = sessionOf(pid);
    expect(own.session).toBe(pid);
    expect(own.session).not.toBe(sessionOf(process.pid).session);
    expect(own.ttyNr).toBe(0);
    const links = fdLinks(pid);
    expect([links['0'], links['1']]).toEqual([expect.stringMatching(/^(pipe|socket):/), expect.stringMatching(/^(pipe|socket):/)]);
    expect(links['2']).toBe('/dev/null');
    child.stdin.end();
    expect((await child).exitCode).toBe(0);
  });
});
