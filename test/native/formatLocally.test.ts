/**
 * The formats ejctl evaluates itself instead of asking the node (src/native/chardata.ts,
 * formatLocally) give exactly io_lib:format's characters, checked against this machine's Erlang;
 * what it cannot say for every release (a unicode atom, `maybe`) is left to the node.
 */
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatLocally } from '../../src/native/chardata.js';
import { atom, charList, ErlString, type Term } from '../../src/native/term.js';

/** [format, args as Erlang source, the same args here]. */
const CASES: [string, string, Term[]][] = [
  [
    'The node ~p is ~p with status: ~p~n',
    "['ejabberd@localhost', started, started]",
    [atom('ejabberd@localhost'), atom('started'), atom('started')],
  ],
  ['The node ~p is ~p~n', "['ejctl-prof@localhost', starting]", [atom('ejctl-prof@localhost'), atom('starting')]],
  ['~p ~p ~p ~p', "['a b', 'it\\'s', 'back\\\\slash', '']", [atom('a b'), atom("it's"), atom('back\\slash'), atom('')]],
  ['~p ~p ~p ~p', "['Upper', 'end', '_under', 'x@y.example']", [atom('Upper'), atom('end'), atom('_under'), atom('x@y.example')]],
  ['~tp/~s~n', '[ok, "text"]', [atom('ok'), new ErlString(Buffer.from('text'))]],
  ['ejabberd ~s is running in that node~n', '["23.01-1"]', [charList('23.01-1')]],
];

/** Each case's characters from io_lib:format, one line of comma-separated code points. */
async function erlang(): Promise<string[]> {
  const body = CASES.map(([f, a]) => `p(io_lib:format("${f.replace(/"/g, '\\"')}", ${a}))`).join(', ');
  const script = `P = fun(L) -> io:format("~w~n", [lists:flatten(L)]) end, ${body.replace(/p\(/g, 'P(')}, halt().`;
  const r = await execa('/usr/bin/erl', ['-noshell', '-boot', 'no_dot_erlang', '-eval', script], {
    env: { HOME: '/nonexistent', ERL_CRASH_DUMP_SECONDS: '0' },
  });
  return r.stdout.split('\n').filter((l) => l !== '');
}

const flat = (t: Term | undefined): number[] => (Array.isArray(t) ? t.flatMap((x) => (typeof x === 'number' ? [x] : flat(x))) : []);

describe('formats evaluated here', () => {
  let expected: string[] = [];
  beforeAll(async () => {
    expected = await erlang();
  });

  CASES.forEach(([format, , args], i) => {
    it(`${JSON.stringify(format)} gives io_lib's characters`, () => {
      const local = formatLocally(charList(format), args);
      expect(local).toBeDefined();
      expect(`[${flat(local).join(',')}]`).toBe(expected[i]);
    });
  });

  it('leaves to the node what differs between releases or is not plain ASCII', () => {
    expect(formatLocally(charList('~p'), [atom('maybe')])).toBeUndefined();
    expect(formatLocally(charList('~p'), [atom('else')])).toBeUndefined();
    expect(formatLocally(charList('~p'), [atom('jürgen')])).toBeUndefined();
    expect(formatLocally(charList('~p'), [42])).toBeUndefined();
    expect(formatLocally(charList('~p'), [charList('a string')])).toBeUndefined();
  });
});
