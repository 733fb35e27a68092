/**
 * The options before the command, parsed the way ejabberdctl parses them: in any order, each
 * with its value as the next word, up to the first word that is not one of them. Everything
 * from there on is the command and its arguments, untouched.
 */
import { usageError } from './errors.js';
import type { LocationFlags } from './config/settings.js';

export interface GlobalOptions extends LocationFlags {
  dryRun: boolean;
  verbose: boolean;
  help: boolean;
  /** `-V`: ejctl's own version (`--version N` is ejabberd's API version, passed on as ejabberdctl does). */
  version: boolean;
  /** Read one secret from stdin (or a hidden prompt) and put it where an argument is `@SECRET@`. */
  secretStdin: boolean;
  /** `--json`: a forwarded command's result as JSON, typed as ejabberd's HTTP API types it (docs/json.md). */
  json: boolean;
  transport?: string;
  /** `--` was given: forward the words even when the first one is an ejctl command. */
  forceForward: boolean;
  /** The command word and its arguments, byte for byte. */
  words: string[];
}

const WITH_VALUE: Record<string, keyof LocationFlags | 'transport'> = {
  '-n': 'node',
  '--node': 'node',
  '-s': 'spool',
  '--spool': 'spool',
  '-l': 'logs',
  '--logs': 'logs',
  '-f': 'config',
  '--config': 'config',
  '-c': 'ctlConfig',
  '--ctl-config': 'ctlConfig',
  '-d': 'configDir',
  '--config-dir': 'configDir',
  '--cookie-file': 'cookieFile',
  '--transport': 'transport',
};

const FLAGS: Record<string, 'noTimeout' | 'dryRun' | 'verbose' | 'help' | 'version' | 'secretStdin' | 'json'> = {
  '-t': 'noTimeout',
  '--no-timeout': 'noTimeout',
  '--dry-run': 'dryRun',
  '--verbose': 'verbose',
  '-h': 'help',
  '--help': 'help',
  '-V': 'version',
  '--secret-stdin': 'secretStdin',
  '--json': 'json',
};

/** ejctl's option words, for the typo hint (src/typoHint.ts). */
export const VALUE_WORDS = Object.keys(WITH_VALUE);
export const FLAG_WORDS = Object.keys(FLAGS);

export function parseGlobalArgs(argv: readonly string[]): GlobalOptions {
  const opts: GlobalOptions = {
    dryRun: false,
    verbose: false,
    help: false,
    version: false,
    secretStdin: false,
    json: false,
    forceForward: false,
    words: [],
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') {
      opts.forceForward = true;
      i++;
      break;
    }
    const key = WITH_VALUE[word];
    if (key) {
      const value = argv[i + 1];
      if (value === undefined) throw usageError(`option ${word} needs a value`, 'See ejctl --help.');
      (opts as unknown as Record<string, string>)[key] = value;
      i++;
      continue;
    }
    const flag = FLAGS[word];
    if (!flag) break;
    opts[flag] = true;
  }
  opts.words = argv.slice(i);
  return opts;
}
