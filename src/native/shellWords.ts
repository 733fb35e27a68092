/**
 * Splits a batch line into words the way a POSIX shell would quote them, with no expansion of
 * any kind: '...' keeps everything literally, "..." lets a backslash escape only " \ $ ` (as sh
 * does), an unquoted backslash keeps the next character. A word starting with # begins a comment.
 */

export class QuoteError extends Error {}

export function splitShellWords(line: string): string[] {
  // Most lines quote nothing: split them without building each word a character at a time.
  if (!/['"\\#]/.test(line)) return line.split(/[ \t\r]+/).filter((w) => w !== '');
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new QuoteError('unterminated single quote');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      const [text, end] = doubleQuoted(line, i + 1);
      word += text;
      inWord = true;
      i = end;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new QuoteError('a backslash at the end of the line');
      word += line[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The text of a "..." string starting after its opening quote, and the index of its closing one. */
function doubleQuoted(line: string, start: number): [string, number] {
  let text = '';
  for (let i = start; i < line.length; i++) {
    const c = line[i];
    if (c === '"') return [text, i];
    const next = line[i + 1];
    if (c === '\\' && next !== undefined && '"\\$`'.includes(next)) {
      text += next;
      i++;
    } else {
      text += c;
    }
  }
  throw new QuoteError('unterminated double quote');
}

export interface BatchLine {
  /** 1-based line number in the input. */
  line: number;
  args: string[];
}

/** Every command of a batch input; blank and comment lines are skipped. Throws on bad quoting. */
export function parseBatch(text: string): BatchLine[] {
  const out: BatchLine[] = [];
  text.split('\n').forEach((raw, index) => {
    let args: string[];
    try {
      args = splitShellWords(raw);
    } catch (err) {
      throw new QuoteError(`line ${index + 1}: ${(err as Error).message}`);
    }
    if (args.length > 0) out.push({ line: index + 1, args });
  });
  return out;
}
