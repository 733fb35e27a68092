/**
 * --json over the erl transport: a control node launched as for any forwarded command (same
 * user, name, distribution settings, no cookie in argv), running JSON_SCRIPT, which makes each
 * call with rpc:call/5 and hands back the term as it is.
 *
 * The control node runs as INSTALLUSER, whose processes the node user controls (ptrace, its
 * stdout): every reply has a line limit and a deadline, a decoding limit, and a control node
 * that breaks one is killed (test/security/jsonSession.test.ts).
 */
import type { Writable } from 'node:stream';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { buildControlLaunch } from '../erl/controlLaunch.js';
import { hexField } from '../erl/controlScript.js';
import { controlSetup, warnControl } from '../erl/controlSetup.js';
import { EjctlError, Exit } from '../errors.js';
import { decodeTerm } from '../native/decode.js';
import { encodeTerm } from '../native/encode.js';
import type { Timeout } from '../native/session.js';
import { Tuple, atom, isAtom, isTagged, type Term } from '../native/term.js';
import type { LaunchPlan } from '../run/plan.js';
import { startSession } from '../run/session.js';
import { boundedLines } from '../system/boundedLines.js';
import { JSON_SCRIPT, MAX_ANSWER_BYTES } from './erlScript.js';
import { Unreachable, type Remote } from './remote.js';

export interface ErlRemote {
  /** undefined: the node could not be reached. */
  remote: Remote | undefined;
  close: () => Promise<void>;
}

export interface ErlLimits {
  /** For the control node to start and connect (net_setuptime is 7 s). */
  readyMs: number;
  /** Beyond the command's own timeout, which rpc:call applies inside the control node. */
  graceMs: number;
  /** A reply line: base64 of at most MAX_ANSWER_BYTES. */
  lineBytes: number;
}

export const ERL_LIMITS: ErlLimits = { readyMs: 60_000, graceMs: 10_000, lineBytes: Math.ceil(MAX_ANSWER_BYTES / 3) * 4 + 2 };

export async function openErlRemote(
  ctx: Pick<Ctx, 'stderr' | 'uid' | 'files'>,
  s: Settings,
  cookie: string,
  timeout: Timeout,
): Promise<ErlRemote> {
  const setup = controlSetup(ctx, s);
  warnControl(ctx, setup);
  const plan = buildControlLaunch(s, { ...setup, args: [], cookie: undefined, script: JSON_SCRIPT });
  return converse({ ...plan, stdout: 'pipe', stderr: 'pipe' }, `${hexField(cookie)} ${hexField(s.node)}\n`, ctx.stderr, timeout);
}

/** Starts the control node, sends `hello` (cookie and node) and waits for `ready`. */
export async function converse(
  plan: LaunchPlan,
  hello: string,
  stderr: Writable,
  timeout: Timeout,
  limits = ERL_LIMITS,
): Promise<ErlRemote> {
  const child = startSession(plan);
  child.stdin.on('error', () => undefined);
  child.stderr?.on('data', (b: Buffer) => stderr.write(b));
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let ended = false;
  const end = () => {
    ended = true;
    waiting?.();
  };
  void child.then(end, end);
  const kill = () => {
    child.kill('SIGKILL');
    end();
  };
  boundedLines(child.stdout, limits.lineBytes, (l) => (lines.push(l), waiting?.()), kill);
  /** The next line within `ms`, or undefined (the control node is then stopped). */
  const next = async (ms: number | undefined): Promise<string | undefined> => {
    if (lines.length === 0 && !ended) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        waiting = resolve;
        if (ms !== undefined) timer = setTimeout(() => (kill(), resolve()), ms);
      });
      clearTimeout(timer);
      waiting = undefined;
    }
    return lines.shift();
  };
  // The script halts at the end of its input; one that does not is stopped after the grace time.
  const close = async () => {
    child.stdin.end();
    const timer = setTimeout(kill, limits.graceMs);
    await child;
    clearTimeout(timer);
  };
  child.stdin.write(hello);
  const first = await next(limits.readyMs);
  if (first === undefined) {
    kill();
    throw new EjctlError('the Erlang control node did not start', Exit.unreachable, { hint: 'Check that Erlang is installed.' });
  }
  if (!isAtom(decodeLine(first), 'ready')) return { remote: undefined, close };
  const deadline = timeout === 'infinity' ? undefined : Date.now() + timeout;
  const remote: Remote = {
    async call(mod: string, fun: string, args: Term[]): Promise<Term> {
      const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
      child.stdin.write(`${encodeTerm(new Tuple(atom(mod), atom(fun), args, left ?? atom('infinity'))).toString('base64')}\n`);
      const line = await next(left === undefined ? undefined : left + limits.graceMs);
      const value = line === undefined ? undefined : decodeLine(line);
      if (value === undefined) throw (kill(), new Unreachable('nodedown'));
      if (isTagged(value, 'badrpc', 2) && isAtom(value.items[1], 'timeout')) throw new Unreachable('timeout');
      if (isTagged(value, 'badrpc', 2) && isAtom(value.items[1], 'nodedown')) throw new Unreachable('nodedown');
      return value;
    },
  };
  return { remote, close };
}

/** A reply line's term; undefined when it is none (not from JSON_SCRIPT). */
function decodeLine(line: string): Term | undefined {
  try {
    return decodeTerm(Buffer.from(line, 'base64')).term;
  } catch {
    return undefined;
  }
}
