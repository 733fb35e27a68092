/**
 * A hidden-node session with the ejabberd node: our own pid, calls made as OTP 23+'s rpc:call
 * makes them (a spawned erpc:execute_call/4 with a monitor, erpc.ts) with our pid as the group
 * leader, and the io requests of the called code served in arrival order.
 *
 * A call's timeout covers everything it waits for: the reply, then its queued output requests,
 * including the nested calls that format them. Nested calls get the call's remaining time (at
 * most NESTED_CALL_TIMEOUT_MS), and the queue of io requests is bounded (ioQueue.ts), so no peer
 * can keep a call waiting beyond its timeout or make the queue grow (docs/native.md, "Limits").
 */
import { DistConnection, type DistMessage } from './connection.js';
import { urandom } from './random.js';
import type { DialOptions } from './dial.js';
import { demonitor, rpcResultOfDown, rpcResultOfErpcError, spawnEvent, spawnEventTarget, spawnRequest } from './erpc.js';
import { IoQueue, type IoCost } from './ioQueue.js';
import type { Encoding } from './chardata.js';
import { errorReply, IoServer, type Geometry, type Write } from './ioServer.js';
import { atom, charList, isAtom, isTagged, Pid, Ref, samePid, sameRef, Tuple, type Atom, type Term } from './term.js';

export type CallOutcome = { kind: 'reply'; value: Term } | { kind: 'timeout' } | { kind: 'down'; reason: string };
export type Timeout = number | 'infinity';

interface Pending {
  /** The spawn request's id, which is also its monitor's reference. */
  reqId: Ref;
  /** The tag of the process's exit reason (erpc's `Res`). */
  res: Ref;
  /** The spawned process, once the node says so. */
  spawned?: Pid;
  settle: (o: CallOutcome) => void;
}

const SEND = 2;
/** A nested call (io_lib:format on the node) takes microseconds; with no call timeout, this bounds it. */
export const NESTED_CALL_TIMEOUT_MS = 60_000;
/** Distinct processes that may print during one call (a command runs in one or a few). */
const MAX_SPEAKERS = 10_000;

export class NativeSession {
  readonly pid: Pid;
  private readonly pending = new Set<Pending>();
  private refCounter = 0;
  private readonly refSalt = saltWords(urandom(8));
  /** Where the current command's output goes; output with no command running is dropped. */
  private output: Write | undefined;
  private readonly ioQueue = new IoQueue();
  /** The terminal the command's output goes to, if any (forward.ts sets it from stdout). */
  terminal: Geometry = () => undefined;
  /** The encoding of the standard output it plays (deviceEncoding.ts); OTP 25's latin1 unless set. */
  device: () => Encoding = () => 'latin1';
  private readonly io = new IoServer(
    (m, f, a) => this.evaluate(m, f, a),
    () => this.terminal(),
    () => this.device(),
  );
  /** Processes that printed during the current call; once it ends, their output is dropped, so a
   * command that outlived its timeout cannot print into the next command's output (batch). */
  private readonly speakers = new Set<string>();
  private readonly finished = new Set<string>();
  private downReason: string | undefined;
  /** When the current call (or printf) must be over; undefined: no timeout. */
  private deadline: number | undefined;
  /** A nested call of the current call timed out: its output is incomplete, so the call timed out. */
  private nestedTimedOut = false;

  private constructor(private readonly conn: DistConnection) {
    this.pid = new Pid(conn.self.name, 1, 0, conn.self.creation);
    conn.onMessage = (m) => this.receive(m);
    conn.onDown = (reason) => this.lose(reason);
  }

  static async open(o: DialOptions): Promise<NativeSession> {
    return new NativeSession(await DistConnection.open(o));
  }

  get peer(): string {
    return this.conn.peer.name;
  }

  /** rpc:call(Node, Mod, Fun, Args, Timeout), printing to `output`; the timeout covers the output too. */
  async call(mod: string, fun: string, args: Term, timeoutMs: Timeout, output?: Write): Promise<CallOutcome> {
    const previous = { output: this.output, deadline: this.deadline };
    if (output) this.output = output;
    this.deadline = timeoutMs === 'infinity' ? undefined : Date.now() + timeoutMs;
    this.nestedTimedOut = false;
    try {
      const outcome = await this.request(mod, fun, args, timeoutMs);
      if (outcome.kind !== 'reply') return outcome;
      // Output requests still queued belong to this call: let them finish, within its deadline.
      const drained = await this.ioQueue.drain(this.deadline);
      return drained && !this.nestedTimedOut ? outcome : { kind: 'timeout' };
    } finally {
      this.output = previous.output;
      this.deadline = previous.deadline;
      // (Set.clear() makes a new table: not when there is nothing to clear, the case of most calls.)
      if (this.speakers.size > 0) {
        if (this.finished.size > 10_000) this.finished.clear();
        for (const key of this.speakers) this.finished.add(key);
        this.speakers.clear();
      }
    }
  }

  /** io:format(Format, Args) as the called code would print it, evaluated by the node within `timeoutMs`. */
  async printf(format: string, args: Term[], output: Write, timeoutMs: Timeout = NESTED_CALL_TIMEOUT_MS): Promise<boolean> {
    const previous = this.deadline;
    this.deadline = timeoutMs === 'infinity' ? undefined : Date.now() + timeoutMs;
    try {
      const req = new Tuple(atom('put_chars'), atom('unicode'), atom('io_lib'), atom('format'), [charList(format), args]);
      return isAtom(await this.io.handle(req, output), 'ok');
    } finally {
      this.deadline = previous;
    }
  }

  /** erpc:call(Node, M, F, A, Timeout) as rpc:call uses it; on timeout the monitor is dropped, as erpc does. */
  private request(mod: string, fun: string, args: Term, timeoutMs: number | 'infinity'): Promise<CallOutcome> {
    if (this.downReason !== undefined) return Promise.resolve({ kind: 'down', reason: this.downReason });
    return new Promise((resolve) => {
      const p: Pending = {
        reqId: this.newRef(),
        res: this.newRef(),
        settle: (o) => {
          clearTimeout(timer);
          this.pending.delete(p);
          resolve(o);
        },
      };
      const { control, payload } = spawnRequest(p.reqId, this.pid, p.res, mod, fun, args);
      this.conn.send(control, payload);
      this.pending.add(p);
      const timer =
        timeoutMs === 'infinity'
          ? undefined
          : setTimeout(() => {
              if (p.spawned) this.conn.send(demonitor(this.pid, p.spawned, p.reqId));
              p.settle({ kind: 'timeout' });
            }, timeoutMs);
    });
  }

  /** A nested call for the io server (formatting), within the current call's remaining time. */
  private async evaluate(mod: string, fun: string, args: Term): Promise<{ ok: true; value: Term } | { ok: false }> {
    const left = this.deadline === undefined ? NESTED_CALL_TIMEOUT_MS : this.deadline - Date.now();
    const timeoutMs = Math.max(0, Math.min(left, NESTED_CALL_TIMEOUT_MS));
    const o = await this.request(mod, fun, args, timeoutMs);
    if (o.kind === 'timeout') this.nestedTimedOut = true;
    return o.kind === 'reply' && !isTagged(o.value, 'badrpc') ? { ok: true, value: o.value } : { ok: false };
  }

  private newRef(): Ref {
    this.refCounter = (this.refCounter + 1) >>> 0;
    return new Ref(this.pid.node, this.pid.creation, [this.refCounter & 0x3ffff, ...this.refSalt]);
  }

  private receive({ control, payload, size, units }: DistMessage): void {
    if (!(control instanceof Tuple)) return;
    const op = control.items[0];
    if (samePid(spawnEventTarget(control), this.pid)) return this.spawnEvent(control, payload);
    const to = op === SEND || op === 22 || op === 12 ? control.items[2] : undefined;
    if (!samePid(to, this.pid)) return;
    if (isTagged(payload, 'io_request', 4)) return this.queueIo(payload, { count: 1, bytes: size, units });
  }

  /** The node spawned our call's process (or could not), or that process ended: its exit reason is the result. */
  private spawnEvent(control: Tuple, payload: Term | undefined): void {
    const e = spawnEvent(control, payload);
    if (!e) return;
    let p: Pending | undefined;
    for (const q of this.pending) if (sameRef(e.reqId, q.reqId)) p = q;
    if (!p) return;
    if (e.kind === 'spawned') p.spawned = e.pid;
    else if (e.kind === 'spawn-error') p.settle({ kind: 'reply', value: rpcResultOfErpcError(e.reason) });
    else {
      // Down, it can print no more: not one to remember as a finished speaker (one per command in a batch).
      if (p.spawned) this.speakers.delete(speakerKey(p.spawned, this.conn.peer));
      p.settle({ kind: 'reply', value: rpcResultOfDown(p.res, e.reason) });
    }
  }

  /** io requests are answered one at a time, in order, so output keeps its order. */
  private queueIo(req: Tuple, cost: IoCost): void {
    const [, from, replyAs, request] = req.items;
    if (!(from instanceof Pid) || request === undefined || replyAs === undefined) return;
    const flood =
      this.ioQueue.tooMuch(cost) ??
      (this.speakers.size >= MAX_SPEAKERS ? `io requests from more than ${MAX_SPEAKERS} processes` : undefined);
    if (flood) return this.conn.abort(`the node sent ${flood} without waiting for their replies`);
    const key = speakerKey(from, this.conn.peer);
    this.ioQueue.push(cost, async () => {
      const late = this.finished.has(key);
      if (!late) this.speakers.add(key);
      const write: Write = late ? () => {} : (b) => this.output?.(b);
      // A request we fail on still gets an answer: the process on the node waits for one.
      const reply = await this.io.handle(request, write).catch(() => errorReply('request'));
      this.conn.send(new Tuple(SEND, atom(''), from), new Tuple(atom('io_reply'), replyAs, reply));
    });
  }

  private lose(reason: string): void {
    this.downReason = reason;
    for (const p of [...this.pending]) p.settle({ kind: 'down', reason });
  }

  /** Closes the connection; whatever still waits on it ends as `down`. */
  close(): void {
    this.conn.close();
    this.lose('the session was closed');
  }
}

/** The two random words every reference of the session ends with. */
function saltWords(b: Buffer): [number, number] {
  return [b.readUInt32BE(0), b.readUInt32BE(4)];
}

/**
 * A process that printed, as a short string: `finished` holds up to 10,000 of them through a
 * batch, so a key per command must cost little. The node's own processes (nearly all) by id and
 * serial: a connection lives within one incarnation of the node. Others in full.
 */
function speakerKey(from: Pid, peer: Atom): string {
  return from.node === peer ? `${from.id}.${from.serial}` : `${from.node.name}/${from.id}.${from.serial}.${from.creation}`;
}
