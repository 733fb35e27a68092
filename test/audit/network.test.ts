/**
 * The network checks' parts that a live node cannot vary cheaply: the kernel's socket table
 * format, TLS distribution, ERL_DIST_PORT, and systemd's epmd units (fixture roots).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processCtx } from '../../src/context.js';
import { loadSettings } from '../../src/config/load.js';
import { runAudit } from '../../src/audit/index.js';
import { evaluateNetwork, tlsInArgs, type NetworkFacts, type NetworkSettings } from '../../src/audit/network.js';
import { parseProcNetTcp } from '../../src/audit/procfs.js';
import { detectSystemEpmd } from '../../src/audit/systemd.js';
import { CATALOG, FINDING_IDS } from '../../src/audit/catalog.js';
import { ROOT, cleanupTempDirs, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';

afterAll(() => cleanupTempDirs());

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, st: string) =>
  `   0: ${local} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000   103        0 6262 1 0 100 0 0 10 0\n`;

describe('/proc/net/tcp and tcp6', () => {
  it('keeps listening sockets and decodes the addresses', () => {
    const v4 = HEADER + row('0100007F:1111', '0A') + row('00000000:A1B2', '0A') + row('0100007F:959F', '06');
    expect(parseProcNetTcp(v4, 4)).toEqual([
      { family: 4, address: '127.0.0.1', port: 4369 },
      { family: 4, address: '0.0.0.0', port: 0xa1b2 },
    ]);
    const v6 =
      HEADER +
      row('00000000000000000000000001000000:1111', '0A') +
      row('00000000000000000000000000000000:1111', '0A') +
      row('0000000000000000FFFF00000100007F:0050', '0A') +
      row('B80D0120000000000000000001000000:0016', '0A');
    expect(parseProcNetTcp(v6, 6).map((s) => s.address)).toEqual(['::1', '::', '::ffff:127.0.0.1', '2001:db8::1']);
  });
});

const settings = (over: Partial<NetworkSettings> = {}): NetworkSettings => ({
  node: 'ejabberd@localhost',
  nodeName: { name: 'ejabberd', host: 'localhost', longNames: false },
  firewallWindow: undefined,
  erlDistPort: undefined,
  erlEpmdAddress: undefined,
  ...over,
});
const noSystemd = { enabled: [], active: [], masked: false, booted: false, listenOverride: undefined };
const facts = (over: Partial<NetworkFacts> = {}): NetworkFacts => ({
  epmdPort: 4369,
  sockets: [{ family: 4, address: '0.0.0.0', port: 40001 }],
  dist: { port: 40001, source: 'EPMD at 127.0.0.1:4369' },
  beam: undefined,
  tlsSource: undefined,
  systemEpmd: noSystemd,
  ...over,
});
const ids = (s: NetworkSettings, x: NetworkFacts) => evaluateNetwork(s, x).findings.map((f) => f.id);

describe('distribution checks on given facts', () => {
  it('plain-tcp-distribution goes away with TLS distribution', () => {
    expect(ids(settings(), facts())).toContain('plain-tcp-distribution');
    expect(ids(settings(), facts({ tlsSource: 'ERL_OPTIONS' }))).not.toContain('plain-tcp-distribution');
    expect(tlsInArgs(['-proto_dist', 'inet_tls', '-ssl_dist_optfile', '/etc/x'])).toBe(true);
    expect(tlsInArgs(['-proto_dist', 'inet6_tls'])).toBe(true);
    expect(tlsInArgs(['-proto_dist', 'inet6_tcp'])).toBe(false);
  });

  it('with ERL_DIST_PORT there is no window to check', () => {
    const fixed = settings({ erlDistPort: 40001 });
    const found = ids(fixed, facts({ dist: { port: 40001, source: 'ERL_DIST_PORT' } }));
    expect(found).toContain('dist-exposed');
    expect(found).not.toContain('no-firewall-window');
  });

  it('long-names follows the running beam when there is one', () => {
    const beam = (flag: string) => ({
      pid: 42,
      uid: 103,
      euid: 103,
      argv: ['/usr/lib/erlang/erts-13.1.5/bin/beam.smp', '--', flag, 'ejabberd@localhost'],
    });
    const long = evaluateNetwork(settings(), facts({ beam: beam('-name') })).findings.find((x) => x.id === 'long-names');
    expect(long?.evidence).toBe('beam pid 42 runs with -name ejabberd@localhost');
    const dotted = settings({ nodeName: { name: 'ejabberd', host: 'xmpp.example.net', longNames: true } });
    expect(ids(dotted, facts({ beam: beam('-sname') }))).not.toContain('long-names');
  });

  it('an unreadable socket table skips both exposure checks', () => {
    const r = evaluateNetwork(settings(), facts({ sockets: { reason: 'cannot read /proc/net/tcp (EACCES)' } }));
    expect(r.findings).toEqual([]);
    expect(r.skipped.map((s) => s.check)).toEqual(['epmd-exposure', 'distribution-exposure']);
  });
});

describe('EPMD from systemd (fixture roots)', () => {
  function roots(): { etc: string; run: string } {
    const base = tempDir('ejctl-roots-');
    mkdirSync(join(base, 'etc/systemd/system/sockets.target.wants'), { recursive: true });
    mkdirSync(join(base, 'run/systemd/units'), { recursive: true });
    return { etc: join(base, 'etc'), run: join(base, 'run') };
  }
  const enable = (r: { etc: string }) =>
    symlinkSync('/lib/systemd/system/epmd.socket', join(r.etc, 'systemd/system/sockets.target.wants/epmd.socket'));

  it('epmd-system-service appears through runAudit when epmd.socket is enabled, and goes away when it is not', async () => {
    const f = await createTestNodeFiles();
    const ctx = processCtx();
    const { settings: s } = loadSettings(ctx, { ctlConfig: f.cfgPath });
    const r = roots();
    expect((await runAudit(ctx, s, { roots: r })).findings.map((x) => x.id)).not.toContain('epmd-system-service');
    enable(r);
    const found = (await runAudit(ctx, s, { roots: r })).findings.find((x) => x.id === 'epmd-system-service');
    expect(found?.severity).toBe('low');
    expect(found?.evidence).toContain(`enabled (${join(r.etc, 'systemd/system/sockets.target.wants/epmd.socket')})`);
  });

  it('is medium when the cfg sets ERL_EPMD_ADDRESS, which the service ignores', () => {
    const r = roots();
    enable(r);
    writeFileSync(join(r.run, 'systemd/units/invocation:epmd.socket'), '');
    const found = evaluateNetwork(settings({ erlEpmdAddress: '127.0.0.1' }), facts({ systemEpmd: detectSystemEpmd(r) })).findings.find(
      (x) => x.id === 'epmd-system-service',
    );
    expect(found?.severity).toBe('medium');
    expect(found?.evidence).toContain('running (');
    expect(found?.evidence).toContain('ERL_EPMD_ADDRESS=127.0.0.1 from the cfg has no effect on it');
  });

  it('goes away when the units are masked, or a drop-in binds loopback only', () => {
    const masked = roots();
    enable(masked);
    symlinkSync('/dev/null', join(masked.etc, 'systemd/system/epmd.socket'));
    expect(ids(settings(), facts({ systemEpmd: detectSystemEpmd(masked) }))).not.toContain('epmd-system-service');

    const dropin = roots();
    enable(dropin);
    mkdirSync(join(dropin.etc, 'systemd/system/epmd.socket.d'));
    writeFileSync(join(dropin.etc, 'systemd/system/epmd.socket.d/override.conf'), '[Socket]\nListenStream=\nListenStream=127.0.0.1:4369\n');
    expect(ids(settings(), facts({ systemEpmd: detectSystemEpmd(dropin) }))).not.toContain('epmd-system-service');
    writeFileSync(join(dropin.etc, 'systemd/system/epmd.socket.d/override.conf'), '[Socket]\nListenStream=\nListenStream=0.0.0.0:4369\n');
    expect(ids(settings(), facts({ systemEpmd: detectSystemEpmd(dropin) }))).toContain('epmd-system-service');
    rmSync(join(dropin.etc, 'systemd/system/epmd.socket.d'), { recursive: true });
  });

  it("accepts a cluster member's own ERL_EPMD_ADDRESS beside loopback, never a wildcard; systemdDir replaces <etc>/systemd/system", () => {
    const r = roots();
    const unitDir = join(r.etc, 'systemd/system');
    enable(r);
    mkdirSync(join(unitDir, 'epmd.socket.d'));
    const override = join(unitDir, 'epmd.socket.d/ejctl-listen.conf');
    writeFileSync(override, '[Socket]\nListenStream=\nListenStream=127.0.0.1:4369\nListenStream=[fd00::5]:4369\n');
    const state = detectSystemEpmd({ run: r.run, etc: '/nonexistent', systemdDir: unitDir });
    expect(state.listenOverride).toEqual(['127.0.0.1:4369', '[fd00::5]:4369']);
    expect(ids(settings({ erlEpmdAddress: 'fd00::5' }), facts({ systemEpmd: state }))).not.toContain('epmd-system-service');
    expect(ids(settings({ erlEpmdAddress: '127.0.0.1' }), facts({ systemEpmd: state }))).toContain('epmd-system-service');
    writeFileSync(override, '[Socket]\nListenStream=\nListenStream=0.0.0.0:4369\n');
    const wildcard = detectSystemEpmd({ run: r.run, etc: '/nonexistent', systemdDir: unitDir });
    expect(ids(settings({ erlEpmdAddress: '0.0.0.0' }), facts({ systemEpmd: wildcard }))).toContain('epmd-system-service');
  });
});

describe('the catalog', () => {
  it('every finding id is kebab-case and documented in docs/audit.md with its severity', () => {
    const doc = readFileSync(join(ROOT, 'docs/audit.md'), 'utf8');
    for (const id of FINDING_IDS) {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(doc, id).toMatch(new RegExp(`\\| \`${id}\` \\| ${CATALOG[id].severity}`));
    }
  });

  it('every finding id is named by a test of this directory (each makes it appear and go away)', () => {
    const dir = join(ROOT, 'test/audit');
    const tests = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts') && f !== 'network.test.ts')
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const here = readFileSync(join(dir, 'network.test.ts'), 'utf8').split("describe('the catalog'")[0] ?? '';
    expect(FINDING_IDS.filter((id) => !tests.includes(`'${id}'`) && !here.includes(`'${id}'`))).toEqual([]);
  });
});
