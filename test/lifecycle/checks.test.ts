/**
 * What `start` refuses, with ejabberdctl's messages and exit codes where it has them: a name
 * registered in EPMD with no VM (5), a spool dir that cannot be made (6), ejabberd as root
 * without --allow-root (7), a cookie the node could not read by itself; and the shells whose
 * programs are missing (69).
 */
import { connect, type Socket } from 'node:net';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chownToNodeUser, cleanupTempDirs, epmdPort, isRoot } from '../helpers/env.js';
import { beamPids, createTestNodeFiles, writeFileMode } from '../helpers/node.js';

/** Registers a name in the test EPMD (ALIVE2_REQ) and holds it while the socket stays open. */
function registerInEpmd(name: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(epmdPort()) });
    const nameBytes = Buffer.from(name);
    const body = Buffer.alloc(13 + nameBytes.length);
    let o = body.writeUInt8(120, 0); // 'x'
    o = body.writeUInt16BE(65000, o); // a port nobody listens on
    o = body.writeUInt8(77, o); // normal node
    o = body.writeUInt8(0, o); // tcp/ip v4
    o = body.writeUInt16BE(6, o);
    o = body.writeUInt16BE(5, o);
    o = body.writeUInt16BE(nameBytes.length, o);
    o += nameBytes.copy(body, o);
    body.writeUInt16BE(0, o); // no extra
    const frame = Buffer.alloc(2);
    frame.writeUInt16BE(body.length);
    socket.on('connect', () => socket.write(Buffer.concat([frame, body])));
    // ALIVE2_RESP ('y'), or ALIVE2_X_RESP ('v') for a version 6 node; result 0 is success.
    socket.once('data', (d) =>
      (d[0] === 121 || d[0] === 118) && d[1] === 0 ? resolve(socket) : reject(new Error('EPMD refused the name')),
    );
    socket.on('error', reject);
  });
}

describe('start refuses', () => {
  afterAll(() => cleanupTempDirs());

  it("a name registered in EPMD without a VM: ejabberdctl's message on stdout, exit 5", async () => {
    const n = await createTestNodeFiles();
    const holder = await registerInEpmd(n.name);
    try {
      const r = await n.ctl(['start']);
      expect(r.stdout).toBe(
        `ERROR: The ejabberd node '${n.node}' is registered,\n       but no related beam process has been found.\nShutdown all other erlang nodes, and call 'epmd -kill'.\n`,
      );
      expect(r.exitCode).toBe(5);
      expect(beamPids(n.node)).toEqual([]);
    } finally {
      holder.destroy();
    }
  });

  it('a spool dir that cannot be created: exit 6', async () => {
    const n = await createTestNodeFiles({ cfgExtra: 'SPOOL_DIR=/dev/null/spool' });
    const r = await n.ctl(['start']);
    expect(r.stdout).toBe('ERROR: can not access directory /dev/null/spool\n');
    expect(r.exitCode).toBe(6);
  });

  it.skipIf(!isRoot)('running ejabberd as root: exit 7 unless --allow-root, which warns', async () => {
    const n = await createTestNodeFiles({ cfgExtra: 'INSTALLUSER=' });
    const r = await n.ctl(['start']);
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toContain('ERROR: ejctl does not run ejabberd as root\n');
    expect(r.stderr).toContain('--allow-root');
    const dry = await n.ctl(['--dry-run', 'start', '--allow-root']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toBe('WARNING: It is not recommended to run ejabberd as root\n');
    expect(dry.stdout).toContain('user: current user');
    expect(dry.stdout).toContain(`"-sname","${n.node}"`);
    expect(dry.stdout).not.toContain(n.cookie);
  });

  it('a COOKIE_FILE not named .erlang.cookie: exit 78, as the node could not read it', async () => {
    const n = await createTestNodeFiles();
    const other = join(n.home, 'cookie');
    writeFileMode(other, n.cookie, 0o400);
    chownToNodeUser(other);
    const r = await n.ctl(['--cookie-file', other, 'start']);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain('is not named .erlang.cookie');
  });

  it('a missing cookie: exit 77, instead of letting Erlang create a guessable one', async () => {
    const n = await createTestNodeFiles();
    const dir = join(n.dir, 'nocookie');
    mkdirSync(dir, { mode: 0o700 });
    chownToNodeUser(dir);
    const r = await n.ctl(['--cookie-file', join(dir, '.erlang.cookie'), 'start']);
    expect(r.exitCode).toBe(77);
    expect(existsSync(join(dir, '.erlang.cookie'))).toBe(false);
    expect(beamPids(n.node)).toEqual([]);
  });

  it.skipIf(!isRoot)('a cookie owned by root that the ejabberd user could not read: exit 77', async () => {
    const n = await createTestNodeFiles();
    const dir = join(n.dir, 'rootcookie');
    mkdirSync(dir, { mode: 0o755 });
    writeFileMode(join(dir, '.erlang.cookie'), n.cookie, 0o400);
    const r = await n.ctl(['--cookie-file', join(dir, '.erlang.cookie'), 'start']);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toMatch(/owned by uid 0, but the node runs as uid \d+/);
  });
});

describe('shells whose programs are missing', () => {
  const observer = ['/usr/lib/erlang/lib', '/usr/lib/x86_64-linux-gnu'].some(
    (d) => existsSync(d) && readdirSync(d).some((f) => f.startsWith('observer-')),
  );

  it.skipIf(existsSync('/usr/bin/iex'))('iexlive and iexdebug say Elixir is missing and exit 69', async () => {
    const n = await createTestNodeFiles();
    for (const cmd of ['iexlive', 'iexdebug']) {
      const r = await n.ctl([cmd]);
      expect(r.exitCode).toBe(69);
      expect(r.stderr).toContain("needs Elixir's shell /usr/bin/iex, which is not installed");
    }
  });

  it.skipIf(observer)('etop says the observer application is missing and exits 69', async () => {
    const n = await createTestNodeFiles();
    const r = await n.ctl(['etop']);
    expect(r.exitCode).toBe(69);
    expect(r.stderr).toContain("etop needs Erlang's observer application");
  });
});
