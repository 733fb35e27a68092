/**
 * Start-up stays lean: `ejctl status` never runs the setup wizard's code nor loads Inquirer, and
 * even `ejctl setup` loads Inquirer only when it really asks a question.
 *
 * ejctl runs from two bundles (scripts/build.mjs): dist/bundle/ejctl.cjs, what a forwarded command
 * needs, and ejctl-rest.cjs, loaded on the first import() of one of its modules, in which each
 * lazily loaded command is a function that runs on first use. The proof is V8's own record of
 * what ran: NODE_V8_COVERAGE gives every script the process loaded and every function that was
 * called; each bundle's source map turns each called function back into its file in src/.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import Module, { SourceMap } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { cleanupTempDirs, EJCTL, epmdPort, ROOT, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';

afterAll(() => cleanupTempDirs());

/** A bundle of dist/bundle/: its URL, its text and its source map. */
function bundle(name: string) {
  const file = join(ROOT, 'dist/bundle', name);
  return { url: `file://${file}`, text: readFileSync(file, 'utf8'), map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) };
}
const BUNDLES = [bundle('ejctl.cjs'), bundle('ejctl-rest.cjs')];
const REST_URL = BUNDLES[1]!.url;
/** bin/ejctl.js compiles each bundle inside Node's CommonJS wrapper: coverage offsets include it. */
const WRAPPER = (Module as unknown as { wrapper: string[] }).wrapper[0]!.length;

interface Coverage {
  result: { url: string; functions: { ranges: { startOffset: number; count: number }[] }[] }[];
}

/** The src/ file that holds the bundle's character at `offset`. */
function sourceAt(b: ReturnType<typeof bundle>, offset: number): string | undefined {
  const before = b.text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const column = offset - (before.lastIndexOf('\n') + 1);
  const entry = b.map.findEntry(line, column) as { originalSource?: string };
  return entry.originalSource ? relative(ROOT, resolve(join(ROOT, 'dist/bundle'), entry.originalSource)) : undefined;
}

/** What a command loaded (script URLs) and ran (src/ files with at least one called function). */
async function whatRuns(args: string[]): Promise<{ scripts: string[]; ran: Set<string>; exitCode: number }> {
  const dir = tempDir('ejctl-coverage-');
  const r = await execa(process.execPath, [EJCTL, ...args], {
    env: { NODE_V8_COVERAGE: join(dir, 'cov'), HOME: dir, ERL_EPMD_PORT: epmdPort(), CI: 'true' },
    reject: false,
    stdin: 'ignore',
  });
  const files = readdirSync(join(dir, 'cov'));
  expect(files).toHaveLength(1);
  const cov = JSON.parse(readFileSync(join(dir, 'cov', files[0]!), 'utf8')) as Coverage;
  expect(
    cov.result.find((s) => s.url === BUNDLES[0]!.url),
    'the bundle ran',
  ).toBeDefined();
  const ran = new Set<string>();
  for (const b of BUNDLES) {
    for (const fn of cov.result.find((s) => s.url === b.url)?.functions ?? []) {
      const first = fn.ranges[0];
      if (!first || first.count === 0 || first.startOffset < WRAPPER) continue;
      const source = sourceAt(b, first.startOffset - WRAPPER);
      if (source) ran.add(source);
    }
  }
  return { scripts: cov.result.map((s) => s.url), ran, exitCode: r.exitCode ?? -1 };
}

const wizard = (m: string) => m.startsWith('src/setup/') || m === 'src/commands/setup.ts';
const inquirer = (url: string) => url.includes('/node_modules/@inquirer/');
const nodePty = (url: string) => url.includes('/node_modules/@lydell/node-pty');

describe('what a command runs', () => {
  it('ejctl status runs neither the setup wizard nor Inquirer, nor loads node-pty', async () => {
    const node = await createTestNodeFiles();
    const { scripts, ran, exitCode } = await whatRuns(['-c', node.cfgPath, 'status']);
    expect(exitCode).toBe(3); // nodedown: the node was never started, the command really ran
    expect(ran).toContain('src/cli.ts'); // the coverage and the source map work
    expect(ran).toContain('src/commands/forward.ts');
    expect(ran).toContain('src/native/forward.ts');
    expect([...ran].filter(wizard)).toEqual([]);
    expect(scripts.filter(inquirer)).toEqual([]);
    expect(scripts.filter(nodePty)).toEqual([]);
    expect(ran).not.toContain('src/run/pty.ts');
    expect([...ran].filter((m) => m.startsWith('src/json/'))).toEqual([]);
    // Nor ejctl-rest.cjs, even for a node that is down: all of it is in ejctl.cjs, the small code cache.
    expect(scripts).not.toContain(REST_URL);
  });

  it('ejctl --json status runs the JSON code (the check above can see it)', async () => {
    const node = await createTestNodeFiles();
    const { scripts, ran, exitCode } = await whatRuns(['-c', node.cfgPath, '--json', 'status']);
    expect(exitCode).toBe(3);
    expect(ran).toContain('src/json/forward.ts');
    expect(scripts).toContain(REST_URL);
  });

  it('ejctl setup with every answer given runs the wizard but does not load Inquirer', async () => {
    const node = await createTestNodeFiles();
    const flagsOnly = await whatRuns(['setup', '--config-dir', node.dir, '--systemd-dir', tempDir('ejctl-systemd-'), '--yes', '--dry-run']);
    expect(flagsOnly.exitCode).toBe(0);
    expect(flagsOnly.ran).toContain('src/setup/index.ts');
    expect(flagsOnly.scripts.filter(inquirer)).toEqual([]);
  });
});
