/**
 * The encoding of ejabberdctl's control node's standard output, which the native transport's io
 * server plays: what `io:getopts()` says there, and how characters become bytes (chardata.ts).
 * Measured with `erl -noshell`: OTP 25 (Debian 12) is latin1 whatever the locale; OTP 27
 * (Debian 13) is unicode in a UTF-8 locale (LANG=C.UTF-8) and latin1 in the C locale. OTP 26
 * made standard_io follow the locale. The control node is the local Erlang (ERL), so its
 * release and ejctl's own locale decide.
 */
import { readdirSync } from 'node:fs';
import type { Encoding } from './chardata.js';

/** Where the local Erlang/OTP lives (ERL, /usr/bin/erl, is a script that runs it from there). */
export const ERL_ROOT = '/usr/lib/erlang';

/** controlNodeEncoding for this environment, found once, on the first output request. */
export function controlNodeDevice(env: NodeJS.ProcessEnv): () => Encoding {
  let found: Encoding | undefined;
  return () => (found ??= controlNodeEncoding(env));
}

export function controlNodeEncoding(env: NodeJS.ProcessEnv, erlRoot = ERL_ROOT): Encoding {
  return utf8Locale(env) && otpMajor(erlRoot) >= 26 ? 'unicode' : 'latin1';
}

/** The locale's character set as setlocale(LC_CTYPE, "") takes it: LC_ALL, else LC_CTYPE, else LANG. */
export function utf8Locale(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /\.utf-?8(@|$)/i.test(locale);
}

/** The newest OTP release installed there (`releases/25`, `releases/27`), 0 if none can be read. */
export function otpMajor(erlRoot: string): number {
  try {
    return Math.max(0, ...readdirSync(`${erlRoot}/releases`).map(Number).filter(Number.isInteger));
  } catch {
    return 0;
  }
}
