/**
 * Issue 12, finding 7: a user other than root or INSTALLUSER who cannot read the cfg (Debian's
 * /etc/ejabberd is 0750) gets ejabberdctl's exit 7 and its message, byte for byte, not ejctl's 78.
 * Monitoring plugins run as such users and branch on the code.
 */
import { execa } from 'execa';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EJCTL, epmdPort, isRoot, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';

const NOBODY = { uid: 65534, gid: 65534 };
const MESSAGE = 'ERROR: This command can only be run by root or the user ejabberd\n';

async function asNobody(file: string, args: string[], env: Record<string, string> = {}) {
  const r = await execa(file, args, {
    ...NOBODY,
    reject: false,
    stripFinalNewline: false,
    env: { HOME: '/nonexistent', ERL_EPMD_PORT: epmdPort(), ...env },
    extendEnv: false,
    stdin: 'ignore',
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A cfg in a directory only root (and its group) may enter, as Debian ships /etc/ejabberd. */
function lockedCfg(): string {
  const dir = join(tempDir('ejctl-locked-'), 'etc-ejabberd');
  mkdirSync(dir, { mode: 0o750 });
  const cfg = join(dir, 'ejabberdctl.cfg');
  writeFileMode(cfg, 'ERLANG_NODE=ejabberd@localhost\n', 0o644);
  return cfg;
}

describe.skipIf(!isRoot)('a user who may not run it', () => {
  it("cannot read the cfg: ejabberdctl's exit 7 and message on stderr, nothing on stdout, as ejabberdctl", async () => {
    const cfg = lockedCfg();
    const ejctl = await asNobody(process.execPath, [EJCTL, '-c', cfg, 'status']);
    const ejabberdctl = await asNobody('/usr/sbin/ejabberdctl', ['-c', cfg, 'status']);
    expect(ejabberdctl).toEqual({ exitCode: 7, stdout: '', stderr: MESSAGE });
    expect(ejctl).toEqual(ejabberdctl);
  });

  it('the same through EJABBERDCTL_CONFIG_PATH, and for an INSTALLUSER named in the environment', async () => {
    const cfg = lockedCfg();
    expect(await asNobody(process.execPath, [EJCTL, 'ping'], { EJABBERDCTL_CONFIG_PATH: cfg })).toEqual({
      exitCode: 7,
      stdout: '',
      stderr: MESSAGE,
    });
    expect(await asNobody(process.execPath, [EJCTL, '-c', cfg, 'status'], { INSTALLUSER: 'daemon' })).toEqual({
      exitCode: 7,
      stdout: '',
      stderr: 'ERROR: This command can only be run by root or the user daemon\n',
    });
  });

  it('a readable cfg still decides: with INSTALLUSER= another user runs as itself', async () => {
    const dir = tempDir('ejctl-open-');
    const cfg = join(dir, 'ejabberdctl.cfg');
    writeFileMode(cfg, `ERLANG_NODE=nothere@localhost\nINSTALLUSER=\nSPOOL_DIR=${dir}\nCOOKIE_FILE=${dir}/.erlang.cookie\n`, 0o644);
    const r = await asNobody(process.execPath, [EJCTL, '-c', cfg, '--transport', 'erl', '--dry-run', 'status']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('user: current user');
  });

  it('a readable cfg naming INSTALLUSER=ejabberd still gets 7 from the user check', async () => {
    const dir = tempDir('ejctl-open-');
    const cfg = join(dir, 'ejabberdctl.cfg');
    writeFileMode(cfg, 'INSTALLUSER=ejabberd\n', 0o644);
    expect(await asNobody(process.execPath, [EJCTL, '-c', cfg, 'status'])).toEqual({ exitCode: 7, stdout: '', stderr: MESSAGE });
  });
});
