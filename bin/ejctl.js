#!/usr/bin/env node
// The launcher (CommonJS: bin/package.json; an ES module entry costs Node ~4 ms more to start).
// Runs dist/bundle/ejctl.cjs, built by `npm run build`, with the V8 code cache made at build time
// (scripts/build/codeCache.cjs), which saves compiling the bundle on every call (~4 ms). The
// cache is used only when its SHA-256 header matches this bundle and the cache; V8 itself
// rejects one made by another Node version. Without a usable cache, V8 compiles the source as
// usual, with the same result.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, '../dist/bundle/ejctl.cjs');
const source = readFileSync(file);

function verifiedCache() {
  let stored;
  try {
    stored = readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  if (stored.length <= 32) return undefined;
  const data = stored.subarray(32);
  const sum = createHash('sha256').update(source).update(data).digest();
  return sum.equals(stored.subarray(0, 32)) ? data : undefined;
}

const script = new Script(Module.wrap(source.toString('utf8')), { filename: file, cachedData: verifiedCache() });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, Module.createRequire(file), bundle, file, dirname(file));
