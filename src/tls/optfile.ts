/**
 * The ssl_dist option file (`-ssl_dist_optfile FILE`, read by OTP with file:consult/1): a list
 * `[{server, Opts}, {client, Opts}]`. Parsed here for the native transport (which needs the
 * client's certificate, key and CA) and for the audit (which checks the server's verification).
 * Options that change how a peer is verified and that we cannot honour are refused (exit 78).
 */
import { configError } from '../errors.js';
import { readBounded } from './readBounded.js';
import { readTerms, TermSyntaxError, type ETerm } from './erlTerm.js';

/** An option file is a few hundred bytes; anything beyond this is not one. */
export const MAX_OPTFILE_BYTES = 64 * 1024;

export type OptValue = string | number | boolean | string[];
export type SideOptions = Map<string, OptValue>;

export interface DistOptFile {
  path: string;
  server: SideOptions;
  client: SideOptions;
}

/** Options whose values we read; any other option of a side is listed in `unknown`. */
const KNOWN = new Set([
  'certfile',
  'keyfile',
  'cacertfile',
  'verify',
  'fail_if_no_peer_cert',
  'versions',
  'depth',
  'secure_renegotiate',
  'reuse_sessions',
  'server_name_indication',
  'honor_cipher_order',
  'log_level',
  'ciphers',
  'crl_check',
]);

/** The path given with -ssl_dist_optfile in VM arguments (ERL_OPTIONS, vm.args words), if any. */
export function optfileIn(words: readonly string[]): string | undefined {
  const i = words.lastIndexOf('-ssl_dist_optfile');
  return i >= 0 ? words[i + 1] : undefined;
}

export function readOptFileText(path: string): string {
  return readBounded(
    path,
    MAX_OPTFILE_BYTES,
    'the ssl_dist option file',
    'Check -ssl_dist_optfile in ERL_OPTIONS or vm.args; ejctl must run as root or INSTALLUSER to read it.',
  ).toString('utf8');
}

export function parseOptFile(text: string, path: string): DistOptFile {
  let terms: ETerm[];
  try {
    terms = readTerms(text);
  } catch (err) {
    if (err instanceof TermSyntaxError) throw refuse(path, err.message);
    throw err;
  }
  const top = terms[0];
  if (terms.length !== 1 || top?.t !== 'list') throw refuse(path, 'expected one list: [{server, [...]}, {client, [...]}].');
  const out: DistOptFile = { path, server: new Map(), client: new Map() };
  for (const entry of top.v) {
    const [side, opts] = entry.t === 'tuple' && entry.v.length === 2 ? entry.v : [];
    if (side?.t !== 'atom' || (side.v !== 'server' && side.v !== 'client') || opts?.t !== 'list')
      throw refuse(path, 'each entry must be {server, [...]} or {client, [...]}.');
    for (const opt of opts.v) {
      const [key, value] = readOption(opt, path);
      out[side.v].set(key, value);
    }
  }
  return out;
}

/** `{Key, Value}` with Value an atom, a string, an integer or a list of atoms/strings. */
function readOption(opt: ETerm, path: string): [string, OptValue] {
  if (opt.t !== 'tuple' || opt.v.length !== 2 || opt.v[0]?.t !== 'atom') throw refuse(path, 'each option must be {Name, Value}.');
  const key = opt.v[0].v;
  const value = opt.v[1] as ETerm;
  if (value.t === 'str' || value.t === 'int') return [key, value.v];
  if (value.t === 'atom') return [key, value.v === 'true' ? true : value.v === 'false' ? false : value.v];
  if (value.t === 'list' && value.v.every((x) => x.t === 'atom' || x.t === 'str')) return [key, value.v.map((x) => String(x.v))];
  throw refuse(path, `the value of option ${key} is not one ejctl reads.`);
}

function refuse(path: string, what: string) {
  return configError(
    `ejctl cannot read the ssl_dist option file ${path}: ${what}`,
    'Keep to the form ejctl tls writes (see docs/tls.md), or use --transport erl.',
  );
}

/** Options of a side that ejctl does not read (the native transport refuses those on the client). */
export function unknownOptions(side: SideOptions): string[] {
  return [...side.keys()].filter((k) => !KNOWN.has(k));
}

export function loadOptFile(path: string): DistOptFile {
  return parseOptFile(readOptFileText(path), path);
}
