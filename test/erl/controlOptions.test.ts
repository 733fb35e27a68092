/** What a control node takes from ERL_OPTIONS and vm.args, as data: the allowlist, erl's arities, vm.args syntax. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterControlOptions, groupOptions } from '../../src/erl/controlOptions.js';
import { readArgsFileWords } from '../../src/erl/vmArgs.js';
import { chooseControlUser } from '../../src/runAs.js';
import { EjctlError } from '../../src/errors.js';

const words = (line: string) => line.split(' ').map((text) => ({ text }));
const filter = (line: string) => filterControlOptions(words(line));
const names = (line: string) => filter(line).dropped.map((d) => d.name);

describe('filterControlOptions', () => {
  const kept: [string, string][] = [
    ['-proto_dist inet_tls', '-proto_dist inet_tls'],
    [
      '-proto_dist inet6_tls -ssl_dist_optfile /etc/ejabberd/ssl_dist.conf',
      '-proto_dist inet6_tls -ssl_dist_optfile /etc/ejabberd/ssl_dist.conf',
    ],
    ['-ssl_dist_opt server_certfile /c.pem client_certfile /c.pem', '-ssl_dist_opt server_certfile /c.pem client_certfile /c.pem'],
    ['-kernel inet_dist_listen_min 4370 inet_dist_listen_max 4379', '-kernel inet_dist_listen_min 4370 inet_dist_listen_max 4379'],
    ['-kernel inet_dist_use_interface {127,0,0,1} net_ticktime 20', '-kernel inet_dist_use_interface {127,0,0,1} net_ticktime 20'],
    ['-kernel net_setuptime 9 inetrc "/etc/x" dist_auto_connect never', '-kernel net_setuptime 9 inetrc "/etc/x" dist_auto_connect never'],
    ['-kernel inet_dist_connect_options [{nodelay,true}]', '-kernel inet_dist_connect_options [{nodelay,true}]'],
    ['-erl_epmd_port 5210 -connect_all false', '-erl_epmd_port 5210 -connect_all false'],
  ];
  it.each(kept)('takes %s', (input, expected) => {
    expect(filter(input)).toEqual({ kept: expected.split(' '), dropped: [] });
  });

  const dropped: [string, string[], boolean][] = [
    ['-eval os:cmd("id>/tmp/x")', ['-eval'], true],
    ['-s mymod start', ['-s'], true],
    ['-run mymod start arg', ['-run'], true],
    ['-pa /tmp/evil -pz /tmp/evil2', ['-pa', '-pz'], true],
    ['-boot /tmp/evil', ['-boot'], true],
    ['-boot_var ROOT /tmp', ['-boot_var'], true],
    ['-args_file /tmp/more.args', ['-args_file'], true],
    ['-config /tmp/sys.config', ['-config'], true],
    ['-env ERL_LIBS /tmp/evil', ['-env'], true],
    ['-epmd_module my_epmd', ['-epmd_module'], true],
    ['-heart', ['-heart'], true],
    ['-kernel logger [] error_logger tty', ['-kernel logger', '-kernel error_logger'], true],
    ['+K true +A 8 +sbt db', ['+K', '+A', '+sbt'], false],
    ['-smp auto -mnesia dir "/x"', ['-smp', '-mnesia'], false],
    ['-name other@host', ['-name'], false],
    ['-start_epmd true', ['-start_epmd'], false],
    ['-extra -proto_dist inet_tls', ['-extra'], false],
    ['plain -eval x', ['(plain argument)', '-eval'], true],
  ];
  it.each(dropped)('leaves out %s', (input, expected, code) => {
    const f = filter(input);
    expect(f.kept).toEqual([]);
    expect(f.dropped.map((d) => d.name)).toEqual(expected);
    expect(f.dropped.some((d) => d.runsCode)).toBe(code);
  });

  it('keeps the allowed kernel parameters of a mixed -kernel and drops the rest, and a parameter without a value', () => {
    expect(filter('-kernel net_ticktime 20 logger [] inet_dist_listen_min 1 dangling')).toEqual({
      kept: ['-kernel', 'net_ticktime', '20', 'inet_dist_listen_min', '1'],
      dropped: [
        { name: '-kernel logger', line: undefined, runsCode: true },
        { name: '-kernel dangling', line: undefined, runsCode: false },
      ],
    });
  });

  it("leaves out ejctl's own settings without a word when they say what ejctl says", () => {
    expect(filter('-start_epmd false -dist_listen false -hidden')).toEqual({ kept: [], dropped: [] });
    expect(names('-dist_listen true')).toEqual(['-dist_listen']);
  });

  it("Debian 13's stock -env ERL_CRASH_DUMP_BYTES 0 is left out without a word (control nodes get it anyway); another -env is not", () => {
    expect(filter('-env ERL_CRASH_DUMP_BYTES 0')).toEqual({ kept: [], dropped: [] });
    expect(filter('-env LD_PRELOAD /tmp/x.so').dropped.map((d) => d.name)).toEqual(['-env']);
    expect(filter('-env ERL_CRASH_DUMP_BYTES 100').dropped.map((d) => d.name)).toEqual(['-env']);
  });

  it("groups with erl's arities: -env takes two words, -args_file one, whatever they look like", () => {
    expect(groupOptions(words('-env X -proto_dist -proto_dist inet_tls')).map((g) => g.map((w) => w.text))).toEqual([
      ['-env', 'X', '-proto_dist'],
      ['-proto_dist', 'inet_tls'],
    ]);
    expect(filter('-boot -proto_dist inet_tls').kept).toEqual([]);
    expect(filter('-sname -proto_dist inet_tls -proto_dist inet_tcp').kept).toEqual(['-proto_dist', 'inet_tcp']);
  });
});

describe('readArgsFileWords (vm.args as erl reads an -args_file)', () => {
  it('comments, lines, quotes and backslashes', () => {
    const text =
      '## header\n-proto_dist inet_tls # trailing\n\n-eval \'io:format("a b")\'\n-kernel inetrc "/etc/my dir/inetrc"\n-x a\\#b\n';
    expect(readArgsFileWords(text)).toEqual([
      { text: '-proto_dist', line: 2 },
      { text: 'inet_tls', line: 2 },
      { text: '-eval', line: 4 },
      { text: 'io:format("a b")', line: 4 },
      { text: '-kernel', line: 5 },
      { text: 'inetrc', line: 5 },
      { text: '/etc/my dir/inetrc', line: 5 },
      { text: '-x', line: 6 },
      { text: 'a#b', line: 6 },
    ]);
  });

  it('gives the line of each option left out', () => {
    expect(filterControlOptions(readArgsFileWords('-proto_dist inet_tls\n\n-pa /x\n-s m\n')).dropped).toEqual([
      { name: '-pa', line: 3, runsCode: true },
      { name: '-s', line: 4, runsCode: true },
    ]);
  });
});

describe('chooseControlUser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ejctl-passwd-'));
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  const files = { passwd, group: '/etc/group', systemConfigDir: '/etc/ejabberd' };
  const ejabberd = { name: 'ejabberd', uid: 103, gid: 106, home: '/var/lib/ejabberd' };

  it('INSTALLUSER when root runs ejctl; itself when INSTALLUSER runs it', () => {
    expect(chooseControlUser({ installUser: ejabberd }, { uid: 0, files })).toEqual({ name: 'ejabberd', uid: 103, gid: 106 });
    expect(chooseControlUser({ installUser: ejabberd }, { uid: 103, files })).toBeUndefined();
    expect(chooseControlUser({ installUser: undefined }, { uid: 1000, files })).toBeUndefined();
  });

  it('nobody, from the passwd file, when root runs ejctl without INSTALLUSER or with INSTALLUSER=root', () => {
    expect(chooseControlUser({ installUser: undefined }, { uid: 0, files })).toEqual({ name: 'nobody', uid: 65534, gid: 65534 });
    const root = { name: 'root', uid: 0, gid: 0, home: '/root' };
    expect(chooseControlUser({ installUser: root }, { uid: 0, files })).toEqual({ name: 'nobody', uid: 65534, gid: 65534 });
  });

  it('no nobody: exit 78, never root', () => {
    const none = { ...files, passwd: join(dir, 'missing') };
    expect(() => chooseControlUser({ installUser: undefined }, { uid: 0, files: none })).toThrow(EjctlError);
    try {
      chooseControlUser({ installUser: undefined }, { uid: 0, files: none });
    } catch (err) {
      expect((err as EjctlError).exitCode).toBe(78);
    }
  });

  it("anyone else: ejabberdctl's exit 7 and message", () => {
    expect(() => chooseControlUser({ installUser: ejabberd }, { uid: 1000, files })).toThrow(
      'ERROR: This command can only be run by root or the user ejabberd',
    );
  });
});
