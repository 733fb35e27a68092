/**
 * How io_lib writes an atom (`~p`, `~w`): bare when it is a plain lower-case word, else quoted,
 * with `\\` and `'` escaped (lib/stdlib/src/io_lib.erl, write_atom/1).
 */
const RESERVED = new Set([
  'after',
  'and',
  'andalso',
  'band',
  'begin',
  'bnot',
  'bor',
  'bsl',
  'bsr',
  'bxor',
  'case',
  'catch',
  'cond',
  'div',
  'end',
  'fun',
  'if',
  'let',
  'maybe',
  'not',
  'of',
  'or',
  'orelse',
  'receive',
  'rem',
  'try',
  'when',
  'xor',
]);

export function writeAtom(name: string): string {
  if (/^[a-z][a-zA-Z0-9_@]*$/.test(name) && !RESERVED.has(name)) return name;
  return `'${name.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * The atom as `~p` prints it on every OTP release, when that can be said here: printable ASCII,
 * and not `maybe` or `else` (reserved words on OTP 27, not on OTP 25). Otherwise undefined: the
 * node formats it.
 */
export function atomTextEverywhere(name: string): string | undefined {
  if (!/^[\x20-\x7e]*$/.test(name) || name === 'maybe' || name === 'else') return undefined;
  return writeAtom(name);
}
