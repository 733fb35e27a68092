/**
 * Runs parsed batch lines over one session. Without --json each command's output streams to
 * stdout in order and a summary goes to stderr; with --json each command is one JSON line.
 * The batch stops at the first failing command unless told to keep going, and always when the
 * node is gone.
 */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { Exit } from '../errors.js';
import { describeOpenFailure } from './diagnose.js';
import { nodedownLine, runForwarded, type Timeout } from './forward.js';
import { openSession } from './open.js';
import type { NativeSession } from './session.js';
import type { BatchLine } from './shellWords.js';

export interface BatchRun {
  keepGoing: boolean;
  json: boolean;
  timeout: Timeout;
}

interface Tally {
  ran: number;
  failed: number[];
  firstFailure: number;
  lost: boolean;
}

type Where = Pick<Settings, 'node' | 'nodeName' | 'cookieFile' | 'erlDistPort' | 'erlOptions' | 'vmArgs'>;

export async function executeBatch(
  ctx: Pick<Ctx, 'stdout' | 'stderr' | 'env' | 'now'>,
  s: Where,
  cookie: string,
  lines: BatchLine[],
  o: BatchRun,
): Promise<number> {
  const started = ctx.now();
  const opened = await openSession(s, cookie, ctx.env);
  if (!opened.ok) {
    ctx.stdout.write(nodedownLine(s.node, 'nodedown'));
    ctx.stderr.write(`${await describeOpenFailure(s, opened.failure)}\n`);
    return Exit.unreachable;
  }
  const tally: Tally = { ran: 0, failed: [], firstFailure: Exit.ok, lost: false };
  try {
    for (const line of lines) {
      const code = await runLine(ctx, opened.session, s, line, o);
      tally.ran++;
      if (code === Exit.ok) continue;
      tally.failed.push(line.line);
      if (tally.firstFailure === Exit.ok) tally.firstFailure = code;
      if (code === Exit.unreachable) tally.lost = true;
      if (tally.lost || !o.keepGoing) break;
    }
  } finally {
    opened.session.close();
  }
  if (!o.json) ctx.stderr.write(summary(tally, lines.length, ctx.now() - started));
  return tally.firstFailure;
}

async function runLine(
  ctx: Pick<Ctx, 'stdout' | 'stderr' | 'now'>,
  session: NativeSession,
  s: Where,
  line: BatchLine,
  o: BatchRun,
): Promise<number> {
  const t0 = ctx.now();
  if (!o.json)
    return runForwarded(
      session,
      s,
      line.args,
      o.timeout,
      (b) => ctx.stdout.write(b),
      (t) => ctx.stderr.write(t),
    );
  const chunks: Buffer[] = [];
  const exitCode = await runForwarded(
    session,
    s,
    line.args,
    o.timeout,
    (b) => chunks.push(b),
    (t) => ctx.stderr.write(t),
  );
  const ms = Math.round((ctx.now() - t0) * 10) / 10;
  // The bytes are what the erl transport's latin1 stdout would show: one byte per character.
  const stdout = Buffer.concat(chunks).toString('latin1');
  ctx.stdout.write(`${JSON.stringify({ line: line.line, args: line.args, exitCode, stdout, ms })}\n`);
  return exitCode;
}

function summary(t: Tally, total: number, ms: number): string {
  const notRun = total - t.ran;
  const rate = ms > 0 ? ` (${Math.round((t.ran * 1000) / ms)} commands/s)` : '';
  const failed = t.failed.length === 0 ? '' : `, ${t.failed.length} failed (line${t.failed.length > 1 ? 's' : ''} ${t.failed.join(', ')})`;
  const skipped = notRun > 0 ? `, ${notRun} not run${t.lost ? ' (connection lost)' : ''}` : '';
  return `ejctl batch: ${t.ran} of ${total} command(s) run, ${t.ran - t.failed.length} ok${failed}${skipped}; ${Math.round(ms)} ms${rate}\n`;
}
