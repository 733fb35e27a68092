/**
 * A batch's stdout gathered into fewer writes: a command's output is often one short line, and
 * one write per line cost a system call each (a third of the writes of a batch). Written out at
 * 64 KiB, 20 ms after the first byte waiting, before anything goes to stderr, and at the end, so
 * a reader still sees output as it comes and stdout and stderr keep their order.
 */
import type { Ctx } from '../context.js';

export const FLUSH_BYTES = 64 * 1024;
export const FLUSH_DELAY_MS = 20;

export class CoalescedOutput {
  private chunks: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The last write found the stream's buffer full: wait for `drain` before more. */
  full = false;

  constructor(private readonly out: Ctx['stdout']) {}

  write(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.size += b.length;
    if (this.size >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.size === 0) return;
    const bytes = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    if (!this.out.write(bytes)) this.full = true;
  }
}
