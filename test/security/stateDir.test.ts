/**
 * The rotation's state directory holds a journal with both cookies, named by path for the whole
 * rotation. When the way to it goes through a directory the ejabberd user owns, that user can
 * point it anywhere (and later at a journal of its own, which --resume would act on). Root must
 * neither create the directory there nor use it.
 */
import { existsSync, lchownSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, ejctl, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';
import { nodeUserDir } from './helpers.js';

describe.skipIf(!isRoot || !nodeUser())('the rotation state directory', () => {
  afterAll(() => cleanupTempDirs());

  it('on a way through a symlink the ejabberd user planted: refused (77), nothing created where it points', async () => {
    const n = await createTestNodeFiles();
    const user = nodeUser();
    const attic = nodeUserDir(n.dir, 'attic');
    const rootDir = join(n.dir, 'root-dir');
    mkdirSync(rootDir, { mode: 0o755 });
    const planted = join(attic, 'x');
    symlinkSync(rootDir, planted);
    if (user) lchownSync(planted, user.uid, user.gid);
    const state = join(planted, 'state');
    const r = await ejctl(['-c', n.cfgPath, 'cookie', 'rotate', '--finalize'], { env: { EJCTL_STATE_DIR: state } });
    expect(existsSync(join(rootDir, 'state')), 'root created nothing where the link points').toBe(false);
    expect(r.stderr).toContain(`refusing the state directory ${state}: ${attic} is owned by uid ${user?.uid}`);
    expect(r.exitCode).toBe(77);
  });

  it('in a directory only root can change: created 0700 as before', async () => {
    const n = await createTestNodeFiles();
    const state = join(tempDir(), 'state');
    const r = await ejctl(['-c', n.cfgPath, 'cookie', 'rotate', '--finalize'], { env: { EJCTL_STATE_DIR: state } });
    expect(r.stdout).toContain('Nothing to finalize');
    expect(r.exitCode).toBe(0);
    expect(existsSync(state)).toBe(true);
  });
});
