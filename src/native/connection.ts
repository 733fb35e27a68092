/**
 * One distribution connection to a node: TCP connect, the version 6 handshake, then framed
 * messages (`112`, control term, payload term) and ticks. A zero-length frame from the node is
 * answered at once, and we send our own tick whenever we have been quiet for a second, so the
 * node never drops us while a long command runs, however short its net_ticktime.
 */
import { connect, type Socket } from 'node:net';
import { decodeTerm } from './decode.js';
import { encodeTerm } from './encode.js';
import { FrameReader } from './frames.js';
import * as hs from './handshake.js';
import { Atom, type Term } from './term.js';

export type FailureKind = 'refused' | 'timeout' | 'unreachable' | 'rejected-cookie' | 'bad-ack' | 'refused-status' | 'closed' | 'protocol';

/** Why a connection could not be made or was lost, as data; src/native/diagnose.ts words it. */
export class ConnectFailure extends Error {
  constructor(readonly kind: FailureKind, message: string) {
    super(message);
  }
}

export interface ConnectOptions {
  host: string;
  port: number;
  cookie: string;
  /** The host part we ask the node to name us under. */
  ourHost: string;
  /** For the TCP connect and the whole handshake together. */
  timeoutMs: number;
  /** Largest frame accepted after the handshake. */
  maxFrame: number;
}

export interface DistMessage {
  control: Term;
  payload: Term | undefined;
}

const TICK_EVERY_MS = 1000;
/** The node ticks at least every net_ticktime/4 (60 s by default); silence far beyond it is a dead link. */
const SILENCE_LIMIT_MS = 300_000;

export class DistConnection {
  onMessage: (m: DistMessage) => void = () => {};
  onDown: (reason: string) => void = () => {};
  private lastWrite = Date.now();
  private lastRead = Date.now();
  private ticker: NodeJS.Timeout | undefined;
  private down = false;

  private constructor(private readonly socket: Socket, private readonly reader: FrameReader, readonly self: { name: Atom; creation: number }, readonly peer: Atom) {}

  static open(o: ConnectOptions): Promise<DistConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: o.host, port: o.port });
      socket.setNoDelay(true);
      const reader = new FrameReader(2, 65535);
      let stage: 'connect' | 'status' | 'challenge' | 'ack' | 'done' = 'connect';
      let self: { name: Atom; creation: number } | undefined;
      let peer = '';
      const ours = hs.newChallenge();
      const fail = (f: ConnectFailure) => {
        if (stage === 'done') return;
        stage = 'done';
        clearTimeout(timer);
        socket.destroy();
        reject(f);
      };
      const timer = setTimeout(() => fail(new ConnectFailure('timeout', stage === 'connect'
        ? `no TCP connection to ${o.host}:${o.port} within ${o.timeoutMs} ms`
        : `the handshake with ${o.host}:${o.port} did not finish within ${o.timeoutMs} ms`)), o.timeoutMs);
      const write = (msg: Buffer) => {
        const head = Buffer.alloc(2);
        head.writeUInt16BE(msg.length, 0);
        socket.write(Buffer.concat([head, msg]));
      };
      const step = (frame: Buffer): void => {
        if (stage === 'status') {
          const named = hs.parseStatus(frame);
          self = { name: Atom.of(named.name), creation: named.creation };
          stage = 'challenge';
        } else if (stage === 'challenge') {
          const c = hs.parseChallenge(frame);
          hs.checkPeerFlags(c.flags);
          peer = c.name;
          write(hs.challengeReply(c.challenge, ours, o.cookie));
          stage = 'ack';
        } else if (stage === 'ack' && self) {
          hs.checkAck(frame, ours, o.cookie);
          stage = 'done';
          clearTimeout(timer);
          reader.setHeaderBytes(4, o.maxFrame);
          socket.removeAllListeners('data');
          socket.removeAllListeners('close');
          socket.removeAllListeners('error');
          const conn = new DistConnection(socket, reader, self, Atom.of(peer));
          resolve(conn);
          conn.start();
        }
      };
      socket.on('connect', () => {
        stage = 'status';
        write(hs.sendName(o.ourHost));
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
          const finished = (): boolean => stage === 'done';
          for (let f = reader.next(); f; f = finished() ? undefined : reader.next()) step(f);
        } catch (err) {
          const kind = err instanceof hs.HandshakeError ? (err.kind === 'bad-ack' ? 'bad-ack' : err.kind === 'status' ? 'refused-status' : 'protocol') : 'protocol';
          fail(new ConnectFailure(kind, (err as Error).message));
        }
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (stage === 'connect' && err.code === 'ECONNREFUSED') fail(new ConnectFailure('refused', `nothing listens on ${o.host}:${o.port}`));
        else if (stage === 'connect') fail(new ConnectFailure('unreachable', `${o.host}:${o.port}: ${err.code ?? err.message}`));
        else fail(new ConnectFailure(stage === 'ack' ? 'rejected-cookie' : 'closed', `${o.host}:${o.port}: ${err.code ?? err.message}`));
      });
      socket.on('close', () => {
        // A node that rejects our digest closes the socket right after the challenge reply.
        if (stage === 'ack') fail(new ConnectFailure('rejected-cookie', 'the node closed the connection after our challenge reply: it rejected the cookie'));
        else fail(new ConnectFailure('closed', `the node closed the connection during the handshake (stage: ${stage})`));
      });
    });
  }

  private start(): void {
    this.socket.setKeepAlive(true, 30_000);
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.lose(`connection error: ${err.code ?? err.message}`));
    this.socket.on('close', () => this.lose('the node closed the connection'));
    this.ticker = setInterval(() => this.tick(), TICK_EVERY_MS);
    this.ticker.unref();
    this.receive(Buffer.alloc(0));
  }

  private receive(chunk: Buffer): void {
    this.lastRead = Date.now();
    try {
      if (chunk.length > 0) this.reader.push(chunk);
      for (let f = this.reader.next(); f && !this.down; f = this.reader.next()) {
        if (f.length === 0) this.writeRaw(Buffer.alloc(4));
        else this.dispatch(f);
      }
    } catch (err) {
      this.lose(`protocol error: ${(err as Error).message}`);
    }
  }

  private dispatch(frame: Buffer): void {
    if (frame[0] !== 112) throw new Error(`unexpected frame type ${frame[0]}`);
    const control = decodeTerm(frame, 1);
    const payload = control.end < frame.length ? decodeTerm(frame, control.end).term : undefined;
    this.onMessage({ control: control.term, payload });
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.lastRead > SILENCE_LIMIT_MS) return this.lose('the node has been silent too long');
    if (now - this.lastWrite >= TICK_EVERY_MS) this.writeRaw(Buffer.alloc(4));
  }

  send(control: Term, payload?: Term): void {
    const c = encodeTerm(control);
    const p = payload === undefined ? Buffer.alloc(0) : encodeTerm(payload);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(1 + c.length + p.length, 0);
    head[4] = 112;
    this.writeRaw(Buffer.concat([head, c, p]));
  }

  private writeRaw(b: Buffer): void {
    if (this.down) return;
    this.lastWrite = Date.now();
    this.socket.write(b);
  }

  private lose(reason: string): void {
    if (this.down) return;
    this.down = true;
    clearInterval(this.ticker);
    this.socket.destroy();
    this.onDown(reason);
  }

  close(): void {
    if (this.down) return;
    this.down = true;
    clearInterval(this.ticker);
    this.socket.end();
  }
}
