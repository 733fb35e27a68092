/**
 * What ejabberd's HTTP API answers when a command fails with `{error, Reason}`: mod_http_api
 * throws Reason and its handle/4 turns it into a status and a body (ejabberd 23.01). A bare
 * string body becomes ejctl's error object with the HTTP status as its code (docs/json.md).
 */
import { Atom, isAtom, type Term } from '../native/term.js';
import { errorObject, type ApiAnswer } from './format.js';
import { asList, iolistText, tupleOf } from './terms.js';

const bare = (http: number, message: string): ApiAnswer => ({ http, body: errorObject(http, message) });

export function thrownAnswer(reason: Term): ApiAnswer {
  if (isAtom(reason, 'not_found')) return bare(404, 'not_found');
  if (isAtom(reason, 'not_allowed')) return bare(401, 'not_allowed');
  const pair = tupleOf(reason, 2);
  const [tag, why] = pair ?? [];
  if (isAtom(tag, 'not_found')) return bare(404, textOf(why));
  if (isAtom(tag, 'not_allowed')) return bare(401, textOf(why));
  if (isAtom(tag, 'error') && isAtom(why, 'account_unprivileged')) {
    return { http: 403, body: errorObject(31, 'Command need to be run with admin privilege.') };
  }
  if (isAtom(tag, 'error') && isAtom(why, 'access_rules_unauthorized')) {
    return { http: 403, body: errorObject(32, 'AccessRules: Account does not have the right to perform the operation.') };
  }
  if (isAtom(tag, 'invalid_parameter') || isAtom(tag, 'error')) return bare(400, textOf(why));
  if (reason instanceof Atom) return bare(400, reason.name);
  if (Buffer.isBuffer(reason) || asList(reason)) return bare(400, iolistText(reason));
  return internalError();
}

/** An atom by its name, anything else as iolist_to_binary/1 reads it. */
function textOf(t: Term | undefined): string {
  return t instanceof Atom ? t.name : iolistText(t);
}

/** A crash in the command or in formatting its result: what the API answers then. */
export const internalError = (): ApiAnswer => bare(500, 'internal_error');
