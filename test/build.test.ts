/**
 * The shipped launcher: bin/ejctl.js runs dist/bundle/ejctl.cjs (and ejctl-rest.cjs when a
 * command needs it) with the V8 code caches that `npm run build` made. Each cache must be accepted
 * by this Node (else every call silently pays for compiling the bundle again), and a missing or
 * damaged cache must change nothing but speed
 * (V8 does not check a cache's payload: the launcher uses the cache only when it carries this
 * bundle's build id and its two copies are equal).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cpSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cleanupTempDirs, EJCTL, ROOT, tempDir } from './helpers/env.js';

afterAll(() => cleanupTempDirs());

/**
 * The two bundles, each with a call that runs it and a text that call prints: `--help` runs both
 * (the help text is in the rest), `-n` without its value only the first (a usage error).
 */
const BUNDLES = [
  { name: 'ejctl.cjs', args: ['-n'], text: 'needs a value' },
  { name: 'ejctl-rest.cjs', args: ['--help'], text: 'ejabberd API version' },
];

/** A copy of the package (bin, dist, node_modules linked) whose cache files can be changed. */
function packageCopy(name = 'ejctl.cjs'): { bin: string; cache: string; caches: string[] } {
  const dir = tempDir('ejctl-package-');
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const cache = (b: string) => join(dir, 'dist/bundle', `${b}.cache`);
  return { bin: join(dir, 'bin/ejctl.js'), cache: cache(name), caches: BUNDLES.map((b) => cache(b.name)) };
}

async function version(bin: string, args = ['--help']) {
  return execa(process.execPath, [bin, ...args], { reject: false, stdin: 'ignore' });
}

describe('the launcher and its code cache', () => {
  it.each(BUNDLES)(
    "$name: the cache carries the bundle's build id and two equal copies, and this Node accepts it, compiled as bin/ejctl.js compiles it",
    ({ name }) => {
      const BUNDLE = join(ROOT, 'dist/bundle', name);
      const source = readFileSync(BUNDLE);
      const id = /\/\/# ejctl-build ([0-9a-f]{32})\n$/.exec(source.toString('latin1'))?.[1];
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const stored = readFileSync(`${BUNDLE}.cache`);
      const head = `ejctl-code-cache-1${id}`;
      expect(stored.toString('latin1', 0, head.length)).toBe(head);
      const size = (stored.length - head.length) / 2;
      const data = stored.subarray(head.length, head.length + size);
      expect(data.equals(stored.subarray(head.length + size))).toBe(true);
      const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n});`;
      const script = new Script(wrapped, { filename: BUNDLE, cachedData: data });
      expect(script.cachedDataRejected).toBe(false);
    },
  );

  it.each(BUNDLES)(
    "$name: does not use the cache of another build of the same length (it would run that build's code)",
    async ({ name, args, text: shown }) => {
      const BUNDLE = join(ROOT, 'dist/bundle', name);
      const reference = await version(EJCTL, args);
      expect(reference.stdout + reference.stderr).toContain(shown);
      const copy = packageCopy(name);
      // Another build: the same bundle with one help line changed (same length) and its own id.
      const other = join(dirname(copy.cache), 'other.cjs');
      const text = readFileSync(BUNDLE, 'latin1');
      expect(text).toContain(shown);
      const otherText = text.replace(shown, shown.toUpperCase()).replace(/ejctl-build [0-9a-f]{32}/, `ejctl-build ${'0'.repeat(32)}`);
      expect(otherText.length).toBe(text.length);
      writeFileSync(other, otherText, 'latin1');
      const made = await execa(process.execPath, [join(ROOT, 'scripts/build/codeCache.cjs'), other, copy.cache + '.new'], {
        reject: false,
      });
      expect(made.exitCode).toBe(0);
      rmSync(copy.cache);
      renameSync(copy.cache + '.new', copy.cache);
      const withStale = await version(copy.bin, args);
      expect([withStale.exitCode, withStale.stdout, withStale.stderr]).toEqual([reference.exitCode, reference.stdout, reference.stderr]);
    },
  );

  it('runs the same without a cache file, and with a damaged one', async () => {
    const reference = await version(EJCTL);
    expect(reference.exitCode).toBe(0);
    expect(reference.stdout).toContain('ejctl');

    const missing = packageCopy();
    for (const cache of missing.caches) rmSync(cache);
    const withoutCache = await version(missing.bin);
    expect([withoutCache.exitCode, withoutCache.stdout, withoutCache.stderr]).toEqual([0, reference.stdout, '']);

    const damaged = packageCopy();
    for (const cache of damaged.caches) {
      const bytes = readFileSync(cache);
      bytes.fill(0x5a, 200, 4096); // in the first copy, past V8's own header: V8 alone would crash on it
      writeFileSync(cache, bytes);
    }
    const withDamage = await version(damaged.bin);
    expect([withDamage.exitCode, withDamage.stdout, withDamage.stderr]).toEqual([0, reference.stdout, '']);

    const garbage = packageCopy();
    for (const cache of garbage.caches) writeFileSync(cache, 'not a code cache');
    const withGarbage = await version(garbage.bin);
    expect([withGarbage.exitCode, withGarbage.stdout, withGarbage.stderr]).toEqual([0, reference.stdout, '']);
  });
});
