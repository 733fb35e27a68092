/**
 * Start-up stays lean: `ejctl status` never loads the setup wizard or Inquirer, and even
 * `ejctl setup` loads Inquirer only when it really asks a question. Proven with a module loader
 * hook (node:module register) that records every module the process loads. ejctl runs from the
 * esbuild bundle (scripts/build.mjs); its meta.json maps each loaded bundle file to the sources
 * it holds, so the assertions are about source files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, EJCTL, epmdPort, ROOT, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';

afterAll(() => cleanupTempDirs());

const RECORDER = join(import.meta.dirname, 'fixtures/recordModules.mjs');
const BUNDLE = join(ROOT, 'dist/bundle');
const bundleSources = JSON.parse(readFileSync(join(BUNDLE, 'meta.json'), 'utf8')) as Record<string, string[]>;

/** Every module URL the process loaded, with each bundle file replaced by the sources it holds. */
async function modulesLoadedBy(args: string[]): Promise<{ modules: string[]; exitCode: number }> {
  const dir = tempDir('ejctl-modules-');
  const log = join(dir, 'modules.log');
  const r = await execa(process.execPath, ['--import', RECORDER, EJCTL, ...args], {
    env: { EJCTL_MODULE_LOG: log, HOME: dir, ERL_EPMD_PORT: epmdPort(), CI: 'true' },
    reject: false,
    stdin: 'ignore',
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const modules = urls.flatMap((url) => {
    if (!url.startsWith(`file://${BUNDLE}/`)) return [url];
    const sources = bundleSources[url.slice(`file://${BUNDLE}/`.length)];
    if (!sources) throw new Error(`${url} is not in dist/bundle/meta.json: rebuild`);
    return sources;
  });
  return { modules, exitCode: r.exitCode ?? -1 };
}

const wizard = (m: string) => m.startsWith('src/setup/') || m === 'src/commands/setup.ts';
const inquirer = (m: string) => m.includes('/node_modules/@inquirer/');

describe('what a command loads', () => {
  it('ejctl status loads neither the setup wizard nor Inquirer', async () => {
    const node = await createTestNodeFiles();
    const { modules, exitCode } = await modulesLoadedBy(['-c', node.cfgPath, 'status']);
    expect(exitCode).toBe(3); // nodedown: the node was never started, the command really ran
    expect(modules).toContain('src/cli.ts'); // the recorder and the source map work
    expect(modules).toContain('src/commands/forward.ts');
    expect(modules).toContain('src/native/forward.ts');
    expect(modules.filter(wizard)).toEqual([]);
    expect(modules.filter(inquirer)).toEqual([]);
  });

  it('ejctl setup with every answer given loads the wizard but not Inquirer', async () => {
    const node = await createTestNodeFiles();
    const flagsOnly = await modulesLoadedBy([
      'setup',
      '--config-dir',
      node.dir,
      '--systemd-dir',
      tempDir('ejctl-systemd-'),
      '--yes',
      '--dry-run',
    ]);
    expect(flagsOnly.exitCode).toBe(0);
    expect(flagsOnly.modules).toContain('src/setup/index.ts');
    expect(flagsOnly.modules.filter(inquirer)).toEqual([]);
  });
});
