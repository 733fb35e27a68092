/**
 * Edits ejabberdctl.cfg as text, the way an operator would: comments, blank lines and every
 * unrelated line stay byte for byte. A variable that has a live assignment is rewritten on that
 * line (the last one, which is the one a shell keeps); one that has none, not even a live one
 * after a commented-out `#NAME=` default, is appended at the end under a comment that says why.
 * The file is read with the project's parser, so a file holding anything a shell would execute
 * is refused before a single byte is changed.
 */
import { configError, type EjctlError } from '../errors.js';
import { parseCtlConfig, type ParsedCfg } from '../config/cfgParse.js';
import type { CfgValueChange } from './types.js';

export interface WantedValue {
  name: string;
  value: string;
  /** Why ejctl sets it; becomes the comment above an appended line. */
  why: string;
}

export interface CfgEditResult {
  text: string;
  changes: CfgValueChange[];
}

/** Values written bare are those a shell takes literally; anything else is single-quoted. */
const SHELL_LITERAL = /^[A-Za-z0-9@%+=:,./_-]+$/;

export function quoteCfgValue(value: string): string {
  if (SHELL_LITERAL.test(value)) return value;
  if (value.includes("'") || value.includes('\n'))
    throw configError(`cannot write the value ${JSON.stringify(value)} into ejabberdctl.cfg`);
  return `'${value}'`;
}

/** The parser's refusal (`FILE:LINE: a construct a shell would execute ...`), worded for an edit (exit 78). */
export function refuseToEdit(err: Error): EjctlError {
  const where = err.message.replace(/^(.*?):(\d+): /, '$1: line $2: ');
  return configError(
    `ejctl setup will not edit ${where}`,
    'Remove that line (keep only NAME=value assignments and comments), then run ejctl setup again.',
  );
}

function readCfgForEdit(text: string, file: string): ParsedCfg {
  try {
    // An empty environment: the edit must depend on the file alone, not on who runs setup.
    return parseCtlConfig(text, file, {});
  } catch (err) {
    throw err instanceof Error ? refuseToEdit(err) : err;
  }
}

export function editCtlConfig(text: string, file: string, wanted: readonly WantedValue[]): CfgEditResult {
  const parsed = readCfgForEdit(text, file);
  const lines = text.split('\n');
  const changes: CfgValueChange[] = [];
  const appended: string[] = [];
  for (const want of wanted) {
    const old = parsed.values.get(want.name);
    if (old === want.value) continue;
    const live = parsed.assignments.filter((a) => a.name === want.name).at(-1);
    const replaced = live ? replaceAssignment(lines[live.line - 1] ?? '', want, old, file) : undefined;
    if (live && replaced !== undefined) {
      lines[live.line - 1] = replaced;
      changes.push({ name: want.name, old, new: want.value, how: 'update', line: live.line });
    } else {
      appended.push(`# ${want.why} (set by ejctl setup)`, `${want.name}=${quoteCfgValue(want.value)}`);
      changes.push({ name: want.name, old, new: want.value, how: 'append' });
    }
  }
  if (changes.length === 0) return { text, changes };
  let out = lines.join('\n');
  if (appended.length > 0) out += `${out === '' || out.endsWith('\n') ? '' : '\n'}${out === '' ? '' : '\n'}${appended.join('\n')}\n`;
  assertEditResult(out, file, wanted);
  return { text: out, changes };
}

/**
 * The new text of one assignment line, keeping its indentation, an `export` and a trailing
 * comment; undefined when the assignment does not stand alone on its line (a quoted value that
 * spans lines), in which case the new value is appended instead and wins as the last one.
 */
function replaceAssignment(line: string, want: WantedValue, old: string | undefined, file: string): string | undefined {
  const m = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
  if (!m || m[2] !== want.name) return undefined;
  const comment = trailingComment(line, want.name, old, file);
  if (comment === undefined) return undefined;
  return `${m[1] ?? ''}${want.name}=${quoteCfgValue(want.value)}${comment}`;
}

/** The ` # ...` after the value, found by cutting where the rest still parses to the same value. */
function trailingComment(line: string, name: string, old: string | undefined, file: string): string | undefined {
  // Earliest cut first: the whole line also parses to the same value, comment included.
  const cuts = [...[...line.matchAll(/[ \t]+#/g)].map((x) => x.index), line.length];
  for (const cut of cuts) {
    try {
      const alone = parseCtlConfig(line.slice(0, cut), file, {});
      if (alone.assignments.length === 1 && alone.values.get(name) === (old ?? '')) return line.slice(cut);
    } catch {
      /* not a cut between the value and a comment */
    }
  }
  return undefined;
}

/** A last check before anything is written: the new text parses and says what we meant. */
function assertEditResult(text: string, file: string, wanted: readonly WantedValue[]): void {
  const after = parseCtlConfig(text, file, {});
  for (const want of wanted) {
    if (after.values.get(want.name) !== want.value) throw new Error(`editing ${file} did not set ${want.name} as intended`);
  }
}
