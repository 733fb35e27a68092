/** The ssl_dist option file reader: the file:consult subset ejctl and people write, and nothing else. */
import { describe, expect, it } from 'vitest';
import { parseOptFile } from '../../src/tls/optfile.js';
import { clientOptions } from '../../src/tls/distTls.js';

const GOOD = `%% a comment
[{server, [{certfile, "/etc/ejabberd/tls/node.pem"}, {verify, verify_peer}, {fail_if_no_peer_cert, true}, {depth, 2}]},
 {client, [{certfile, "/a \\"b\\".pem"}, {'keyfile', "/k"}, {versions, ['tlsv1.3', 'tlsv1.2']}]}].
`;

describe('parseOptFile', () => {
  it('reads lists, tuples, atoms (bare and quoted), strings with escapes, booleans and integers', () => {
    const f = parseOptFile(GOOD, 'F');
    expect(Object.fromEntries(f.server)).toEqual({
      certfile: '/etc/ejabberd/tls/node.pem',
      verify: 'verify_peer',
      fail_if_no_peer_cert: true,
      depth: 2,
    });
    expect(Object.fromEntries(f.client)).toEqual({ certfile: '/a "b".pem', keyfile: '/k', versions: ['tlsv1.3', 'tlsv1.2'] });
  });

  for (const [what, text] of [
    ['a binary', '[{server, [{certfile, <<"x">>}]}].'],
    ['a fun', '[{server, [{verify_fun, fun(_, _) -> ok end}]}].'],
    ['a float', '[{server, [{depth, 2.5}]}].'],
    ['a map', '[{server, #{}}].'],
    ['a missing final dot', '[{server, []}]'],
    ['an unterminated string', '[{server, [{certfile, "x}]}].'],
    ['two terms', '[{server, []}]. [].'],
    ['another side', '[{peer, []}].'],
    ['deep nesting', `${'['.repeat(40)}${']'.repeat(40)}.`],
  ] as const) {
    it(`refuses ${what} with exit 78 and the file's name`, () => {
      expect(() => parseOptFile(text, '/etc/x.conf')).toThrow(/ejctl cannot read the ssl_dist option file \/etc\/x\.conf/);
      try {
        parseOptFile(text, '/etc/x.conf');
      } catch (err) {
        expect((err as { exitCode: number }).exitCode).toBe(78);
      }
    });
  }

  it('the native transport refuses client options it does not implement', () => {
    const f = parseOptFile('[{client, [{certfile, "/c"}, {cacertfile, "/ca"}, {crl_cache, x}]}].', 'F');
    expect(() => clientOptions(f.client, 'F', 'localhost')).toThrow(
      'the client options in F hold crl_cache, which the native transport does not implement',
    );
  });
});
