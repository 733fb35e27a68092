/**
 * The io requests of a session, served one at a time in arrival order, so output keeps its
 * order. A process on the node waits for each reply before it sends its next request, so a real
 * command has one or two waiting; the queue refuses to grow beyond far more than that.
 */
import { MAX_DECODE_UNITS } from './decode.js';
import { MAX_FRAME_BYTES } from './frames.js';

/** What one request costs while it waits: itself, its frame's bytes, its decoded units. */
export interface IoCost {
  count: number;
  bytes: number;
  units: number;
}

export const MAX_QUEUED_IO = 1000;
/** Their frames, and what they cost decoded: at most one largest frame's worth waits. */
export const MAX_QUEUED_IO_BYTES = MAX_FRAME_BYTES;

export class IoQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued: IoCost = { count: 0, bytes: 0, units: 0 };

  /** What is too much about one more request of this cost, if anything. */
  tooMuch(cost: IoCost): string | undefined {
    const q = this.queued;
    if (q.count >= MAX_QUEUED_IO) return `more than ${MAX_QUEUED_IO} io requests`;
    if (q.bytes + cost.bytes > MAX_QUEUED_IO_BYTES || q.units + cost.units > MAX_DECODE_UNITS)
      return `more than ${MAX_QUEUED_IO_BYTES / 1024 / 1024} MiB of io requests`;
    return undefined;
  }

  /** Runs `serve` after the requests queued before it; its failure is its own business. */
  push(cost: IoCost, serve: () => Promise<void>): void {
    this.account(cost, 1);
    this.tail = this.tail
      .then(serve)
      .catch(() => {})
      .finally(() => this.account(cost, -1));
  }

  /** True once the requests queued so far are served; false if `deadline` comes first. */
  drain(deadline: number | undefined): Promise<boolean> {
    // Nearly every call: nothing queued, so no timer and no race to allocate once per command.
    if (this.queued.count === 0) return Promise.resolve(true);
    const drained = this.tail.then(() => true);
    if (deadline === undefined) return drained;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
    return Promise.race([drained, late]).finally(() => clearTimeout(timer));
  }

  private account(cost: IoCost, sign: 1 | -1): void {
    const q = this.queued;
    this.queued = { count: q.count + sign * cost.count, bytes: q.bytes + sign * cost.bytes, units: q.units + sign * cost.units };
  }
}
