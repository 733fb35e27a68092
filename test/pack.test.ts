/**
 * A real install: `npm pack`, then `npm install -g` of the tarball into a temp prefix (packages
 * from npm's cache, --offline), gives a working `ejctl` on that PATH, which drives a real node,
 * and ships the docs its help and messages refer to.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { epmdPort, ROOT, tempDir } from './helpers/env.js';
import { useTestNode } from './helpers/node.js';

describe('npm pack, then npm install -g of the tarball', () => {
  const n = useTestNode();

  it('installs an ejctl that runs, answers the node, and has its docs', async () => {
    const work = tempDir('ejctl-pack-');
    const packed = await execa('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: ROOT });
    const tarball = join(work, packed.stdout.trim().split('\n').at(-1) ?? '');
    expect(existsSync(tarball)).toBe(true);
    const prefix = join(work, 'prefix');
    await execa('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: work,
    });
    const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: work, ERL_EPMD_PORT: epmdPort() };
    const run = (args: string[]) => execa('ejctl', args, { env, reject: false, cwd: work });

    const version = await run(['-V']);
    expect(version).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^ejctl \d+\.\d+\.\d+$/) as unknown });
    const status = await run(['-c', n.cfgPath, 'status']);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain(`The node ${n.node} is started`);

    // Every docs/*.md the help names is in the installed package.
    const installed = join(prefix, 'lib/node_modules/ejctl');
    const help = (await run(['--help'])).stdout + (await run(['cookie', 'rotate', '--help'])).stdout;
    const named = [...help.matchAll(/docs\/[a-z]+\.md/g)].map((m) => m[0]);
    for (const doc of named) expect(existsSync(join(installed, doc)), doc).toBe(true);
    expect(readdirSync(join(installed, 'docs')).sort()).toEqual(readdirSync(join(ROOT, 'docs')).sort());
    expect(existsSync(join(installed, 'README.md'))).toBe(true);
  }, 180_000);
});
