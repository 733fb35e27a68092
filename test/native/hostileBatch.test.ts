/**
 * `ejctl batch` over the same connection code, against fake nodes: a flood of io requests ends
 * the batch as a lost connection, and the output `--json` keeps for one command is capped.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';
import { atom, charList, Tuple } from '../../src/native/term.js';
import { fakeNode, fakePid, genCall, type Fake } from './fakePeers.js';
import { fakeCfg, MiB, runHostile } from './hostileHelpers.js';

describe.concurrent('batch against a hostile node', () => {
  const fakes: Fake[] = [];
  afterAll(() => {
    fakes.forEach((f) => f.close());
    cleanupTempDirs();
  });
  const batchFile = () => {
    const file = join(tempDir('ejctl-batch-'), 'cmds.txt');
    writeFileSync(file, 'status\nstatus\n');
    return file;
  };

  it('a flood of io requests: the batch stops, exit 3, the summary says the connection was lost', async () => {
    const f = await fakeNode('complete', (m, link) => {
      const call = genCall(m);
      if (!call) return;
      const req = (i: number) =>
        new Tuple(
          atom('io_request'),
          fakePid(100),
          i,
          new Tuple(atom('put_chars'), atom('unicode'), atom('io_lib'), atom('format'), [charList('~p~n'), [i]]),
        );
      for (let i = 0; i < 5000; i++) link.send(call.from, req(i));
    });
    fakes.push(f);
    const r = await runHostile(fakeCfg(f.port), ['batch', batchFile()], 1, 100_000);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('more than 1000 io requests');
    expect(r.stderr).toContain('ejctl batch: 1 of 2 command(s) run, 0 ok, 1 failed (line 1), 1 not run (connection lost);');
  });

  it("--json keeps at most 64 MiB of one command's output, and says so", async () => {
    const f = await fakeNode('complete', (m, link) => {
      const call = genCall(m);
      if (!call) return;
      // batch --json first asks for the command definitions (to redact secrets): none here.
      if (call.request instanceof Tuple && call.request.items[1] === atom('ejabberd_commands')) {
        call.reply(link, []);
        return;
      }
      const print = new Tuple(atom('put_chars'), atom('unicode'), Buffer.alloc(70 * MiB, 0x61));
      link.send(call.from, new Tuple(atom('io_request'), fakePid(100), 1, print));
      // The io reply comes before the call's reply: answer the command once the output is served.
      link.socket.once('data', () => call.reply(link, 0));
    });
    fakes.push(f);
    const r = await runHostile(fakeCfg(f.port), ['batch', '--json', batchFile()], 1, 100_000);
    const first = JSON.parse(r.stdout.split('\n')[0] ?? '{}') as { stdout: string; stdoutTruncated?: boolean; exitCode: number };
    expect(first.exitCode).toBe(0);
    expect(first.stdout.length).toBe(64 * MiB);
    expect(first.stdoutTruncated).toBe(true);
    expect(r.stderr).toContain(`ejctl batch: line 1 printed more than ${64 * MiB} bytes`);
  });
});
