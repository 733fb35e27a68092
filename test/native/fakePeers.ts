/**
 * Hostile or broken peers for the native transport, as small servers on loopback: a fake EPMD
 * and a fake node. The fake node plays the server side of a real version 6 handshake with the
 * test cookie (digests from src/native/handshake.ts), then speaks 4-byte frames whose terms it
 * encodes and decodes with src/native/{encode,decode}.ts, so a test can act as a node that
 * knows the cookie and then misbehaves.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeTerm } from '../../src/native/decode.js';
import { encodeTerm } from '../../src/native/encode.js';
import { digest } from '../../src/native/handshake.js';
import { atom, Pid, Tuple, type Term } from '../../src/native/term.js';

export const COOKIE = 'HOSTILEPEERCOOKIEXYZ';

export interface Fake {
  server: Server;
  port: number;
  /** Bytes the fake has handed to its socket(s) so far. */
  sent: () => number;
  close: () => void;
}

function listen(onConnection: (sock: Socket, count: (n: number) => void) => void): Promise<Fake> {
  let sent = 0;
  const sockets = new Set<Socket>();
  // A hostile peer does not close when ejctl does: it ignores our FIN (half-open).
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => sockets.delete(sock));
    onConnection(sock, (n) => (sent += n));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({
        server,
        port: typeof a === 'object' && a ? a.port : 0,
        sent: () => sent,
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      });
    }),
  );
}

/** Writes `chunk` again and again as fast as the client reads, until `limit` bytes or a close. */
function stream(sock: Socket, chunk: Buffer, limit: number, count: (n: number) => void): void {
  let total = 0;
  const pump = () => {
    while (total < limit && !sock.destroyed) {
      total += chunk.length;
      count(chunk.length);
      if (!sock.write(chunk)) return void sock.once('drain', pump);
    }
  };
  pump();
}

/** Sends `bytes` one at a time, one every `everyMs`, and never closes. */
function drip(sock: Socket, bytes: Buffer, everyMs: number, count: (n: number) => void): void {
  let i = 0;
  const timer = setInterval(() => {
    if (sock.destroyed) return clearInterval(timer);
    sock.write(bytes.subarray(i % bytes.length, (i % bytes.length) + 1));
    count(1);
    i++;
  }, everyMs);
  sock.on('close', () => clearInterval(timer));
}

export type EpmdBehaviour =
  /** Answers PORT_PLEASE2 one byte every 1.5 s, forever. */
  | 'drip'
  /** Answers PORT_PLEASE2 with a found node, then streams bytes without end (up to 1 GiB). */
  | 'stream-port'
  /** Says the node is not registered; answers NAMES with lines without end (up to 1 GiB). */
  | 'stream-names';

export function fakeEpmd(behaviour: EpmdBehaviour): Promise<Fake> {
  return listen((sock, count) => {
    sock.once('data', (req: Buffer) => {
      const op = req[2];
      if (behaviour === 'drip') return drip(sock, Buffer.from([119, 0, 0x10, 0x00, 77, 0, 0, 6, 0, 5]), 1500, count);
      if (behaviour === 'stream-port') {
        // A found node whose name is 65535 bytes long, and then bytes without end.
        sock.write(Buffer.from([119, 0, 0x10, 0x00, 77, 0, 0, 6, 0, 5, 0xff, 0xff]));
        return stream(sock, Buffer.alloc(64 * 1024, 0x61), 1 << 30, count);
      }
      if (op === 122) {
        count(2);
        return void sock.end(Buffer.from([119, 1]));
      }
      const head = Buffer.from([0, 0, 0x11, 0x11]);
      count(4);
      sock.write(head);
      stream(sock, Buffer.from('name x at port 1\n'.repeat(4096)), 1 << 30, count);
    });
  });
}

export interface NodeLink {
  /** ejctl's pid, from its first message (the spawn request of its call). */
  client: Pid;
  /** Sends a message to `to` (SEND); the message may be given already encoded. */
  send: (to: Pid, msg: Term | { encoded: Buffer }) => void;
  /** Sends a control message of any kind, with its payload if any. */
  control: (control: Term, payload?: Term) => void;
  /** Sends raw bytes. */
  raw: (b: Buffer) => void;
  socket: Socket;
}

export interface Received {
  control: Term;
  payload: Term | undefined;
}

export type HandshakeBehaviour =
  /** The status message, one byte every 1.5 s. */
  | 'drip-status'
  /** A status message header of 65535 bytes, then its bytes without end. */
  | 'huge-status'
  /** Everything right up to the challenge reply, then no challenge_ack, ever. */
  | 'no-ack'
  | 'complete';

const frame2 = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);

export const FAKE_NODE = 'fake@localhost';

function statusAndChallenge(ours: number): Buffer {
  const name = Buffer.from('ABC123@localhost');
  const status = Buffer.concat([Buffer.from('snamed:'), Buffer.from([0, name.length]), name, Buffer.from([0, 0, 0, 7])]);
  const me = Buffer.from(FAKE_NODE);
  const challenge = Buffer.alloc(19 + me.length);
  challenge.write('N', 0, 'latin1');
  challenge.writeBigUInt64BE(0x1fff7fffdn | (0x7n << 32n), 1);
  challenge.writeUInt32BE(ours, 9);
  challenge.writeUInt32BE(9, 13);
  challenge.writeUInt16BE(me.length, 17);
  me.copy(challenge, 19);
  return Buffer.concat([frame2(status), frame2(challenge)]);
}

/**
 * A fake node on a free port. With `complete`, after the handshake every message ejctl sends is
 * passed to `onMessage` (ticks are answered by nobody: the fake never ticks, ejctl must cope).
 */
export function fakeNode(behaviour: HandshakeBehaviour, onMessage: (m: Received, link: NodeLink) => void = () => {}): Promise<Fake> {
  return listen((sock, count) => {
    const ours = randomBytes(4).readUInt32BE(0);
    let stage = 0;
    sock.on('data', (d: Buffer) => {
      if (stage === 0) {
        stage = 1;
        if (behaviour === 'drip-status') return drip(sock, Buffer.from([0, 30, 0x73, 0x6e]), 1500, count);
        if (behaviour === 'huge-status') {
          sock.write(Buffer.from([0xff, 0xff]));
          return stream(sock, Buffer.alloc(1024, 0x73), 1 << 30, count);
        }
        const out = statusAndChallenge(ours);
        count(out.length);
        sock.write(out);
      } else if (stage === 1) {
        stage = 2;
        if (behaviour !== 'complete') return;
        const theirs = d.readUInt32BE(3);
        sock.write(frame2(Buffer.concat([Buffer.from('a'), digest(theirs, COOKIE)])));
        sock.removeAllListeners('data');
        framesOf(sock, onMessage);
      }
    });
  });
}

/** Reads ejctl's 4-byte frames (skipping ticks) and hands each message to `onMessage`. */
function framesOf(sock: Socket, onMessage: (m: Received, link: NodeLink) => void): void {
  let buf = Buffer.alloc(0);
  let client: Pid | undefined;
  const raw = (b: Buffer) => void (sock.destroyed ? undefined : sock.write(b));
  const frame = (c: Buffer, p: Buffer) => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(1 + c.length + p.length, 0);
    head[4] = 112;
    raw(Buffer.concat([head, c, p]));
  };
  const send = (to: Pid, msg: Term | { encoded: Buffer }) =>
    frame(encodeTerm(new Tuple(2, atom(''), to)), typeof msg === 'object' && 'encoded' in msg ? msg.encoded : encodeTerm(msg));
  const control = (c: Term, payload?: Term) => frame(encodeTerm(c), payload === undefined ? Buffer.alloc(0) : encodeTerm(payload));
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const len = buf.readUInt32BE(0);
      const f = buf.subarray(4, 4 + len);
      buf = buf.subarray(4 + len);
      if (len === 0) continue;
      const head = decodeTerm(f, 1);
      const payload = head.end < f.length ? decodeTerm(f, head.end).term : undefined;
      const from = head.term instanceof Tuple ? head.term.items[2] : undefined;
      if (!client && from instanceof Pid) client = from;
      if (client) onMessage({ control: head.term, payload }, { client, send, control, raw, socket: sock });
    }
  });
}

/** A pid of the fake node. */
export const fakePid = (id: number): Pid => new Pid(atom(FAKE_NODE), id, 0, 9);

/**
 * A call ejctl makes as erpc does: SPAWN_REQUEST `{29, ReqId, From, GroupLeader, {erpc,
 * execute_call, 4}, Opts}` with the arguments `[Res, M, F, A]`. `request` is `{call, M, F, A}`;
 * `reply` answers as the node would: the spawn reply, then the monitor's DOWN with the value.
 */
export interface FakeCall {
  from: Pid;
  request: Tuple;
  reply: (link: NodeLink, value: Term) => void;
}

export function genCall(m: Received): FakeCall | undefined {
  const c = m.control;
  if (!(c instanceof Tuple) || c.items[0] !== 29 || !Array.isArray(m.payload)) return undefined;
  const [, reqId, from] = c.items;
  const [res, mod, fun, args] = m.payload;
  if (!(from instanceof Pid) || reqId === undefined || res === undefined) return undefined;
  const spawned = fakePid(200);
  return {
    from,
    request: new Tuple(atom('call'), mod ?? [], fun ?? [], args ?? []),
    reply: (link, value) => {
      link.control(new Tuple(31, reqId, from, 2, spawned));
      link.control(new Tuple(28, spawned, from, reqId), new Tuple(res, atom('return'), value));
    },
  };
}
