// Builds dist/bundle/ from src/ with esbuild: the entry (main.js) holds everything a forwarded
// command needs, and each command ejctl handles itself becomes a chunk loaded on demand. ~30
// separate ES modules cost every `ejctl status` about 7 ms of module loading; a few chunks do not.
// Packages in node_modules stay external (resolved from dist/bundle/ as usual).
//
// Every file lands in dist/bundle/, two levels below the package root like src/*/: code that
// finds bin/ejctl.js relative to its own URL (src/rotate/index.ts) works from both.
// dist/bundle/meta.json maps each output file to its sources (test/setup/lazy.test.ts reads it).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outdir = resolve(root, 'dist/bundle');
rmSync(resolve(root, 'dist'), { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  chunkNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const outputs = {};
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  const abs = resolve(root, file);
  if (dirname(abs) !== outdir) throw new Error(`build: ${file} is outside dist/bundle/`);
  outputs[relative(outdir, abs)] = Object.keys(out.inputs);
}
writeFileSync(resolve(outdir, 'meta.json'), `${JSON.stringify(outputs, null, 1)}\n`);
