/** `ejctl --help`: ejctl's own help, from spec.ts. `ejctl help` is ejabberd's, forwarded as ejabberdctl does. */
import { DESCRIPTION, EJABBERDCTL_OPTIONS, EJCTL_VERSION, EXIT_CODES, OWN_COMMANDS, OWN_OPTIONS, SUMMARY, type HelpEntry } from './spec.js';

const WIDTH = 96;

/** Two columns; a summary too long for the line goes on below, indented. */
function columns(entries: HelpEntry[], indent: number, gap: number): string[] {
  const left = Math.max(...entries.map((e) => e.usage.length)) + gap;
  return entries.flatMap((e) => {
    const lines: string[] = [];
    let line = `${' '.repeat(indent)}${e.usage.padEnd(left)}`;
    for (const word of e.summary.split(' ')) {
      if (line.trimEnd().length + 1 + word.length > WIDTH && line.trim().length > e.usage.length) {
        lines.push(line.trimEnd());
        line = ' '.repeat(indent + left);
      }
      line += `${word} `;
    }
    lines.push(line.trimEnd());
    return lines;
  });
}

/** ejabberdctl's long options line up under the short ones, as in `-n, --node`. */
const aligned = (entries: HelpEntry[]): HelpEntry[] =>
  entries.map((e) => (e.usage.startsWith('--') ? { ...e, usage: `    ${e.usage}` } : e));

function exitCodes(): string[] {
  const text = `Exit codes: ${EXIT_CODES.map((c) => `${c.code} ${c.meaning}`).join(', ')}. See README.md.`;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > WIDTH) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += `${word} `;
  }
  return [...lines, line.trimEnd()];
}

export function renderHelp(): string {
  return [
    `ejctl ${EJCTL_VERSION}: ${SUMMARY}`,
    '',
    'Usage: ejctl [OPTIONS] COMMAND [ARGS...]',
    '',
    ...DESCRIPTION,
    '',
    "ejctl's own commands ('ejctl COMMAND --help' for each):",
    ...columns(OWN_COMMANDS, 2, 3),
    '',
    'Options (before the command, as with ejabberdctl):',
    ...columns(aligned(EJABBERDCTL_OPTIONS), 2, 3),
    '',
    "ejctl's own options:",
    ...columns(aligned(OWN_OPTIONS), 2, 3),
    '',
    ...exitCodes(),
    '',
  ].join('\n');
}
