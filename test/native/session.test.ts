/**
 * The native session against real ejabberd nodes: the name the node gives us, hidden, ticks on
 * a node with net_ticktime 4, the io protocol byte for byte as the erl transport's stdout, large
 * outputs, timeouts, and a node killed in the middle of a call.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atom, charList, Tuple, type Term } from '../../src/native/term.js';
import type { NativeSession } from '../../src/native/session.js';
import { cleanupTempDirs } from '../helpers/env.js';
import { appendFileSync } from 'node:fs';
import { beamPids, bootNode, createTestNodeFiles, stopTestNode, waitFor, type TestNode, useTestNode } from '../helpers/node.js';
import { callValue, openTestSession } from './helpers.js';

const capture = () => {
  const chunks: Buffer[] = [];
  return { write: (b: Buffer) => void chunks.push(b), bytes: () => Buffer.concat(chunks) };
};

describe('a native session with a node whose net_ticktime is 4 s', () => {
  let n: TestNode;
  let s: NativeSession;
  beforeAll(async () => {
    // ejabberd sets the tick time from its own option at boot (ejabberd_cluster:set_ticktime/0).
    const opts = { erlArgs: ['-kernel', 'net_ticktime', '4'] };
    const files = await createTestNodeFiles(opts);
    appendFileSync(files.ymlPath, 'net_ticktime: 4\n');
    await bootNode(files, opts);
    n = { ...files, stop: () => stopTestNode(files) };
    s = await openTestSession(n);
  });
  afterAll(async () => {
    s?.close();
    await n?.stop();
    cleanupTempDirs();
  });

  it('is named by the node (a dynamic name on our host), and is hidden', async () => {
    const me = s.pid.node;
    expect(me.name).toMatch(/^[0-9A-Za-z]+@[^@]+$/);
    expect(await callValue(s, 'erlang', 'nodes', [])).toStrictEqual([]);
    expect(await callValue(s, 'erlang', 'nodes', [atom('hidden')])).toContainEqual(me);
  });

  it("leaves no new atom on the node per connection: names come back to the node's pool", async () => {
    const before = (await callValue(s, 'erlang', 'system_info', [atom('atom_count')])) as number;
    for (let i = 0; i < 10; i++) {
      const other = await openTestSession(n);
      const name = other.pid.node;
      await callValue(other, 'erlang', 'node', []);
      other.close();
      await waitFor(
        async () => !((await callValue(s, 'erlang', 'nodes', [atom('hidden')])) as Term[]).includes(name),
        10_000,
        'the connection did not go down',
      );
    }
    const after = (await callValue(s, 'erlang', 'system_info', [atom('atom_count')])) as number;
    expect(after - before).toBeLessThan(3);
  });

  it('answers ticks: a call that lasts over twice the tick time completes on the same connection', async () => {
    expect(await callValue(s, 'net_kernel', 'get_net_ticktime', [])).toBe(4);
    expect(await callValue(s, 'timer', 'sleep', [9000])).toBe(atom('ok'));
    expect(await callValue(s, 'erlang', 'nodes', [atom('hidden')])).toContainEqual(s.pid.node);
  }, 30_000);

  it("prints what the erl transport's stdout prints for the same io:format call", async () => {
    const fmt = charList('~ts|~p|~s|~ts~n');
    const args: Term = [charList('é日'), new Tuple(atom('a'), 1), charList('x'), Buffer.from('ü')];
    const out = capture();
    const o = await s.call('io', 'format', [fmt, args], 10_000, out.write);
    expect(o).toStrictEqual({ kind: 'reply', value: atom('ok') });
    const erl = await execa(
      '/usr/bin/erl',
      ['-noshell', '-boot', 'no_dot_erlang', '-eval', 'io:format("~ts|~p|~s|~ts~n", [[233, 26085], {a, 1}, "x", <<"ü"/utf8>>]), halt().'],
      { encoding: 'buffer', stripFinalNewline: false, env: { HOME: '/nonexistent' } },
    );
    expect(out.bytes()).toStrictEqual(Buffer.from(erl.stdout));
    expect(out.bytes()).toStrictEqual(Buffer.from([0xe9, ...Buffer.from('\\x{65E5}|{a,1}|x|'), 0xfc, 10]));
  });

  it('answers geometry, options and input requests as a -noshell stdout does (no terminal, latin1)', async () => {
    const ask = (fun: string, args: Term[]) => s.call('io', fun, args, 10_000, () => {});
    expect(await ask('columns', [])).toStrictEqual({ kind: 'reply', value: new Tuple(atom('error'), atom('enotsup')) });
    expect(await ask('getopts', [])).toStrictEqual({
      kind: 'reply',
      value: [new Tuple(atom('binary'), atom('false')), new Tuple(atom('encoding'), atom('latin1'))],
    });
    expect(await ask('get_line', [charList('> ')])).toStrictEqual({ kind: 'reply', value: new Tuple(atom('error'), atom('request')) });
  });

  it('brings tens of MB of output through, whole and in order', async () => {
    const out = capture();
    const chunk = Buffer.from('0123456789');
    const o = await s.call('io', 'put_chars', [[Buffer.alloc(0), new Tuple(atom('x'), 1)]], 10_000, out.write);
    expect(o.kind).toBe('reply'); // not chardata: an error reply, not a crash
    const big = await s.call('binary', 'copy', [chunk, 3_000_000], 10_000);
    expect(big.kind).toBe('reply');
    const r = await s.call('io', 'put_chars', [[(big as { value: Term }).value, charList('end')]], 60_000, out.write);
    expect(r).toStrictEqual({ kind: 'reply', value: atom('ok') });
    const bytes = out.bytes();
    expect(bytes.length).toBe(30_000_003);
    expect(bytes.subarray(0, 20).toString()).toBe('01234567890123456789');
    expect(bytes.subarray(-13).toString()).toBe('0123456789end');
  }, 60_000);

  it('ends a call that outlasts its timeout as a timeout, and the session stays usable', async () => {
    expect(await s.call('timer', 'sleep', [3000], 300)).toStrictEqual({ kind: 'timeout' });
    expect(await callValue(s, 'erlang', 'is_alive', [])).toBe(atom('true'));
  });
});

describe('a node that dies in the middle of a call', () => {
  const n = useTestNode();

  it('ends the call as "down" at once, with no timeout to wait for', async () => {
    const s = await openTestSession(n);
    const call = s.call('timer', 'sleep', [60_000], 'infinity');
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of beamPids(n.node)) process.kill(pid, 'SIGKILL');
    const o = await call;
    expect(o.kind).toBe('down');
    expect(await s.call('erlang', 'node', [], 1000)).toMatchObject({ kind: 'down' });
  });
});
