// Preloaded by bench/start.mjs (`node -r bench/startProbe.cjs bin/ejctl.js ...`) to split one
// `ejctl status` into phases without changing ejctl: it wraps vm.Script (the launcher's compile and
// the bundle's run), watches the first TCP connect through diagnostics_channel and the builtin
// modules loaded, and at exit appends one JSON line to $START_PROBE_OUT. Times are ms since the
// process's time origin (performance.timeOrigin), which bench/start.mjs relates to its own clock.
'use strict';
const { appendFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const dc = require('node:diagnostics_channel');
const vm = require('node:vm');

const marks = { preload: performance.now() };
const before = new Set(process.moduleLoadList);
const Original = vm.Script;
vm.Script = class extends Original {
  constructor(...args) {
    marks.compileStart = performance.now();
    super(...args);
    marks.compileEnd = performance.now();
    marks.cacheRejected = this.cachedDataRejected;
  }
};
dc.subscribe('net.client.socket', () => {
  marks.firstConnect ??= performance.now();
});
process.on('exit', () => {
  marks.exit = performance.now();
  marks.timeOrigin = performance.timeOrigin;
  marks.builtins = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule ')).map((m) => m.slice(13));
  appendFileSync(process.env.START_PROBE_OUT, `${JSON.stringify(marks)}\n`);
});
