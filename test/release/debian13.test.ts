/**
 * Debian 13 as operators run it: ejabberd 24.12 on Erlang/OTP 27, its own ejabberdctl, Node 20.19,
 * and /etc/ejabberd/ejabberdctl.cfg a symlink to /etc/default/ejabberd. Everything runs inside a
 * Debian 13 root (test/helpers/debian13.ts): ejctl on both transports against Debian 13's
 * ejabberdctl on the same node, the lifecycle, the cookie commands, audit and setup on the
 * packaged layout.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot } from '../helpers/env.js';
import { BUILD_TIMEOUT_MS, logsOf, openDebian13, rootNode, type ReleaseRoot, type RootNode } from '../helpers/debian13.js';

describe.skipIf(!isRoot)('Debian 13: ejabberd 24.12 on OTP 27', () => {
  let r: ReleaseRoot;
  let n: RootNode;

  beforeAll(async () => {
    r = await openDebian13();
    n = rootNode(r);
    const start = await n.ctl(['start']);
    expect(start.exitCode, start.stderr).toBe(0);
    const started = await n.ctl(['started', '--timeout', '90']);
    expect(started.exitCode, `${started.stderr}\n${logsOf(r, n)}`).toBe(0);
  }, BUILD_TIMEOUT_MS + 120_000);

  afterAll(async () => {
    await n?.ctl(['stop']);
    await r?.close();
  }, 120_000);

  it('the root is Debian 13 as shipped: ejabberd 24.12, OTP 27, Node 20, and the cfg is a symlink', async () => {
    expect((await r.run(['dpkg-query', '-W', '-f', '${Version}', 'ejabberd'])).stdout).toMatch(/^24\.12/);
    expect((await r.run(['erl', '-noshell', '-eval', 'io:format("~s",[erlang:system_info(otp_release)]),halt().'])).stdout).toBe('27');
    expect((await r.run(['node', '--version'])).stdout).toMatch(/^v20\./);
    expect(lstatSync(join(r.dir, 'etc/ejabberd/ejabberdctl.cfg')).isSymbolicLink()).toBe(true);
  });

  const CASES: { title: string; args: string[]; undo?: string[]; transports?: string[] }[] = [
    { title: 'status', args: ['status'] },
    { title: 'no command at all', args: [] },
    { title: 'help for one command', args: ['help', 'register'] },
    { title: 'an unknown command', args: ['no_such_command'] },
    { title: 'missing arguments', args: ['register', 'alice'] },
    { title: 'register', args: ['register', 'alice', 'localhost', 'secret1'], undo: ['unregister', 'alice', 'localhost'] },
    { title: 'register twice', args: ['register', 'alice', 'localhost', 'secret1'] },
    { title: 'check_account', args: ['check_account', 'alice', 'localhost'] },
    // The native transport differs here on 24.12: see the known-difference test below.
    {
      title: 'non-ASCII arguments',
      args: ['register', 'jürgen', 'localhost', 'pässwörd-日本'],
      undo: ['unregister', 'jürgen', 'localhost'],
      transports: ['erl'],
    },
    { title: 'check_password, non-ASCII', args: ['check_password', 'jürgen', 'localhost', 'pässwörd-日本'], transports: ['erl'] },
    // Lists the non-ASCII user too, which the native transport prints differently on OTP 27 (below).
    { title: 'registered_users', args: ['registered_users', 'localhost'], transports: ['erl'] },
    { title: 'registered_users, ASCII only', args: ['registered_users', 'nohost.example'] },
    { title: 'unregister', args: ['unregister', 'alice', 'localhost'], undo: ['register', 'alice', 'localhost', 'secret1'] },
    { title: '--version abc status', args: ['--version', 'abc', 'status'] },
  ];

  for (const c of CASES) {
    it(`parity with Debian 13's ejabberdctl, ${c.title}: same stdout and exit code on both transports`, async () => {
      const theirs = await n.ejabberdctl(c.args);
      for (const transport of c.transports ?? ['erl', 'native']) {
        if (c.undo) expect((await n.ejabberdctl(c.undo)).exitCode).toBe(0);
        const ours = await n.ctl(['--transport', transport, ...c.args]);
        expect({ transport, stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({
          transport,
          stdout: theirs.stdout,
          exitCode: theirs.exitCode,
        });
      }
    });
  }

  // On OTP 27 a control node's standard_io is a unicode device in a UTF-8 locale (this root runs
  // with LANG=C.UTF-8), and ejabberd 24.12 prints through it accordingly: a registered non-ASCII
  // name comes out double-encoded in ejabberdctl's own message, a listed one as UTF-8. The native
  // transport plays the same device (src/native/deviceEncoding.ts), so the bytes are the same.
  it('native transport, non-ASCII user name on 24.12: the same bytes as the unicode device of OTP 27', async () => {
    const theirs = await n.ejabberdctl(['register', 'ülla', 'localhost', 'pw']);
    const theirList = await n.ejabberdctl(['registered_users', 'localhost']);
    expect((await n.ejabberdctl(['unregister', 'ülla', 'localhost'])).exitCode).toBe(0);
    const ours = await n.ctl(['--transport', 'native', 'register', 'ülla', 'localhost', 'pw']);
    const ourList = await n.ctl(['--transport', 'native', 'registered_users', 'localhost']);
    await n.ctl(['--transport', 'native', 'unregister', 'ülla', 'localhost']);
    expect(theirList.stdout).toContain('ülla\n'); // the device wrote UTF-8, not OTP 25's latin1 byte
    expect({ stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({ stdout: theirs.stdout, exitCode: theirs.exitCode });
    expect({ stdout: ourList.stdout, exitCode: ourList.exitCode }).toEqual({ stdout: theirList.stdout, exitCode: theirList.exitCode });
  });

  it('a stopped node: the same line and exit 3 as Debian 13 ejabberdctl', async () => {
    const args = ['--node', `gone${process.pid}@localhost`, 'status'];
    const theirs = await n.ejabberdctl(args);
    expect(theirs.exitCode).toBe(3);
    for (const transport of ['erl', 'native']) {
      const ours = await n.ctl(['--transport', transport, ...args]);
      expect({ stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({ stdout: theirs.stdout, exitCode: 3 });
    }
  });

  it('cookie init and check: a strong cookie, 0400, owned by the root ejabberd user', async () => {
    const file = `${n.dir}/new.cookie`;
    const init = await n.ctl(['cookie', 'init', '--file', file]);
    expect(init.exitCode, init.stderr).toBe(0);
    const st = statSync(join(r.dir, file));
    expect({ mode: st.mode & 0o777, uid: st.uid }).toEqual({ mode: 0o400, uid: r.user.uid });
    const check = await n.ctl(['cookie', 'check', '--file', file]);
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    expect(readFileSync(join(r.dir, file), 'utf8')).toMatch(/^[A-Za-z0-9]{40,}\n?$/);
  });

  it('audit reads the packaged cfg through its symlink and reports its defaults', async () => {
    const a = await r.ejctl(['audit', '--json']);
    const report = JSON.parse(a.stdout) as { ctlConfig: string; findings: { id: string }[] };
    expect(report.ctlConfig).toBe('/etc/ejabberd/ejabberdctl.cfg');
    expect(report.findings.length).toBeGreaterThan(0);
    expect(a.exitCode).toBe(1);
    // The stock ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0" costs control nodes no warning.
    const dry = await r.ejctl(['--transport', 'erl', '--dry-run', 'status']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr).not.toContain('warning');
  });

  it('setup on the packaged layout changes /etc/default/ejabberd and keeps the symlink', async () => {
    const before = readFileSync(join(r.dir, 'etc/default/ejabberd'), 'utf8');
    const s = await r.ejctl(['setup', '--yes', '--single', '--cookie', 'new']);
    expect(s.exitCode, s.stdout + s.stderr).toBe(0);
    expect(lstatSync(join(r.dir, 'etc/ejabberd/ejabberdctl.cfg')).isSymbolicLink()).toBe(true);
    const after = readFileSync(join(r.dir, 'etc/default/ejabberd'), 'utf8');
    expect(after).not.toBe(before);
    expect(after).toMatch(/^INET_DIST_INTERFACE=.*127\.0\.0\.1/m);
    const again = await r.ejctl(['audit', '--json']);
    const ids = (JSON.parse(again.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);
    expect(ids).not.toContain('dist-all-interfaces');
  });

  it('stop, then stopped: the node is gone', async () => {
    const other = rootNode(r);
    expect((await other.ctl(['start'])).exitCode).toBe(0);
    expect((await other.ctl(['started', '--timeout', '90'])).exitCode).toBe(0);
    expect((await other.ctl(['stop'])).exitCode).toBe(0);
    expect((await other.ctl(['stopped', '--timeout', '90'])).exitCode).toBe(0);
    expect((await other.ctl(['status'])).exitCode).toBe(3);
  });
});
