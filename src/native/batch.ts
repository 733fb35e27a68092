/**
 * Runs parsed batch lines over one session. Without --json each command's output streams to
 * stdout in order and a summary goes to stderr; with --json each command is one JSON line.
 * The batch stops at the first failing command unless told to keep going, and always when the
 * node is gone.
 */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { Exit, usageError } from '../errors.js';
import { BatchInputError } from './batchInput.js';
import { CoalescedOutput } from './batchOutput.js';
import { fetchSecretPositions, redactArgs, type SecretPositions } from './batchRedact.js';
import { describeOpenFailure } from './diagnose.js';
import { controlNodeDevice } from './deviceEncoding.js';
import { nodedownLine, runForwarded, type Timeout } from './forward.js';
import { openSession } from './open.js';
import type { NativeSession } from './session.js';

/** One command: `args` go to the node, `shown` is the line as written (@SECRET@ kept). */
export interface BatchCommand {
  line: number;
  args: string[];
  shown: string[];
}

export interface BatchRun {
  keepGoing: boolean;
  json: boolean;
  timeout: Timeout;
  /** How the input is named in errors: a path or `stdin`. */
  source: string;
  /** The number of commands, when the input was checked whole first. */
  total: number | undefined;
  /** `ejctl --json batch`: each command's typed result (src/json/batch.ts), its JSON text in `result`. */
  typed?: TypedRun;
}

/** Runs one command the --json way; what the command prints goes to `printed`. */
export type TypedRun = (
  session: NativeSession,
  args: readonly string[],
  printed: (b: Buffer) => void,
) => Promise<{ exitCode: number; result: string }>;

interface Tally {
  ran: number;
  failed: number[];
  firstFailure: number;
  lost: boolean;
  stopped: boolean;
}

type Where = Pick<Settings, 'node' | 'nodeName' | 'cookieFile' | 'erlDistPort' | 'erlOptions' | 'vmArgs'>;
type Out = Pick<Ctx, 'stdout' | 'stderr' | 'now'> & { out: CoalescedOutput };

export async function executeBatch(
  ctx: Pick<Ctx, 'stdout' | 'stderr' | 'env' | 'now'>,
  s: Where,
  cookie: string,
  commands: AsyncIterable<BatchCommand>,
  o: BatchRun,
): Promise<number> {
  const started = ctx.now();
  const opened = await openSession(s, cookie, ctx.env);
  if (!opened.ok) {
    ctx.stdout.write(nodedownLine(s.node, 'nodedown'));
    ctx.stderr.write(`${await describeOpenFailure(s, opened.failure)}\n`);
    return Exit.unreachable;
  }
  opened.session.device = controlNodeDevice(ctx.env);
  const tally: Tally = { ran: 0, failed: [], firstFailure: Exit.ok, lost: false, stopped: false };
  let inputError: BatchInputError | undefined;
  const out = new CoalescedOutput(ctx.stdout);
  const lineCtx = { stdout: ctx.stdout, stderr: ctx.stderr, now: ctx.now, out };
  try {
    const defs = o.json ? await fetchSecretPositions(opened.session, o.timeout) : undefined;
    for await (const command of commands) {
      const code = await runLine(lineCtx, opened.session, s, command, o, defs);
      tally.ran++;
      if (code === Exit.ok) continue;
      tally.failed.push(command.line);
      if (tally.firstFailure === Exit.ok) tally.firstFailure = code;
      if (code === Exit.unreachable) tally.lost = true;
      if (tally.lost || !o.keepGoing) {
        tally.stopped = true;
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof BatchInputError)) throw err;
    inputError = err;
    tally.stopped = true;
  } finally {
    out.flush();
    opened.session.close();
  }
  if (!o.json) ctx.stderr.write(summary(tally, o.total, ctx.now() - started));
  if (inputError) throw usageError(`${o.source}: ${inputError.message}; the batch stopped there (${tally.ran} command(s) before it ran)`);
  return tally.firstFailure;
}

async function runLine(
  ctx: Out,
  session: NativeSession,
  s: Where,
  command: BatchCommand,
  o: BatchRun,
  defs: SecretPositions | undefined,
): Promise<number> {
  const t0 = ctx.now();
  if (!o.json) {
    const code = await runForwarded(
      session,
      s,
      command.args,
      o.timeout,
      (b) => ctx.out.write(b),
      (t) => {
        ctx.out.flush();
        ctx.stderr.write(t);
      },
    );
    if (ctx.out.full) {
      ctx.out.full = false;
      await drained(ctx.stdout);
    }
    return code;
  }
  const bounded = boundedOutput(MAX_JSON_STDOUT);
  const typed = o.typed ? await o.typed(session, command.args, bounded.write) : undefined;
  const exitCode = typed?.exitCode ?? (await runForwarded(session, s, command.args, o.timeout, bounded.write, (t) => ctx.stderr.write(t)));
  const ms = Math.round((ctx.now() - t0) * 10) / 10;
  // The bytes are what the erl transport's latin1 stdout would show: one byte per character.
  const stdout = bounded.bytes().toString('latin1');
  const truncated = bounded.truncated() ? { stdoutTruncated: true } : {};
  if (bounded.truncated())
    ctx.stderr.write(
      `ejctl batch: line ${command.line} printed more than ${MAX_JSON_STDOUT} bytes; its "stdout" holds the first ${MAX_JSON_STDOUT}\n`,
    );
  const args = redactArgs(command.shown, defs);
  const fields = JSON.stringify({ line: command.line, args, exitCode, stdout, ms, ...truncated });
  const line = typed ? `${fields.slice(0, -1)},"result":${typed.result}}` : fields;
  // One write per line here: typed runs write to stderr on their own, and the lines keep their order with it.
  if (!ctx.stdout.write(`${line}\n`)) await drained(ctx.stdout);
  return exitCode;
}

/**
 * What one command prints, kept for its JSON line: the node decides how much that is, so it is
 * capped. 64 MiB is far above what a command prints, and stays below V8's largest string once
 * JSON escapes it (up to 6 characters a byte).
 */
export const MAX_JSON_STDOUT = 64 * 1024 * 1024;

function boundedOutput(max: number) {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = false;
  return {
    write: (b: Buffer) => {
      const room = max - kept;
      if (b.length > room) dropped = true;
      const part = b.length > room ? b.subarray(0, room) : b;
      if (part.length === 0) return;
      chunks.push(part);
      kept += part.length;
    },
    bytes: () => Buffer.concat(chunks),
    truncated: () => dropped,
  };
}

/** Waits until a slow reader of stdout has caught up, so output never piles up in memory. */
function drained(stream: Ctx['stdout']): Promise<void> {
  if (!(stream as { writableNeedDrain?: boolean }).writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

function summary(t: Tally, total: number | undefined, ms: number): string {
  const rate = ms > 0 ? ` (${Math.round((t.ran * 1000) / ms)} commands/s)` : '';
  const failed = t.failed.length === 0 ? '' : `, ${t.failed.length} failed (line${t.failed.length > 1 ? 's' : ''} ${t.failed.join(', ')})`;
  const why = t.lost ? ' (connection lost)' : '';
  let counted: string;
  let skipped = '';
  if (total !== undefined) {
    counted = `${t.ran} of ${total} command(s) run`;
    if (total > t.ran) skipped = `, ${total - t.ran} not run${why}`;
  } else {
    counted = `${t.ran} command(s) run`;
    if (t.stopped) skipped = `, the rest not run${why}`;
  }
  return `ejctl batch: ${counted}, ${t.ran - t.failed.length} ok${failed}${skipped}; ${Math.round(ms)} ms${rate}\n`;
}
