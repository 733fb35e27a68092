/**
 * One distribution connection to a node: dial.ts connects and shakes hands, then framed
 * messages (`112`, control term, payload term) and ticks. A zero-length frame from the node is
 * answered at once, and we send our own tick whenever we have been quiet for a second, so the
 * node never drops us while a long command runs, however short its net_ticktime.
 */
import type { Socket } from 'node:net';
import { decodeTerm } from './decode.js';
import { dial, type DialOptions } from './dial.js';
import { encodeTerm } from './encode.js';
import type { FrameReader } from './frames.js';
import { Atom, type Term } from './term.js';

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

  private constructor(
    private readonly socket: Socket,
    private readonly reader: FrameReader,
    readonly self: { name: Atom; creation: number },
    readonly peer: Atom,
  ) {}

  static async open(o: DialOptions): Promise<DistConnection> {
    const d = await dial(o);
    const conn = new DistConnection(d.socket, d.reader, { name: Atom.of(d.self.name), creation: d.self.creation }, Atom.of(d.peer));
    conn.start();
    return conn;
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
