/**
 * A fake EPMD that drips its answer or streams without end. ejctl must give up within its
 * overall EPMD deadline (2 s) or at its size limits (64 KiB for PORT_PLEASE2, 1 MiB for NAMES),
 * say so on stderr, and exit 3 with ejabberdctl's nodedown line; its memory stays small.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/env.js';
import { FAKE_NODE, fakeEpmd, type Fake } from './fakePeers.js';
import { fakeCfg, MiB, runHostile } from './hostileHelpers.js';

const NODEDOWN = `Failed RPC connection to the node ${FAKE_NODE}: nodedown\n`;

describe.concurrent('a hostile EPMD', () => {
  const fakes: Fake[] = [];
  afterAll(() => {
    fakes.forEach((f) => f.close());
    cleanupTempDirs();
  });

  it('one byte every 1.5 s: ejctl gives up at its 2 s deadline, exit 3, and says EPMD did not answer in full', async () => {
    const epmd = await fakeEpmd('drip');
    fakes.push(epmd);
    const r = await runHostile(fakeCfg(), ['status'], epmd.port, 30_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain(`EPMD on localhost:${epmd.port} did not send a whole answer within 2 s`);
  });

  it('a PORT_PLEASE2 answer without end: refused at 64 KiB, exit 3, small memory', async () => {
    const epmd = await fakeEpmd('stream-port');
    fakes.push(epmd);
    const r = await runHostile(fakeCfg(), ['status'], epmd.port, 60_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain(`EPMD on localhost:${epmd.port} sent more than 65536 bytes`);
    // What the fake could push before ejctl hung up: socket buffers, far below what it offered (1 GiB).
    expect(epmd.sent()).toBeLessThan(64 * MiB);
    expect(r.peakRss).toBeLessThan(300 * MiB);
  });

  it('a NAMES answer without end (asked for the diagnosis of an unregistered node): refused at 1 MiB', async () => {
    const epmd = await fakeEpmd('stream-names');
    fakes.push(epmd);
    const r = await runHostile(fakeCfg(), ['status'], epmd.port, 60_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(NODEDOWN)).toBe(true);
    expect(r.stderr).toContain(`no node named 'fake' is registered (registered: unknown`);
    expect(r.stderr).toContain('sent more than 1048576 bytes');
    expect(epmd.sent()).toBeLessThan(64 * MiB);
    expect(r.peakRss).toBeLessThan(300 * MiB);
  });

  it('`stopped` polling a NAMES answer without end ends too', async () => {
    const epmd = await fakeEpmd('stream-names');
    fakes.push(epmd);
    const r = await runHostile(fakeCfg(), ['stopped', '--timeout', '1'], epmd.port, 60_000);
    // No usable answer from EPMD counts as "not registered" (as before); what matters is that it ends, small.
    expect(r.exitCode).toBe(0);
    expect(epmd.sent()).toBeLessThan(64 * MiB);
    expect(r.peakRss).toBeLessThan(300 * MiB);
  });
});
