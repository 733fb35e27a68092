/**
 * --json over the erl transport: a control node launched as for any forwarded command (same
 * user, name, distribution settings, no cookie in argv), running JSON_SCRIPT, which makes each
 * call with rpc:call/5 and hands back the term as it is.
 */
import { createInterface } from 'node:readline';
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
import { startSession } from '../run/session.js';
import { JSON_SCRIPT } from './erlScript.js';
import { Unreachable, type Remote } from './remote.js';

export interface ErlRemote {
  /** undefined: the node could not be reached. */
  remote: Remote | undefined;
  close: () => Promise<void>;
}

export async function openErlRemote(
  ctx: Pick<Ctx, 'stderr' | 'uid' | 'files'>,
  s: Settings,
  cookie: string,
  timeout: Timeout,
): Promise<ErlRemote> {
  const setup = controlSetup(ctx, s);
  warnControl(ctx, setup);
  const plan = buildControlLaunch(s, { ...setup, args: [], cookie: undefined, script: JSON_SCRIPT });
  const child = startSession({ ...plan, stdout: 'pipe', stderr: 'pipe' });
  child.stdin.on('error', () => undefined);
  child.stderr?.on('data', (b: Buffer) => ctx.stderr.write(b));
  const waiting: ((line: string | undefined) => void)[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.(line));
  lines.on('close', () => waiting.splice(0).forEach((w) => w(undefined)));
  const next = () => new Promise<string | undefined>((resolve) => waiting.push(resolve));
  const close = async () => {
    child.stdin.end();
    await child;
  };
  const first = next();
  child.stdin.write(`${hexField(cookie)} ${hexField(s.node)}\n`);
  const hello = await first;
  if (hello === undefined) {
    await close();
    throw new EjctlError('the Erlang control node did not start', Exit.unreachable, { hint: 'Check that Erlang is installed.' });
  }
  if (!isAtom(decodeLine(hello), 'ready')) return { remote: undefined, close };
  const deadline = timeout === 'infinity' ? undefined : Date.now() + timeout;
  const remote: Remote = {
    async call(mod: string, fun: string, args: Term[]): Promise<Term> {
      const left = deadline === undefined ? atom('infinity') : Math.max(0, deadline - Date.now());
      const answer = next();
      child.stdin.write(`${encodeTerm(new Tuple(atom(mod), atom(fun), args, left)).toString('base64')}\n`);
      const line = await answer;
      if (line === undefined) throw new Unreachable('nodedown');
      const value = decodeLine(line);
      if (isTagged(value, 'badrpc', 2) && isAtom(value.items[1], 'timeout')) throw new Unreachable('timeout');
      if (isTagged(value, 'badrpc', 2) && isAtom(value.items[1], 'nodedown')) throw new Unreachable('nodedown');
      return value;
    },
  };
  return { remote, close };
}

const decodeLine = (line: string): Term => decodeTerm(Buffer.from(line, 'base64')).term;
