/**
 * The shipped launcher: bin/ejctl.js runs dist/bundle/ejctl.cjs with the V8 code cache that
 * `npm run build` made. The cache must be accepted by this Node (else every call silently pays
 * for compiling the bundle again), and a missing or damaged cache must change nothing but speed
 * (V8 does not check a cache's payload; the launcher checks the cache file's SHA-256 header).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { cleanupTempDirs, EJCTL, ROOT, tempDir } from './helpers/env.js';

afterAll(() => cleanupTempDirs());

const BUNDLE = join(ROOT, 'dist/bundle/ejctl.cjs');

/** A copy of the package (bin, dist, node_modules linked) whose cache file can be changed. */
function packageCopy(): { bin: string; cache: string } {
  const dir = tempDir('ejctl-package-');
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { bin: join(dir, 'bin/ejctl.js'), cache: join(dir, 'dist/bundle/ejctl.cjs.cache') };
}

async function version(bin: string) {
  return execa(process.execPath, [bin, '--help'], { reject: false, stdin: 'ignore' });
}

describe('the launcher and its code cache', () => {
  it("the cache's header verifies, and this Node accepts the cache, compiled as bin/ejctl.js compiles it", () => {
    const source = readFileSync(BUNDLE);
    const stored = readFileSync(`${BUNDLE}.cache`);
    const data = stored.subarray(32);
    expect(createHash('sha256').update(source).update(data).digest().equals(stored.subarray(0, 32))).toBe(true);
    const script = new Script(Module.wrap(source.toString('utf8')), { filename: BUNDLE, cachedData: data });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('runs the same without a cache file, and with a damaged one', async () => {
    const reference = await version(EJCTL);
    expect(reference.exitCode).toBe(0);
    expect(reference.stdout).toContain('ejctl');

    const missing = packageCopy();
    rmSync(missing.cache);
    const withoutCache = await version(missing.bin);
    expect([withoutCache.exitCode, withoutCache.stdout, withoutCache.stderr]).toEqual([0, reference.stdout, '']);

    const damaged = packageCopy();
    const bytes = readFileSync(damaged.cache);
    bytes.fill(0x5a, 200, 4096); // past the SHA-256 and V8's own header: V8 alone would crash on it
    writeFileSync(damaged.cache, bytes);
    const withDamage = await version(damaged.bin);
    expect([withDamage.exitCode, withDamage.stdout, withDamage.stderr]).toEqual([0, reference.stdout, '']);

    const garbage = packageCopy();
    writeFileSync(garbage.cache, 'not a code cache');
    const withGarbage = await version(garbage.bin);
    expect([withGarbage.exitCode, withGarbage.stdout, withGarbage.stderr]).toEqual([0, reference.stdout, '']);
  });
});
