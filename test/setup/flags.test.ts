/**
 * `ejctl setup` without a terminal: the flag path (--yes, --dry-run, --json), the usage errors
 * that replace questions, idempotence, and failures that leave every file as it was. Each test
 * works on its own Debian-like install in a temp dir.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { lstatSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cleanupTempDirs, EJCTL, ejctl, epmdPort, isRoot, nodeUser } from '../helpers/env.js';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { cookieFingerprint } from '../../src/cookie/fingerprint.js';
import { hostAddresses } from '../../src/setup/detect.js';
import { createDebianInstall, enableSystemEpmd, snapshot, WEAK_COOKIE, type Install } from './fixture.js';
import { auditJson } from '../audit/helpers.js';

afterAll(() => cleanupTempDirs());

const setup = (inst: Install, args: string[], env: Record<string, string | undefined> = {}, input?: string) =>
  ejctl(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, ...args], {
    env: { CI: undefined, ...env },
    ...(input === undefined ? {} : { input }),
  });

/** An address of this host that peers could reach (the first non-loopback IPv4 one). */
const ADDRESS = hostAddresses().find((a) => !a.internal && a.family === 'IPv4')?.address ?? '127.0.0.1';

const cfgValues = (inst: Install) => parseCtlConfig(readFileSync(inst.realCfg, 'utf8'), inst.realCfg, {}).values;

describe.skipIf(!isRoot)('ejctl setup --yes', () => {
  it('--dry-run --json prints the plan as data, shows no cookie and changes nothing', async () => {
    const inst = await createDebianInstall();
    const before = snapshot(inst.dir);
    const r = await setup(inst, ['--yes', '--dry-run', '--json']);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({
      dryRun: true,
      changes: true,
      answers: { node: inst.node, topology: 'single', interface: '127.0.0.1', firewallWindow: '4370-4379', cookie: 'new' },
      cfg: {
        path: inst.cfgPath,
        realPath: inst.realCfg,
        write: true,
        from: { mode: '0644', uid: 0, gid: 0 },
        to: { mode: '0640', uid: 0, gid: nodeUser()?.gid },
      },
      cookie: { path: inst.cookieFile, action: 'replace', fingerprint: null },
    });
    expect(plan.cfg.changes.map((c: { name: string; new: string; how: string }) => `${c.name}=${c.new} ${c.how}`)).toEqual([
      'INET_DIST_INTERFACE=127.0.0.1 append',
      'ERL_EPMD_ADDRESS=127.0.0.1 append',
      'FIREWALL_WINDOW=4370-4379 append',
    ]);
    expect(plan.fixes.map((f: { path: string }) => f.path).sort()).toEqual([inst.logs, inst.ymlPath].sort());
    expect(r.stdout + r.stderr).not.toContain(WEAK_COOKIE);
    expect(snapshot(inst.dir)).toEqual(before);
  });

  it('hardens the install, keeps comments and backups, and a second run changes nothing', async () => {
    const inst = await createDebianInstall();
    const oldText = readFileSync(inst.realCfg, 'utf8');
    const r = await setup(inst, ['--yes']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Done.');

    // The cfg: edited in place behind its symlink, every old line kept, the new ones appended.
    expect(lstatSync(inst.cfgPath).isSymbolicLink()).toBe(true);
    const text = readFileSync(inst.realCfg, 'utf8');
    expect(text.startsWith(oldText)).toBe(true);
    expect(text.slice(oldText.length)).toBe(
      [
        '',
        '# Single node: Erlang distribution on loopback only (set by ejctl setup)',
        'INET_DIST_INTERFACE=127.0.0.1',
        '# Single node: EPMD on loopback only (set by ejctl setup)',
        'ERL_EPMD_ADDRESS=127.0.0.1',
        '# Distribution ports in a fixed range, so a firewall can hold them (set by ejctl setup)',
        'FIREWALL_WINDOW=4370-4379',
        '',
      ].join('\n'),
    );
    const st = statSync(inst.realCfg);
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o640, 0, nodeUser()?.gid]);
    const backups = readdirSync(dirname(inst.realCfg)).filter((n) => n.startsWith('ejabberd.ejctl-bak-'));
    expect(backups).toHaveLength(1);
    const backup = join(dirname(inst.realCfg), backups[0] ?? '');
    expect(readFileSync(backup, 'utf8')).toBe(oldText);
    expect([statSync(backup).mode & 0o7777, statSync(backup).uid, statSync(backup).gid]).toEqual([0o644, 0, 0]);

    // The cookie: new, strong, 0400, the node user's; the weak one kept as a 0400 backup.
    const cookie = readFileSync(inst.cookieFile, 'latin1');
    expect(cookie).toMatch(/^[A-Za-z0-9]{44}$/);
    expect([statSync(inst.cookieFile).mode & 0o7777, statSync(inst.cookieFile).uid]).toEqual([0o400, nodeUser()?.uid]);
    const cookieBackups = readdirSync(inst.home).filter((n) => n.startsWith('.erlang.cookie.bak-'));
    expect(readFileSync(join(inst.home, cookieBackups[0] ?? ''), 'latin1')).toBe(WEAK_COOKIE);
    expect(r.stdout).not.toContain(cookie);

    // The permissions agreed to (all, with --yes).
    expect(statSync(inst.ymlPath).mode & 0o007).toBe(0);
    expect(statSync(inst.logs).mode & 0o007).toBe(0);
    expect(r.stdout).toMatch(/Cookie fingerprint: [0-9a-f]{4}(:[0-9a-f]{4}){3}/);
    expect(r.stdout).toContain('tcp dport { 4369, 4370-4379 } drop');

    const after = snapshot(inst.dir);
    const again = await setup(inst, ['--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Nothing to change: this installation is already set up this way.');
    expect(snapshot(inst.dir)).toEqual(after);
  });

  it('restricts an enabled epmd.socket with a 0644 drop-in, once, and the audit then passes it', async () => {
    const inst = await createDebianInstall();
    enableSystemEpmd(inst);
    const dropin = join(inst.systemdDir, 'epmd.socket.d/ejctl-listen.conf');
    expect((await auditJson(inst.cfgPath, ['--systemd-dir', inst.systemdDir])).ids).toContain('epmd-system-service');

    const dry = await setup(inst, ['--yes', '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout).systemEpmd).toMatchObject({
      path: dropin,
      write: true,
      listen: ['127.0.0.1:4369'],
      from: null,
      to: { mode: '0644', uid: 0, gid: 0 },
    });
    expect(readdirSync(inst.systemdDir)).toEqual(['sockets.target.wants']);

    const r = await setup(inst, ['--yes']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`${dropin}: ListenStream= 127.0.0.1:4369 (restricts epmd.socket, which ignores ERL_EPMD_ADDRESS)`);
    expect(r.stdout).toContain('  systemctl daemon-reload && systemctl restart epmd.socket');
    expect(readFileSync(dropin, 'utf8')).toBe('[Socket]\nListenStream=\nListenStream=127.0.0.1:4369\n');
    expect([statSync(dropin).mode & 0o7777, statSync(dropin).uid, statSync(dropin).gid]).toEqual([0o644, 0, 0]);
    expect(statSync(dirname(dropin)).mode & 0o7777).toBe(0o755);

    const units = snapshot(inst.systemdDir);
    const again = await setup(inst, ['--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`${dropin}: unchanged (epmd.socket already listens on 127.0.0.1:4369 only)`);
    expect(again.stdout).toContain('Nothing to change: this installation is already set up this way.');
    expect(snapshot(inst.systemdDir)).toEqual(units);

    const audit = await auditJson(inst.cfgPath, ['--systemd-dir', inst.systemdDir]);
    expect(audit.ids).not.toContain('epmd-system-service');
  });

  it("a cluster member's drop-in adds its address (IPv6 in brackets); --no-restrict-system-epmd writes none", async () => {
    const inst = await createDebianInstall();
    enableSystemEpmd(inst);
    const dry = await setup(inst, ['--yes', '--dry-run', '--json', '--cluster', '--no-tls', '--interface', 'fd00::10']);
    expect(JSON.parse(dry.stdout).systemEpmd.listen).toEqual(['127.0.0.1:4369', '[fd00::10]:4369']);

    const no = await setup(inst, ['--yes', '--no-restrict-system-epmd']);
    expect(no.exitCode).toBe(0);
    expect(no.stdout).toContain('ejctl-listen.conf: unchanged (not restricted: epmd.socket keeps listening on every address)');
    expect(readdirSync(inst.systemdDir)).toEqual(['sockets.target.wants']);
    expect((await auditJson(inst.cfgPath, ['--systemd-dir', inst.systemdDir])).ids).toContain('epmd-system-service');

    const r = await setup(inst, ['--yes', '--cluster', '--no-tls', '--interface', ADDRESS, '--cookie', 'keep']);
    expect(r.exitCode).toBe(0);
    const listen = ['127.0.0.1:4369', ...(ADDRESS === '127.0.0.1' ? [] : [`${ADDRESS}:4369`])];
    const text = readFileSync(join(inst.systemdDir, 'epmd.socket.d/ejctl-listen.conf'), 'utf8');
    expect(text).toBe(`[Socket]\nListenStream=\n${listen.map((l) => `ListenStream=${l}\n`).join('')}`);
    expect((await auditJson(inst.cfgPath, ['--systemd-dir', inst.systemdDir])).ids).not.toContain('epmd-system-service');
  });

  it('edits a live assignment where it stands, keeping export and its trailing comment', async () => {
    const inst = await createDebianInstall();
    const r = await setup(inst, [
      '--yes',
      '--node',
      `${inst.name}x@localhost`,
      '--firewall-window',
      '4380-4389',
      '--cookie',
      'keep',
      '--no-fix-permissions',
    ]);
    expect(r.exitCode).toBe(0);
    const lines = readFileSync(inst.realCfg, 'utf8').split('\n');
    expect(lines).toContain(`export ERLANG_NODE=${inst.name}x@localhost`);
    expect(lines).toContain('ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"   # keep crash dumps small');
    expect(cfgValues(inst).get('FIREWALL_WINDOW')).toBe('4380-4389');
    // keep: the same weak cookie, but rewritten as a new 0400 file (never chmod-ed).
    expect(readFileSync(inst.cookieFile, 'latin1')).toBe(WEAK_COOKIE);
    expect(statSync(inst.cookieFile).mode & 0o7777).toBe(0o400);
    expect(statSync(inst.ymlPath).mode & 0o7777).toBe(0o644);
  });

  it('imports a cluster cookie from --import-cookie and sets up a cluster member', async () => {
    const inst = await createDebianInstall();
    const source = join(inst.dir, 'cluster-cookie');
    const clusterCookie = 'Zx8Kq2Lw9Vb4Nm7Pc3Rt6Yh1Jd5Gf0Sa2Xe4Wu8Io';
    writeFileSync(source, `${clusterCookie}\n`, { mode: 0o600 });
    const r = await setup(inst, [
      '--yes',
      '--json',
      '--cluster',
      '--no-tls',
      '--interface',
      ADDRESS,
      '--peers',
      '192.0.2.10,fd00::10',
      '--import-cookie',
      source,
    ]);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      changed: true,
      answers: { topology: 'cluster', interface: ADDRESS, peers: ['192.0.2.10', 'fd00::10'], cookie: 'import' },
    });
    expect(out.firewall.nftables).toContain('set cluster_peers4 { type ipv4_addr; elements = { 192.0.2.10 } }');
    expect(out.firewall.ufw).toContain('ufw allow from fd00::10 to any port 4370:4379 proto tcp');
    expect(readFileSync(inst.cookieFile, 'latin1')).toBe(clusterCookie);
    expect(r.stdout).not.toContain(clusterCookie);
    expect(cfgValues(inst).get('INET_DIST_INTERFACE')).toBe(ADDRESS);
    expect(cfgValues(inst).get('ERL_EPMD_ADDRESS')).toBe(ADDRESS);
    expect(out.warnings).toContain(
      `In a cluster the host part of ${inst.node} must be a name the other nodes resolve to ${ADDRESS}; 'localhost' is not (and ejctl on this host will not reach the node there either).`,
    );
  });
});

describe.skipIf(!isRoot)('--cookie-file has one meaning: where the cookie lives', () => {
  it('after setup it is a usage error that names --import-cookie, and nothing is changed', async () => {
    const inst = await createDebianInstall();
    const source = join(inst.dir, 'cluster-cookie');
    writeFileSync(source, 'Zx8Kq2Lw9Vb4Nm7Pc3Rt6Yh1Jd5Gf0Sa2Xe4Wu8Io\n', { mode: 0o600 });
    const before = snapshot(inst.dir);
    const r = await setup(inst, ['--yes', '--cookie-file', source]);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain(
      "ejctl: after 'setup', --cookie-file is no longer an option: to import a cluster's cookie from a file, use --import-cookie FILE",
    );
    expect(snapshot(inst.dir)).toEqual(before);
  });
});

describe.skipIf(!isRoot)('setup by a user who cannot write the files', () => {
  it('fails before the first question with exit 77, naming the directory and the fix; nothing changes', async () => {
    const inst = await createDebianInstall();
    const user = nodeUser();
    if (!user) throw new Error('no ejabberd user');
    const before = snapshot(inst.dir);
    const { execa } = await import('execa');
    const r = await execa(process.execPath, [EJCTL, 'setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, '--yes'], {
      uid: user.uid,
      gid: user.gid,
      env: { HOME: inst.home, CI: undefined, ERL_EPMD_PORT: epmdPort() },
      reject: false,
      stdin: 'ignore',
    });
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain(
      `ejctl: setup cannot change this installation as uid ${user.uid}: cannot write in ${dirname(inst.realCfg)} (EACCES)`,
    );
    expect(r.stderr).toContain('Nothing was asked or changed');
    expect(r.stderr).toContain('ejctl: Run it as root (sudo ejctl setup ...).');
    expect(r.stdout).toBe(''); // no plan shown before the failure
    expect(snapshot(inst.dir)).toEqual(before);
  });
});

describe('ejctl setup without a terminal', () => {
  it('--cookie import reads the cookie from stdin and shows only its fingerprint', async () => {
    const inst = await createDebianInstall();
    const before = snapshot(inst.dir);
    const clusterCookie = 'Hn3Jk5Lm7Np9Qr2St4Uv6Wx8Yz1Ab3Cd5Ef7Gh9Ij';
    const r = await setup(
      inst,
      ['--yes', '--dry-run', '--json', '--cluster', '--no-tls', '--interface', ADDRESS, '--cookie', 'import'],
      {},
      `${clusterCookie}\n`,
    );
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).cookie).toMatchObject({ action: 'import', fingerprint: cookieFingerprint(clusterCookie) });
    expect(r.stdout + r.stderr).not.toContain(clusterCookie);
    expect(snapshot(inst.dir)).toEqual(before);
  });

  it('a missing answer is a usage error naming the flag, and nothing changes', async () => {
    const inst = await createDebianInstall();
    const before = snapshot(inst.dir);
    const r = await setup(inst, []);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('pass --node NAME');
    expect(r.stdout).toBe('');
    const ci = await setup(inst, ['--node', inst.node, '--single', '--cookie', 'new'], { CI: 'true' });
    expect(ci.exitCode).toBe(64);
    expect(ci.stderr).toMatch(/CI is set: pass --fix-permissions or --no-fix-permissions/);
    const cluster = await setup(inst, ['--yes', '--cluster']);
    expect(cluster.exitCode).toBe(64);
    expect(cluster.stderr).toContain('pass --interface ADDRESS');
    const bad = await setup(inst, ['--yes', '--firewall-window', '80-90']);
    expect(bad.exitCode).toBe(64);
    expect(bad.stderr).toContain('--firewall-window');
    const unknown = await setup(inst, ['--bogus']);
    expect([unknown.exitCode, unknown.stderr]).toEqual([64, "ejctl: unknown option '--bogus'\nejctl: See ejctl setup --help.\n"]);
    const both = await setup(inst, ['--single', '--cluster']);
    expect([both.exitCode, both.stderr]).toEqual([64, 'ejctl: --single and --cluster exclude each other\n']);
    enableSystemEpmd(inst);
    const epmd = await setup(inst, ['--node', inst.node, '--single', '--cookie', 'new', '--no-fix-permissions'], { CI: 'true' });
    expect(epmd.exitCode).toBe(64);
    expect(epmd.stderr).toMatch(
      /"systemd's epmd\.socket serves EPMD on every address.*CI is set: pass --restrict-system-epmd or --no-restrict-system-epmd/,
    );
    expect(readdirSync(inst.systemdDir)).toEqual(['sockets.target.wants']);
    expect(snapshot(inst.dir)).toEqual(before);
  });

  it('refuses to edit a cfg holding shell code, and says where', async () => {
    const inst = await createDebianInstall();
    writeFileSync(inst.realCfg, `${readFileSync(inst.realCfg, 'utf8')}ERLANG_NODE=$(hostname)\n`);
    const before = snapshot(inst.dir);
    const r = await setup(inst, ['--yes']);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toMatch(/will not edit .*ejabberdctl\.cfg: line \d+: command substitution/);
    expect(snapshot(inst.dir)).toEqual(before);
  });

  it.skipIf(!isRoot)('a failure half-way (the cookie cannot be written) leaves every file as it was', async () => {
    const inst = await createDebianInstall();
    // A symlink planted at the cookie's place: the cookie writer refuses it, after the cfg was staged.
    rmSync(inst.cookieFile);
    symlinkSync(join(inst.dir, 'elsewhere'), inst.cookieFile);
    const before = snapshot(inst.dir);
    const r = await setup(inst, ['--yes', '--cookie', 'new']);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain('symbolic link');
    expect(snapshot(inst.dir)).toEqual(before);
    expect(readdirSync(dirname(inst.realCfg)).map((n) => basename(n))).toEqual(['ejabberd']);
  });
});
