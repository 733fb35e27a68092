/**
 * What rpc:call returns for each way the spawned erpc:execute_call/4 process can end
 * (lib/kernel/src/rpc.erl and erpc.erl, OTP 23+): ejctl turns the exit reason into the same value.
 */
import { describe, expect, it } from 'vitest';
import { rpcResultOfDown, rpcResultOfErpcError } from '../../src/native/erpc.js';
import { atom, Ref, Tuple, type Term } from '../../src/native/term.js';

const res = new Ref(atom('a@h'), 1, [1, 2, 3]);
const other = new Ref(atom('a@h'), 1, [9, 9, 9]);
const badrpc = (t: Term) => new Tuple(atom('badrpc'), t);
const exit = (t: Term) => new Tuple(atom('EXIT'), t);

describe('rpc:call results from the exit reason of erpc:execute_call/4', () => {
  const stack: Term = [new Tuple(atom('m'), atom('f'), 1, [])];
  it.each<[string, Term, Term]>([
    ['a return value', new Tuple(res, atom('return'), 0), 0],
    ["a returned {'EXIT', _}", new Tuple(res, atom('return'), exit(atom('x'))), badrpc(exit(atom('x')))],
    ['a throw', new Tuple(res, atom('throw'), 7), 7],
    ['an exit', new Tuple(res, atom('exit'), atom('boom')), badrpc(exit(atom('boom')))],
    ['an error with its stack', new Tuple(res, atom('error'), atom('badarg'), stack), badrpc(exit(new Tuple(atom('badarg'), stack)))],
    ['the node lost its connection', atom('noconnection'), badrpc(atom('nodedown'))],
    ['killed', atom('killed'), badrpc(exit(atom('killed')))],
    ["another call's tag", new Tuple(other, atom('return'), 0), badrpc(exit(new Tuple(other, atom('return'), 0)))],
  ])('%s', (_title, reason, want) => {
    expect(rpcResultOfDown(res, reason)).toStrictEqual(want);
  });

  it('a spawn the node refused', () => {
    expect(rpcResultOfErpcError(atom('notsup'))).toStrictEqual(badrpc(atom('notsup')));
    expect(rpcResultOfErpcError(atom('system_limit'))).toStrictEqual(badrpc(exit(atom('system_limit'))));
  });
});
