/**
 * A command's result as ejabberd's HTTP API answers it: mod_http_api:format_command_result/4 and
 * format_result/2 of ejabberd 23.01, the mapping from the command's result format (its
 * definition) to JSON. docs/json.md has the table.
 */
import { Tuple, atom, isAtom, isTagged, type Term } from '../native/term.js';
import { JsonObject, termToJson, type Json } from './jiffy.js';
import { Crash, asList, atomName, formatParts, iolistText, isOk, tupleOf } from './terms.js';

/** An HTTP status and the JSON body mod_http_api would send with it. */
export interface ApiAnswer {
  http: number;
  body: Json;
}

/** json_error/3: the API's error object. */
export const errorObject = (code: number, message: string): JsonObject =>
  new JsonObject([
    ['status', 'error'],
    ['code', code],
    ['message', message],
  ]);

/**
 * format_command_result/4: `result` is what the command returned, `fmt` its result format;
 * `bare` when the node writes a one-value result without its name (src/json/release.ts).
 */
export function formatCommandResult(result: Term, fmt: Term, bare = false): ApiAnswer {
  const { type } = formatParts(fmt);
  if (isAtom(type, 'rescode')) return { http: 200, body: isOk(result) ? 0 : 1 };
  const extended = isTagged(result, 'error', 4) ? result.items : undefined;
  if (extended) return formatError(extended[1], extended[2], extended[3]);
  const pair = tupleOf(result, 2);
  if (isAtom(type, 'restuple') && pair) {
    return isOk(pair[0]) ? { http: 200, body: iolistText(pair[1]) } : formatError(pair[0], 0, pair[1]);
  }
  if (isTagged(type, 'list', 2) || isTagged(type, 'tuple', 2)) return { http: 200, body: formatResult(result, fmt)[1] };
  const one = formatResult(result, fmt);
  return { http: 200, body: bare ? one[1] : new JsonObject([one]) };
}

/** Whether format_command_result/4 ends in its last clause: a result that is one named value. */
export function isOneValue(result: Term, fmt: Term): boolean {
  const { type } = formatParts(fmt);
  if (isAtom(type, 'rescode') || isTagged(result, 'error', 4)) return false;
  if (isAtom(type, 'restuple') && tupleOf(result, 2)) return false;
  return !isTagged(type, 'list', 2) && !isTagged(type, 'tuple', 2);
}

/** format_error_result/3. */
function formatError(reason: Term | undefined, code: Term | undefined, message: Term | undefined): ApiAnswer {
  const http = isAtom(reason, 'conflict') ? 409 : isAtom(reason, 'not_exists') ? 404 : 500;
  // The code of an extended error is whatever term the command gave (an integer in practice).
  const body = new JsonObject([
    ['status', 'error'],
    ['code', termToJson(code ?? 0)],
    ['message', iolistText(message)],
  ]);
  return { http, body };
}

/** format_result/2: a `{Name, Value}` pair. */
export function formatResult(value: Term, fmt: Term): [string, Json] {
  const { name, type } = formatParts(fmt);
  if (isAtom(type, 'atom')) return [name, atomName(value)];
  if (isAtom(type, 'integer')) return [name, termToJson(value)];
  if (isAtom(type, 'string')) return [name, stringValue(value)];
  if (isAtom(type, 'rescode')) return [name, isOk(value)];
  if (isAtom(type, 'restuple')) {
    const pair = tupleOf(value, 2);
    const text = pair ? iolistText(pair[1]) : '';
    return [
      name,
      new JsonObject([
        ['res', isOk(pair ? pair[0] : value)],
        ['text', text],
      ]),
    ];
  }
  if (isTagged(type, 'list', 2)) return [name, listValue(value, type.items[1] ?? [])];
  if (isTagged(type, 'tuple', 2)) return tupleValue(name, value, type.items[1] ?? []);
  throw new Crash('no format_result/2 clause');
}

function stringValue(value: Term): string {
  const items = asList(value);
  const first = items?.[0];
  // A list of strings is joined with newlines (string:join/2).
  if (items && first !== undefined && asList(first) !== undefined) {
    return items.map((s) => iolistText(s)).join('\n');
  }
  return iolistText(value);
}

function listValue(value: Term, elFmt: Term): Json {
  const items = asList(value);
  if (!items) throw new Crash('a list result is not a list');
  if (isPairTupleFormat(formatParts(elFmt).type)) return new JsonObject(items.map((el) => formatResult(el, elFmt)));
  return items.map((el) => formatResult(el, elFmt)[1]);
}

/** `{tuple, [{_, atom}, _]}` and `{tuple, [{name, string}, {value, _}]}`: a tuple that is one key and its value. */
function isPairTupleFormat(type: Term): boolean {
  if (!isTagged(type, 'tuple', 2)) return false;
  const defs = asList(type.items[1]);
  if (defs?.length !== 2) return false;
  const [first, second] = defs.map((d) => tupleOf(d, 2));
  if (!first || !second) return false;
  if (isAtom(first[1], 'atom')) return true;
  return isAtom(first[0], 'name') && isAtom(first[1], 'string') && isAtom(second[0], 'value');
}

function tupleValue(name: string, value: Term, defsTerm: Term): [string, Json] {
  const defs = asList(defsTerm) ?? [];
  const items = value instanceof Tuple ? value.items : undefined;
  if (isPairTupleFormat(new Tuple(atom('tuple'), defsTerm))) {
    if (items?.length !== 2) throw new Crash('a key-value result is not a pair');
    const key = formatParts(defs[0]).type;
    const keyText = isAtom(key, 'atom') ? atomName(items[0]) : iolistText(items[0]);
    return [keyText, formatResult(items[1] ?? [], defs[1] ?? [])[1]];
  }
  // lists:zip/2 of the tuple's elements and their formats: same length or a crash.
  if (!items || items.length !== defs.length) throw new Crash('a tuple result does not match its format');
  return [name, new JsonObject(items.map((el, i) => formatResult(el, defs[i] ?? [])))];
}
