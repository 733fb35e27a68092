/** The batch line tokenizer: sh quoting, no expansion. */
import { describe, expect, it } from 'vitest';
import { parseBatch, splitShellWords } from '../../src/native/shellWords.js';

describe('splitShellWords', () => {
  it.each([
    ['register alice localhost pw', ['register', 'alice', 'localhost', 'pw']],
    ['  spaced\tout  ', ['spaced', 'out']],
    [`'single quoted' "double quoted"`, ['single quoted', 'double quoted']],
    [`'it'\\''s'`, [`it's`]],
    [`"a \\"b\\" \\\\ \\$ \\x"`, ['a "b" \\ $ \\x']],
    ['back\\ slash \\#not-comment', ['back slash', '#not-comment']],
    ['pw#hash # comment', ['pw#hash']],
    [`'' ""`, ['', '']],
    ['$HOME `id` *', ['$HOME', '`id`', '*']],
    ['jürgen pässwörd-日本', ['jürgen', 'pässwörd-日本']],
  ])('%s', (line, words) => {
    expect(splitShellWords(line)).toStrictEqual(words);
  });

  it('refuses unterminated quotes and a trailing backslash', () => {
    expect(() => splitShellWords(`'open`)).toThrow('unterminated single quote');
    expect(() => splitShellWords(`"open`)).toThrow('unterminated double quote');
    expect(() => splitShellWords('end\\')).toThrow('backslash at the end');
  });
});

describe('parseBatch', () => {
  it('numbers lines as in the file, skipping blank and comment lines, CRLF or not', () => {
    expect(parseBatch('# header\n\nstatus\r\n  # indented comment\nregistered_users localhost\n')).toStrictEqual([
      { line: 3, args: ['status'] },
      { line: 5, args: ['registered_users', 'localhost'] },
    ]);
  });

  it('names the line with bad quoting', () => {
    expect(() => parseBatch('status\nregister "x\n')).toThrow('line 2: unterminated double quote');
  });
});
