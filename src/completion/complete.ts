/**
 * What to offer at the cursor, from the words typed after `ejctl`. Pure: where the candidates
 * come from (ejctl's own help, the node's command list) is passed in.
 */
import { EJABBERDCTL_OPTIONS, OWN_COMMANDS, OWN_OPTIONS } from '../help/spec.js';

export interface Candidate {
  value: string;
  description: string;
}

export type Completion = { kind: 'candidates'; items: Candidate[] } | { kind: 'files' } | { kind: 'hint'; text: string };

export interface NodeCommand {
  name: string;
  args: string[];
  description: string;
}

export interface Sources {
  /** The subcommands and options of one of ejctl's own commands (from its --help). */
  ownCommandWords: (path: string[]) => Promise<{ subcommands: Candidate[]; options: Candidate[] }>;
  /** ejabberd's commands, from the node (cached); empty when it cannot be reached. */
  nodeCommands: (globalWords: string[]) => Promise<NodeCommand[]>;
}

const GLOBAL_OPTIONS = [...EJABBERDCTL_OPTIONS, ...OWN_OPTIONS];
const VALUE_OPTIONS = new Set(GLOBAL_OPTIONS.filter((o) => o.takesValue).flatMap((o) => o.names));
const FILE_OPTIONS = new Set([
  '-s',
  '--spool',
  '-l',
  '--logs',
  '-f',
  '--config',
  '-c',
  '--ctl-config',
  '-d',
  '--config-dir',
  '--cookie-file',
]);
const OWN_NAMES = new Set(OWN_COMMANDS.flatMap((c) => c.names));

const matching = (items: Candidate[], prefix: string): Completion => ({
  kind: 'candidates',
  items: items.filter((c) => c.value.startsWith(prefix)),
});

export async function complete(words: string[], sources: Sources): Promise<Completion> {
  const cur = words.at(-1) ?? '';
  const typed = words.slice(0, -1);
  let i = 0;
  while (i < typed.length && typed[i] !== '--' && (typed[i] ?? '').startsWith('-')) i += VALUE_OPTIONS.has(typed[i] ?? '') ? 2 : 1;
  if (i > typed.length) return valueOf(typed.at(-1) ?? '', cur);
  const global = typed.slice(0, i);
  const forced = typed[i] === '--';
  const rest = typed.slice(forced ? i + 1 : i);
  if (rest.length === 0) return commandPosition(cur, global, sources);
  const [command = '', ...args] = rest;
  if (OWN_NAMES.has(command) && !forced) return ownCommandPosition(command, args, cur, sources);
  return ejabberdArgument(command, args, cur, global, sources);
}

function valueOf(option: string, cur: string): Completion {
  if (FILE_OPTIONS.has(option)) return { kind: 'files' };
  if (option === '--transport')
    return matching(
      ['auto', 'native', 'erl'].map((v) => ({ value: v, description: '' })),
      cur,
    );
  return { kind: 'candidates', items: [] };
}

async function commandPosition(cur: string, global: string[], sources: Sources): Promise<Completion> {
  if (cur.startsWith('-')) {
    return matching(
      GLOBAL_OPTIONS.flatMap((o) => o.names.map((n) => ({ value: n, description: o.summary }))),
      cur,
    );
  }
  const own = OWN_COMMANDS.flatMap((c) => c.names.map((n) => ({ value: n, description: c.summary })));
  const remote = (await sources.nodeCommands(global)).map((c) => ({ value: c.name, description: c.description }));
  return matching([...own, ...remote.filter((r) => !OWN_NAMES.has(r.value))], cur);
}

async function ownCommandPosition(command: string, args: string[], cur: string, sources: Sources): Promise<Completion> {
  const path = [command, ...args.filter((a) => !a.startsWith('-')).slice(0, 1)];
  const words = await sources.ownCommandWords(path.slice(0, 1));
  const inSub = path.length > 1 && words.subcommands.some((s) => s.value === path[1]);
  const here = inSub ? await sources.ownCommandWords(path) : words;
  if (cur.startsWith('-')) return matching(here.options, cur);
  if (!inSub && here.subcommands.length > 0) return matching(here.subcommands, cur);
  if (command === 'completion' && args.length === 0) {
    return matching(
      ['bash', 'zsh', 'fish'].map((v) => ({ value: v, description: '' })),
      cur,
    );
  }
  return { kind: 'files' };
}

async function ejabberdArgument(command: string, args: string[], cur: string, global: string[], sources: Sources): Promise<Completion> {
  const commands = await sources.nodeCommands(global);
  if (command === 'help' && args.length === 0) {
    return matching(
      commands.map((c) => ({ value: c.name, description: c.description })),
      cur,
    );
  }
  const def = commands.find((c) => c.name === command);
  if (!def) return { kind: 'candidates', items: [] };
  const position = args.length;
  const names = def.args.map((a, n) => (n === position ? `[${a}]` : a));
  return position < def.args.length ? { kind: 'hint', text: `${command} ${names.join(' ')}` } : { kind: 'candidates', items: [] };
}

/** The lines `ejctl __complete` prints (see scripts.ts). */
export function formatCompletion(c: Completion): string {
  if (c.kind === 'files') return ':files\n';
  if (c.kind === 'hint') return `:hint ${c.text}\n`;
  return c.items.map((i) => `${i.value}\t${i.description.replace(/\s+/g, ' ').trim()}\n`).join('');
}
