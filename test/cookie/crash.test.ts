/**
 * A kill at any moment of a write: strace delivers SIGKILL to ejctl exactly when it enters one
 * of the system calls of the write (pwrite64 of the cookie, fchown, fsync, link, rename, unlink),
 * and the files left behind are examined. The target must be absent, the old cookie, or the
 * complete new one at 0400; never partial. A later init sweeps what the killed one left.
 */
import { execa } from 'execa';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, EJCTL, nodeUser, tempDir } from '../helpers/env.js';
import { writeFileMode } from '../helpers/node.js';
import { cookieCli, GENERATED, readCookieAsRoot, writeCfg } from './cli.js';

const STRACE = '/usr/bin/strace';
const OLD = 'OldCookie0123456789abcdefghijklmnopqrstuvwxyzAB';

/** Runs `ejctl cookie init` under strace, killed on entering the `when`-th call of `syscall`. */
async function initKilledAt(cfg: string, file: string, syscall: string, when: number, force: boolean): Promise<'killed' | number> {
  const args = [
    '-f',
    '-qq',
    '-o',
    '/dev/null',
    '-e',
    `trace=${syscall}`,
    '-e',
    `inject=${syscall}:signal=KILL:when=${when}`,
    process.execPath,
    EJCTL,
    '-c',
    cfg,
    'cookie',
    'init',
    '--file',
    file,
    ...(force ? ['--force'] : []),
  ];
  const r = await execa(STRACE, args, { reject: false, stdin: 'ignore', env: { HOME: tempDir('ejctl-crash-home-') } });
  // strace ends itself with the signal that killed its tracee.
  return r.signal === 'SIGKILL' ? 'killed' : (r.exitCode ?? -1);
}

/**
 * The target and any backup hold a whole cookie (old or generated), the target is old, new or
 * absent; everything is 0400. A temp file (hidden, named after the writer's pid) may be cut
 * short: it is never read by anyone and the next run removes it.
 */
function expectNothingPartial(dir: string, target: string, hadOld: boolean): void {
  for (const name of readdirSync(dir)) {
    if (name === 'ejabberdctl.cfg') continue;
    const path = join(dir, name);
    expect(statSync(path).mode & 0o7777, `${name} is 0400`).toBe(0o400);
    if (name.includes('.ejctl-tmp-')) continue;
    const text = readCookieAsRoot(path);
    expect(text === OLD || GENERATED.test(text), `${name} holds a whole cookie`).toBe(true);
  }
  if (!hadOld) return;
  expect(existsSync(target)).toBe(true);
  const backups = readdirSync(dir).filter((n) => n.includes('.bak-'));
  // Once the new cookie is in place, the old one is safe in a backup.
  if (readCookieAsRoot(target) !== OLD) expect(backups.map((b) => readCookieAsRoot(join(dir, b)))).toContain(OLD);
}

const CASES: [string, number][] = [
  ['pwrite64', 1],
  ['pwrite64', 2],
  ['fchown', 1],
  ['fchown', 2],
  ['fsync', 1],
  ['fsync', 2],
  ['fsync', 3],
  ['link', 1],
  ['rename', 1],
  ['unlink', 1],
  ['unlink', 2],
];

describe.skipIf(!existsSync(STRACE))('a kill in the middle of a write', () => {
  afterAll(() => cleanupTempDirs());

  it.each(CASES)('killed at %s #%i: no partial cookie, old one kept, the next init cleans up', async (syscall, when) => {
    const outcomes: ('killed' | number)[] = [];
    for (const hadOld of [false, true]) {
      const dir = tempDir('ejctl-crash-');
      const cfg = writeCfg(dir, nodeUser()?.name ?? '');
      const target = join(dir, '.erlang.cookie');
      if (hadOld) writeFileMode(target, OLD, 0o400);
      outcomes.push(await initKilledAt(cfg, target, syscall, when, hadOld));
      expectNothingPartial(dir, target, hadOld);
      const next = await cookieCli(['init', '--file', target, '--force'], { cfg });
      expect(next.exitCode, next.stderr).toBe(0);
      expect(readdirSync(dir).filter((n) => n.includes('ejctl-tmp'))).toEqual([]);
      expect(readCookieAsRoot(target)).toMatch(GENERATED);
    }
    // Each case kills at least one of the two runs (a first write, a replacement).
    expect(outcomes).toContain('killed');
  });

  it('a run that is not killed passes through strace unharmed (the harness itself works)', async () => {
    const dir = tempDir('ejctl-crash-');
    const cfg = writeCfg(dir, nodeUser()?.name ?? '');
    const target = join(dir, '.erlang.cookie');
    expect(await initKilledAt(cfg, target, 'pwrite64', 99, false)).toBe(0);
    expect(readCookieAsRoot(target)).toMatch(GENERATED);
  });

  it('the kill happens where intended: at the first pwrite64 nothing is in place yet', async () => {
    const dir = tempDir('ejctl-crash-');
    const cfg = writeCfg(dir, nodeUser()?.name ?? '');
    const target = join(dir, '.erlang.cookie');
    expect(await initKilledAt(cfg, target, 'pwrite64', 1, false)).toBe('killed');
    expect(existsSync(target)).toBe(false);
  });
});
