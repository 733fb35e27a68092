/**
 * A command's arguments read the way ejabberdctl reads them (ejabberd_ctl:format_args/2 and
 * format_arg/2 of ejabberd 23.01): by position against the definition's argument formats.
 * `integer` and `string` go through io_lib:fread/2 on the node itself (its quirks included: "5x"
 * reads 5, a string with a newline or a character above 255 does not read), `binary` is the
 * UTF-8 of the argument, and any other format (lists, tuples) is read by the node's own
 * ejabberd_ctl:format_arg/2 where it exports one (24.12: `a,b` for a list, `a:b` for a tuple),
 * else JSON decoded by jiffy on the node and shaped by mod_http_api:format_arg/2, as 23.01's
 * ejabberd_ctl does.
 */
import { atom, charList, isTagged, type Term } from '../native/term.js';
import { ctlReadsArgs } from './release.js';
import { applyOnNode, type Remote } from './remote.js';
import { asList, atomName, tupleOf } from './terms.js';

export type ArgsRead = { ok: true; args: Term[] } | { ok: false; message: string };

export async function readArgs(remote: Remote, command: string, words: readonly string[], formats: Term): Promise<ArgsRead> {
  const defs = (asList(formats) ?? []).map((d) => tupleOf(d, 2) ?? [atom('arg'), atom('binary')]);
  // lists:zip/2 fails first: the counts must match before any argument is read.
  if (defs.length !== words.length) {
    const n = Math.abs(defs.length - words.length);
    return {
      ok: false,
      message: `Error: the command '${command}' requires ${n} ${defs.length > words.length ? 'more' : 'less'} argument.`,
    };
  }
  const args: Term[] = [];
  for (const [i, word] of words.entries()) {
    const [name, format] = defs[i] ?? [];
    const value = await readArg(remote, word, format ?? []);
    if (value === undefined) {
      return {
        ok: false,
        message: `Error: the argument '${atomName(name)}' of '${command}' cannot be read as ${describe(format)}: ${word}`,
      };
    }
    args.push(value);
  }
  return { ok: true, args };
}

async function readArg(remote: Remote, word: string, format: Term): Promise<Term | undefined> {
  if (format === atom('binary')) return Buffer.from(word, 'utf8');
  if (format === atom('string') && word === '') return [];
  if (format === atom('integer') || format === atom('string')) {
    const directive = format === atom('integer') ? '~d' : `~${charList(word).length}c`;
    const read = await applyOnNode(remote, 'io_lib', 'fread', [charList(directive), charList(word)]);
    const values = read.kind === 'return' && isTagged(read.value, 'ok', 3) ? asList(read.value.items[1]) : undefined;
    return values?.length === 1 ? values[0] : undefined;
  }
  // 24.12 reads a list as `a,b` and a tuple as `a:b` (ejabberd_ctl:format_arg/2, exported there).
  if (await ctlReadsArgs(remote)) {
    const read = await applyOnNode(remote, 'ejabberd_ctl', 'format_arg', [charList(word), format]);
    return read.kind === 'return' ? read.value : undefined;
  }
  const decoded = await applyOnNode(remote, 'jiffy', 'decode', [Buffer.from(word, 'utf8')]);
  if (decoded.kind !== 'return') return undefined;
  const shaped = await applyOnNode(remote, 'mod_http_api', 'format_arg', [decoded.value, format]);
  return shaped.kind === 'return' ? shaped.value : undefined;
}

function describe(format: Term | undefined): string {
  if (format === atom('integer')) return 'an integer';
  if (format === atom('string')) return 'a string';
  return 'the argument format';
}
