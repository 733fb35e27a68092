/**
 * Start-up stays lean: `ejctl status` never loads the setup wizard or Inquirer, and even
 * `ejctl setup` loads Inquirer only when it really asks a question. Proven with a module loader
 * hook (node:module register) that records every module the process loads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, EJCTL, epmdPort, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';

afterAll(() => cleanupTempDirs());

const RECORDER = join(import.meta.dirname, 'fixtures/recordModules.mjs');

async function modulesLoadedBy(args: string[]): Promise<{ modules: string[]; exitCode: number }> {
  const dir = tempDir('ejctl-modules-');
  const log = join(dir, 'modules.log');
  const r = await execa(process.execPath, ['--import', RECORDER, EJCTL, ...args], {
    env: { EJCTL_MODULE_LOG: log, HOME: dir, ERL_EPMD_PORT: epmdPort(), CI: 'true' },
    reject: false,
    stdin: 'ignore',
  });
  return { modules: readFileSync(log, 'utf8').split('\n').filter(Boolean), exitCode: r.exitCode ?? -1 };
}

const wizard = (m: string) => m.includes('/dist/setup/') || m.endsWith('/dist/commands/setup.js');
const inquirer = (m: string) => m.includes('/node_modules/@inquirer/');

describe('what a command loads', () => {
  it('ejctl status loads neither the setup wizard nor Inquirer', async () => {
    const node = await createTestNodeFiles();
    const { modules, exitCode } = await modulesLoadedBy(['-c', node.cfgPath, 'status']);
    expect(exitCode).toBe(3); // nodedown: the node was never started, the command really ran
    expect(modules.some((m) => m.endsWith('/dist/cli.js'))).toBe(true); // the recorder works
    expect(modules.some((m) => m.endsWith('/dist/commands/forward.js'))).toBe(true);
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
    expect(flagsOnly.modules.some((m) => m.endsWith('/dist/setup/index.js'))).toBe(true);
    expect(flagsOnly.modules.filter(inquirer)).toEqual([]);
  });
});
