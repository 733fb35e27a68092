/**
 * The spool dir race (issue 12, finding 1): a missing SPOOL_DIR whose parent the ejabberd user
 * can write. An attacker process of that user swaps the new directory for a symlink to a
 * root-owned decoy as soon as it appears; strace holds every mkdir for a second on its way out,
 * so the swap lands between mkdir and whatever comes next. Root must never be made to chown or
 * create through that link. Also: who creates the spool dir, and exit 6 as ejabberdctl's.
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, EJCTL, epmdPort, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { createTestNodeFiles, writeFileMode } from '../helpers/node.js';
import { nodeUserDir } from './helpers.js';

const STRACE = '/usr/bin/strace';
const SWAP = join(import.meta.dirname, 'fixtures/swap-for-link.mjs');

/** The attacker, started as the ejabberd user; resolves once it watches. */
async function startAttacker(path: string, target: string): Promise<Attacker> {
  const user = nodeUser();
  if (!user) throw new Error('needs root and the ejabberd user');
  const child = spawn(process.execPath, [SWAP, path, target], {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let said = '';
  const ended = new Promise<string>((resolve) => child.once('close', () => resolve(said)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the attacker ended early (exit ${code})`)));
  });
  return { stop: () => child.kill(), said: ended };
}

interface Attacker {
  stop: () => void;
  /** Everything it printed, once it has ended. */
  said: Promise<string>;
}

/** `ejctl -c CFG status` with every mkdir held for a second on its way out. */
async function statusUnderStrace(cfg: string, home: string) {
  const args = ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=mkdir,mkdirat', '-e', 'inject=mkdir,mkdirat:delay_exit=1000000'];
  const r = await execa(STRACE, [...args, process.execPath, EJCTL, '-c', cfg, 'status'], {
    env: { HOME: home, ERL_EPMD_PORT: epmdPort() },
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    cwd: '/',
    timeout: 90_000,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

describe.skipIf(!isRoot || !existsSync(STRACE))('the spool dir, created as root would see it attacked', () => {
  afterAll(() => cleanupTempDirs());

  it('the ejabberd user swaps the new spool dir for a symlink: root hands over nothing', async () => {
    const n = await createTestNodeFiles();
    const attic = nodeUserDir(n.dir, 'attic');
    const spool = join(attic, 'spool');
    const decoy = join(n.dir, 'decoy');
    writeFileMode(decoy, 'root only\n', 0o600);
    const cfg = join(n.dir, 'race.cfg');
    writeFileMode(cfg, `${readFileSync(n.cfgPath, 'utf8')}SPOOL_DIR=${spool}\n`, 0o644);
    const attacker = await startAttacker(spool, decoy);
    let r;
    try {
      r = await statusUnderStrace(cfg, tempDir('ejctl-home-'));
    } finally {
      attacker.stop();
    }
    expect(await attacker.said, 'the attacker swapped the directory for a link').toContain('swapped');
    expect(lstatSync(spool).isSymbolicLink()).toBe(true);
    const st = statSync(decoy);
    expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 }, 'the decoy keeps its owner and mode').toEqual({
      uid: 0,
      gid: 0,
      mode: 0o600,
    });
    expect(readFileSync(decoy, 'utf8')).toBe('root only\n');
    expect(r.stdout).toBe(`ERROR: can not access directory ${spool}\n`);
    expect(r.exitCode).toBe(6);
  });

  it('without INSTALLUSER, root does not create the spool dir through a link another user planted', async () => {
    const n = await createTestNodeFiles();
    const attic = nodeUserDir(n.dir, 'attic');
    const elsewhere = join(n.dir, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o755 });
    symlinkSync(elsewhere, join(attic, 'a'));
    const spool = join(attic, 'a', 'spool');
    const r = await n.ctl(['status'], { env: { INSTALLUSER: '', SPOOL_DIR: spool, COOKIE_FILE: rootCookie(n.dir, n.cookie) } });
    expect(r.stdout).toBe(`ERROR: can not access directory ${spool}\n`);
    expect(r.stderr).toContain(`ejctl: not created as root: ${attic} is owned by uid ${nodeUser()?.uid}`);
    expect(r.exitCode).toBe(6);
    expect(existsSync(join(elsewhere, 'spool')), 'nothing was created where the link points').toBe(false);
  });
});

describe.skipIf(!isRoot)('who creates a missing spool dir', () => {
  afterAll(() => cleanupTempDirs());

  it('INSTALLUSER does (mode 0700, owned by that user), where that user may', async () => {
    const n = await createTestNodeFiles();
    const spool = join(nodeUserDir(n.dir, 'attic'), 'new', 'spool');
    const r = await n.ctl(['status'], { env: { SPOOL_DIR: spool } });
    expect(r.exitCode).toBe(3);
    const st = statSync(spool);
    expect({ uid: st.uid, mode: st.mode & 0o7777 }).toEqual({ uid: nodeUser()?.uid, mode: 0o700 });
    expect(statSync(join(spool, '..')).uid).toBe(nodeUser()?.uid);
  });

  it("where INSTALLUSER may not, nothing is created: ejabberdctl's message and exit 6, mkdir's reason on stderr", async () => {
    const n = await createTestNodeFiles();
    const spool = join(n.dir, 'spool-of-root', 'spool');
    const r = await n.ctl(['status'], { env: { SPOOL_DIR: spool } });
    expect(r.stdout).toBe(`ERROR: can not access directory ${spool}\n`);
    expect(r.stderr).toContain('Permission denied');
    expect(r.exitCode).toBe(6);
    expect(existsSync(join(n.dir, 'spool-of-root'))).toBe(false);
  });
});

/** A copy of the cookie that root owns, in a root-owned dir. */
function rootCookie(dir: string, cookie: string): string {
  const home = join(dir, 'root-home');
  mkdirSync(home, { mode: 0o700 });
  const path = join(home, '.erlang.cookie');
  writeFileMode(path, cookie, 0o400);
  return path;
}
