/**
 * A secret argument that appears in no argv at all: read from stdin (one line), or typed at a
 * hidden prompt when stdin is a terminal. It replaces every argument that is exactly @SECRET@.
 */
import type { Ctx } from './context.js';
import { EjctlError, usageError } from './errors.js';

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

export async function readSecret(ctx: Pick<Ctx, 'stdin' | 'stderr'>): Promise<string> {
  const { stdin } = ctx;
  const tty = stdin.isTTY === true && typeof (stdin as NodeJS.ReadStream).setRawMode === 'function';
  if (tty) ctx.stderr.write('Secret (not shown): ');
  const line = tty ? await readHidden(stdin as NodeJS.ReadStream) : await readFirstLine(stdin);
  if (tty) ctx.stderr.write('\n');
  if (line === '') throw usageError('--secret-stdin read an empty secret');
  return line;
}

async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    const nl = text.indexOf('\n');
    if (nl >= 0) return text.slice(0, nl).replace(/\r$/, '');
  }
  return text;
}

function readHidden(stream: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setRawMode(true);
    stream.resume();
    const done = (err?: Error) => {
      stream.setRawMode(false);
      stream.pause();
      stream.off('data', onData);
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new EjctlError('interrupted', 130));
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    stream.on('data', onData);
  });
}
