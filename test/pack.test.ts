/**
 * A real install: `npm pack` of this repository, `npm install -g` of the tarball into a temp
 * prefix, then the installed `ejctl` on a real node, its man page, and the docs its help names.
 */
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/env.js';
import { useTestNode } from './helpers/node.js';

describe('npm pack, then npm install -g of the tarball', () => {
  const n = useTestNode();

  it('gives a working ejctl on PATH with its man page and the docs its help refers to', { timeout: 180_000 }, async () => {
    const dir = tempDir('ejctl-pack-');
    // The suite runs on a fresh build: --ignore-scripts keeps `prepack` from rebuilding under running tests.
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
    const tarball = join(dir, pack.stdout.trim().split('\n').at(-1) ?? '');
    const prefix = join(dir, 'prefix');
    await execa('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: dir });
    const bin = join(prefix, 'bin/ejctl');
    const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: dir };

    const version = await execa('ejctl', ['-V'], { env });
    expect(version.stdout).toMatch(/^ejctl \d+\.\d+\.\d+$/);
    const status = await execa(bin, ['-c', n.cfgPath, 'status'], { env, reject: false, stripFinalNewline: false });
    expect(status.stdout).toBe(`The node ${n.node} is started with status: started\nejabberd 23.01-1 is running in that node\n`);
    expect(status.exitCode).toBe(0);

    expect(existsSync(join(prefix, 'share/man/man8/ejctl.8'))).toBe(true);
    const installed = join(prefix, 'lib/node_modules/ejctl');
    const named = new Set<string>();
    for (const file of readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      for (const m of readFileSync(join(ROOT, 'src', file), 'utf8').matchAll(/docs\/[a-z]+\.md/g)) named.add(m[0]);
    }
    expect(named.size).toBeGreaterThan(0);
    for (const doc of named) expect(existsSync(join(installed, doc)), doc).toBe(true);
    expect(readdirSync(join(installed, 'docs')).sort()).toEqual(readdirSync(join(ROOT, 'docs')).sort());
    expect(existsSync(join(installed, 'README.md'))).toBe(true);
  });
});
