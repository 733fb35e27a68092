// Builds dist/bundle/ from src/ (run by `npm run build` after tsc has type-checked):
//   ejctl.cjs        the entry (src/main.ts) and every module it imports statically, in one
//                    CommonJS file (esbuild): what a forwarded command runs. Packages in
//                    node_modules stay external.
//   ejctl-rest.cjs   every module reached only through an import(): the commands ejctl handles
//                    itself, help, --json, the erl transport... loaded by bin/ejctl.js on the first
//                    such import(); within it each module runs only when first used, so
//                    `ejctl setup --yes` never loads Inquirer (test/setup/lazy.test.ts proves both).
//                    How the two share one instance of each module: build/split.mjs.
//   *.map            their source maps (that test maps executed code back to src/).
//   *.cache          V8's code cache for each (build/codeCache.cjs), used by bin/ejctl.js; tied to
//                    its bundle by the build id the bundle ends with.
// Measured on `ejctl status` against a sandbox node: ~30 separate ES modules 58.7 ms, ESM chunks
// 48.6 ms, one file 41 ms, with the code cache 37 ms (Node's own start: ~19 ms); two files, the
// first with a cache of a third of the size: docs/performance.md.
//
// dist/bundle/ is two levels below the package root like src/*/, so code that finds
// bin/ejctl.js relative to its own URL (src/rotate/index.ts) works from both.
import { build } from 'esbuild';
import { buildSplit } from './build/split.mjs';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outfile = resolve(root, 'dist/bundle/ejctl.cjs');
rmSync(resolve(root, 'dist'), { recursive: true, force: true });
mkdirSync(resolve(root, 'dist/bundle'), { recursive: true });

const restfile = resolve(root, 'dist/bundle/ejctl-rest.cjs');
const results = await buildSplit(
  {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    sourcemap: 'external',
    define: { 'import.meta.url': 'importMetaUrl.href' },
    inject: [resolve(root, 'scripts/build/importMetaUrl.js')],
    metafile: true,
    logLevel: 'warning',
  },
  root,
  outfile,
  restfile,
);
for (const result of results) {
  if (result.warnings.length > 0) throw new Error('build: esbuild warned (see above); fix the source');
  // bin/ejctl.js runs the bundles as vm.Scripts, which have no loader for import() (Node's hook
  // for it prints an experimental warning): packages are require()d, builtins taken with
  // process.getBuiltinModule.
  const dynamic = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import'));
  if (dynamic.length > 0) throw new Error(`build: import() left in the bundle: ${dynamic.map((i) => i.path).join(', ')}`);
}

// The build id ties the code cache to this bundle (bin/ejctl.js, build/codeCache.cjs). The last
// line, after all code: the source map's positions stay as they are.
const env = { ...process.env };
delete env.NODE_OPTIONS;
for (const file of [outfile, restfile]) {
  appendFileSync(file, `//# ejctl-build ${randomBytes(16).toString('hex')}\n`);
  const cache = spawnSync(process.execPath, [resolve(root, 'scripts/build/codeCache.cjs'), file, `${file}.cache`], {
    env,
    stdio: 'inherit',
  });
  if (cache.status !== 0) throw new Error('build: making the code cache failed');
}

// ejctl(8) from the data `ejctl --help` is made of (src/help/spec.ts), so the two cannot drift.
const manBuild = resolve(root, 'dist/man-build.cjs');
await build({
  absWorkingDir: root,
  entryPoints: ['src/help/man.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  outfile: manBuild,
  logLevel: 'warning',
});
const { renderManPage } = createRequire(import.meta.url)(manBuild);
mkdirSync(resolve(root, 'dist/man'), { recursive: true });
writeFileSync(resolve(root, 'dist/man/ejctl.8'), renderManPage(new Date().toISOString().slice(0, 10)));
rmSync(manBuild);
