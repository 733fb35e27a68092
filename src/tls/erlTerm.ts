/**
 * A reader for the small subset of Erlang terms an ssl_dist option file holds, as
 * `file:consult/1` reads it: terms each ending with `.`; lists, tuples, atoms (bare and quoted),
 * strings, integers; `%` comments. Anything else (binaries, funs, maps, floats, variables) is
 * refused with its position, so nothing we do not understand decides how we verify a peer.
 */

export type ETerm =
  { t: 'atom'; v: string } | { t: 'str'; v: string } | { t: 'int'; v: number } | { t: 'list'; v: ETerm[] } | { t: 'tuple'; v: ETerm[] };

export class TermSyntaxError extends Error {}

/** Nesting deeper than this is not an option file. */
const MAX_DEPTH = 16;

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  s: ' ',
  '\\': '\\',
  '"': '"',
  "'": "'",
  e: '\x1b',
  f: '\f',
  b: '\b',
  v: '\v',
  d: '\x7f',
};

class Reader {
  private i = 0;
  constructor(private readonly text: string) {}

  all(): ETerm[] {
    const terms: ETerm[] = [];
    for (this.skip(); this.i < this.text.length; this.skip()) {
      terms.push(this.term(0));
      this.skip();
      if (this.text[this.i] !== '.') this.fail('expected `.` after a term');
      this.i++;
    }
    return terms;
  }

  private fail(what: string): never {
    const line = this.text.slice(0, this.i).split('\n').length;
    throw new TermSyntaxError(`line ${line}: ${what}`);
  }

  private skip(): void {
    for (;;) {
      while (/\s/.test(this.text[this.i] ?? '')) this.i++;
      if (this.text[this.i] !== '%') return;
      while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
    }
  }

  private term(depth: number): ETerm {
    if (depth > MAX_DEPTH) this.fail('terms nested too deep');
    this.skip();
    const c = this.text[this.i] ?? '';
    if (c === '[') return { t: 'list', v: this.seq(']', depth) };
    if (c === '{') return { t: 'tuple', v: this.seq('}', depth) };
    if (c === '"') return { t: 'str', v: this.quoted('"') };
    if (c === "'") return { t: 'atom', v: this.quoted("'") };
    const m = /^(?:[a-z][A-Za-z0-9_@]*|-?[0-9]+)/.exec(this.text.slice(this.i, this.i + 256));
    if (!m) this.fail(c === '' ? 'the file ends inside a term' : `a term the option file reader does not accept, at ${JSON.stringify(c)}`);
    this.i += m[0].length;
    if (/^-?[0-9]/.test(m[0])) {
      if (/^[.#eE]/.test(this.text.slice(this.i, this.i + 1)) && /^\.[0-9]/.test(this.text.slice(this.i, this.i + 2)))
        this.fail('floats are not accepted');
      return { t: 'int', v: Number(m[0]) };
    }
    return { t: 'atom', v: m[0] };
  }

  private seq(close: string, depth: number): ETerm[] {
    this.i++;
    const items: ETerm[] = [];
    this.skip();
    if (this.text[this.i] === close) {
      this.i++;
      return items;
    }
    for (;;) {
      items.push(this.term(depth + 1));
      this.skip();
      const c = this.text[this.i];
      this.i++;
      if (c === close) return items;
      if (c !== ',') this.fail(`expected \`,\` or \`${close}\``);
    }
  }

  private quoted(q: string): string {
    let out = '';
    for (this.i++; ; this.i++) {
      const c = this.text[this.i];
      if (c === undefined) this.fail('the file ends inside a quoted string');
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = ESCAPES[this.text[++this.i] ?? ''];
        if (e === undefined) this.fail('an escape sequence the option file reader does not accept');
        out += e;
      } else out += c;
    }
  }
}

export function readTerms(text: string): ETerm[] {
  return new Reader(text).all();
}
