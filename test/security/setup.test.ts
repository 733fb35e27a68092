/**
 * `ejctl setup` writes as root: the cfg's temp file and backup, and the permission fixes the
 * operator agreed to. Where a directory on the way belongs to the ejabberd user, that user can
 * redirect those writes with a symlink; root must then touch nothing it did not mean to.
 */
import { spawn } from 'node:child_process';
import { lchownSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, EJCTL, epmdPort, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import { createDebianInstall, type Install } from '../setup/fixture.js';
import { execa } from 'execa';
import { nodeUserDir } from './helpers.js';

const STRACE = '/usr/bin/strace';
const SWAP_WHEN = join(import.meta.dirname, 'fixtures/swap-when-staged.mjs');

const setupArgs = (inst: Install) => ['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, '--yes'];

async function setup(inst: Install, strace: string[] = []) {
  const home = tempDir('ejctl-home-');
  const argv = [...strace, process.execPath, EJCTL, ...setupArgs(inst)];
  const r = await execa(argv[0] ?? '', argv.slice(1), {
    env: { HOME: home, ERL_EPMD_PORT: epmdPort(), CI: undefined },
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    cwd: '/',
    timeout: 90_000,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

describe.skipIf(!isRoot || !nodeUser())('setup, with the ejabberd user redirecting its writes', () => {
  afterAll(() => cleanupTempDirs());

  it('a permission fix through a symlink the ejabberd user planted: the file it points at keeps its mode', async () => {
    const inst = await createDebianInstall();
    const user = nodeUser();
    const attic = nodeUserDir(inst.dir, 'attic');
    const rootConf = join(inst.dir, 'root-conf');
    mkdirSync(rootConf, { mode: 0o755 });
    const decoy = join(rootConf, 'ejabberd.yml');
    writeFileMode(decoy, readFileSync(inst.ymlPath, 'utf8'), 0o644);
    const planted = join(attic, 'conf');
    symlinkSync(rootConf, planted);
    if (user) lchownSync(planted, user.uid, user.gid);
    writeFileSync(inst.realCfg, `${readFileSync(inst.realCfg, 'utf8')}EJABBERD_CONFIG_PATH=${join(planted, 'ejabberd.yml')}\n`);
    const r = await setup(inst);
    expect(statSync(decoy).mode & 0o7777, 'the root-owned file keeps its mode').toBe(0o644);
    expect(r.stderr).toContain(`${join(planted, 'ejabberd.yml')} (${attic} is owned by uid ${user?.uid}`);
    expect(r.exitCode).toBe(1);
  });

  it.skipIf(!existsStrace())('the cfg swapped for a link to a root-only file while setup runs: no backup holds its bytes', async () => {
    const inst = await createDebianInstall();
    const defaults = join(inst.dir, 'default');
    const user = nodeUser();
    if (user) lchownSync(defaults, user.uid, user.gid); // a conf dir the ejabberd user owns, as some installs have
    const secret = join(inst.dir, 'root-only');
    writeFileMode(secret, 'the bytes of a root-only file\n', 0o600);
    const attacker = await startSwapper(defaults, '.ejabberd.ejctl-tmp-', inst.realCfg, secret);
    let r;
    try {
      // The first fchown is the staged cfg's: held for a second, the swap lands before the backup is read.
      r = await setup(inst, [
        STRACE,
        '-f',
        '-qq',
        '-o',
        '/dev/null',
        '-e',
        'trace=fchown',
        '-e',
        'inject=fchown:delay_exit=1000000:when=1',
      ]);
    } finally {
      attacker.stop();
    }
    expect(await attacker.said, 'the attacker swapped the cfg for a link').toContain('swapped');
    for (const name of readdirSync(defaults)) {
      const path = join(defaults, name);
      if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true || name === 'ejabberd' || name === 'ejabberd.moved') continue;
      expect(readFileSync(path, 'utf8'), `${name} does not hold the root-only bytes`).not.toContain('root-only file');
    }
    expect(r.stderr).toContain(`cannot write ${inst.realCfg} (ELOOP)`);
    expect(r.exitCode).toBe(78);
  });
});

function existsStrace(): boolean {
  return statSync(STRACE, { throwIfNoEntry: false }) !== undefined;
}

interface Attacker {
  stop: () => void;
  said: Promise<string>;
}

/** As the ejabberd user: once a name starting with `prefix` appears in `dir`, swap `path` for a link to `target`. */
async function startSwapper(dir: string, prefix: string, path: string, target: string): Promise<Attacker> {
  const user = nodeUser();
  if (!user) throw new Error('needs the ejabberd user');
  const child = spawn(process.execPath, [SWAP_WHEN, dir, prefix, path, target], {
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
