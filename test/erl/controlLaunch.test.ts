/** The control node's launch plan, asserted as data. */
import { describe, expect, it } from 'vitest';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { resolveSettings } from '../../src/config/settings.js';
import { buildControlLaunch, controlWarnings } from '../../src/erl/controlLaunch.js';
import { CONTROL_SCRIPT, encodeRequest } from '../../src/erl/controlScript.js';
import { describePlan } from '../../src/run/plan.js';
import { EjctlError } from '../../src/errors.js';

const COOKIE = 'Sup3rS3cretCookieValue0123456789abcdefABCDEF';
const ejabberd = { name: 'ejabberd', uid: 103, gid: 106, home: '/var/lib/ejabberd' };

function settings(cfg = '') {
  return resolveSettings({
    flags: {},
    env: {},
    cfg: parseCtlConfig(cfg, '/cfg', {}),
    ctlConfigPath: '/cfg',
    base: { configDir: '/etc/ejabberd', logsDir: '/var/log/ejabberd', spoolDir: '/var/lib/ejabberd' },
    findUser: (n) => (n === 'ejabberd' ? ejabberd : undefined),
    currentHome: '/root',
  });
}

const plan = (cfg = '', args = ['status'], vmArgsText?: string) =>
  buildControlLaunch(settings(cfg), {
    args,
    cookie: COOKIE,
    runAs: { name: 'ejabberd', uid: 103, gid: 106 },
    vmArgsText,
    inetrcExists: true,
  });

describe('buildControlLaunch', () => {
  it('starts a hidden control node with a dynamic short name that never reads a cookie file', () => {
    const p = plan();
    expect(p.file).toBe('/usr/bin/erl');
    expect(p.args.slice(0, 10)).toEqual([
      '-sname',
      'undefined',
      '-hidden',
      '-nocookie',
      '-noshell',
      '-boot',
      'no_dot_erlang',
      '-start_epmd',
      'false',
      '-eval',
    ]);
    expect(p.args.at(-1)).toBe(CONTROL_SCRIPT);
    expect(p.user).toEqual({ name: 'ejabberd', uid: 103, gid: 106 });
    expect(p.cwd).toBe('/var/lib/ejabberd');
    expect(p.env).toMatchObject({ HOME: '/var/lib/ejabberd', ERL_CRASH_DUMP_BYTES: '0', ERL_INETRC: '/etc/ejabberd/inetrc' });
    expect(p.env.ERL_LIBS).toBeUndefined();
  });

  it("uses -name exactly when the node string holds a dot, with the node's host part (no local domain needed)", () => {
    expect(plan('ERLANG_NODE=ejabberd@xmpp.example.org').args.slice(0, 2)).toEqual(['-name', 'undefined@xmpp.example.org']);
  });

  it('puts the cookie and the arguments on stdin only, hex-encoded', () => {
    const p = plan('', ['register', 'alice', 'localhost', 'pässword with spaces']);
    const everything = JSON.stringify([p.args, p.env]);
    expect(everything).not.toContain(COOKIE);
    expect(everything).not.toContain('pässword');
    expect(p.stdin).toMatchObject({
      kind: 'secret',
      data: encodeRequest({
        cookie: COOKIE,
        node: 'ejabberd@localhost',
        timeoutMs: 60000,
        args: ['register', 'alice', 'localhost', 'pässword with spaces'],
      }),
    });
    expect(describePlan(p)).not.toContain(COOKIE);
    expect(describePlan(p)).toContain('(redacted)');
  });

  it('encodes each field as x + hex so empty arguments survive', () => {
    expect(encodeRequest({ cookie: 'ab', node: 'n@h', timeoutMs: 'infinity', args: ['', 'é'] })).toBe('x6162 x6e4068 infinity x xc3a9\n');
  });

  it('carries the distribution settings of the cfg, and only those of ERL_OPTIONS and vm.args', () => {
    const p = plan(
      'FIREWALL_WINDOW=4370-4379\nINET_DIST_INTERFACE=127.0.0.1\nERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 -kernel net_ticktime 20"',
      ['status'],
      '+P 1000\n-proto_dist inet_tls\n-eval halt()\n',
    );
    expect(p.args).toEqual(expect.arrayContaining(['-kernel', 'inet_dist_listen_min', '4370', 'inet_dist_listen_max', '4379']));
    const line = p.args.join(' ');
    expect(line).toContain('-kernel net_ticktime 20 -kernel inet_dist_listen_min');
    expect(line).toContain('-kernel inet_dist_use_interface {127,0,0,1} -proto_dist inet_tls -start_epmd false -eval');
    for (const left of ['-env', 'ERL_CRASH_DUMP_BYTES 0', '+P', '-args_file', 'halt()']) expect(line).not.toContain(left);
  });

  it('names what it leaves out and where it came from, never a value', () => {
    const s = settings('ERL_OPTIONS="+K true -eval os:cmd(\\"id\\") -kernel logger x"');
    expect(controlWarnings(s, '-pa /opt/x\n', true)).toEqual([
      'ejctl: warning: ERL_OPTIONS (/cfg:1): control nodes leave out +K, -eval, -kernel logger; they take only the distribution settings (see docs/security.md)',
      'ejctl: warning: /etc/ejabberd/vm.args: control nodes leave out -pa (line 1); they take only the distribution settings (see docs/security.md)',
      "ejctl: warning: /etc/ejabberd/inetrc is not readable by the control node's user: it resolves host names without it",
    ]);
    expect(controlWarnings(settings('ERL_OPTIONS="-kernel inet_dist_listen_min 1 -start_epmd false"'), undefined)).toEqual([]);
  });

  it('an account other than INSTALLUSER gets / as cwd and HOME, not the spool', () => {
    const p = buildControlLaunch(settings('INSTALLUSER='), {
      args: ['status'],
      cookie: COOKIE,
      runAs: { name: 'nobody', uid: 65534, gid: 65534 },
      vmArgsText: undefined,
      inetrcExists: false,
    });
    expect([p.user, p.cwd, p.env.HOME]).toEqual([{ name: 'nobody', uid: 65534, gid: 65534 }, '/', '/']);
  });

  it('uses the IPv6 carrier for an IPv6 interface', () => {
    expect(plan('INET_DIST_INTERFACE=::1').args.join(' ')).toContain(
      '-kernel inet_dist_use_interface {0,0,0,0,0,0,0,1} -proto_dist inet6_tcp',
    );
  });

  it('ERL_DIST_PORT mode: no EPMD, no listening', () => {
    const args = plan('ERL_DIST_PORT=5210').args.join(' ');
    expect(args).toContain('-erl_epmd_port 5210 -start_epmd false');
    expect(args).toContain('-dist_listen false');
  });

  it('--no-timeout waits forever', () => {
    const s = { ...settings(), noTimeout: true };
    const p = buildControlLaunch(s, { args: ['status'], cookie: COOKIE, runAs: undefined, vmArgsText: undefined, inetrcExists: false });
    expect(p.stdin.kind === 'secret' && p.stdin.data.split(' ')[2]).toBe('infinity');
  });

  it('refuses -setcookie in ERL_OPTIONS or vm.args (exit 78)', () => {
    expect(() => plan('ERL_OPTIONS="-setcookie abc"')).toThrow(EjctlError);
    try {
      plan('', ['status'], '# comment\n-setcookie abc\n');
    } catch (err) {
      expect((err as EjctlError).exitCode).toBe(78);
      expect((err as EjctlError).message).toContain('/etc/ejabberd/vm.args:2: -setcookie');
    }
    expect(() => plan('', ['status'], '# -setcookie in a comment is fine\n')).not.toThrow();
  });
});
