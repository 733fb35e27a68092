/**
 * A call the way OTP 23+'s rpc:call makes it, and so the way ejabberdctl's control node calls
 * ejabberd_ctl:process/1: erpc:call spawns `erpc:execute_call(Res, M, F, A)` on the node with a
 * distributed spawn request (SPAWN_REQUEST, monitor option, our pid as group leader), and the
 * process ends with exit({Res, return | throw | exit | error, ...}), which the monitor's DOWN
 * brings back (lib/kernel/src/erpc.erl). The command runs in a process whose stack ends in
 * erpc:execute_call/4, so a stack trace ejabberd prints is the one ejabberdctl shows; through
 * rex it ended in rpc frames.
 *
 * Control messages (erts/doc: "Distribution Protocol"):
 *   SPAWN_REQUEST          {29, ReqId, From, GroupLeader, {M, F, Arity}, OptList}, payload ArgList
 *   SPAWN_REPLY            {31, ReqId, To, Flags, Result}       Result: the pid, or an error atom
 *   MONITOR_P_EXIT         {21, FromProc, ToPid, Ref, Reason}   Ref: the ReqId (the monitor's)
 *   PAYLOAD_MONITOR_P_EXIT {28, FromProc, ToPid, Ref}, payload Reason
 *   DEMONITOR_P            {20, FromPid, ToProc, Ref}
 */
import { atom, isAtom, isTagged, Pid, Ref, sameRef, Tuple, type Term } from './term.js';

export const SPAWN_REQUEST = 29;
export const SPAWN_REPLY = 31;
export const SPAWN_REPLY_TT = 32;
export const MONITOR_P_EXIT = 21;
export const PAYLOAD_MONITOR_P_EXIT = 28;
const DEMONITOR_P = 20;

/** The spawn request of erpc:call(Node, M, F, A): control message and argument list. */
export function spawnRequest(reqId: Ref, self: Pid, res: Ref, mod: string, fun: string, args: Term): { control: Tuple; payload: Term } {
  const control = new Tuple(SPAWN_REQUEST, reqId, self, self, new Tuple(atom('erpc'), atom('execute_call'), 4), [atom('monitor')]);
  return { control, payload: [res, atom(mod), atom(fun), args] };
}

export function demonitor(self: Pid, spawned: Pid, reqId: Ref): Tuple {
  return new Tuple(DEMONITOR_P, self, spawned, reqId);
}

export type SpawnEvent =
  | { kind: 'spawned'; reqId: Term; pid: Pid }
  | { kind: 'spawn-error'; reqId: Term; reason: Term }
  | { kind: 'down'; reqId: Term; reason: Term };

/** A spawn reply or a monitor's DOWN for `self`, from a control message (and its payload). */
export function spawnEvent(control: Tuple, payload: Term | undefined): SpawnEvent | undefined {
  const [op, a, , , d] = control.items;
  if (op === SPAWN_REPLY || op === SPAWN_REPLY_TT) {
    const result = control.items[4];
    if (result instanceof Pid) return { kind: 'spawned', reqId: a ?? [], pid: result };
    return { kind: 'spawn-error', reqId: a ?? [], reason: result ?? [] };
  }
  const ref = control.items[3];
  if (op === MONITOR_P_EXIT) return { kind: 'down', reqId: ref ?? [], reason: d ?? [] };
  if (op === PAYLOAD_MONITOR_P_EXIT && payload !== undefined) return { kind: 'down', reqId: ref ?? [], reason: payload };
  return undefined;
}

/** Where a control message of these kinds is addressed (SPAWN_REPLY: To; DOWN: ToPid). */
export function spawnEventTarget(control: Tuple): Term | undefined {
  const op = control.items[0];
  if (op === SPAWN_REPLY || op === SPAWN_REPLY_TT || op === MONITOR_P_EXIT || op === PAYLOAD_MONITOR_P_EXIT) return control.items[2];
  return undefined;
}

const badrpc = (reason: Term): Tuple => new Tuple(atom('badrpc'), reason);
const exitOf = (reason: Term): Tuple => new Tuple(atom('EXIT'), reason);

/**
 * What rpc:call returns for the process's exit reason (rpc.erl on top of erpc.erl, OTP 23+):
 * the value, or `{badrpc, ...}` as rpcify_exception words it.
 */
export function rpcResultOfDown(res: Ref, reason: Term): Term {
  if (isAtom(reason, 'noconnection')) return badrpc(atom('nodedown'));
  if (!(reason instanceof Tuple) || !sameRef(reason.items[0], res)) return badrpc(exitOf(reason));
  const [, kind, value, stack] = reason.items;
  if (value === undefined) return badrpc(exitOf(reason));
  if (isAtom(kind, 'return') || isAtom(kind, 'throw')) return isTagged(value, 'EXIT', 2) ? badrpc(value) : value;
  if (isAtom(kind, 'exit')) return badrpc(exitOf(value));
  if (isAtom(kind, 'error') && stack !== undefined) return badrpc(exitOf(new Tuple(value, stack)));
  if (isAtom(kind, 'error') && isTagged(value, 'erpc', 2)) return rpcResultOfErpcError(value.items[1] ?? []);
  return badrpc(exitOf(reason));
}

/** rpc's words for error({erpc, Reason}): a failed spawn, or an argument error of the call. */
export function rpcResultOfErpcError(reason: Term): Term {
  if (isAtom(reason, 'noconnection')) return badrpc(atom('nodedown'));
  if (isAtom(reason, 'timeout') || isAtom(reason, 'notsup')) return badrpc(reason);
  return badrpc(exitOf(reason));
}
