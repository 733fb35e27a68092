// Run by scripts/build.mjs in a fresh Node (no NODE_OPTIONS): compiles the bundle as bin/ejctl.js
// will and writes V8's code cache for it. Every function is compiled eagerly (--no-lazy) so the
// cache holds them all; the default flag is restored before the cache is made, because V8 rejects
// a cache made under other flags, or for another Node/V8 version.
//
// V8 does not check a cache's payload: a damaged one can crash the process. So the file starts
// with SHA-256(bundle source, cache), which bin/ejctl.js verifies before handing the cache to V8;
// this also ties the cache to this exact bundle. Written to a temp file and renamed into place.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const v8 = require('node:v8');
const { Script } = require('node:vm');

const [bundle, cacheFile] = process.argv.slice(2);
const source = readFileSync(bundle);
v8.setFlagsFromString('--no-lazy');
const script = new Script(Module.wrap(source.toString('utf8')), { filename: bundle });
v8.setFlagsFromString('--lazy');
const data = script.createCachedData();
const sum = createHash('sha256').update(source).update(data).digest();
writeFileSync(`${cacheFile}.tmp`, Buffer.concat([sum, data]), { mode: 0o644, flag: 'wx' });
renameSync(`${cacheFile}.tmp`, cacheFile);
