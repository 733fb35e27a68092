import { describe, expect, it } from 'vitest';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { resolveSettings, type LocationFlags } from '../../src/config/settings.js';
import { EjctlError } from '../../src/errors.js';
import { ipToErlangTuple } from '../../src/config/validate.js';

const ejabberd = { name: 'ejabberd', uid: 103, gid: 106, home: '/var/lib/ejabberd' };
const base = { configDir: '/etc/ejabberd', logsDir: '/var/log/ejabberd', spoolDir: '/var/lib/ejabberd' };

function resolve(cfgText: string | undefined, env: NodeJS.ProcessEnv = {}, flags: LocationFlags = {}) {
  return resolveSettings({
    flags,
    env,
    cfg: cfgText === undefined ? undefined : parseCtlConfig(cfgText, '/etc/ejabberd/ejabberdctl.cfg', env),
    ctlConfigPath: '/etc/ejabberd/ejabberdctl.cfg',
    base,
    findUser: (name) => (name === 'ejabberd' ? ejabberd : undefined),
    currentHome: '/root',
  });
}

function configFailure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EjctlError && err.exitCode === 78) return err.message;
    throw err;
  }
  throw new Error('no configuration error');
}

describe('resolveSettings', () => {
  it('uses ejabberdctl defaults with no cfg', () => {
    const s = resolve(undefined);
    expect(s).toMatchObject({
      node: 'ejabberd@localhost',
      configDir: '/etc/ejabberd',
      logsDir: '/var/log/ejabberd',
      spoolDir: '/var/lib/ejabberd',
      ejabberdConfigPath: '/etc/ejabberd/ejabberd.yml',
      logPath: '/var/log/ejabberd/ejabberd.log',
      vmArgs: '/etc/ejabberd/vm.args',
      poll: 'true',
      erlMaxPorts: '32000',
      erlProcesses: '250000',
      erlMaxEtsTables: '1400',
      firewallWindow: undefined,
      inetDistInterface: undefined,
      erlDistPort: undefined,
      cookieFile: '/var/lib/ejabberd/.erlang.cookie',
      ctlConfigRead: false,
    });
    expect(s.installUser).toEqual(ejabberd);
  });

  it('defaults < cfg < environment < flags', () => {
    const cfg = 'SPOOL_DIR=/cfg/spool\nLOGS_DIR=/cfg/logs\nERLANG_NODE=cfg@host\nERL_OPTIONS="-a b"';
    expect(resolve(cfg).spoolDir).toBe('/cfg/spool');
    expect(resolve(cfg, { SPOOL_DIR: '/env/spool' }).spoolDir).toBe('/env/spool');
    expect(resolve(cfg, { SPOOL_DIR: '/env/spool' }, { spool: '/flag/spool' }).spoolDir).toBe('/flag/spool');
    expect(resolve(cfg, {}, { logs: '/flag/logs' }).logsDir).toBe('/flag/logs');
    expect(resolve(cfg, {}, { node: 'flag@host' }).node).toBe('flag@host');
    expect(resolve(cfg, { ERL_OPTIONS: '-c d' }).erlOptions).toEqual(['-c', 'd']);
  });

  it('ignores the environment where ejabberdctl resets a variable before reading the cfg', () => {
    expect(resolve(undefined, { ERLANG_NODE: 'env@host', FIREWALL_WINDOW: '1-2' }).node).toBe('ejabberd@localhost');
  });

  it('derives COOKIE_FILE from INSTALLUSER, and takes it from cfg or flag', () => {
    expect(resolve('INSTALLUSER=').cookieFile).toBe('/root/.erlang.cookie');
    expect(resolve('COOKIE_FILE=/srv/cookie').cookieFile).toBe('/srv/cookie');
    expect(resolve('COOKIE_FILE=/srv/cookie', {}, { cookieFile: '/flag/cookie' }).cookieFile).toBe('/flag/cookie');
  });

  it('parses the distribution settings', () => {
    const s = resolve('FIREWALL_WINDOW=4370-4379\nINET_DIST_INTERFACE=::1\nERL_EPMD_ADDRESS=127.0.0.1,::1\nERL_DIST_PORT=5210');
    expect(s.firewallWindow).toEqual({ min: 4370, max: 4379 });
    expect(s.inetDistInterface).toBe('::1');
    expect(s.erlEpmdAddress).toBe('127.0.0.1,::1');
    expect(s.erlDistPort).toBe(5210);
    expect(s.nodeName).toEqual({ name: 'ejabberd', host: 'localhost', longNames: false });
    expect(resolve('ERLANG_NODE=ejabberd@xmpp.example.org').nodeName.longNames).toBe(true);
  });

  const invalid: [string, string][] = [
    ['ERLANG_NODE=ejabberd', 'ERLANG_NODE (/etc/ejabberd/ejabberdctl.cfg:1)'],
    ['ERLANG_NODE=a@b@c', 'name@host'],
    ['ERLANG_NODE="bad name@host"', 'not a legal node name'],
    ['ERLANG_NODE=n@-bad-', 'not a legal host name'],
    ['FIREWALL_WINDOW=4370', 'MIN-MAX'],
    ['FIREWALL_WINDOW=80-90', 'outside 1024..65535'],
    ['FIREWALL_WINDOW=5000-4000', 'greater than MAX'],
    ['FIREWALL_WINDOW=4370-70000', 'outside 1024..65535'],
    ['INET_DIST_INTERFACE=localhost', 'not an IPv4 or IPv6 address'],
    ['ERL_EPMD_ADDRESS=0.0.0.0,nope', 'not an IPv4 or IPv6 address'],
    ['ERL_DIST_PORT=99999', 'outside 1..65535'],
    ['ERL_DIST_PORT=abc', 'not a port number'],
    ['POLL=maybe', 'neither true nor false'],
    ['ERL_PROCESSES=lots', 'not a positive integer'],
    ['INSTALLUSER=nosuchuser', "no Unix user 'nosuchuser'"],
  ];
  for (const [cfg, message] of invalid) {
    it(`rejects ${cfg} naming the problem`, () => {
      expect(configFailure(() => resolve(cfg))).toContain(message);
    });
  }

  it('names a bad --node as coming from the command line', () => {
    expect(configFailure(() => resolve(undefined, {}, { node: 'nohost' }))).toContain('ERLANG_NODE (from the command line)');
  });
});

describe('ipToErlangTuple', () => {
  it('turns addresses into the tuples inet_dist_use_interface takes', () => {
    expect(ipToErlangTuple('127.0.0.1')).toBe('{127,0,0,1}');
    expect(ipToErlangTuple('::1')).toBe('{0,0,0,0,0,0,0,1}');
    expect(ipToErlangTuple('fe80::1:2')).toBe('{65152,0,0,0,0,0,1,2}');
    expect(ipToErlangTuple('::ffff:10.0.0.1')).toBe('{0,0,0,0,0,65535,2560,1}');
    expect(ipToErlangTuple('2001:db8:0:0:0:0:0:5')).toBe('{8193,3512,0,0,0,0,0,5}');
  });
});

describe('per-user locations for a non-root user without a system install', () => {
  it('takes config, data and log dirs from env-paths; root or a system install keep the system layout', async () => {
    const { baseLocations } = await import('../../src/config/load.js');
    const { default: envPaths } = await import('env-paths');
    const files = { passwd: '/etc/passwd', group: '/etc/group', systemConfigDir: '/nonexistent/ejabberd' };
    const paths = envPaths('ejctl', { suffix: '' });
    expect(baseLocations({ uid: 1000, env: {}, files })).toEqual({ configDir: paths.config, logsDir: paths.log, spoolDir: paths.data });
    expect(paths.config).toMatch(/\/ejctl$/);
    const system = { configDir: '/nonexistent/ejabberd', logsDir: '/var/log/ejabberd', spoolDir: '/var/lib/ejabberd' };
    expect(baseLocations({ uid: 0, env: {}, files })).toEqual(system);
    expect(baseLocations({ uid: 1000, env: {}, files: { ...files, systemConfigDir: '/' } })).toEqual({ ...system, configDir: '/' });
  });
});
