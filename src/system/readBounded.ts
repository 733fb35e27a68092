/**
 * The one way ejctl reads a local file. A file may sit in a directory another user writes (the
 * ejabberd user owns its config dir, spool and home), so every read:
 * - opens the path non-blocking (a FIFO there would otherwise hang root forever) and never as a
 *   controlling terminal, without following a final symlink where none is expected;
 * - checks on the open descriptor that it is a regular file (no FIFO, device or directory);
 * - reads at most `limit` bytes: one byte more is an error, never a 10 GB buffer (`-c /dev/zero`).
 * The limits are far above real use and documented in docs/security.md ("Local input").
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { EjctlError, Exit, type ExitCode } from '../errors.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Size limits, by what the file is. */
export const LIMITS = {
  /** ejabberdctl.cfg: Debian's is 6 KiB. */
  cfg: MiB,
  /** A cookie is 1-255 characters; a trailing newline (LF or CRLF) is allowed. */
  cookie: 257,
  /** ejabberd.yml (and the files it is compared with): real ones are tens of KiB. */
  yml: 16 * MiB,
  /** vm.args, inetrc, systemd drop-ins, batch-style option files. */
  small: MiB,
  /** /etc/passwd and /etc/group. */
  accounts: 16 * MiB,
  /** A file under /proc (cmdline, status, net/tcp). */
  proc: 16 * MiB,
} as const;

/** Linux's /dev/null: character device 1:3. */
const NULL_DEVICE = (1 << 8) | 3;

export type ReadFailure = 'missing' | 'denied' | 'not-regular' | 'too-large' | 'symlink' | 'unreadable';

/** A local file that cannot be used; `reason` says why, the exit code comes from the caller. */
export class LocalInputError extends EjctlError {
  readonly reason: ReadFailure;
  readonly path: string;
  /** The errno code when the open or read failed (EACCES, EIO...). */
  readonly code: string | undefined;

  constructor(path: string, reason: ReadFailure, message: string, exitCode: ExitCode, opts: { hint?: string; code?: string } = {}) {
    super(message, exitCode, opts.hint === undefined ? {} : { hint: opts.hint });
    this.name = 'LocalInputError';
    this.reason = reason;
    this.path = path;
    this.code = opts.code;
  }
}

export interface ReadSpec {
  /** Bytes at most. */
  limit: number;
  /** How the message names the file: `the cfg file`, `the cookie file`, `ejabberd.yml`. */
  what: string;
  /** Exit code of the error (default 78, the configuration cannot be used). */
  exitCode?: ExitCode;
  /** Refuse a symlink as the last component (cookie files). */
  noFollow?: boolean;
}

/** The bytes of a regular file, at most `spec.limit` of them; throws LocalInputError. */
export function readBoundedBytes(path: string, spec: ReadSpec): Buffer {
  const fd = openForRead(path, spec);
  try {
    const st = fstatSync(fd);
    // `-c /dev/null`, the usual "no file" (rotation's remote `cookie import` uses it): empty.
    if (st.isCharacterDevice() && st.rdev === NULL_DEVICE) return Buffer.alloc(0);
    if (!st.isFile()) throw failure(path, 'not-regular', spec, `is not a regular file (${kindOf(st)})`);
    if (st.size > spec.limit) throw tooLarge(path, spec);
    return readUpTo(fd, path, spec);
  } finally {
    closeSync(fd);
  }
}

/** The text of a regular file (UTF-8 unless told), at most `spec.limit` bytes; throws LocalInputError. */
export function readBounded(path: string, spec: ReadSpec & { encoding?: BufferEncoding }): string {
  return readBoundedBytes(path, spec).toString(spec.encoding ?? 'utf8');
}

/**
 * An optional file: `undefined` when it does not exist or this user may not read it (as before:
 * the caller's defaults apply). A FIFO, a device, a directory or an oversized file is an error.
 */
export function readOptional(path: string, spec: ReadSpec & { encoding?: BufferEncoding }): string | undefined {
  try {
    return readBounded(path, spec);
  } catch (err) {
    if (err instanceof LocalInputError && (err.reason === 'missing' || err.reason === 'denied')) return undefined;
    throw err;
  }
}

/**
 * Whether a regular file exists at `path` (inetrc): false when missing or not readable by this
 * user; a FIFO, device or directory there is an error. Opened non-blocking, so nothing can hang.
 */
export function isRegularFile(path: string, spec: Pick<ReadSpec, 'what' | 'exitCode' | 'noFollow'>): boolean {
  let fd: number;
  try {
    fd = openForRead(path, { ...spec, limit: LIMITS.small });
  } catch (err) {
    if (err instanceof LocalInputError && (err.reason === 'missing' || err.reason === 'denied')) return false;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw failure(path, 'not-regular', { ...spec, limit: LIMITS.small }, `is not a regular file (${kindOf(st)})`);
    return true;
  } finally {
    closeSync(fd);
  }
}

function openForRead(path: string, spec: ReadSpec): number {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (spec.noFollow ? constants.O_NOFOLLOW : 0);
  try {
    return openSync(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw failure(path, 'missing', spec, 'does not exist', code);
    if (code === 'EACCES' || code === 'EPERM') throw failure(path, 'denied', spec, `cannot be read by this user (${code})`, code);
    if (code === 'ELOOP' && spec.noFollow) throw failure(path, 'symlink', spec, 'is a symbolic link', code);
    throw failure(path, 'unreadable', spec, `cannot be read (${code})`, code);
  }
}

/** Reads until end of file; more than the limit (a file growing, or /proc sizes of 0) is an error. */
/** `size` bytes from the start of an open file whose size the caller checked (stops early at its end). */
export function readOpenFile(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let done = 0;
  for (let n = 1; n > 0 && done < buf.length; done += n) n = readSync(fd, buf, done, buf.length - done, done);
  return buf.subarray(0, done);
}

function readUpTo(fd: number, path: string, spec: ReadSpec): Buffer {
  const buf = Buffer.allocUnsafe(Math.min(spec.limit + 1, 64 * KiB));
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw failure(path, 'unreadable', spec, `cannot be read (${code})`, code);
    }
    if (n === 0) break;
    total += n;
    if (total > spec.limit) throw tooLarge(path, spec);
    parts.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(parts, total);
}

function tooLarge(path: string, spec: ReadSpec): LocalInputError {
  return failure(path, 'too-large', spec, `is larger than ${describeSize(spec.limit)}, the most ejctl reads of it`);
}

function failure(path: string, reason: ReadFailure, spec: ReadSpec, text: string, code?: string): LocalInputError {
  const hint =
    reason === 'not-regular' || reason === 'symlink' || reason === 'too-large'
      ? `ejctl reads ${spec.what} only from a regular file of at most ${describeSize(spec.limit)} (docs/security.md, "Local input").`
      : undefined;
  return new LocalInputError(path, reason, `${spec.what} ${path} ${text}`, spec.exitCode ?? Exit.config, {
    ...(hint === undefined ? {} : { hint }),
    ...(code === undefined ? {} : { code }),
  });
}

function kindOf(st: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isDirectory(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

export function describeSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
