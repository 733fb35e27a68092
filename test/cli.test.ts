/** What a user sees from the built binary when the input is bad: message, exit code, nothing run. */
import { existsSync, symlinkSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, ejctl, EJCTL, isRoot, tempDir, epmdPort } from './helpers/env.js';
import { createTestNodeFiles, writeFileMode } from './helpers/node.js';

afterAll(cleanupTempDirs);

describe('a cfg that would run commands if sourced', () => {
  it('runs nothing and exits 78 naming the file, line and construct', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const cfg = join(dir, 'ejabberdctl.cfg');
    writeFileMode(cfg, `# looks innocent\nERLANG_NODE=ejabberd@localhost\nPOLL=$(touch ${marker})\n`, 0o644);
    const r = await ejctl(['-c', cfg, 'status']);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain(`${cfg}:3: command substitution $(...) is not allowed`);
    expect(r.stdout).toBe('');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses `; cmd`, backquotes and sourcing the same way', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    for (const line of [`A=1; touch ${marker}`, `A=\`touch ${marker}\``, `. ${join(dir, 'other')}`]) {
      const cfg = join(dir, `c${line.length}.cfg`);
      writeFileMode(cfg, `${line}\n`, 0o644);
      const r = await ejctl(['-c', cfg, 'status']);
      expect(r.exitCode).toBe(78);
      expect(r.stderr).toContain(`${cfg}:1:`);
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe('settings errors', () => {
  it('an explicit cfg that does not exist is exit 78', async () => {
    const r = await ejctl(['-c', '/nonexistent/ejabberdctl.cfg', 'status']);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain('/nonexistent/ejabberdctl.cfg: no such file');
  });

  it('a bad node name is exit 78 with the fix', async () => {
    const n = await createTestNodeFiles();
    const r = await n.ctl(['--node', 'no-host-part', 'status']);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain("ERLANG_NODE (from the command line): 'no-host-part' is not of the form name@host");
    // The value came from -n, so the hint names -n, not the cfg the operator never touched.
    expect(r.stderr).toContain('ejctl: Fix the value of -n/--node on the command line.');
    expect(r.stderr).not.toContain('Fix ERLANG_NODE in');
  });

  it('a bad value from the cfg or the environment: the hint names where it came from', async () => {
    const n = await createTestNodeFiles({ cfgExtra: 'FIREWALL_WINDOW=9-8' });
    const fromCfg = await n.ctl(['status']);
    expect(fromCfg.exitCode).toBe(78);
    expect(fromCfg.stderr).toMatch(/ejctl: Fix FIREWALL_WINDOW in \S+ejabberdctl\.cfg line \d+ \(see ejabberdctl\.cfg\.example\)\./);
    const clean = await createTestNodeFiles();
    const fromEnv = await clean.ctl(['status'], { env: { ERL_EPMD_ADDRESS: 'not-an-address' } });
    expect(fromEnv.exitCode).toBe(78);
    expect(fromEnv.stderr).toContain('ejctl: Fix or unset ERL_EPMD_ADDRESS in the environment');
  });

  it('an unknown cfg variable is a warning on stderr, not an error', async () => {
    const n = await createTestNodeFiles({ cfgExtra: 'NOT_A_KNOWN_VAR=1' });
    const r = await n.ctl(['--dry-run', 'status']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/ejctl: warning: .*ejabberdctl\.cfg:\d+: unknown variable NOT_A_KNOWN_VAR \(ignored\)/);
  });

  it('an option without its value is a usage error (64)', async () => {
    const r = await ejctl(['--node']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('option --node needs a value');
  });

  it.each([
    [['cookie', 'init', '--bogus'], "unknown option '--bogus'", 'ejctl cookie'],
    [['cookie'], 'ejctl cookie needs one of: init, check, fingerprint, import, backups, rotate', 'ejctl cookie'],
    [['batch', '--bogus'], "unknown option '--bogus'", 'ejctl batch'],
    [['audit', '--fail-on', 'x'], "option '--fail-on <level>' argument 'x' is invalid", 'ejctl audit'],
    [['started', '--timeout', '0'], 'expected a whole number of seconds, at least 1', 'ejctl started'],
    [['ping', 'a', 'b'], 'too many arguments', 'ejctl ping'],
  ])('a usage error of ejctl %j is worded like every other one: exit 64, message and where the help is', async (args, message, cmd) => {
    const r = await ejctl(args);
    expect(r.exitCode).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(`^ejctl: [^\n]*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\n]*\nejctl: See ${cmd} --help\\.\n$`),
    );
  });

  it("--help is ejctl's own help and exits 0", async () => {
    const r = await ejctl(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: ejctl [OPTIONS] COMMAND [ARGS...]');
  });
});

describe('the cookie file is checked before use (exit 77)', () => {
  it('missing: points to ejctl cookie init', async () => {
    const n = await createTestNodeFiles({ cfgExtra: 'COOKIE_FILE=/nonexistent/.erlang.cookie' });
    const r = await n.ctl(['status']);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain('/nonexistent/.erlang.cookie does not exist');
    expect(r.stderr).toContain('ejctl cookie init');
  });

  it('group-readable: names the file and the chmod', async () => {
    const n = await createTestNodeFiles();
    chmodSync(n.cookieFile, 0o440);
    const r = await n.ctl(['status']);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain(`${n.cookieFile} has mode 0440`);
    expect(r.stderr).toContain(`chmod 0400 ${n.cookieFile}`);
    expect(r.stderr).not.toContain(n.cookie);
  });

  it('a symlink is refused', async () => {
    const n = await createTestNodeFiles();
    const link = join(n.dir, 'link.cookie');
    symlinkSync(n.cookieFile, link);
    const r = await n.ctl(['--cookie-file', link, 'status']);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain(`${link} is a symbolic link`);
  });

  it.skipIf(!isRoot)('owned by another user than INSTALLUSER or root is refused', async () => {
    const n = await createTestNodeFiles();
    const other = join(n.dir, 'other.cookie');
    writeFileMode(other, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789', 0o400);
    await execa('chown', ['nobody', other]);
    const r = await n.ctl(['--cookie-file', other, 'status']);
    expect(r.exitCode).toBe(77);
    expect(r.stderr).toContain('not by ejabberd or root');
  });
});

describe.skipIf(!isRoot)('who may run ejctl', () => {
  it("another user than root or INSTALLUSER gets ejabberdctl's exit 7", async () => {
    const n = await createTestNodeFiles();
    const r = await execa(process.execPath, [EJCTL, '-c', n.cfgPath, 'status'], {
      uid: 65534,
      gid: 65534,
      reject: false,
      env: { HOME: '/nonexistent', ERL_EPMD_PORT: epmdPort() },
      stdin: 'ignore',
    });
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toContain('ERROR: This command can only be run by root or the user ejabberd');
  });
});
