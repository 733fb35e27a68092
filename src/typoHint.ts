/**
 * A forwarded word that failed and is one typo away from ejctl's own command or option: `ejctl
 * stup` reaches ejabberd, which answers "Did you mean 'stop'?" (stdout and exit code kept, as
 * ejabberdctl's), but the operator meant `setup`. One line on stderr says so. Only a string
 * distance over a short list, computed after the forward failed: nothing is added to a command
 * that works.
 */
import { FLAG_WORDS, VALUE_WORDS } from './argv.js';
import { COMMANDS } from './commands/registry.js';

/**
 * One edit (insert, delete, change, swap two neighbours) for a short word, two for a longer one:
 * `stats` (ejabberd's) is two edits from `start`, so it gets no hint; `foregrond` gets one.
 */
const maxDistance = (word: string): number => (word.replace(/^-+/, '').length <= 5 ? 1 : 2);

export function typoHint(word: string | undefined): string | undefined {
  if (word === undefined || word.length < 3) return undefined;
  if (word.startsWith('-')) {
    const option = closest(
      word,
      [...VALUE_WORDS, ...FLAG_WORDS].filter((w) => w.startsWith('--')),
    );
    return (
      option &&
      `'${word}' is not one of ejctl's options, so it was sent to ejabberd as a command; did you mean ${option}? (options go before the command)`
    );
  }
  const command = closest(word, Object.keys(COMMANDS));
  return command && `'${word}' is not one of ejctl's commands, so it went to ejabberd; did you mean 'ejctl ${command}'?`;
}

/**
 * The first letter must match: a typo there is rare, and it keeps ejabberd's own words apart
 * (`stop` is one edit from `etop`, `restart` two from `start`; test/typo.test.ts checks every
 * command name of a real node).
 */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const first = (w: string) => w.replace(/^-+/, '')[0];
  let best: { w: string; d: number } | undefined;
  for (const w of candidates) {
    if (w === word) return undefined;
    if (first(w) !== first(word)) continue;
    const d = editDistance(word, w);
    if (d <= maxDistance(word) && (!best || d < best.d)) best = { w, d };
  }
  return best?.w;
}

/** Optimal string alignment distance (Levenshtein plus the swap of two neighbours). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] as number) + 1);
      row[j] = d;
    }
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}
