/**
 * A batch's input, streamed: lines are split and parsed one at a time as they arrive, so memory
 * stays flat whatever the length, and a line longer than MAX_BATCH_LINE (`</dev/zero`) ends the
 * batch with an error instead of a buffer that grows without end.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, type ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { EjctlError, Exit } from '../errors.js';
import { describeSize } from '../system/readBounded.js';
import { QuoteError, splitShellWords, type BatchLine } from './shellWords.js';

/** A line of a batch holds at most this many bytes (a vCard photo in base64 fits). */
export const MAX_BATCH_LINE = 1024 * 1024;

/** Bad input at one line: quoting, or a line beyond the limit. */
export class BatchInputError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Input up to this size is read whole first, so that it is checked before anything runs. */
export const BATCH_READ_AHEAD = 4 * 1024 * 1024;

/**
 * Where the lines come from. `whole`: a regular file, or a pipe that ended within the read-ahead:
 * it can be read twice (checked first, then run). `stream`: a longer pipe, checked as it runs.
 */
export interface BatchSource {
  kind: 'whole' | 'stream';
  name: string;
  open: () => Readable;
}

/**
 * Opens FILE without blocking to see what it is: a regular file, or a pipe (stdin, `<(cmd)`, a
 * FIFO the caller names). Anything else (a device, a directory) is refused.
 */
export async function openBatchSource(file: string | undefined, stdin: Readable): Promise<BatchSource | { error: string }> {
  if (file === undefined || file === '-') return readAhead('stdin', stdin);
  const opened = openNonBlocking(file);
  if ('error' in opened) return opened;
  closeSync(opened.fd);
  // Each pass opens the file again the same way: swapped for a FIFO in between, it cannot block us.
  if (opened.regular) return { kind: 'whole', name: file, open: () => regularFileStream(file) };
  // A pipe the caller chose: opened again, blocking, as a shell's `< FILE` would.
  return readAhead(file, createReadStream(file));
}

function openNonBlocking(file: string): { fd: number; regular: boolean } | { error: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return { error: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const st = fstatSync(fd);
  if (st.isFile() || st.isFIFO()) return { fd, regular: st.isFile() };
  closeSync(fd);
  return { error: `${file} is not a regular file or a pipe` };
}

function regularFileStream(file: string): Readable {
  const opened = openNonBlocking(file);
  if ('error' in opened) throw new EjctlError(opened.error, Exit.usage);
  if (!opened.regular) {
    closeSync(opened.fd);
    throw new EjctlError(`${file} changed while ejctl read it (now a pipe); nothing more was run`, Exit.usage);
  }
  return createReadStream(file, { fd: opened.fd });
}

/** Reads up to BATCH_READ_AHEAD bytes of a pipe: all of it (whole) or a head and the rest (stream). */
async function readAhead(name: string, input: Readable, limit = BATCH_READ_AHEAD): Promise<BatchSource> {
  const it = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done === true) return { kind: 'whole', name, open: () => Readable.from(head, { objectMode: false }) };
    const buf = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(buf);
    size += buf.length;
    if (size > limit) break;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head.splice(0);
    for (let next = await it.next(); next.done !== true; next = await it.next()) {
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { kind: 'stream', name, open: () => Readable.from(rest(), { objectMode: false }) };
}

/** Every command of the input, in order; blank and comment lines are skipped. */
export async function* batchLines(input: Readable, maxLine = MAX_BATCH_LINE): AsyncGenerator<BatchLine> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let number = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let from = 0;
      for (let nl = buf.indexOf(0x0a, from); nl >= 0; nl = buf.indexOf(0x0a, from)) {
        const raw = pendingSize === 0 ? buf.subarray(from, nl) : Buffer.concat([...pending, buf.subarray(from, nl)]);
        pending = [];
        pendingSize = 0;
        from = nl + 1;
        number++;
        if (raw.length > maxLine) throw tooLong(number, maxLine);
        const parsed = parseLine(raw, number);
        if (parsed) yield parsed;
      }
      if (from < buf.length) {
        pending.push(buf.subarray(from));
        pendingSize += buf.length - from;
        if (pendingSize > maxLine) throw tooLong(number + 1, maxLine);
      }
    }
  } finally {
    (input as Partial<ReadStream>).destroy?.();
  }
  if (pendingSize > 0) {
    const parsed = parseLine(Buffer.concat(pending), number + 1);
    if (parsed) yield parsed;
  }
}

function parseLine(raw: Buffer, line: number): BatchLine | undefined {
  let args: string[];
  try {
    args = splitShellWords(raw.toString('utf8'));
  } catch (err) {
    if (err instanceof QuoteError) throw new BatchInputError(line, err.message);
    throw err;
  }
  return args.length > 0 ? { line, args } : undefined;
}

function tooLong(line: number, maxLine: number): BatchInputError {
  return new BatchInputError(line, `longer than ${describeSize(maxLine)} (the most a batch line may hold)`);
}
