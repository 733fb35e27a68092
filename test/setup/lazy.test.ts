/**
 * Start-up stays lean: `ejctl status` never runs the setup wizard's code nor loads Inquirer, and
 * even `ejctl setup` loads Inquirer only when it really asks a question.
 *
 * ejctl runs from one bundle (dist/bundle/ejctl.cjs, scripts/build.mjs) in which each lazily
 * loaded command is a function that runs on first use. The proof is V8's own record of what ran:
 * NODE_V8_COVERAGE gives every script the process loaded and every function that was called;
 * the bundle's source map turns each called function back into its file in src/.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import Module, { SourceMap } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { cleanupTempDirs, EJCTL, epmdPort, ROOT, tempDir } from '../helpers/env.js';
import { createTestNodeFiles } from '../helpers/node.js';

afterAll(() => cleanupTempDirs());

const BUNDLE = join(ROOT, 'dist/bundle/ejctl.cjs');
const BUNDLE_URL = `file://${BUNDLE}`;
const sourceMap = new SourceMap(JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8')));
const bundleText = readFileSync(BUNDLE, 'utf8');
/** bin/ejctl.js compiles the bundle inside Node's CommonJS wrapper: coverage offsets include it. */
const WRAPPER = (Module as unknown as { wrapper: string[] }).wrapper[0]!.length;

interface Coverage {
  result: { url: string; functions: { ranges: { startOffset: number; count: number }[] }[] }[];
}

/** The src/ file that holds the bundle's character at `offset`. */
function sourceAt(offset: number): string | undefined {
  const before = bundleText.slice(0, offset);
  const line = before.split('\n').length - 1;
  const column = offset - (before.lastIndexOf('\n') + 1);
  const entry = sourceMap.findEntry(line, column) as { originalSource?: string };
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
  const bundle = cov.result.find((s) => s.url === BUNDLE_URL);
  expect(bundle, 'the bundle ran').toBeDefined();
  const ran = new Set<string>();
  for (const fn of bundle!.functions) {
    const first = fn.ranges[0];
    if (!first || first.count === 0 || first.startOffset < WRAPPER) continue;
    const source = sourceAt(first.startOffset - WRAPPER);
    if (source) ran.add(source);
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
  });

  it('ejctl --json status runs the JSON code (the check above can see it)', async () => {
    const node = await createTestNodeFiles();
    const { ran, exitCode } = await whatRuns(['-c', node.cfgPath, '--json', 'status']);
    expect(exitCode).toBe(3);
    expect(ran).toContain('src/json/forward.ts');
  });

  it('ejctl setup with every answer given runs the wizard but does not load Inquirer', async () => {
    const node = await createTestNodeFiles();
    const flagsOnly = await whatRuns(['setup', '--config-dir', node.dir, '--systemd-dir', tempDir('ejctl-systemd-'), '--yes', '--dry-run']);
    expect(flagsOnly.exitCode).toBe(0);
    expect(flagsOnly.ran).toContain('src/setup/index.ts');
    expect(flagsOnly.scripts.filter(inquirer)).toEqual([]);
  });
});
