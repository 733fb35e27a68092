/**
 * Result shapes of mod_http_api:format_result/2 (ejabberd 23.01) that no command of the test
 * node returns: key-value tuples, rescode and restuple fields, floats, a result that does not
 * fit its format. The oracle test (oracle.test.ts) covers the shapes real commands return.
 */
import { describe, expect, it } from 'vitest';
import { ctlExitCode } from '../../src/json/ctlStatus.js';
import { formatCommandResult, isOneValue } from '../../src/json/format.js';
import { stringifyJson } from '../../src/json/jiffy.js';
import { Crash } from '../../src/json/terms.js';
import { Float, Tuple, atom, type Term } from '../../src/native/term.js';

const t = (...items: Term[]) => new Tuple(...items);
const fmt = (name: string, type: Term) => t(atom(name), type);
const b = (s: string) => Buffer.from(s, 'utf8');
const text = (result: Term, f: Term) => {
  const a = formatCommandResult(result, f);
  return { http: a.http, body: stringifyJson(a.body), exit: ctlExitCode(result, f) };
};

describe('the JSON of a result, as mod_http_api writes it', () => {
  it('rescode and restuple at the top', () => {
    expect(text(atom('ok'), fmt('res', atom('rescode')))).toEqual({ http: 200, body: '0', exit: 0 });
    expect(text(atom('error'), fmt('res', atom('rescode')))).toEqual({ http: 200, body: '1', exit: 1 });
    expect(text(7, fmt('res', atom('rescode')))).toEqual({ http: 200, body: '1', exit: 7 });
    expect(text(t(atom('ok'), b('done')), fmt('res', atom('restuple')))).toEqual({ http: 200, body: '"done"', exit: 0 });
    expect(text(t(atom('error'), [98, 97, 100]), fmt('res', atom('restuple')))).toEqual({
      http: 500,
      body: '{"status":"error","code":0,"message":"bad"}',
      exit: 1,
    });
    expect(text(t(atom('not_exists'), b('gone')), fmt('res', atom('restuple'))).http).toBe(404);
  });

  it("a command's extended error: its code, the exit code ejabberdctl makes of it", () => {
    const err = t(atom('error'), atom('conflict'), 10090, b('taken'));
    expect(text(err, fmt('res', atom('restuple')))).toEqual({
      http: 409,
      body: '{"status":"error","code":10090,"message":"taken"}',
      exit: 1,
    });
    expect(text(t(atom('error'), atom('x'), 42, b('m')), fmt('n', atom('integer'))).exit).toBe(42);
  });

  it('scalars are wrapped in an object named by the format; a list of strings is joined', () => {
    expect(text(5, fmt('n', atom('integer'))).body).toBe('{"n":5}');
    expect(text(atom('warning'), fmt('level', atom('atom'))).body).toBe('{"level":"warning"}');
    expect(text([[97], b('b')], fmt('s', atom('string'))).body).toBe('{"s":"a\\nb"}');
    // A list whose first element is no list is an iolist: no newlines.
    expect(text([b('a'), [98]], fmt('s', atom('string'))).body).toBe('{"s":"ab"}');
    expect(text(new Float(1), fmt('f', atom('integer'))).body).toBe('{"f":1.0}');
  });

  it('key-value tuples become one object; rescode and restuple fields become booleans and objects', () => {
    const kv = fmt('opts', t(atom('list'), fmt('opt', t(atom('tuple'), [fmt('k', atom('atom')), fmt('v', atom('integer'))]))));
    expect(text([t(atom('a'), 1), t(atom('b'), 2)], kv).body).toBe('{"a":1,"b":2}');
    const fields = fmt('r', t(atom('tuple'), [fmt('done', atom('rescode')), fmt('why', atom('restuple'))]));
    expect(text(t(atom('ok'), atom('error')), fields).body).toBe('{"done":true,"why":{"res":false,"text":""}}');
  });

  it('a result that does not fit its format is a crash (the API answers 500); ejabberdctl exits 1', () => {
    const pair = fmt('p', t(atom('tuple'), [fmt('a', atom('integer')), fmt('b', atom('integer'))]));
    expect(() => formatCommandResult(t(1, 2, 3), pair)).toThrow(Crash);
    expect(ctlExitCode(t(1, 2, 3), pair)).toBe(1);
  });

  it('a one-value result: named at API version 0 and on 23.01, bare on 24.12 at other versions (the clause it ends in)', () => {
    const stat = fmt('stat', atom('integer'));
    expect(stringifyJson(formatCommandResult(42, stat).body)).toBe('{"stat":42}');
    expect(stringifyJson(formatCommandResult(42, stat, true).body)).toBe('42');
    expect(stringifyJson(formatCommandResult(atom('warning'), fmt('levelatom', atom('atom')), true).body)).toBe('"warning"');
    expect(isOneValue(42, stat)).toBe(true);
    expect(isOneValue(atom('error'), fmt('res', atom('restuple')))).toBe(true); // not a pair: format_command_result's last clause
    expect(isOneValue(t(atom('ok'), b('x')), fmt('res', atom('restuple')))).toBe(false);
    expect(isOneValue(atom('ok'), fmt('res', atom('rescode')))).toBe(false);
    expect(isOneValue(t(atom('error'), atom('conflict'), 10, b('m')), stat)).toBe(false);
    expect(isOneValue([], fmt('users', t(atom('list'), fmt('u', atom('string')))))).toBe(false);
  });
});
