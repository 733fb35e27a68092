/**
 * Parses ejabberdctl.cfg without executing it.
 *
 * ejabberdctl sources this file as root shell code. ejctl accepts only the assignment subset:
 * `NAME=value`, `NAME="value"`, `NAME='value'`, `export NAME=value`, comments, blank lines and
 * `$NAME` / `${NAME}` expansion. Anything a shell would execute is refused with the file, the
 * line and the construct, so nothing in the file ever runs.
 */
import { configError, type EjctlError } from '../errors.js';

export interface CfgAssignment {
  name: string;
  value: string;
  /** 1-based line of the assignment. */
  line: number;
  exported: boolean;
}

export interface ParsedCfg {
  file: string;
  assignments: CfgAssignment[];
  /** Last value wins, as when a shell sources the file. */
  values: Map<string, string>;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const BLANK = new Set([' ', '\t']);
/** Characters that end an unquoted word and would make a shell do something. */
const OPERATORS: Record<string, string> = {
  ';': "command separator ';'",
  '&': "'&' (background job or '&&')",
  '|': "pipe '|' (or '||')",
  '<': "redirection '<'",
  '>': "redirection '>'",
  '(': "subshell or function '('",
  ')': "')'",
  '`': 'command substitution with backquotes',
};
const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'function',
  'select',
  '{',
  '}',
  '[[',
  ']]',
  '!',
]);

type Lookup = (name: string) => string | undefined;

class Scanner {
  pos = 0;
  line = 1;
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}
  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }
  next(): string {
    const c = this.text[this.pos++] ?? '';
    if (c === '\n') this.line++;
    return c;
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  fail(construct: string, line = this.line): EjctlError {
    return configError(
      `${this.file}:${line}: ${construct} is not allowed; ejctl reads this file, it never runs it`,
      'Keep only plain assignments (NAME=value, NAME="value", export NAME=value) and comments.',
    );
  }
  skipBlanks(): void {
    while (BLANK.has(this.peek() ?? '')) this.next();
  }
  readName(): string {
    let name = '';
    if (!NAME_START.test(this.peek() ?? '')) return name;
    while (NAME_CHAR.test(this.peek() ?? '')) name += this.next();
    return name;
  }
  /** Skips to the end of the line; true when only blanks and a comment were there. */
  restIsEmpty(): boolean {
    this.skipBlanks();
    if (this.peek() === '#') while (!this.atEnd() && this.peek() !== '\n') this.next();
    if (this.atEnd()) return true;
    if (this.peek() === '\n') {
      this.next();
      return true;
    }
    return false;
  }
}

export function parseCtlConfig(text: string, file: string, env: NodeJS.ProcessEnv): ParsedCfg {
  const sc = new Scanner(text.replace(/\r\n/g, '\n'), file);
  const values = new Map<string, string>();
  const assignments: CfgAssignment[] = [];
  const lookup: Lookup = (name) => values.get(name) ?? env[name];
  while (!sc.atEnd()) {
    if (sc.restIsEmpty()) continue;
    const assignment = parseStatement(sc, lookup);
    if (assignment) {
      values.set(assignment.name, assignment.value);
      assignments.push(assignment);
    }
    if (!sc.restIsEmpty()) throw sc.fail(describeTrailing(sc));
  }
  return { file, assignments, values };
}

function parseStatement(sc: Scanner, lookup: Lookup): CfgAssignment | undefined {
  const line = sc.line;
  let word = sc.readName();
  let exported = false;
  if (word === 'export' && BLANK.has(sc.peek() ?? '')) {
    exported = true;
    sc.skipBlanks();
    word = sc.readName();
    if (word && sc.peek() !== '=') return undefined; // `export NAME`: marks a name, assigns nothing
  }
  if (word && sc.peek() === '=') {
    sc.next();
    return { name: word, value: parseValue(sc, lookup), line, exported };
  }
  throw sc.fail(describeCommand(sc, word), line);
}

function describeCommand(sc: Scanner, word: string): string {
  const rest = word + sc.text.slice(sc.pos).split('\n', 1)[0];
  const first = rest.trim().split(/[\s;&|()]/, 1)[0] ?? '';
  if (first === '.' || first === 'source') return 'sourcing another file';
  if (KEYWORDS.has(first)) return `shell keyword '${first}'`;
  if (/^[A-Za-z_][A-Za-z0-9_]*\s*\(\s*\)/.test(rest.trim())) return 'a function definition';
  if (rest.trim().startsWith('$(') || rest.trim().startsWith('`')) return 'command substitution';
  const op = OPERATORS[rest.trim()[0] ?? ''];
  if (op) return op;
  return `a command ('${first}')`;
}

function describeTrailing(sc: Scanner): string {
  const c = sc.peek() ?? '';
  if (c === '&' && sc.peek(1) === '&') return "'&&' (a second command)";
  if (c === '|' && sc.peek(1) === '|') return "'||' (a second command)";
  if (OPERATORS[c]) return OPERATORS[c];
  return 'a command after the assignment (unquoted space in a value)';
}

function parseValue(sc: Scanner, lookup: Lookup): string {
  let value = '';
  for (;;) {
    const c = sc.peek();
    if (c === undefined || c === '\n' || BLANK.has(c)) return value;
    if (OPERATORS[c]) throw sc.fail(c === '(' ? 'an array or subshell' : OPERATORS[c]);
    sc.next();
    if (c === "'") value += readSingleQuoted(sc);
    else if (c === '"') value += readDoubleQuoted(sc, lookup);
    else if (c === '\\') value += readEscape(sc);
    else if (c === '$') value += readExpansion(sc, lookup);
    else value += c;
  }
}

function readEscape(sc: Scanner): string {
  const c = sc.peek();
  if (c === undefined || c === '\n') throw sc.fail('a line continuation');
  return sc.next();
}

function readSingleQuoted(sc: Scanner): string {
  const start = sc.line;
  let out = '';
  while (sc.peek() !== "'") {
    if (sc.atEnd()) throw sc.fail("an unterminated ' quote", start);
    out += sc.next();
  }
  sc.next();
  return out;
}

function readDoubleQuoted(sc: Scanner, lookup: Lookup): string {
  const start = sc.line;
  let out = '';
  for (;;) {
    if (sc.atEnd()) throw sc.fail('an unterminated " quote', start);
    const c = sc.next();
    if (c === '"') return out;
    if (c === '`') throw sc.fail('command substitution with backquotes');
    if (c === '$') out += readExpansion(sc, lookup);
    else if (c === '\\' && ['"', '\\', '$', '`'].includes(sc.peek() ?? '')) out += sc.next();
    else if (c === '\\' && sc.peek() === '\n') throw sc.fail('a line continuation');
    else out += c;
  }
}

/** After a `$`: `NAME`, `{NAME}`, or a literal `$` when nothing expandable follows. */
function readExpansion(sc: Scanner, lookup: Lookup): string {
  const c = sc.peek();
  if (c === '(') throw sc.fail(sc.peek(1) === '(' ? 'arithmetic expansion $((...))' : 'command substitution $(...)');
  if (c === '{') {
    sc.next();
    const name = sc.readName();
    if (!name || sc.peek() !== '}') throw sc.fail('a parameter expansion other than ${NAME}');
    sc.next();
    return lookup(name) ?? '';
  }
  if (c !== undefined && NAME_START.test(c)) return lookup(sc.readName()) ?? '';
  if (c !== undefined && /[0-9@*#?$!-]/.test(c)) throw sc.fail(`the special parameter $${c}`);
  return '$';
}
