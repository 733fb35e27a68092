import { describe, expect, it } from 'vitest';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { EjctlError } from '../../src/errors.js';

const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseCtlConfig(text, '/cfg', env);
const values = (text: string, env: NodeJS.ProcessEnv = {}) => Object.fromEntries(parse(text, env).values);

function rejection(text: string): { message: string; exitCode: number } {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof EjctlError) return { message: err.message, exitCode: err.exitCode };
    throw err;
  }
  throw new Error(`accepted: ${text}`);
}

describe('parseCtlConfig: the supported subset', () => {
  it('reads every supported form', () => {
    const text = [
      '# a comment',
      '',
      '   # an indented comment',
      'ERLANG_NODE=ejabberd@localhost',
      'POLL="true"',
      "ERL_OPTIONS='-env ERL_CRASH_DUMP_BYTES 0'",
      'export INET_DIST_INTERFACE=127.0.0.1',
      'export   FIREWALL_WINDOW="4370-4379"   # trailing comment',
      'EMPTY=',
      'EMPTY_QUOTED=""',
      'MIXED=a"b c"\'d e\'f',
      'ESCAPED=a\\ b',
      'HASH_IN_WORD=a#b',
      'export ERLANG_NODE',
      '\tTABBED=x',
    ].join('\n');
    expect(values(text)).toEqual({
      ERLANG_NODE: 'ejabberd@localhost',
      POLL: 'true',
      ERL_OPTIONS: '-env ERL_CRASH_DUMP_BYTES 0',
      INET_DIST_INTERFACE: '127.0.0.1',
      FIREWALL_WINDOW: '4370-4379',
      EMPTY: '',
      EMPTY_QUOTED: '',
      MIXED: 'ab cd ef',
      ESCAPED: 'a b',
      HASH_IN_WORD: 'a#b',
      TABBED: 'x',
    });
  });

  it('records line numbers and export', () => {
    const cfg = parse('\n\nexport A=1\nB=2\n');
    expect(cfg.assignments).toEqual([
      { name: 'A', value: '1', line: 3, exported: true },
      { name: 'B', value: '2', line: 4, exported: false },
    ]);
  });

  it('expands $NAME and ${NAME} from earlier lines, then the environment', () => {
    const text = 'BASE=/srv\nSPOOL_DIR=$BASE/spool\nLOGS_DIR="${BASE}/logs"\nLIT=\'$BASE\'\nFROM_ENV=$HOME/x\nUNSET=${NOPE}y\nDOLLAR="a$"';
    expect(values(text, { HOME: '/home/op', BASE: '/ignored' })).toMatchObject({
      SPOOL_DIR: '/srv/spool',
      LOGS_DIR: '/srv/logs',
      LIT: '$BASE',
      FROM_ENV: '/home/op/x',
      UNSET: 'y',
      DOLLAR: 'a$',
    });
  });

  it('takes the last assignment, as a shell would', () => {
    expect(values('A=1\nA=2\n')).toEqual({ A: '2' });
  });

  it('accepts CRLF line ends', () => {
    expect(values('A=1\r\nB="2"\r\n')).toEqual({ A: '1', B: '2' });
  });
});

describe('parseCtlConfig: constructs a shell would execute are refused with file, line and construct (exit 78)', () => {
  const cases: [string, string, number][] = [
    ['A=$(id)', 'command substitution $(...)', 1],
    ['A="x$(id)"', 'command substitution $(...)', 1],
    ['\nA=`id`', 'backquotes', 2],
    ['A="`id`"', 'backquotes', 1],
    ['A=1; rm -rf /', "command separator ';'", 1],
    ['A=1 && id', "'&&'", 1],
    ['A=1 || id', "'||'", 1],
    ['A=1 | cat', "pipe '|'", 1],
    ['A=1 > /tmp/x', "redirection '>'", 1],
    ['A=1 &', "'&'", 1],
    ['\n\nif true; then A=1; fi', "shell keyword 'if'", 3],
    ['f() { id; }', 'a function definition', 1],
    ['. /etc/other.cfg', 'sourcing another file', 1],
    ['source /etc/other.cfg', 'sourcing another file', 1],
    ['id', "a command ('id')", 1],
    ['A=1 id', 'a command after the assignment', 1],
    ['A=$((1+2))', 'arithmetic expansion', 1],
    ['A=${B:-x}', 'a parameter expansion other than ${NAME}', 1],
    ['A=$1', 'the special parameter $1', 1],
    ['A="unterminated', 'an unterminated " quote', 1],
    ["A='unterminated", "an unterminated ' quote", 1],
    ['A=(1 2)', 'an array or subshell', 1],
    ['A=x\\\ny', 'a line continuation', 1],
  ];
  for (const [text, construct, line] of cases) {
    it(`${JSON.stringify(text)} -> ${construct} at line ${line}`, () => {
      const r = rejection(text);
      expect(r.exitCode).toBe(78);
      expect(r.message).toContain(`/cfg:${line}: `);
      expect(r.message).toContain(construct);
    });
  }
});
