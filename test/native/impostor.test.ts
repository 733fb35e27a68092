/**
 * Peers that are not a well-behaved node, played by a small fake on ERL_DIST_PORT: one that does
 * not know the cookie (its challenge_ack is wrong) must get nothing from us; one that knows it
 * but then sends a frame above the limit must not make us allocate it; one that hangs up before
 * the challenge (as a TLS listener would) is told apart. The real node cannot show these.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, ejctl, tempDir } from '../helpers/env.js';
import { freePort, writeFileMode } from '../helpers/node.js';

type Behaviour = 'wrong-ack' | 'huge-frame' | 'hang-up' | 'other-name';
const COOKIE = 'FAKECOOKIEFAKECOOKIE';
const md5 = (challenge: number) =>
  createHash('md5')
    .update(COOKIE + String(challenge))
    .digest();

/** A fake node on `port`; `after` counts the bytes the client sent after its challenge reply. */
function fakeNode(port: number, behaviour: Behaviour): Promise<{ server: Server; after: () => number; replyOk: () => boolean }> {
  let after = 0;
  let replyOk = false;
  const ours = randomBytes(4).readUInt32BE(0);
  const frame = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
  const onConnection = (sock: Socket) => {
    let stage = 0;
    sock.on('data', (d: Buffer) => {
      if (stage === 0) {
        if (behaviour === 'hang-up') return void sock.destroy();
        const name = Buffer.from('ABC123@localhost');
        const status = Buffer.concat([Buffer.from('snamed:'), Buffer.from([0, name.length]), name, Buffer.from([0, 0, 0, 7])]);
        const challenge = Buffer.alloc(19 + 14);
        challenge.write('N', 0, 'latin1');
        challenge.writeBigUInt64BE(0x1fff7fffdn | (0x7n << 32n), 1);
        challenge.writeUInt32BE(ours, 9);
        challenge.writeUInt32BE(9, 13);
        challenge.writeUInt16BE(14, 17);
        challenge.write(behaviour === 'other-name' ? 'evil@localhost' : 'fake@localhost', 19, 'latin1');
        sock.write(Buffer.concat([frame(status), frame(challenge)]));
        stage = 1;
      } else if (stage === 1) {
        const reply = d.subarray(2);
        replyOk = reply[0] === 0x72 && reply.subarray(5, 21).equals(md5(ours));
        const theirs = reply.readUInt32BE(1);
        const ack = Buffer.concat([Buffer.from('a'), behaviour === 'wrong-ack' ? randomBytes(16) : md5(theirs)]);
        sock.write(frame(ack));
        if (behaviour === 'huge-frame') sock.write(Buffer.from([0xff, 0xff, 0xff, 0xf0, 112]));
        stage = 2;
      } else {
        after += d.length;
      }
    });
    sock.on('error', () => {});
  };
  const server = createServer(onConnection);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, after: () => after, replyOk: () => replyOk })));
}

describe('the native transport with peers that are not the node', () => {
  let dir: string;
  const servers: Server[] = [];
  beforeAll(() => {
    dir = tempDir();
    writeFileMode(`${dir}/cookie`, COOKIE, 0o400);
  });
  afterAll(() => {
    servers.forEach((s) => s.close());
    cleanupTempDirs();
  });

  const run = async (behaviour: Behaviour) => {
    const port = await freePort();
    const fake = await fakeNode(port, behaviour);
    servers.push(fake.server);
    const cfg = `${dir}/${behaviour}.cfg`;
    writeFileMode(
      cfg,
      `ERLANG_NODE=fake@localhost\nERL_DIST_PORT=${port}\nCOOKIE_FILE=${dir}/cookie\nINSTALLUSER=\nSPOOL_DIR=${dir}\nCONFIG_DIR=${dir}\nLOGS_DIR=${dir}\n`,
      0o644,
    );
    const r = await ejctl(['-c', cfg, '--transport', 'native', 'register', 'alice', 'localhost', 'secret-pw'], {
      env: { EJCTL_DIAGNOSE: '1' },
    });
    await new Promise((res) => setTimeout(res, 200));
    return { r, fake };
  };

  it('a peer with a wrong challenge_ack gets no command (and no password): exit 3, and stderr says it is not the node', async () => {
    const { r, fake } = await run('wrong-ack');
    expect(fake.replyOk()).toBe(true); // our digest of its challenge was right
    expect(fake.after()).toBe(0);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith('Failed RPC connection to the node fake@localhost: nodedown\n')).toBe(true);
    expect(r.stderr).toContain('does not know the cookie');
  });

  it('a frame above the limit ends the connection from its header alone: exit 3, nodedown', async () => {
    const { r } = await run('huge-frame');
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith('Failed RPC connection to the node fake@localhost: nodedown\n')).toBe(true);
    expect(r.stderr).toContain('above the limit');
  });

  it('a node with another name (say, a stale EPMD entry or ERL_DIST_PORT pointing elsewhere) gets nothing', async () => {
    const { r, fake } = await run('other-name');
    expect(fake.replyOk()).toBe(false); // we never even answered its challenge
    expect(fake.after()).toBe(0);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('is evil@localhost, not fake@localhost');
  });

  it('a peer that hangs up before the challenge is reported as such, with a hint about TLS', async () => {
    const { r } = await run('hang-up');
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('closed the connection during the handshake');
    expect(r.stderr).toContain('--transport erl');
  });
});
