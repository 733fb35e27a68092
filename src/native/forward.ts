/**
 * Forwarding a command over the native transport, with ejabberdctl's contract: what the command
 * prints on stdout byte for byte, its integer as the exit code, and on any failure to reach the
 * node ejabberdctl's line `Failed RPC connection to the node NODE: REASON` and exit 3 (the
 * control node's code in ejabberd_ctl.erl 23.01). The reason why goes to stderr.
 */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { Exit } from '../errors.js';
import { describeLost, describeOpenFailure, describeTimeout } from './diagnose.js';
import { openSession } from './open.js';
import { controlNodeDevice } from './deviceEncoding.js';
import type { NativeSession, Timeout } from './session.js';
import { atom, charList, isTagged, type Term } from './term.js';
import { writeAtom } from './atomText.js';

export type { Timeout } from './session.js';
type Where = Pick<Settings, 'node' | 'nodeName' | 'cookieFile' | 'erlDistPort' | 'erlOptions' | 'vmArgs'>;

export interface NativeOptions {
  /** Called instead when the node is too old for the native transport (`auto` falls back to erl). */
  fallback?: () => Promise<number>;
  /**
   * Reads the cookie file again. When the node rejects our cookie and the file now holds another
   * one (a `cookie rotate` switched this node between our read and our connect), we try once more
   * with it. Nothing has been printed or run at that point, so the retry is invisible.
   */
  rereadCookie?: () => string | undefined;
  /** Whether to say on stderr why the node could not be reached (diagnose.ts); default yes. */
  diagnose?: boolean;
}

export async function forwardNative(
  ctx: Pick<Ctx, 'stdout' | 'stderr' | 'env'>,
  s: Where,
  args: readonly string[],
  cookie: string,
  timeout: Timeout,
  opts: NativeOptions = {},
): Promise<number> {
  let opened = await openSession(s, cookie, ctx.env);
  if (!opened.ok && opened.failure.kind === 'rejected-cookie') {
    const fresh = opts.rereadCookie?.();
    if (fresh !== undefined && fresh !== cookie) opened = await openSession(s, fresh, ctx.env);
  }
  const diagnose = opts.diagnose ?? true;
  if (!opened.ok) {
    if (opened.failure.kind === 'old-node' && opts.fallback) return opts.fallback();
    ctx.stdout.write(nodedownLine(s.node, 'nodedown'));
    if (diagnose) ctx.stderr.write(`${await describeOpenFailure(s, opened.failure)}\n`);
    return Exit.unreachable;
  }
  opened.session.terminal = () => terminalSize(ctx.stdout);
  opened.session.device = controlNodeDevice(ctx.env);
  try {
    return await runForwarded(
      opened.session,
      s,
      args,
      timeout,
      (b) => ctx.stdout.write(b),
      (t) => diagnose && ctx.stderr.write(t),
    );
  } finally {
    opened.session.close();
  }
}

/** One ejabberd_ctl:process(Args) over an open session, as ejabberd_ctl:start/0 does it. */
export async function runForwarded(
  session: NativeSession,
  s: Pick<Settings, 'node' | 'nodeName' | 'cookieFile'>,
  args: readonly string[],
  timeout: Timeout,
  out: (b: Buffer) => void,
  err: (text: string) => void,
): Promise<number> {
  const deadline = timeout === 'infinity' ? undefined : Date.now() + timeout;
  const outcome = await session.call('ejabberd_ctl', 'process', [args.map(charList)], timeout, out);
  if (outcome.kind === 'timeout') {
    out(nodedownLine(s.node, 'timeout'));
    err(`${describeTimeout(s, timeout)}\n`);
    return Exit.unreachable;
  }
  if (outcome.kind === 'down') {
    out(nodedownLine(s.node, 'nodedown'));
    err(`${describeLost(s, outcome.reason)}\n`);
    return Exit.unreachable;
  }
  // What the node's answer prints is formatted by the node too: within what is left of the timeout.
  const left: Timeout = deadline === undefined ? 'infinity' : Math.max(0, deadline - Date.now());
  const printf = (format: string, values: Term[]) => session.printf(format, values, out, left === 'infinity' ? undefined : left);
  return exitCodeOf(printf, s, outcome.value, out);
}

/** stdout's size when it is a terminal (a tty.WriteStream), as the erl control node's `user` sees it. */
function terminalSize(out: Ctx['stdout'] & { columns?: number; rows?: number }): { columns: number; rows: number } | undefined {
  return out.isTTY === true && out.columns !== undefined && out.rows !== undefined ? { columns: out.columns, rows: out.rows } : undefined;
}

type Printf = (format: string, values: Term[]) => Promise<boolean>;

async function exitCodeOf(printf: Printf, s: Pick<Settings, 'node'>, value: Term, out: (b: Buffer) => void): Promise<number> {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value % 256;
  if (isTagged(value, 'badrpc', 2)) {
    const printed = await printf('Failed RPC connection to the node ~p: ~p~n', [atom(s.node), value.items[1] ?? []]);
    if (!printed) out(nodedownLine(s.node, 'nodedown'));
    return Exit.unreachable;
  }
  if (isTagged(value, 'invalid_version', 2)) {
    await printf('Invalid API version number: ~p~n', [value.items[1] ?? []]);
    return Exit.error;
  }
  return Exit.error;
}

/** The line for a node we cannot reach, with the node name as `~p` writes an atom. */
export function nodedownLine(node: string, reason: string): Buffer {
  return Buffer.from(`Failed RPC connection to the node ${writeAtom(node)}: ${reason}\n`, 'latin1');
}
