/**
 * The rotation's control node runs as INSTALLUSER, the ejabberd user, who can make a process of
 * its own write anything (ptrace, /proc/PID/fd/1) or stop it. ejctl, as root, must not buffer
 * without end nor wait forever on it. These tests stand in a hostile control node (a script run
 * as the node user) for the session script and check that ejctl ends the conversation.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/env.js';
import { scriptAsNodeUser } from './helpers.js';
import { openSession } from '../../src/rotate/session.js';
import type { LaunchPlan } from '../../src/run/plan.js';

afterAll(() => cleanupTempDirs());

/** A "control node": says ready, accepts the cookies line, then behaves as `rest` says. */
function hostile(rest: string): LaunchPlan {
  return scriptAsNodeUser([
    "const rl = require('node:readline').createInterface({ input: process.stdin });",
    "process.stdout.write('ready\\n');",
    'let n = 0;',
    "rl.on('line', (l) => { const id = l.split(' ')[0]; if (++n === 1) return process.stdout.write(id + ' {\"ok\":true}\\n');",
    rest,
    '});',
  ]);
}

describe('a hostile rotation control node', () => {
  it('an endless reply line ends the session at the line limit instead of growing ejctl', async () => {
    // 1 MiB chunks with no newline, as long as the pipe takes them.
    const plan = hostile(
      "const b = Buffer.alloc(1 << 20, 120); const w = () => { while (process.stdout.write(b)); process.stdout.once('drain', w); }; w();",
    );
    const before = process.memoryUsage().rss;
    const s = await openSession(plan, { old: 'a', new: undefined }, { replyMs: 60_000, lineBytes: 1 << 20 });
    const reply = await s.call('info', 'x@y');
    await s.close();
    expect(reply).toEqual({ error: 'control-node-exited' });
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  }, 60_000);

  it('a control node that never answers gets a deadline, and is stopped', async () => {
    const plan = hostile('/* never answers */');
    const s = await openSession(plan, { old: 'a', new: undefined }, { replyMs: 1500, lineBytes: 1 << 20 });
    const reply = await s.call('info', 'x@y');
    await s.close();
    expect(reply).toEqual({ error: 'timeout' });
  }, 30_000);

  it('a control node that never says ready is stopped and reported as not started', async () => {
    const plan = hostile('');
    plan.args = ['-e', 'setInterval(() => {}, 1000)'];
    await expect(openSession(plan, { old: 'a', new: undefined }, { replyMs: 1500, lineBytes: 1 << 20 })).rejects.toThrow(
      'the Erlang control node did not start',
    );
  }, 30_000);

  it('a reply that is not JSON is an error reply, not a crash', async () => {
    const plan = hostile("process.stdout.write(id + ' {not json\\n');");
    const s = await openSession(plan, { old: 'a', new: undefined }, { replyMs: 10_000, lineBytes: 1 << 20 });
    expect(await s.call('info', 'x@y')).toEqual({ error: 'bad-reply' });
    await s.close();
  }, 30_000);
});
