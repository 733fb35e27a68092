/**
 * One distribution connection to a node: dial.ts connects and shakes hands, then framed
 * messages (`112`, control term, payload term) and ticks. We send our own tick whenever we have
 * been quiet for a second, so the node never drops us while a long command runs, however short
 * its net_ticktime. A tick from the node is answered only when nothing of ours is waiting to be
 * sent, so a peer that floods ticks and reads nothing cannot make us buffer answers; and a peer
 * that stops reading what we send, or sends no whole frame for SILENCE_LIMIT_MS, is dropped.
 */
import type { Socket } from 'node:net';
import { decodeTerm, MAX_DECODE_UNITS } from './decode.js';
import { dial, type DialOptions } from './dial.js';
import { encodeInto, Writer } from './encode.js';
import type { FrameReader } from './frames.js';
import { Atom, type Term } from './term.js';

export interface DistMessage {
  control: Term;
  payload: Term | undefined;
  /** The frame's length in bytes, and its cost once decoded (decode.ts), for the callers' budgets. */
  size: number;
  units: number;
}

const TICK_EVERY_MS = 1000;
/**
 * The node ticks at least every net_ticktime/4 (15 s by default): no whole frame for far longer
 * is a dead link, or a peer dripping bytes of a frame it never finishes.
 */
const SILENCE_LIMIT_MS = 300_000;
/**
 * What we send is a command, a nested call or an io reply, one at a time, and ticks: more than
 * this waiting in our socket's buffer means the peer has stopped reading.
 */
const MAX_UNSENT_BYTES = 64 * 1024 * 1024;
/** After close(), how long the node gets to see our last bytes before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

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
    try {
      if (chunk.length > 0) this.reader.push(chunk);
      for (let f = this.reader.next(); f && !this.down; f = this.reader.next()) {
        this.lastRead = Date.now();
        if (f.length > 0) this.dispatch(f);
        else if (this.socket.writableLength === 0) this.writeRaw(Buffer.alloc(4));
      }
    } catch (err) {
      this.lose(`protocol error: ${(err as Error).message}`);
    }
  }

  private dispatch(frame: Buffer): void {
    if (frame[0] !== 112) throw new Error(`unexpected frame type ${frame[0]}`);
    const control = decodeTerm(frame, 1);
    const payload = control.end < frame.length ? decodeTerm(frame, control.end, MAX_DECODE_UNITS - control.units) : undefined;
    this.onMessage({ control: control.term, payload: payload?.term, size: frame.length, units: control.units + (payload?.units ?? 0) });
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.lastRead > SILENCE_LIMIT_MS) return this.lose('the node has been silent too long');
    if (now - this.lastWrite >= TICK_EVERY_MS) this.writeRaw(Buffer.alloc(4));
  }

  send(control: Term, payload?: Term): void {
    // One buffer: the length (filled in last), the pass-through byte, the control message, the payload.
    const w = new Writer();
    w.u32(0);
    w.u8(112);
    encodeInto(w, control);
    if (payload !== undefined) encodeInto(w, payload);
    const frame = w.done();
    frame.writeUInt32BE(frame.length - 4, 0);
    this.writeRaw(frame);
  }

  private writeRaw(b: Buffer): void {
    if (this.down) return;
    if (this.socket.writableLength > MAX_UNSENT_BYTES) return this.lose('the node stopped reading what we send');
    this.lastWrite = Date.now();
    this.socket.write(b);
  }

  /** Ends the connection because the peer broke a rule of ours; `onDown` gets `reason`. */
  abort(reason: string): void {
    this.lose(reason);
  }

  private lose(reason: string): void {
    if (this.down) return;
    this.down = true;
    clearInterval(this.ticker);
    this.socket.destroy();
    this.onDown(reason);
  }

  /**
   * Ends the connection politely, without waiting for the peer: a peer that never closes its
   * side must not keep ejctl running, so the socket no longer holds the process open and is
   * destroyed after a short grace.
   */
  close(): void {
    if (this.down) return;
    this.down = true;
    clearInterval(this.ticker);
    this.socket.end();
    this.socket.unref();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}
