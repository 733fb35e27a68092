/**
 * The TCP connect and the handshake of a distribution connection, as a small state machine over
 * the builders and parsers of handshake.ts. Its result is a socket ready for 4-byte frames, or a
 * DialFailure saying which step failed, for the diagnosis on stderr.
 */
import { connect, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { FrameReader } from './frames.js';
import * as hs from './handshake.js';

export type FailureKind =
  'refused' | 'timeout' | 'unreachable' | 'rejected-cookie' | 'bad-ack' | 'refused-status' | 'closed' | 'protocol' | 'tls';

export class DialFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface DialOptions {
  host: string;
  port: number;
  cookie: string;
  /** The host part we ask the node to name us under. */
  ourHost: string;
  /** The node we mean: a different name in the challenge (a stale EPMD entry...) ends the handshake. */
  expectNode: string;
  /** For the TCP connect and the whole handshake together. */
  timeoutMs: number;
  /** Largest frame accepted after the handshake. */
  maxFrame: number;
  /** TLS distribution (inet_tls): the handshake runs inside TLS with these options (src/tls/distTls.ts). */
  tls?: ConnectionOptions;
}

export interface Dialed {
  socket: Socket;
  /** Holds any bytes that came after the handshake; reads 4-byte frames from now on. */
  reader: FrameReader;
  self: { name: string; creation: number };
  peer: string;
}

type Stage = 'connect' | 'status' | 'challenge' | 'ack' | 'done';

class Dialer {
  private stage: Stage = 'connect';
  private readonly reader: FrameReader;
  private readonly ours = hs.newChallenge();
  private self: { name: string; creation: number } | undefined;
  private peer = '';
  private readonly socket: Socket;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly o: DialOptions,
    private readonly resolve: (d: Dialed) => void,
    private readonly reject: (f: DialFailure) => void,
  ) {
    this.reader = new FrameReader(handshakeHeaderBytes(o), 65535);
    this.socket = openSocket(o);
    this.socket.setNoDelay(true);
    this.timer = setTimeout(
      () =>
        this.fail(
          'timeout',
          this.stage === 'connect'
            ? `no TCP connection to ${o.host}:${o.port} within ${o.timeoutMs} ms`
            : `the handshake with ${o.host}:${o.port} did not finish within ${o.timeoutMs} ms`,
        ),
      o.timeoutMs,
    );
    this.socket.on(o.tls ? 'secureConnect' : 'connect', () => {
      this.stage = 'status';
      this.write(hs.sendName(o.ourHost));
    });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
    // A node that rejects our digest closes the socket right after the challenge reply.
    this.socket.on('close', () =>
      this.stage === 'ack'
        ? this.fail('rejected-cookie', 'the node closed the connection after our challenge reply: it rejected the cookie')
        : this.fail('closed', `the node closed the connection during the handshake (stage: ${this.stage})`),
    );
  }

  private write(msg: Buffer): void {
    const head = Buffer.alloc(handshakeHeaderBytes(this.o));
    head.writeUIntBE(msg.length, 0, head.length);
    this.socket.write(Buffer.concat([head, msg]));
  }

  private receive(chunk: Buffer): void {
    try {
      this.reader.push(chunk);
      for (let f = this.reader.next(); f; f = this.stage === 'done' ? undefined : this.reader.next()) this.step(f);
    } catch (err) {
      const kind =
        err instanceof hs.HandshakeError
          ? ({ 'bad-ack': 'bad-ack', status: 'refused-status', protocol: 'protocol' } as const)[err.kind]
          : 'protocol';
      this.fail(kind, (err as Error).message);
    }
  }

  private step(frame: Buffer): void {
    if (this.stage === 'status') {
      this.self = hs.parseStatus(frame);
      this.stage = 'challenge';
    } else if (this.stage === 'challenge') {
      const c = hs.parseChallenge(frame);
      hs.checkPeerFlags(c.flags);
      if (c.name !== this.o.expectNode)
        throw new hs.HandshakeError('protocol', `the node at ${this.o.host}:${this.o.port} is ${c.name}, not ${this.o.expectNode}`);
      this.peer = c.name;
      this.write(hs.challengeReply(c.challenge, this.ours, this.o.cookie));
      this.stage = 'ack';
    } else if (this.stage === 'ack' && this.self) {
      hs.checkAck(frame, this.ours, this.o.cookie);
      this.finish(this.self);
    }
  }

  private finish(self: { name: string; creation: number }): void {
    this.stage = 'done';
    clearTimeout(this.timer);
    this.reader.setHeaderBytes(4, this.o.maxFrame);
    for (const event of ['data', 'close', 'error', 'connect']) this.socket.removeAllListeners(event);
    this.resolve({ socket: this.socket, reader: this.reader, self, peer: this.peer });
  }

  private onError(err: NodeJS.ErrnoException): void {
    const where = `${this.o.host}:${this.o.port}`;
    if (this.o.tls && isTlsError(err)) return this.fail('tls', `${where}: ${err.code ?? ''} ${err.message}`.trim());
    if (this.stage === 'connect' && err.code === 'ECONNREFUSED') this.fail('refused', `nothing listens on ${where}`);
    else if (this.stage === 'connect') this.fail('unreachable', `${where}: ${err.code ?? err.message}`);
    else this.fail(this.stage === 'ack' ? 'rejected-cookie' : 'closed', `${where}: ${err.code ?? err.message}`);
  }

  private fail(kind: FailureKind, message: string): void {
    if (this.stage === 'done') return;
    this.stage = 'done';
    clearTimeout(this.timer);
    this.socket.destroy();
    this.reject(new DialFailure(kind, message));
  }
}

/** The one place a distribution socket is made: plain TCP, or TLS for inet_tls nodes (node:tls loaded only then). */
function openSocket(o: DialOptions): Socket {
  if (!o.tls) return connect({ host: o.host, port: o.port });
  return process.getBuiltinModule('node:tls').connect({ ...o.tls, host: o.host, port: o.port });
}

/** Handshake messages are framed by 2 bytes over TCP, by 4 inside TLS (inet_tls_dist, measured on OTP 25). */
function handshakeHeaderBytes(o: DialOptions): 2 | 4 {
  return o.tls ? 4 : 2;
}

/** Certificate and TLS protocol errors of node:tls / OpenSSL, including the peer's alerts. */
function isTlsError(err: NodeJS.ErrnoException): boolean {
  return /^ERR_(SSL|TLS)_|CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ALTNAME/.test(err.code ?? '') || /alert|certificate/i.test(err.message);
}

export function dial(o: DialOptions): Promise<Dialed> {
  return new Promise((resolve, reject) => void new Dialer(o, resolve, reject));
}
