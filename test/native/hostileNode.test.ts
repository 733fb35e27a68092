/**
 * Fake nodes that stall or flood ejctl during the handshake, or that know the cookie and then
 * misbehave. Whatever they do, ejctl ends: within the handshake deadline (7 s), at the
 * command timeout (60 s, ejabberdctl's `Failed RPC connection to the node NODE: timeout`, exit
 * 3), or at a limit. The three cases that wait for the command timeout run side by side, so the
 * file takes about a minute.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/env.js';
import { encodeTerm } from '../../src/native/encode.js';
import { charList, Tuple, atom, type Term } from '../../src/native/term.js';
import { FAKE_NODE, fakeNode, fakePid, genCall, type Fake, type NodeLink, type Received } from './fakePeers.js';
import { fakeCfg, MiB, runHostile } from './hostileHelpers.js';

const NODEDOWN = `Failed RPC connection to the node ${FAKE_NODE}: nodedown\n`;
const TIMEOUT = `Failed RPC connection to the node ${FAKE_NODE}: timeout\n`;

/** An output request the io server cannot format itself: it asks the node (a nested call). */
const needsNode = (n: number): Term =>
  new Tuple(
    atom('io_request'),
    fakePid(100),
    n,
    new Tuple(atom('put_chars'), atom('unicode'), atom('io_lib'), atom('format'), [charList('~p~n'), [n]]),
  );

type Act = (m: Received, link: NodeLink) => void;

/** On the command's call to rex: `act` once; nested calls and everything else go unanswered. */
function onCommand(act: (call: NonNullable<ReturnType<typeof genCall>>, link: NodeLink) => void): Act {
  let done = false;
  return (m, link) => {
    const call = genCall(m);
    if (done || !call) return;
    done = true;
    act(call, link);
  };
}

describe.concurrent('a hostile node', () => {
  const fakes: Fake[] = [];
  afterAll(() => {
    fakes.forEach((f) => f.close());
    cleanupTempDirs();
  });
  const start = async (...args: Parameters<typeof fakeNode>) => {
    const f = await fakeNode(...args);
    fakes.push(f);
    return f;
  };
  const run = (f: Fake, killAfterMs: number) => runHostile(fakeCfg(f.port), ['status'], 1, killAfterMs);

  it('a status message dripped one byte every 1.5 s: the 7 s handshake deadline ends it, exit 3', async () => {
    const r = await run(await start('drip-status'), 40_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain('did not finish within 7 s');
  });

  it('a handshake message of 65535 bytes is refused from its header (limit 8 KiB), exit 3', async () => {
    const f = await start('huge-status');
    const r = await run(f, 40_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain('a handshake message of 65535 bytes, above the limit of 8192');
  });

  it('no challenge_ack ever: the handshake deadline ends it, and stderr names the step', async () => {
    const r = await run(await start('no-ack'), 40_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain('did not finish within 7 s (waiting for the challenge acknowledgement)');
  });

  it('knows the cookie, then never answers and never hangs up: the 60 s timeout line, exit 3, and ejctl exits', async () => {
    const r = await run(await start('complete'), 100_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(TIMEOUT)).toBe(true);
    expect(r.stdout).toContain('Commands to start an ejabberd node:');
    expect(r.stderr).toContain(`${FAKE_NODE} did not answer within 60 s`);
  });

  it('sends an io request whose nested io_lib:format call it never answers: timeout line at 60 s, exit 3', async () => {
    const f = await start(
      'complete',
      onCommand((call, link) => link.send(call.from, needsNode(1))),
    );
    const r = await run(f, 100_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(TIMEOUT)).toBe(true);
  });

  it('the same, but it answers the command itself at once: still the timeout line at 60 s, exit 3', async () => {
    const f = await start(
      'complete',
      onCommand((call, link) => {
        link.send(call.from, needsNode(1));
        call.reply(link, 0);
      }),
    );
    const r = await run(f, 100_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(TIMEOUT)).toBe(true);
  });

  it('an io request of 64 million empty lists (a 64 MiB frame, 2.5 GB once decoded): refused while decoding, exit 3', async () => {
    const n = 64 * MiB;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(n, 0);
    const part = (t: Term) => encodeTerm(t).subarray(1);
    // {io_request, Pid, 1, [[], [], ...]} written by hand: the test must not build the list itself.
    const encoded = Buffer.concat([
      Buffer.from([131, 104, 4]),
      part(atom('io_request')),
      part(fakePid(100)),
      Buffer.from([97, 1, 108]),
      count,
      Buffer.alloc(n + 1, 106),
    ]);
    const f = await start(
      'complete',
      onCommand((call, link) => link.send(call.from, { encoded })),
    );
    const r = await run(f, 100_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain('term too large once decoded');
    expect(r.peakRss).toBeLessThan(1024 * MiB);
  });

  it('floods io requests without waiting for replies: cut off at 1,000 queued, exit 3, small memory', async () => {
    const f = await start(
      'complete',
      onCommand((call, link) => {
        for (let i = 0; i < 20_000; i++) link.send(call.from, needsNode(i));
      }),
    );
    const r = await run(f, 100_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain('more than 1000 io requests');
    expect(r.peakRss).toBeLessThan(300 * MiB);
  });
});
