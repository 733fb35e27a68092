/**
 * The term codec against the real Erlang of this machine, both ways: bytes from term_to_binary
 * decode to the expected value and our encoding of that value is the same bytes; and bytes we
 * encode are read back by binary_to_term as the term we meant.
 */
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTerm } from '../../src/native/decode.js';
import { encodeTerm } from '../../src/native/encode.js';
import { atom, BitBinary, ErlMap, ErlString, Float, ImproperList, Pid, Port, Ref, Tuple, type Term } from '../../src/native/term.js';

/** Each name, the Erlang expression, and the TS value it must be. */
const VECTORS: [string, string, Term][] = [
  ['atom', 'ok', atom('ok')],
  ['utf8 atom', "'jürgen_日本'", atom('jürgen_日本')],
  ['long atom', 'list_to_atom(lists:duplicate(255, $a))', atom('a'.repeat(255))],
  ['small int', '255', 255],
  ['zero', '0', 0],
  ['negative int', '-1', -1],
  ['int', '256', 256],
  ['int32 max', '2147483647', 2147483647],
  ['int32 min', '-2147483648', -2147483648],
  ['small big', '2147483648', 2147483648],
  ['big 2^64', '1 bsl 64', 2n ** 64n],
  ['negative big', '-(1 bsl 100)', -(2n ** 100n)],
  ['large big', '1 bsl 2100', 2n ** 2100n],
  ['float', '1.5', new Float(1.5)],
  ['nil', '[]', []],
  // More items than V8 takes as spread arguments: the decoder once built tuples that way.
  ['tuple of 200,000', 'list_to_tuple(lists:seq(1, 200000))', Tuple.ofItems(Array.from({ length: 200_000 }, (_, i) => i + 1))],
  ['string', '"abc"', new ErlString(Buffer.from('abc'))],
  ['unicode list', '[1000, 2000]', [1000, 2000]],
  ['mixed list', '[a, 1, "x"]', [atom('a'), 1, new ErlString(Buffer.from('x'))]],
  ['improper list', '[1 | 2]', new ImproperList([1], 2)],
  ['binary', '<<1,2,3>>', Buffer.from([1, 2, 3])],
  ['utf8 binary', '<<"jürgen"/utf8>>', Buffer.from('jürgen')],
  ['bitstring', '<<5:3>>', new BitBinary(Buffer.from([0xa0]), 3)],
  ['tuple', '{a, 1}', new Tuple(atom('a'), 1)],
  ['empty tuple', '{}', new Tuple()],
  ['large tuple', 'list_to_tuple(lists:seq(1, 300))', new Tuple(...Array.from({ length: 300 }, (_, i) => i + 1))],
  ['map', '#{a => 1}', new ErlMap([[atom('a'), 1]])],
  [
    'nested',
    '{call, ejabberd_ctl, process, [["status"]], x}',
    new Tuple(atom('call'), atom('ejabberd_ctl'), atom('process'), [[new ErlString(Buffer.from('status'))]], atom('x')),
  ],
];

async function erl(script: string, input = ''): Promise<string[]> {
  const r = await execa('/usr/bin/erl', ['-noshell', '-boot', 'no_dot_erlang', '-eval', script], { input, env: { HOME: '/nonexistent' } });
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('external term format against term_to_binary', () => {
  let hexes: string[];
  beforeAll(async () => {
    const exprs = VECTORS.map(([, e]) => e).join(', ');
    hexes = await erl(`[io:format("~s~n", [binary:encode_hex(term_to_binary(T, [{minor_version, 2}]))]) || T <- [${exprs}]], halt().`);
  });

  VECTORS.forEach(([name], i) => {
    it(`${name}: decodes what erl encodes, and encodes to the same bytes`, () => {
      const bytes = Buffer.from(hexes[i] ?? '', 'hex');
      const expected = VECTORS[i]?.[2] as Term;
      expect(decodeTerm(bytes).term).toStrictEqual(expected);
      expect(decodeTerm(bytes).end).toBe(bytes.length);
      expect(encodeTerm(expected).toString('hex').toUpperCase()).toBe(hexes[i]);
    });
  });

  it('a long string (over 65535 characters) goes as a list erl reads back', async () => {
    const long = Array.from({ length: 70_000 }, (_, i) => 97 + (i % 26));
    const [len] = await erl(
      'L = binary_to_term(binary:decode_hex(list_to_binary(string:trim(io:get_line(""))))), io:format("~p~n", [{length(L), lists:sum(L)}]), halt().',
      encodeTerm(long).toString('hex') + '\n',
    );
    expect(len).toBe(`{70000,${long.reduce((a, b) => a + b, 0)}}`);
  });
});

describe('pids, references and ports both ways', () => {
  it('erl reads our pid, reference and port as such, on the node we named, and sends back the same values', async () => {
    const node = atom('ejctl_test@somehost');
    const ours: Term[] = [new Pid(node, 42, 1, 1234567), new Ref(node, 1234567, [1, 2, 3]), new Port(node, 2n ** 40n, 1234567)];
    const input = ours.map((t) => encodeTerm(t).toString('hex')).join('\n') + '\n';
    const lines = await erl(
      [
        'Read = fun R(Acc) -> case io:get_line("") of eof -> lists:reverse(Acc); L -> R([binary_to_term(binary:decode_hex(list_to_binary(string:trim(L)))) | Acc]) end end,',
        '[P, Ref, Port] = Read([]),',
        'io:format("~p~n", [{is_pid(P), is_reference(Ref), is_port(Port), node(P), node(Ref), node(Port)}]),',
        '[io:format("~s~n", [binary:encode_hex(term_to_binary(T, [{minor_version, 2}]))]) || T <- [P, Ref, Port]],',
        'halt().',
      ].join(' '),
      input,
    );
    expect(lines[0]).toBe('{true,true,true,ejctl_test@somehost,ejctl_test@somehost,ejctl_test@somehost}');
    lines.slice(1).forEach((hex, i) => expect(decodeTerm(Buffer.from(hex, 'hex')).term).toStrictEqual(ours[i]));
  });

  it("decodes erl's own pid, reference and port, and encodes them so erl finds them equal", async () => {
    const [pidHex, refHex, portHex] = await erl(
      '[io:format("~s~n", [binary:encode_hex(term_to_binary(T))]) || T <- [self(), make_ref(), hd(erlang:ports())]], halt().',
    );
    const pid = decodeTerm(Buffer.from(pidHex ?? '', 'hex')).term;
    const ref = decodeTerm(Buffer.from(refHex ?? '', 'hex')).term;
    const port = decodeTerm(Buffer.from(portHex ?? '', 'hex')).term;
    expect(pid).toBeInstanceOf(Pid);
    expect(ref).toBeInstanceOf(Ref);
    expect(port).toBeInstanceOf(Port);
    expect((pid as Pid).node).toBe(atom('nonode@nohost'));
    const back = [pid, ref, port].map((t) => encodeTerm(t).toString('hex')).join(',');
    const [same] = await erl(
      `[A, B, C] = [binary_to_term(binary:decode_hex(list_to_binary(H))) || H <- string:split(string:trim(io:get_line("")), ",", all)], [A0, B0, C0] = [binary_to_term(binary:decode_hex(list_to_binary(H))) || H <- ["${pidHex}", "${refHex}", "${portHex}"]], io:format("~p~n", [{A =:= A0, B =:= B0, C =:= C0}]), halt().`,
      `${back}\n`,
    );
    expect(same).toBe('{true,true,true}');
  });
});

describe('hostile input', () => {
  it('a list longer than its bytes is refused before anything is allocated', () => {
    const bytes = Buffer.from([131, 108, 0xff, 0xff, 0xff, 0xff, 97, 1]);
    expect(() => decodeTerm(bytes)).toThrow(/truncated/);
  });

  it('a truncated binary and an unknown tag are errors, not crashes', () => {
    expect(() => decodeTerm(Buffer.from([131, 109, 0, 0, 0, 10, 1, 2]))).toThrow(/truncated/);
    expect(() => decodeTerm(Buffer.from([131, 200]))).toThrow(/unsupported term tag 200/);
    expect(() => decodeTerm(Buffer.from([130, 97, 1]))).toThrow(/version/);
  });
});
