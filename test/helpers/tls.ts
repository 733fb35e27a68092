/** Test nodes' files with TLS distribution made by ejctl tls (no node started). */
import { join } from 'node:path';
import { expect } from 'vitest';
import { ejctl } from './env.js';
import { createTestNodeFiles } from './node.js';

export async function ok(args: string[]): Promise<string> {
  const r = await ejctl(args);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

export async function nodeWithTls(host?: string) {
  const n = await createTestNodeFiles(host ? { host } : {});
  const ca = join(n.dir, 'ca');
  await ok(['tls', 'init-ca', '--ca-dir', ca]);
  await ok(['-c', n.cfgPath, 'tls', 'issue', '--ca-dir', ca]);
  return { ...n, ca, tls: join(n.dir, 'tls') };
}

export const tlsFindingIds = async (cfg: string): Promise<string[]> => {
  const r = await ejctl(['-c', cfg, 'tls', 'check', '--json']);
  return (JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);
};
