#!/usr/bin/env node
// The launcher (CommonJS: bin/package.json; an ES module entry costs Node ~4 ms more to start).
// Runs dist/bundle/ejctl.cjs (and ejctl-rest.cjs when needed), built by `npm run build`, each
// with the V8 code cache made at build time (scripts/build/codeCache.cjs), which saves compiling
// the bundle on every call.
//
// V8 does not check a cache's payload: a damaged one can crash the process. A cache file holds
// the build id that ends its bundle, then the cache twice; it is used only when the ids match
// (this bundle's cache, not a stale one) and both copies are equal (not damaged). Comparing the
// copies costs a memcmp; a SHA-256 cost loading node:crypto, more time than the rest of this
// file (docs/performance.md). V8 itself rejects a cache made by another Node version. Without a
// usable cache, V8 compiles the source as usual, with the same result.
//
// Only node:fs, node:path and node:vm, which Node has loaded already: everything else the bundle
// needs it loads itself, when it needs it.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const MAGIC = 'ejctl-code-cache-1';

/** The id scripts/build.mjs appended to a bundle: its last line, `//# ejctl-build ID`. */
function buildId(source) {
  const tail = source.subarray(-80).toString('latin1');
  const found = /\/\/# ejctl-build ([0-9a-f]{32})\n$/.exec(tail);
  return found ? found[1] : undefined;
}

function verifiedCache(file, source) {
  const id = buildId(source);
  let stored;
  try {
    stored = readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  const head = MAGIC.length + 32;
  const size = (stored.length - head) / 2;
  if (id === undefined || !Number.isInteger(size) || size <= 0) return undefined;
  if (stored.toString('latin1', 0, head) !== `${MAGIC}${id}`) return undefined;
  const data = stored.subarray(head, head + size);
  return data.equals(stored.subarray(head + size)) ? data : undefined;
}

/** Runs one bundle of dist/bundle/ as Node runs a CommonJS module; returns its exports. */
function runBundle(name, bundleRequire) {
  const file = join(__dirname, '../dist/bundle', name);
  const source = readFileSync(file);
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n});`;
  const script = new Script(wrapped, { filename: file, cachedData: verifiedCache(file, source) });
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, bundleRequire, bundle, file, dirname(file));
  return bundle.exports;
}

// ejctl.cjs holds what a forwarded command runs; the rest of ejctl (its own commands, help,
// --json...) is ejctl-rest.cjs, which ejctl.cjs asks for as `ejctl:rest` on its first import()
// of one of its modules (scripts/build/split.mjs): only then is it read and compiled.
let rest;
const coreRequire = (id) => (id === 'ejctl:rest' ? (rest ??= runBundle('ejctl-rest.cjs', require)) : require(id));
runBundle('ejctl.cjs', coreRequire);
