// Run by scripts/build.mjs in a fresh Node (no NODE_OPTIONS): compiles the bundle as bin/ejctl.js
// will and writes V8's code cache for it. Every function is compiled eagerly (--no-lazy) so the
// cache holds them all; the default flag is restored before the cache is made, because V8 rejects
// a cache made under other flags, or for another Node/V8 version.
//
// V8 does not check a cache's payload: a damaged one can crash the process. So the file is
// MAGIC, the bundle's build id (its last line, appended by build.mjs), then the cache twice:
// bin/ejctl.js uses it only when the id is its bundle's and the two copies are equal (see there
// why not a hash). Written to a temp file and renamed into place.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const v8 = require('node:v8');
const { Script } = require('node:vm');

const MAGIC = 'ejctl-code-cache-1';
const [bundle, cacheFile] = process.argv.slice(2);
const source = readFileSync(bundle);
const id = /\/\/# ejctl-build ([0-9a-f]{32})\n$/.exec(source.subarray(-80).toString('latin1'))?.[1];
if (id === undefined) throw new Error(`${bundle} does not end with its build id`);
v8.setFlagsFromString('--no-lazy');
const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n});`;
const script = new Script(wrapped, { filename: bundle });
v8.setFlagsFromString('--lazy');
const data = script.createCachedData();
writeFileSync(`${cacheFile}.tmp`, Buffer.concat([Buffer.from(`${MAGIC}${id}`, 'latin1'), data, data]), { mode: 0o644, flag: 'wx' });
renameSync(`${cacheFile}.tmp`, cacheFile);
