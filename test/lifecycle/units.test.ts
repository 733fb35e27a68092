/** The server's launch plan as data, and the log options read from ejabberd.yml exactly as ejabberdctl's sed reads them. */
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { resolveSettings, type Settings } from '../../src/config/settings.js';
import { buildServerLaunch, cookieHome, crashDumpPath, ymlLogOptions, type ServerMode } from '../../src/erl/serverLaunch.js';
import { buildDebugLaunch } from '../../src/commands/lifecycle/shellLaunch.js';
import { decodeAddress } from './helpers.js';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';

function settings(cfgText: string): Settings {
  return resolveSettings({
    flags: {},
    env: {},
    cfg: parseCtlConfig(cfgText, 'test.cfg', {}),
    ctlConfigPath: 'test.cfg',
    base: { configDir: '/etc/ejabberd', logsDir: '/var/log/ejabberd', spoolDir: '/var/lib/ejabberd' },
    findUser: (name) => (name === 'ejabberd' ? { name, uid: 103, gid: 106, home: '/var/lib/ejabberd' } : undefined),
    currentHome: '/root',
  });
}

const ejabberdUser = { name: 'ejabberd', uid: 103, gid: 106 };
const plan = (s: Settings, mode: ServerMode, ymlText?: string) =>
  buildServerLaunch(s, {
    mode,
    runAs: ejabberdUser,
    vmArgsText: undefined,
    inetrcExists: false,
    ymlText,
    now: new Date(2024, 0, 2, 3, 4, 5),
  });

/** ejabberdctl's four sed commands, run by the real sed. */
async function sedWords(ymlPath: string): Promise<string[]> {
  const scripts = [
    '/^log_rotate_size/!d;s/:[ \\t]*\\([0-9]\\{1,\\}\\).*/ \\1/;s/:[ \\t]*\\(infinity\\).*/ \\1/;s/^/ /',
    '/^log_rotate_count/!d;s/:[ \\t]*\\([0-9]*\\).*/ \\1/;s/^/ /',
    '/^log_burst_limit_count/!d;s/:[ \\t]*\\([0-9]*\\).*/ \\1/;s/^/ /',
    '/^log_burst_limit_window_time/!d;s/:[ \\t]*\\([0-9]*[a-z]*\\).*/ \\1/;s/^/ /',
  ];
  const outs = await Promise.all(scripts.map((s) => execa('sed', [s, ymlPath])));
  return outs
    .map((o) => String(o.stdout))
    .join(' ')
    .split(/[ \t\n]+/)
    .filter(Boolean);
}

describe('ymlLogOptions', () => {
  afterAll(() => cleanupTempDirs());
  const samples = [
    'hosts:\n  - localhost\nlog_rotate_size: 10485760\nlog_rotate_count: 1\n',
    'log_rotate_size: infinity\nlog_burst_limit_count: 500\nlog_burst_limit_window_time: 1s\n',
    'log_rotate_size:\t10M # comment\nlog_rotate_count: many\nlog_burst_limit_window_time: 5 min\n',
    '  log_rotate_size: 5\n# log_rotate_count: 3\nlog_rotate_size_x: 7\nlog_rotate_count 4\n',
    'loglevel: info\n',
  ];
  it.each(samples)("gives the words ejabberdctl's sed gives for %j", async (yml) => {
    const path = join(tempDir(), 'ejabberd.yml');
    writeFileSync(path, yml);
    expect(ymlLogOptions(yml)).toEqual(await sedWords(path));
  });
  it('gives nothing for a missing file', () => expect(ymlLogOptions(undefined)).toEqual([]));
});

describe('buildServerLaunch', () => {
  const s = settings(
    'ERLANG_NODE=ejabberd@localhost\nERL_OPTIONS="-env X 1"\nEJABBERD_OPTS="a b"\nMNESIA_OPTIONS="-mnesia dump_log_write_threshold 5000"\nFIREWALL_WINDOW=4370-4379\nINET_DIST_INTERFACE=127.0.0.1\n',
  );

  it("has ejabberdctl's argument set for start", () => {
    expect(plan(s, 'start', 'log_rotate_count: 2\n').args).toEqual([
      '-sname',
      'ejabberd@localhost',
      '+K',
      'true',
      '+P',
      '250000',
      '-env',
      'X',
      '1',
      '-kernel',
      'inet_dist_listen_min',
      '4370',
      'inet_dist_listen_max',
      '4379',
      '-kernel',
      'inet_dist_use_interface',
      '{127,0,0,1}',
      '-mnesia',
      'dir',
      '"/var/lib/ejabberd"',
      '-mnesia',
      'dump_log_write_threshold',
      '5000',
      '-ejabberd',
      'a',
      'b',
      'log_rotate_count',
      '2',
      '-s',
      'ejabberd',
      '-detached',
    ]);
  });

  it('ends with -noinput for foreground, adds quiet for foreground-quiet, nothing for live', () => {
    expect(plan(s, 'foreground').args.slice(-3)).toEqual(['-s', 'ejabberd', '-noinput']);
    expect(plan(s, 'foreground-quiet').args.slice(-4)).toEqual(['-noinput', '-ejabberd', 'quiet', 'true']);
    expect(plan(s, 'live').args.at(-1)).toBe('ejabberd');
    expect(plan(s, 'live').stdin.kind).toBe('terminal');
    // Only the live shell gets a terminal, and one of its own; the others pipes (src/run/plan.ts).
    expect(plan(s, 'live').pty).toBe('interactive');
    expect(plan(s, 'foreground').pty).toBeUndefined();
    expect(plan(s, 'start').pty).toBeUndefined();
  });

  it('runs as INSTALLUSER with HOME at the cookie, umask 027, and the crash dump in LOGS_DIR', () => {
    const p = plan(s, 'start');
    expect(p.user).toEqual(ejabberdUser);
    expect(p.umask).toBe(0o027);
    expect(p.cwd).toBe('/var/lib/ejabberd');
    expect(p.env).toMatchObject({
      HOME: '/var/lib/ejabberd',
      USER: 'ejabberd',
      ERL_CRASH_DUMP: '/var/log/ejabberd/erl_crash_20240102-030405.dump',
    });
    expect(p.args.join(' ')).not.toMatch(/setcookie|nocookie/);
  });

  it('uses -name when the node name holds a dot', () => {
    expect(plan(settings('ERLANG_NODE=ejabberd@example.org\n'), 'start').args.slice(0, 2)).toEqual(['-name', 'ejabberd@example.org']);
  });

  it('refuses -setcookie in ERL_OPTIONS', () => {
    expect(() => plan(settings('ERL_OPTIONS="-setcookie abc"\n'), 'start')).toThrow(/-setcookie/);
  });

  it('the debug shell takes a dynamic hidden name, no EPMD, no .erlang, and no crash dump', () => {
    const p = buildDebugLaunch(s, { runAs: ejabberdUser, vmArgsText: undefined, inetrcExists: false });
    expect(p.args.slice(0, 7)).toEqual(['-sname', 'undefined', '-hidden', '-boot', 'no_dot_erlang', '-start_epmd', 'false']);
    expect(p.args.slice(-2)).toEqual(['-remsh', 'ejabberd@localhost']);
    expect(p.env).toMatchObject({ HOME: '/var/lib/ejabberd', ERL_CRASH_DUMP_BYTES: '0' });
  });
});

describe('small pure helpers', () => {
  it('crashDumpPath uses local time as date +%Y%m%d-%H%M%S', () => {
    expect(crashDumpPath('/l', new Date(2025, 10, 9, 8, 7, 6))).toBe('/l/erl_crash_20251109-080706.dump');
  });
  it("cookieHome is the cookie's directory, and only for a file named .erlang.cookie", () => {
    expect(cookieHome('/var/lib/ejabberd/.erlang.cookie')).toBe('/var/lib/ejabberd');
    expect(() => cookieHome('/etc/ejabberd/cookie')).toThrow(/not named .erlang.cookie/);
  });
  it('decodes /proc/net addresses', () => {
    expect(decodeAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeAddress('00000000000000000000000001000000')).toBe('0:0:0:0:0:0:0:1');
  });
});
