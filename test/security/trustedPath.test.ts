/** findChangeableDir on real directories: owners, mode bits, sticky dirs, links and `..` after a link. */
import { chmodSync, lchownSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChangeableDir, trustedUids } from '../../src/system/trustedPath.js';
import { cleanupTempDirs, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import { nodeUserDir } from './helpers.js';

describe.skipIf(!isRoot || !nodeUser())('the way to a directory, as root sees it', () => {
  afterAll(() => cleanupTempDirs());
  const uid = () => nodeUser()?.uid ?? -1;

  it('root-owned all the way, missing components included: nothing to say', () => {
    const t = tempDir();
    mkdirSync(join(t, 'a'), { mode: 0o755 });
    expect(findChangeableDir(join(t, 'a', 'missing', 'deeper'), [0])).toBeUndefined();
  });

  it('a directory of another user on the way is named, and its owner trusted only when asked', () => {
    const t = tempDir();
    const attic = nodeUserDir(t, 'attic');
    expect(findChangeableDir(join(attic, 'x'), [0])).toEqual({ dir: attic, why: `is owned by uid ${uid()}` });
    expect(findChangeableDir(join(attic, 'x'), trustedUids(0, [uid()]))).toBeUndefined();
    // The last directory itself may be anyone's: only what holds it matters.
    expect(findChangeableDir(attic, [0])).toBeUndefined();
  });

  it('group- or world-writable directories, and sticky ones with an entry of another user', () => {
    const t = tempDir();
    const g = join(t, 'g');
    mkdirSync(g);
    chmodSync(g, 0o775);
    expect(findChangeableDir(join(g, 'x'), [0])).toEqual({ dir: g, why: 'is writable by its group' });
    const sticky = join(t, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    mkdirSync(join(sticky, 'mine'));
    expect(findChangeableDir(join(sticky, 'mine', 'x'), [0])).toBeUndefined();
    nodeUserDir(sticky, 'theirs');
    expect(findChangeableDir(join(sticky, 'theirs', 'x'), [0])?.dir).toBe(sticky);
    expect(findChangeableDir(join(sticky, 'not-yet'), [0])).toEqual({ dir: sticky, why: 'is writable by others' });
  });

  it('follows a link in a root-owned directory, and goes up from where it led on `..`', () => {
    const t = tempDir();
    const attic = nodeUserDir(t, 'attic');
    const inner = join(attic, 'inner');
    mkdirSync(inner);
    lchownSync(inner, 0, 0);
    symlinkSync(inner, join(t, 'link'));
    // Textually t/x; the kernel goes to attic/x, which the ejabberd user controls.
    expect(findChangeableDir(join(t, 'link') + '/../x', [0])).toEqual({ dir: attic, why: `is owned by uid ${uid()}` });
    expect(findChangeableDir(join(t, 'link', 'x'), [0])).toEqual({ dir: attic, why: `is owned by uid ${uid()}` });
  });
});
