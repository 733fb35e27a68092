/**
 * The words after ejctl's options, read as ejabberd_ctl:process/2 and process2/3 read them:
 * `--version N` first, then `--auth USER HOST PASSWORD`, then the command and its arguments.
 */
import type { JsonRequest } from './call.js';
import { errorObject } from './format.js';
import type { Json } from './jiffy.js';

/** ejabberd_ctl:process/1's API version when none is given: the latest (23.01 and 24.12 alike). */
export const LATEST_VERSION = 1_000_000;

export type JsonWords = { ok: true; req: JsonRequest } | { ok: false; exitCode: number; body: Json };

export function readJsonWords(words: readonly string[]): JsonWords {
  let rest = words;
  let version = LATEST_VERSION;
  const v = rest[1];
  if (rest[0] === '--version' && v !== undefined) {
    // list_to_integer/1: an optional sign and digits, nothing else.
    if (!/^[+-]?\d+$/.test(v))
      return { ok: false, exitCode: 1, body: errorObject(400, `Invalid API version number: ${JSON.stringify(v)}`) };
    version = Number(v);
    rest = rest.slice(2);
  }
  const [flag, user, host, password] = rest;
  const auth =
    flag === '--auth' && user !== undefined && host !== undefined && password !== undefined ? { user, host, password } : undefined;
  if (auth) rest = rest.slice(4);
  const [command, ...args] = rest;
  // ejabberdctl prints its usage (exit 2); mod_http_api answers 400 with this object.
  if (command === undefined) return { ok: false, exitCode: 2, body: errorObject(40, 'Missing command name.') };
  return { ok: true, req: { command, args, version, ...(auth ? { auth } : {}) } };
}
