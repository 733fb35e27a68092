/**
 * The control node of `ejctl --json --transport erl` runs as INSTALLUSER, the ejabberd user, who
 * can make a process of its own write anything (ptrace, /proc/PID/fd/1) or stop it. ejctl, as
 * root, must neither buffer without end nor wait forever on it. A hostile "control node" (a
 * script run as the node user) stands in for JSON_SCRIPT here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { cleanupTempDirs } from '../helpers/env.js';
import { scriptAsNodeUser } from './helpers.js';
import { converse } from '../../src/json/remoteErl.js';
import { Unreachable } from '../../src/json/remote.js';
import { encodeTerm } from '../../src/native/encode.js';
import { atom } from '../../src/native/term.js';
import type { LaunchPlan } from '../../src/run/plan.js';

afterAll(() => cleanupTempDirs());

const READY = encodeTerm(atom('ready')).toString('base64');
const limits = { readyMs: 1500, graceMs: 1000, lineBytes: 1 << 20 };

/** A "control node": reads the hello line, says ready unless told not to, then answers each request as `onRequest` says. */
function hostile(onRequest: string, ready = true): LaunchPlan {
  return scriptAsNodeUser([
    "process.on('SIGTERM', () => {});",
    "const rl = require('node:readline').createInterface({ input: process.stdin });",
    'let n = 0;',
    `rl.on('line', () => { if (++n === 1) { if (${ready}) process.stdout.write('${READY}\\n'); return; } ${onRequest} });`,
    // Never ends by itself, even when its input does.
    'setInterval(() => {}, 1000);',
  ]);
}

const open = (plan: LaunchPlan, timeout = 500) => converse(plan, 'hello\n', new PassThrough(), timeout, limits);

describe('a hostile --json control node', () => {
  it('an endless reply line ends the conversation at the line limit instead of growing ejctl', async () => {
    const plan = hostile(
      "const b = Buffer.alloc(1 << 20, 65); const w = () => { while (process.stdout.write(b)); process.stdout.once('drain', w); }; w();",
    );
    const before = process.memoryUsage().rss;
    const { remote, close } = await open(plan, 60_000);
    await expect(remote!.call('erlang', 'node', [])).rejects.toThrow(Unreachable);
    await close();
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  }, 60_000);

  it('a control node that never answers gets a deadline (the timeout and a grace), and is stopped', async () => {
    const { remote, close } = await open(hostile('/* never answers */'));
    const started = Date.now();
    await expect(remote!.call('erlang', 'node', [])).rejects.toThrow(Unreachable);
    expect(Date.now() - started).toBeLessThan(30_000);
    await close();
  }, 30_000);

  it('a control node that never says ready is stopped and reported as not started', async () => {
    await expect(open(hostile('', false))).rejects.toThrow('the Erlang control node did not start');
  }, 30_000);

  it('a reply that is no term is the end of the conversation, not a crash', async () => {
    const { remote, close } = await open(hostile("process.stdout.write('!!not base64 of a term!!\\n');"));
    await expect(remote!.call('erlang', 'node', [])).rejects.toThrow(Unreachable);
    await close();
  }, 30_000);

  it('a control node that does not end with its input is stopped', async () => {
    const { remote, close } = await open(hostile(`process.stdout.write('${encodeTerm(atom('x')).toString('base64')}\\n');`));
    expect(await remote!.call('erlang', 'node', [])).toBe(atom('x'));
    await close();
  }, 30_000);
});
