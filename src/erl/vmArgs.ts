/**
 * vm.args read the way erl reads an `-args_file` (erts/etc/common/erlexec.c, read_args_file and
 * build_args_from_string), so a control node can be given single options from it instead of the
 * whole file. Two passes, as erlexec makes them:
 *  1. per character: `\` keeps the next character as it is (the backslash is dropped), `#` starts
 *     a comment to the end of the line, unescaped line breaks and tabs become blanks;
 *  2. the result is split on blanks, with `"..."` and `'...'` quoting and `\` escaping one character.
 */

export interface Word {
  text: string;
  /** 1-based line of the word's first character. */
  line: number;
}

interface Char {
  c: string;
  line: number;
}

/** Pass 1: comments out, blanks folded, each kept character with its line. */
function foldLines(text: string): Char[] {
  const out: Char[] = [];
  let line = 1;
  let escaped = false;
  let comment = false;
  for (const c of text) {
    const here = line;
    if (c === '\n') line++;
    if (escaped) {
      escaped = false;
      if (!comment) out.push({ c, line: here });
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '#') {
      comment = true;
    } else if (/^[\n\f\r\t\v]$/.test(c)) {
      if (c === '\n') comment = false;
      if (!comment) out.push({ c: ' ', line: here });
    } else if (!comment) {
      out.push({ c, line: here });
    }
  }
  return out;
}

/** Pass 2: words split on blanks, with quotes and backslash escapes. */
function splitFolded(chars: readonly Char[]): Word[] {
  const words: Word[] = [];
  let current: Word | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < chars.length; i++) {
    const { c, line } = chars[i] as Char;
    if (quote === undefined && c === ' ') {
      if (current) words.push(current);
      current = undefined;
      continue;
    }
    current ??= { text: '', line };
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else current.text += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '\\') {
      const next = chars[++i];
      if (next) current.text += next.c;
    } else {
      current.text += c;
    }
  }
  if (current) words.push(current);
  return words;
}

/** The words of an args file, each with its line. */
export function readArgsFileWords(text: string): Word[] {
  return splitFolded(foldLines(text));
}
