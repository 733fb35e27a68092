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
import { atom, isTagged, type Term } from '../native/term.js';

export interface Remote {
  /** rpc:call(Node, Mod, Fun, Args); throws Unreachable when the node cannot answer in time. */
  call(mod: string, fun: string, args: Term[]): Promise<Term>;
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
  let v = await remote.call('erpc', 'execute_call', [TAG, atom(mod), atom(fun), args]);
  if (isTagged(v, 'badrpc', 2)) v = v.items[1] ?? [];
  if (isTagged(v, 'EXIT', 2)) v = v.items[1] ?? [];
  if (!isTagged(v, 'ejctl_json', 3)) return { kind: 'raised' };
  const [, kind, value = []] = v.items;
  if (kind === atom('return')) return { kind: 'return', value };
  if (kind === atom('throw')) return { kind: 'throw', value };
  return { kind: 'raised' };
}
