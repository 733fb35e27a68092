/**
 * The exit code ejabberdctl gives a command's result: ejabberd_ctl:format_result/2 and
 * make_status/1 of ejabberd 23.01, so `--json` never changes the exit code.
 */
import { Tuple, isAtom, isTagged, type Term } from '../native/term.js';
import { asList, formatParts, isOk, tupleOf } from './terms.js';

/** make_status/1. */
export function makeStatus(code: Term | undefined): number {
  if (isOk(code)) return 0;
  if (typeof code === 'number' && Number.isInteger(code)) return code > 255 ? 1 : code > 0 ? code : 1;
  // A bigint is above 255.
  if (typeof code === 'bigint') return 1;
  return 1;
}

/** What ejabberdctl exits with for the command's result `result` in result format `fmt`. */
export function ctlExitCode(result: Term, fmt: Term): number {
  if (isTagged(result, 'error', 2)) return 1;
  if (isTagged(result, 'error', 4)) return makeStatus(result.items[2]);
  const { type } = formatParts(fmt);
  if (isAtom(type, 'rescode')) return makeStatus(result);
  if (isAtom(type, 'restuple')) {
    const pair = tupleOf(result, 2);
    return pair ? makeStatus(pair[0]) : 1;
  }
  // A list that is not one, or a tuple of another size, ends in format_result's 404 clause or a crash: 1.
  if (isTagged(type, 'list', 2)) return asList(result) ? 0 : 1;
  if (isTagged(type, 'tuple', 2)) return result instanceof Tuple && result.items.length === (asList(type.items[1])?.length ?? -1) ? 0 : 1;
  return 0;
}
