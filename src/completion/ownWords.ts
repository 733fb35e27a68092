/**
 * The subcommands and options of ejctl's own commands, read from their own `--help` (commander
 * prints it from the declarations), so completion never drifts from what a command accepts.
 */
import { Writable } from 'node:stream';
import type { Ctx } from '../context.js';
import { parseGlobalArgs } from '../argv.js';
import { COMMANDS } from '../commands/registry.js';
import type { Candidate } from './complete.js';

export async function ownCommandWords(ctx: Ctx, path: string[]): Promise<{ subcommands: Candidate[]; options: Candidate[] }> {
  const load = COMMANDS[path[0] ?? ''];
  if (!load) return { subcommands: [], options: [] };
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  try {
    await (
      await load()
    )({ ...ctx, stdout, stderr: quiet }, parseGlobalArgs([...path, '--help']));
  } catch {
    return { subcommands: [], options: [] };
  }
  return parseHelp(text);
}

/** commander's help: `  -x, --long <v>  text` under Options, `  name [options]  text` under Commands. */
export function parseHelp(text: string): { subcommands: Candidate[]; options: Candidate[] } {
  const subcommands: Candidate[] = [];
  const options: Candidate[] = [];
  let section = '';
  let last: Candidate[] = [];
  for (const line of text.split('\n')) {
    if (/^\S.*:$/.test(line)) section = line;
    const more = /^ {4,}(\S.*)$/.exec(line);
    if (more) {
      // commander wraps a long description onto lines indented under it
      for (const c of last) c.description = `${c.description} ${more[1] ?? ''}`.trim();
      continue;
    }
    const entry = /^ {2}(\S.*?)(?: {2,}(.*))?$/.exec(line);
    last = [];
    if (!entry) continue;
    const [, usage = '', description = ''] = entry;
    if (section.startsWith('Options')) {
      for (const name of usage.split(/[ ,]+/).filter((w) => w.startsWith('-'))) last.push({ value: name, description });
      options.push(...last);
    } else if (section.startsWith('Commands')) {
      const name = usage.split(' ')[0] ?? '';
      if (name !== 'help') subcommands.push(...(last = [{ value: name, description }]));
    }
  }
  return { subcommands, options };
}
