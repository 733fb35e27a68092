/** --json over the native transport: the calls go through ejctl's own distribution session. */
import type { NativeSession, Timeout } from '../native/session.js';
import type { Term } from '../native/term.js';
import { Unreachable, type Remote } from './remote.js';

/**
 * The calls of one command share its timeout, as ejabberd_ctl's one rpc:call does. What the
 * command prints (its group leader is ejctl) goes to `printed`, never into the JSON.
 */
export function nativeRemote(session: NativeSession, timeout: Timeout, printed: (b: Buffer) => void): Remote {
  const deadline = timeout === 'infinity' ? undefined : Date.now() + timeout;
  return {
    connection: session,
    async call(mod: string, fun: string, args: Term[]): Promise<Term> {
      const left: Timeout = deadline === undefined ? 'infinity' : Math.max(0, deadline - Date.now());
      const outcome = await session.call(mod, fun, args, left, printed);
      if (outcome.kind === 'timeout') throw new Unreachable('timeout');
      if (outcome.kind === 'down') throw new Unreachable('nodedown');
      return outcome.value;
    },
  };
}
