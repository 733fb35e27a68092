import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/env.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

describe('smoke', () => {
  let n: TestNode;
  beforeAll(async () => { n = await startTestNode(); });
  afterAll(async () => { await n?.stop(); cleanupTempDirs(); });
  it('status loop', async () => {
    let bad = 0;
    for (let i = 0; i < 40; i++) {
      const a = await n.ctl(['--transport', 'native', i % 2 ? 'status' : 'no_such_command']);
      if (a.exitCode !== (i % 2 ? 0 : 1) || a.stdout === '') { bad++; console.log(i, JSON.stringify(a)); }
    }
    expect(bad).toBe(0);
  });
});
