/**
 * How `--json` calls the node, whatever the transport: one function at a time, as rpc:call/5
 * does it (src/json/remoteNative.ts, src/json/remoteErl.ts).
 *
 * Through rpc a thrown value comes back as if returned, and ejabberd's commands throw their
 * errors (`throw(error_no_vcard_found)`), which mod_http_api answers differently from a result.
 * So each call runs inside erpc:execute_call/4 (OTP 23+), which ends its process with
 * `{Tag, return, Value}`, `{Tag, throw, Value}` or `{Tag, error | exit, ...}`; rpc hands that
 * exit reason back as `{badrpc, {'EXIT', Reason}}` (measured on OTP 25).
 */
import { Tuple, atom, isAtom, type Term } from '../native/term.js';

export interface Remote {
  /** rpc:call(Node, Mod, Fun, Args); throws Unreachable when the node cannot answer in time. */
  call(mod: string, fun: string, args: Term[]): Promise<Term>;
  /** The connection the calls go over, when several commands share it (a batch): what is learnt of the node once is kept for it. */
  readonly connection?: object;
}

/** The node went away, or did not answer within the command's timeout. */
export class Unreachable extends Error {
  constructor(readonly reason: 'timeout' | 'nodedown') {
    super(reason);
  }
}

export type Reply = { kind: 'return'; value: Term } | { kind: 'throw'; value: Term } | { kind: 'raised' };

const TAG = atom('ejctl_json');

/** apply(Mod, Fun, Args) on the node, telling a returned value from a thrown one. */
export async function applyOnNode(remote: Remote, mod: string, fun: string, args: Term[]): Promise<Reply> {
  const v = await remote.call('erpc', 'execute_call', [TAG, atom(mod), atom(fun), args]);
  const found = tagged(v, 3);
  const [, kind, value = []] = found?.items ?? [];
  if (kind === atom('return')) return { kind: 'return', value };
  if (kind === atom('throw')) return { kind: 'throw', value };
  return { kind: 'raised' };
}

/**
 * The `{ejctl_json, Kind, Value}` exit reason inside the answer: rpc wraps it in
 * `{badrpc, {'EXIT', _}}`; a caller that spawns the call as erpc does may wrap it once more.
 */
function tagged(v: Term | undefined, depth: number): Tuple | undefined {
  if (!(v instanceof Tuple) || depth < 0) return undefined;
  if (v.items.length === 3 && isAtom(v.items[0], 'ejctl_json')) return v;
  for (const item of v.items) {
    const found = tagged(item, depth - 1);
    if (found) return found;
  }
  return undefined;
}
