/**
 * One long-lived hidden Erlang control node that stays connected to every cluster node for the
 * whole rotation, so every step travels over connections established before the switch. It is
 * the same launch as a forwarded command (dynamic name, -nocookie, no ~/.erlang), with the
 * session script instead; requests and replies are lines (see sessionScript.ts).
 */
import { hexField } from '../erl/controlScript.js';
import { createInterface } from 'node:readline';
import type { Settings } from '../config/settings.js';
import type { LaunchPlan } from '../run/plan.js';
import { buildControlLaunch } from '../erl/controlLaunch.js';
import { inetrcPath } from '../erl/erlArgs.js';
import { inetrcPresent, readVmArgs } from '../system/files.js';
import { startSession } from '../run/session.js';
import { chooseRunAs } from '../runAs.js';
import { EjctlError, Exit } from '../errors.js';
import { SESSION_SCRIPT } from './sessionScript.js';

export type Label = 'old' | 'new';
/** A reply: `{ok: value}` or `{error: reason, ...}`; reasons are atoms, never cookies. */
export type Reply = { ok?: unknown; error?: unknown; [k: string]: unknown };

export interface Session {
  /** Sends one request and waits for its reply. */
  call(op: string, ...args: (string | null)[]): Promise<Reply>;
  close(): Promise<void>;
}

export function buildSessionLaunch(s: Settings, uid: number): LaunchPlan {
  const plan = buildControlLaunch(s, {
    args: [],
    cookie: undefined,
    runAs: chooseRunAs(s, { uid }),
    vmArgsText: readVmArgs(s.vmArgs),
    inetrcExists: inetrcPresent(inetrcPath(s)),
    script: SESSION_SCRIPT,
  });
  return {
    ...plan,
    stdin: { kind: 'secret', data: '', redacted: 'request lines; the old and new cookies once, hex-encoded (not shown)' },
    stdout: 'pipe',
    stderr: 'pipe',
  };
}

/** Starts the control node; `cookies` are sent first, then only their labels are used. */
export async function openSession(plan: LaunchPlan, cookies: { old: string; new: string | undefined }): Promise<Session> {
  const child = startSession(plan);
  const pending = new Map<string, (r: Reply) => void>();
  let ready: (() => void) | undefined;
  let ended = false;
  // A write after the control node died must not crash ejctl: its replies become errors instead.
  child.stdin.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line === 'ready') return ready?.();
    const space = line.indexOf(' ');
    const resolve = pending.get(line.slice(0, space));
    if (!resolve) return;
    pending.delete(line.slice(0, space));
    resolve(JSON.parse(line.slice(space + 1)) as Reply);
  });
  const gone = new Promise<void>((resolve) => {
    void child.then(() => {
      ended = true;
      for (const r of pending.values()) r({ error: 'control-node-exited' });
      pending.clear();
      resolve();
    });
  });
  await Promise.race([new Promise<void>((r) => (ready = r)), gone]);
  if (ended)
    throw new EjctlError('the Erlang control node did not start', Exit.unreachable, {
      hint: 'Check that Erlang is installed and the EPMD of this host runs.',
    });
  let next = 0;
  const call = (op: string, ...args: (string | null)[]): Promise<Reply> => {
    if (ended) return Promise.resolve({ error: 'control-node-exited' });
    const id = String(++next);
    const reply = new Promise<Reply>((resolve) => pending.set(id, resolve));
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
