/**
 * One long-lived hidden Erlang control node that stays connected to every cluster node for the
 * whole rotation, so every step travels over connections established before the switch. It is
 * the same launch as a forwarded command (dynamic name, -nocookie, no ~/.erlang), with the
 * session script instead; requests and replies are lines (see sessionScript.ts).
 */
import { hexField } from '../erl/controlScript.js';
import { boundedLines } from '../system/boundedLines.js';
import type { Settings } from '../config/settings.js';
import type { LaunchPlan } from '../run/plan.js';
import { buildControlLaunch } from '../erl/controlLaunch.js';
import { controlSetup } from '../erl/controlSetup.js';
import type { Ctx } from '../context.js';
import { startSession } from '../run/session.js';
import { EjctlError, Exit } from '../errors.js';
import { SESSION_SCRIPT } from './sessionScript.js';

export type Label = 'old' | 'new';

/** A reply line holds at most a cluster listing; anything longer is not from the session script. */
const REPLY_LIMIT = 1024 * 1024;
/**
 * Each step inside the script has its own limit (rpc 15 s, the cookie writer 30 s, connection
 * setup 7 s); a reply that has not come well after those means the control node is stuck.
 */
const REPLY_DEADLINE_MS = 120_000;
/** A reply: `{ok: value}` or `{error: reason, ...}`; reasons are atoms, never cookies. */
export type Reply = { ok?: unknown; error?: unknown; [k: string]: unknown };

export interface Session {
  /** Sends one request and waits for its reply. */
  call(op: string, ...args: (string | null)[]): Promise<Reply>;
  close(): Promise<void>;
}

/** The session's control node; its warnings are printed once by the command (warnControl). */
export function buildSessionLaunch(s: Settings, ctx: Pick<Ctx, 'uid' | 'files'>): LaunchPlan {
  const plan = buildControlLaunch(s, { ...controlSetup(ctx, s), args: [], cookie: undefined, script: SESSION_SCRIPT });
  return {
    ...plan,
    stdin: { kind: 'secret', data: '', redacted: 'request lines; the old and new cookies once, hex-encoded (not shown)' },
    stdout: 'pipe',
    stderr: 'pipe',
  };
}

/** Starts the control node; `cookies` are sent first, then only their labels are used. */
export async function openSession(
  plan: LaunchPlan,
  cookies: { old: string; new: string | undefined },
  limits = { replyMs: REPLY_DEADLINE_MS, lineBytes: REPLY_LIMIT },
): Promise<Session> {
  const child = startSession(plan);
  const pending = new Map<string, (r: Reply) => void>();
  let ready: (() => void) | undefined;
  let ended = false;
  // A write after the control node died must not crash ejctl: its replies become errors instead.
  child.stdin.on('error', () => undefined);
  // Nothing reads the node's stderr: drain it, so a chatty node never blocks on a full pipe.
  child.stderr?.resume();
  boundedLines(
    child.stdout,
    limits.lineBytes,
    (line) => {
      if (line === 'ready') return ready?.();
      const space = line.indexOf(' ');
      const resolve = pending.get(line.slice(0, space));
      if (!resolve) return;
      pending.delete(line.slice(0, space));
      resolve(parseReply(line.slice(space + 1)));
    },
    () => child.kill('SIGKILL'),
  );
  const gone = new Promise<void>((resolve) => {
    void child.then(() => {
      ended = true;
      for (const r of pending.values()) r({ error: 'control-node-exited' });
      pending.clear();
      resolve();
    });
  });
  let startTimer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => (startTimer = setTimeout(r, limits.replyMs)));
  const started = await Promise.race([
    new Promise<boolean>((r) => (ready = () => r(true))),
    gone.then(() => false),
    late.then(() => false),
  ]);
  clearTimeout(startTimer);
  if (!started) child.kill('SIGKILL');
  if (!started)
    throw new EjctlError('the Erlang control node did not start', Exit.unreachable, {
      hint: 'Check that Erlang is installed and the EPMD of this host runs.',
    });
  let next = 0;
  const call = (op: string, ...args: (string | null)[]): Promise<Reply> => {
    if (ended) return Promise.resolve({ error: 'control-node-exited' });
    const id = String(++next);
    const reply = new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        // A control node that stopped answering is of no use for later steps either.
        pending.delete(id);
        child.kill('SIGKILL');
        resolve({ error: 'timeout' });
      }, limits.replyMs);
      pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    child.stdin.write(`${id} ${op}${args.map((a) => ` ${a === null ? '-' : hexField(a)}`).join('')}\n`);
    return reply;
  };
  const sent = await call('cookies', cookies.old, cookies.new ?? null);
  if (sent.ok !== true) throw new EjctlError('the Erlang control node refused the cookies', Exit.error);
  return {
    call,
    close: async () => {
      child.stdin.end();
      await gone;
    },
  };
}

/** A reply that is not a JSON object is reported as the control node's error, never thrown. */
function parseReply(text: string): Reply {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Reply) : { error: 'bad-reply' };
  } catch {
    return { error: 'bad-reply' };
  }
}
