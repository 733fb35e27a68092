/**
 * A secret argument that appears in no argv at all: read from stdin (one line), or typed at a
 * hidden prompt when stdin is a terminal. It replaces every argument that is exactly @SECRET@.
 */
import type { Ctx } from './context.js';
import { EjctlError, Exit, usageError } from './errors.js';

export const SECRET_PLACEHOLDER = '@SECRET@';

export function substituteSecret(args: readonly string[], secret: string): string[] {
  if (!args.includes(SECRET_PLACEHOLDER)) {
    throw usageError(
      `--secret-stdin needs an argument written as ${SECRET_PLACEHOLDER} to replace`,
      `Example: ejctl --secret-stdin register alice example.org ${SECRET_PLACEHOLDER}`,
    );
  }
  return args.map((a) => (a === SECRET_PLACEHOLDER ? secret : a));
}

/** Where a secret read from stdin stops: far above any password, far below a memory problem. */
export const SECRET_LIMIT = 64 * 1024;

export interface SecretRead {
  /** Bytes at most before the newline (default SECRET_LIMIT). */
  limit?: number;
  /** How the error names it (default "the secret"). */
  what?: string;
  /** Exit code when it is longer (default 64). */
  exitCode?: number;
}

export async function readSecret(ctx: Pick<Ctx, 'stdin' | 'stderr'>, o: SecretRead = {}): Promise<string> {
  const { stdin } = ctx;
  const limit = o.limit ?? SECRET_LIMIT;
  const tty = stdin.isTTY === true && typeof (stdin as NodeJS.ReadStream).setRawMode === 'function';
  if (tty) ctx.stderr.write('Secret (not shown): ');
  const line = tty ? await readHidden(stdin as NodeJS.ReadStream, limit) : await readFirstLine(stdin, limit);
  if (tty) ctx.stderr.write('\n');
  if (line === undefined) {
    throw new EjctlError(
      `${o.what ?? 'the secret'} on stdin is longer than ${limit} bytes with no newline; nothing was done`,
      o.exitCode ?? Exit.usage,
      { hint: 'Give it as one line on stdin, e.g. from a file: < FILE.' },
    );
  }
  if (line === '') throw usageError('--secret-stdin read an empty secret');
  return line;
}

/**
 * The first line of a stream, or `undefined` when more than `limit` bytes (and a CR) came with
 * no newline: reading stops there (`</dev/zero` or an endless pipe cannot grow us).
 */
export async function readFirstLine(stream: NodeJS.ReadableStream, limit: number): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const nl = buf.indexOf(0x0a);
    parts.push(nl >= 0 ? buf.subarray(0, nl) : buf);
    size += buf.length;
    if (nl >= 0) break;
    if (size > limit + 1) return undefined;
  }
  return Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
}

function readHidden(stream: NodeJS.ReadStream, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setRawMode(true);
    stream.resume();
    const done = (err?: Error, tooLong = false) => {
      stream.setRawMode(false);
      stream.pause();
      stream.off('data', onData);
      if (err) reject(err);
      else resolve(tooLong ? undefined : text);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new EjctlError('interrupted', 130));
        if (text.length > limit) return done(undefined, true);
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    stream.on('data', onData);
  });
}
