/** The audit takes the node's beam from its own network namespace when another has the same name. */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ourNetnsFirst } from '../../src/audit/index.js';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';

afterAll(() => cleanupTempDirs());

function fakeProc(netns: Record<string, string>): string {
  const root = tempDir('ejctl-proc-');
  for (const [pid, ns] of Object.entries(netns)) {
    mkdirSync(join(root, pid, 'ns'), { recursive: true });
    symlinkSync(ns, join(root, pid, 'ns', 'net'));
  }
  return root;
}
const beam = (pid: number) => ({ pid, argv: ['beam.smp', '-name', 'ejabberd@h3.ejctl.test'], uid: 0, euid: 0 });

describe('ourNetnsFirst', () => {
  it('puts the beam of our network namespace first', () => {
    const root = fakeProc({ self: 'net:[1]', '100': 'net:[2]', '200': 'net:[1]' });
    expect(ourNetnsFirst([beam(100), beam(200)], root).map((b) => b.pid)).toEqual([200, 100]);
  });
  it('keeps the order found when namespaces cannot be read', () => {
    const root = fakeProc({ '100': 'net:[2]' });
    expect(ourNetnsFirst([beam(100), beam(200)], root).map((b) => b.pid)).toEqual([100, 200]);
  });
});
