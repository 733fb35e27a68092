/** Editing ejabberdctl.cfg as text, and the firewall rules: pure functions, asserted as data. */
import { describe, expect, it } from 'vitest';
import { EjctlError } from '../../src/errors.js';
import { editCtlConfig, quoteCfgValue } from '../../src/setup/cfgEdit.js';
import { firewallRules } from '../../src/setup/firewall.js';
import { parseListeners, STANDARD_LISTENERS } from '../../src/setup/listeners.js';

const want = (name: string, value: string) => ({ name, value, why: `why ${name}` });

describe('editCtlConfig', () => {
  const text = [
    '# comment kept',
    '#FIREWALL_WINDOW=',
    '  export ERLANG_NODE="old@localhost"   # the node',
    'INET_DIST_INTERFACE=0.0.0.0',
    'INET_DIST_INTERFACE=10.0.0.1',
    'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"',
    '',
  ].join('\n');

  it('rewrites the last live assignment in place, keeping indentation, export and comment', () => {
    const r = editCtlConfig(text, 'cfg', [want('ERLANG_NODE', 'new@localhost'), want('INET_DIST_INTERFACE', '127.0.0.1')]);
    expect(r.text.split('\n')).toEqual([
      '# comment kept',
      '#FIREWALL_WINDOW=',
      '  export ERLANG_NODE=new@localhost   # the node',
      'INET_DIST_INTERFACE=0.0.0.0',
      'INET_DIST_INTERFACE=127.0.0.1',
      'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"',
      '',
    ]);
    expect(r.changes).toEqual([
      { name: 'ERLANG_NODE', old: 'old@localhost', new: 'new@localhost', how: 'update', line: 3 },
      { name: 'INET_DIST_INTERFACE', old: '10.0.0.1', new: '127.0.0.1', how: 'update', line: 5 },
    ]);
  });

  it('appends a variable that has no live assignment (a commented default does not count), with a comment', () => {
    const r = editCtlConfig(text, 'cfg', [want('FIREWALL_WINDOW', '4370-4379')]);
    expect(r.text).toBe(`${text}\n# why FIREWALL_WINDOW (set by ejctl setup)\nFIREWALL_WINDOW=4370-4379\n`);
    expect(r.changes).toEqual([{ name: 'FIREWALL_WINDOW', old: undefined, new: '4370-4379', how: 'append' }]);
  });

  it('changes nothing when every value is already set, and creates a file from nothing', () => {
    expect(editCtlConfig(text, 'cfg', [want('ERLANG_NODE', 'old@localhost')])).toEqual({ text, changes: [] });
    expect(editCtlConfig('', 'cfg', [want('ERLANG_NODE', 'a@b')]).text).toBe('# why ERLANG_NODE (set by ejctl setup)\nERLANG_NODE=a@b\n');
    expect(editCtlConfig('X=1', 'cfg', [want('ERLANG_NODE', 'a@b')]).text).toBe(
      'X=1\n\n# why ERLANG_NODE (set by ejctl setup)\nERLANG_NODE=a@b\n',
    );
  });

  it('appends instead when the live value spans lines, so the new one wins as the last', () => {
    const multi = 'ERL_OPTIONS="-a\n-b"\n';
    const r = editCtlConfig(multi, 'cfg', [want('ERL_OPTIONS', '-c')]);
    expect(r.text).toBe(`${multi}\n# why ERL_OPTIONS (set by ejctl setup)\nERL_OPTIONS=-c\n`);
  });

  it('refuses a file holding shell code, naming the line', () => {
    const bad = `${text}ERLANG_NODE=ejabberd@$(hostname)\n`;
    let err: unknown;
    try {
      editCtlConfig(bad, '/etc/x.cfg', [want('ERLANG_NODE', 'a@b')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EjctlError);
    expect((err as EjctlError).exitCode).toBe(78);
    expect((err as EjctlError).message).toBe(
      'ejctl setup will not edit /etc/x.cfg: line 7: command substitution $(...) is not allowed; ejctl reads this file, it never runs it',
    );
  });

  it('quotes what a shell would not take literally', () => {
    expect(quoteCfgValue('4370-4379')).toBe('4370-4379');
    expect(quoteCfgValue('fd00::2')).toBe('fd00::2');
    expect(quoteCfgValue('a b')).toBe("'a b'");
    expect(() => quoteCfgValue("it's")).toThrow(EjctlError);
  });
});

describe('firewall rules', () => {
  const yml = [
    'hosts:',
    '  - x',
    'listen:',
    '  -',
    '    port: 5222',
    '    ip: "::"',
    '    module: ejabberd_c2s',
    '  - port: 5269',
    '    module: ejabberd_s2s_in',
    '  -',
    '    port: 5280',
    '    ip: 127.0.0.1',
    '    module: ejabberd_http',
    '  -',
    '    port: 5443',
    '    module: ejabberd_http',
    'modules: {}',
  ].join('\n');

  it('reads the listeners from ejabberd.yml', () => {
    expect(parseListeners(yml)).toEqual([
      { port: 5222, module: 'ejabberd_c2s', ip: '::' },
      { port: 5269, module: 'ejabberd_s2s_in', ip: undefined },
      { port: 5280, module: 'ejabberd_http', ip: '127.0.0.1' },
      { port: 5443, module: 'ejabberd_http', ip: undefined },
    ]);
  });

  it('single node: XMPP open, EPMD and the window closed', () => {
    const r = firewallRules({ topology: 'single', listeners: parseListeners(yml), peers: [], window: { min: 4370, max: 4379 } });
    expect(r.openPorts).toEqual([5222, 5269]);
    expect(r.otherListeners.map((l) => l.port)).toEqual([5443]);
    expect(r.nftables).toContain('tcp dport { 5222, 5269 } accept');
    expect(r.nftables).toContain('tcp dport { 4369, 4370-4379 } drop');
    expect(r.nftables).not.toContain('saddr');
    expect(r.ufw.split('\n').filter((l) => l.startsWith('ufw'))).toEqual([
      "ufw allow 5222/tcp comment 'XMPP'",
      "ufw allow 5269/tcp comment 'XMPP'",
      "ufw deny 4369/tcp comment 'EPMD'",
      "ufw deny 4370:4379/tcp comment 'Erlang distribution'",
    ]);
  });

  it('cluster: EPMD and the window for the peers only', () => {
    const r = firewallRules({
      topology: 'cluster',
      listeners: STANDARD_LISTENERS,
      peers: ['192.0.2.10', 'fd00::10'],
      window: { min: 4370, max: 4371 },
    });
    expect(r.openPorts).toEqual([5222, 5223, 5269]);
    expect(r.nftables).toContain('set cluster_peers4 { type ipv4_addr; elements = { 192.0.2.10 } }');
    expect(r.nftables).toContain('set cluster_peers6 { type ipv6_addr; elements = { fd00::10 } }');
    expect(r.nftables).toContain('ip saddr @cluster_peers4 tcp dport { 4369, 4370-4371 } accept');
    const ufw = r.ufw.split('\n');
    expect(
      ufw.indexOf("ufw allow from 192.0.2.10 to any port 4370:4371 proto tcp comment 'Erlang distribution, cluster peer'"),
    ).toBeLessThan(ufw.indexOf("ufw deny 4370:4371/tcp comment 'Erlang distribution'"));
  });
});
