#!/usr/bin/env node
// The launcher (CommonJS: bin/package.json; an ES module entry costs Node ~4 ms more to start).
// Runs dist/bundle/ejctl.cjs, built by `npm run build`, with the V8 code cache made at build time
// (scripts/build/codeCache.cjs), which saves compiling the bundle on every call.
//
// V8 does not check a cache's payload: a damaged one can crash the process. The cache file holds
// the build id that ends the bundle, then the cache twice; it is used only when the ids match
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

const file = join(__dirname, '../dist/bundle/ejctl.cjs');
const source = readFileSync(file);
const MAGIC = 'ejctl-code-cache-1';

/** The id scripts/build.mjs appended to the bundle: its last line, `//# ejctl-build ID`. */
function buildId() {
  const tail = source.subarray(-80).toString('latin1');
  const found = /\/\/# ejctl-build ([0-9a-f]{32})\n$/.exec(tail);
  return found ? found[1] : undefined;
}

function verifiedCache() {
  const id = buildId();
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

const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n});`;
const script = new Script(wrapped, { filename: file, cachedData: verifiedCache() });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, require, bundle, file, dirname(file));
