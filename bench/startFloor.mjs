// The floor under `ejctl status`: how much of its time over `node -e 0` is the node's own (EPMD,
// handshake, the call and its round trips), measured with bench/startFloor.ts, which does only
// that with hard-coded values and ejctl's protocol code (bundled here), run twice: with a V8 code
// cache loaded as bin/ejctl.js loads one (what ejctl's approach costs at the least), and without.
// Usage: node bench/startFloor.mjs [RUNS] [REPEAT]   (as root; run `npm run build` first)
//   Alternates `node -e 0`, the floor script and native `ejctl status` RUNS times on a sandbox
//   node of its own (BENCH_DIR, BENCH_NODE, BENCH_C2S_PORT, BENCH_WINDOW as in start.mjs), then
//   times REPEAT lookups + handshakes + calls inside one warm process (the node's time alone).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanEnv, envSandbox, median, ROOT } from './lib.mjs';

const runs = Number(process.argv[2] ?? 40);
const repeat = Number(process.argv[3] ?? 40);
const bench = envSandbox({ dir: '/tmp/ejctl-bench-floor', node: 'ejctl-bfloor@localhost', c2sPort: '15244', window: '4410-4419' });
const env = cleanEnv();
const dir = mkdtempSync(join(tmpdir(), 'ejctl-floor-'));
const floor = join(dir, 'floor.cjs');
await build({
  absWorkingDir: ROOT,
  entryPoints: ['bench/startFloor.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: floor,
  logLevel: 'warning',
});
appendFileSync(floor, `//# ejctl-build ${'0'.repeat(32)}\n`);
const cache = spawnSync(process.execPath, [join(ROOT, 'scripts/build/codeCache.cjs'), floor, `${floor}.cache`], { stdio: 'inherit' });
if (cache.status !== 0) throw new Error('making the code cache failed');
// bin/ejctl.js's way to run a bundle with its cache, without its checks (this cache was just made).
const launcher = join(dir, 'launch.cjs');
writeFileSync(
  launcher,
  `const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
process.argv.splice(1, 1); // the bundle reads its arguments from argv[2]
const file = process.argv[1];
const source = readFileSync(file);
const stored = readFileSync(file + '.cache');
const head = 'ejctl-code-cache-1'.length + 32;
const wrapped = '(function (exports, require, module, __filename, __dirname) { ' + source.toString('utf8') + '\\n});';
const script = new Script(wrapped, { filename: file, cachedData: stored.subarray(head, head + (stored.length - head) / 2) });
if (script.cachedDataRejected) throw new Error('cache rejected');
script.runInThisContext()({}, require, { exports: {} }, file, __dirname);
`,
);
const cookieFile = `${bench.dir}/home/.erlang.cookie`;
const commands = {
  'node -e 0': [process.execPath, '-e', '0'],
  'floor, code cache': [process.execPath, launcher, floor, bench.node, cookieFile],
  'floor, no code cache': [process.execPath, floor, bench.node, cookieFile],
  'ejctl status (native)': bench.ejctlCmd('--transport', 'native', 'status'),
};

function wallMs(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env, cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

bench.sandbox('up');
try {
  const load = () => readFileSync('/proc/loadavg', 'utf8').trim();
  const loadBefore = load();
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const argv of Object.values(commands)) wallMs(argv);
  for (let i = 0; i < runs; i++) for (const [label, argv] of Object.entries(commands)) samples[label].push(wallMs(argv));
  console.log(`\n${runs} alternating runs each, median wall ms (load before: ${loadBefore}; after: ${load()})`);
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  for (const [label, ms] of Object.entries(med))
    console.log(`  ${label.padEnd(34)} ${ms.toFixed(1).padStart(8)}   over node -e 0: ${(ms - med['node -e 0']).toFixed(1)}`);
  const warm = spawnSync(process.execPath, [floor, bench.node, cookieFile, String(repeat)], { env, encoding: 'utf8' });
  console.log(`  one lookup + handshake + call in a warm process (median of ${repeat}): ${warm.stderr.trim()} ms`);
} finally {
  bench.sandbox('down');
  rmSync(dir, { recursive: true, force: true });
}
