/**
 * The entry point stays on top: nothing under src/ imports src/cli.ts except src/main.ts. The
 * commands once imported it (for settingsFor) while it imported the command registry, a loop
 * through the entry point; what they need lives below them now (src/config/settingsFor.ts).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './helpers/env.js';

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative specifiers of static imports, re-exports, import() and require() in a file. */
function relativeImports(text: string): string[] {
  const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm);
  return [...found].map((m) => m[1] ?? '');
}

function importersOf(target: string): string[] {
  return sourceFiles(SRC).filter((file) =>
    relativeImports(readFileSync(file, 'utf8')).some((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')) === target),
  );
}

describe('module layering', () => {
  it('the import scan sees every form of import', () => {
    const text = [
      "import { run } from './cli.js';",
      "import type { X } from '../cli.js';",
      "export { y } from '../../cli.js';",
      "const m = await import('./cli.js');",
      "import './cli.js';",
      "const r = require('./cli.js');",
      "import { a } from 'node:fs';",
    ].join('\n');
    expect(relativeImports(text)).toEqual(['./cli.js', '../cli.js', '../../cli.js', './cli.js', './cli.js', './cli.js']);
  });

  it('only src/main.ts imports src/cli.ts', () => {
    const importers = importersOf(join(SRC, 'cli.ts')).map((f) => relative(ROOT, f));
    expect(importers).toEqual(['src/main.ts']);
  });
});
