/**
 * The JSON side of ejabberd's HTTP API, which encodes with jiffy: Erlang terms to JSON text as
 * jiffy:encode/1 writes them (objects are `{[{Key, Value}]}`, binaries are strings, `true`,
 * `false` and `null` are literals, other atoms strings). JSON arguments are decoded by jiffy on
 * the node itself (src/json/args.ts), as ejabberd_ctl does.
 */
import { Atom, ErlMap, ErlString, Float, Tuple, type Term } from '../native/term.js';

/** A JSON value in the order jiffy writes it (objects keep their pairs, duplicates included). */
export type Json = null | boolean | number | bigint | Float | string | Json[] | JsonObject;

export class JsonObject {
  constructor(readonly pairs: [string, Json][]) {}
}

/** What jiffy cannot encode (a pid, a plain tuple): mod_http_api then answers 500. */
export class NotJson extends Error {}

/** Nesting beyond this is refused (jiffy's own limit is the node's memory; ours is the stack). */
const MAX_DEPTH = 1000;

/** A term as jiffy:encode/1 sees it. */
export function termToJson(t: Term, depth = 0): Json {
  if (depth > MAX_DEPTH) throw new NotJson('nested too deep');
  if (typeof t === 'number') return t;
  if (typeof t === 'bigint') return t;
  if (t instanceof Float) return t;
  if (t instanceof Atom) return t.name === 'true' ? true : t.name === 'false' ? false : t.name === 'null' ? null : t.name;
  if (Buffer.isBuffer(t)) return t.toString('utf8');
  if (t instanceof ErlString) return Array.from(t.bytes);
  if (Array.isArray(t)) return t.map((x) => termToJson(x, depth + 1));
  if (t instanceof Tuple && t.items.length === 1 && Array.isArray(t.items[0]))
    return new JsonObject(t.items[0].map((p) => pair(p, depth + 1)));
  if (t instanceof ErlMap) return new JsonObject(t.entries.map(([k, v]) => [keyText(k), termToJson(v, depth + 1)]));
  throw new NotJson('not an EJSON term');
}

function pair(p: Term, depth: number): [string, Json] {
  if (!(p instanceof Tuple) || p.items.length !== 2) throw new NotJson('an object member is not a pair');
  return [keyText(p.items[0]), termToJson(p.items[1] ?? [], depth)];
}

function keyText(k: Term | undefined): string {
  if (Buffer.isBuffer(k)) return k.toString('utf8');
  if (k instanceof Atom) return k.name;
  if (k instanceof ErlString) return k.bytes.toString('latin1');
  if (Array.isArray(k) && k.every((c) => typeof c === 'number')) return String.fromCodePoint(...k);
  throw new NotJson('an object key is not a string');
}

/** JSON text without spaces, as jiffy writes it. */
export function stringifyJson(v: Json): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return String(v);
  if (v instanceof Float) return floatText(v.value);
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(',')}]`;
  return `{${v.pairs.map(([k, x]) => `${JSON.stringify(k)}:${stringifyJson(x)}`).join(',')}}`;
}

/** A float as jiffy writes it: the shortest form that reads back, always with a dot or an exponent. */
function floatText(f: number): string {
  const text = String(f).replace('e+', 'e');
  return /[.e]/.test(text) ? text : `${text}.0`;
}
