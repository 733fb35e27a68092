/**
 * Splits the byte stream of a distribution connection into frames: 2-byte lengths during the
 * handshake, 4-byte lengths after it (erts/doc: "Distribution Protocol"). Chunks are kept as a
 * list and joined once per frame, so a frame of tens of MB costs linear time, and a frame above
 * the limit is refused from its header alone, before its bytes arrive.
 */

/**
 * Frames after the handshake. Each print of a command (one io request) comes in one frame; a
 * list of characters costs 2 bytes each in the external format, so 256 MiB holds one print of
 * about 128 million characters.
 */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export class FrameTooLarge extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
    what: string,
  ) {
    super(`the node sent ${what} of ${size} bytes, above the limit of ${limit}`);
  }
}

export class FrameReader {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already taken (a view of the rest would cost an object per frame). */
  private offset = 0;
  private buffered = 0;
  /** Length of the frame being collected, once its header is read. */
  private pending: number | undefined;

  constructor(
    private headerBytes: 2 | 4,
    private maxFrame: number,
  ) {}

  /** After the handshake: 4-byte headers from here on. */
  setHeaderBytes(n: 2 | 4, maxFrame: number): void {
    this.headerBytes = n;
    this.maxFrame = maxFrame;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame (a zero-length one is a tick), or undefined until more bytes come. */
  next(): Buffer | undefined {
    if (this.pending === undefined) {
      if (this.buffered < this.headerBytes) return undefined;
      this.pending = this.header();
      if (this.pending > this.maxFrame)
        throw new FrameTooLarge(this.pending, this.maxFrame, this.headerBytes === 2 ? 'a handshake message' : 'a frame');
    }
    if (this.buffered < this.pending) return undefined;
    const frame = this.take(this.pending);
    this.pending = undefined;
    return frame;
  }

  private header(): number {
    const first = this.chunks[0];
    const n = this.headerBytes;
    if (first && first.length - this.offset >= n) {
      const v = n === 2 ? first.readUInt16BE(this.offset) : first.readUInt32BE(this.offset);
      this.advance(first, n);
      return v;
    }
    const head = this.take(n);
    return n === 2 ? head.readUInt16BE(0) : head.readUInt32BE(0);
  }

  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[0];
    if (first && first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(first, n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      if (!c) break;
      const used = Math.min(c.length - this.offset, n - filled);
      c.copy(out, filled, this.offset, this.offset + used);
      filled += used;
      this.advance(c, used);
    }
    return out;
  }

  /** `n` bytes of `first` (chunks[0]) are taken. */
  private advance(first: Buffer, n: number): void {
    this.offset += n;
    this.buffered -= n;
    if (this.offset === first.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
