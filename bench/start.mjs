// How fast `ejctl status` starts: `node -e 0`, native `ejctl status` and `ejabberdctl status` on
// the same sandbox node, alternating, compared by medians; then where ejctl's time goes, from
// extra runs with bench/startProbe.cjs preloaded (phases from the process's start to its end).
// Usage: node bench/start.mjs [RUNS] [PROBE_RUNS]   (as root; run `npm run build` first)
//   BASELINE=/path/to/other/bin/ejctl.js adds the same status runs with another build, alternated.
//   BENCH_OUT=FILE also writes the results as JSON.
//   BENCH_DIR, BENCH_NODE, BENCH_C2S_PORT, BENCH_WINDOW: another sandbox (dir, node name, ports).
// Node runs with NODE_EXTRA_CA_CERTS unset (see lib.mjs); no wrapper process (GNU time would add
// its own start to every sample).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanEnv, envSandbox, median, ROOT } from './lib.mjs';

const runs = Number(process.argv[2] ?? 60);
const probeRuns = Number(process.argv[3] ?? 30);
const bench = envSandbox({ dir: '/tmp/ejctl-bench-start', node: 'ejctl-bstart@localhost', c2sPort: '15243', window: '4400-4409' });
const env = cleanEnv();

const commands = {
  'node -e 0': [process.execPath, '-e', '0'],
  'ejctl status (native)': bench.ejctlCmd('--transport', 'native', 'status'),
  ...(process.env.BASELINE ? { 'baseline ejctl status': bench.ejctlBinCmd(process.env.BASELINE, '--transport', 'native', 'status') } : {}),
  'ejabberdctl status': bench.ejabberdctlCmd('status'),
};

function wallMs(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env, cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function alternateWall() {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const argv of Object.values(commands)) wallMs(argv); // warm the page cache once
  for (let i = 0; i < runs; i++) for (const [label, argv] of Object.entries(commands)) samples[label].push(wallMs(argv));
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** One probed run: phase boundaries in ms since the parent spawned it. */
function probeOnce(argv, out) {
  rmSync(out, { force: true });
  const spawned = performance.timeOrigin + performance.now();
  const r = spawnSync(argv[0], ['-r', resolve(ROOT, 'bench/startProbe.cjs'), ...argv.slice(1)], { env: { ...env, START_PROBE_OUT: out }, cwd: '/tmp' });
  const ended = performance.timeOrigin + performance.now();
  if (r.status !== 0) throw new Error(`probe run exited ${r.status}: ${r.stderr}`);
  const m = JSON.parse(readFileSync(out, 'utf8'));
  const at = (mark) => m.timeOrigin + mark - spawned;
  return { m, total: ended - spawned, origin: m.timeOrigin - spawned, at, end: ended - spawned };
}

function phases(label) {
  const dir = mkdtempSync(join(tmpdir(), 'ejctl-start-'));
  const out = join(dir, 'probe.jsonl');
  const rows = { node: [], ejctl: [] };
  let builtins = [];
  let rejected = false;
  try {
    for (let i = 0; i < probeRuns; i++) {
      const n = probeOnce(commands['node -e 0'], out);
      rows.node.push({ 'process start to Node bootstrap done': n.at(n.m.preload), 'script and exit': n.at(n.m.exit) - n.at(n.m.preload), 'teardown after exit': n.end - n.at(n.m.exit), total: n.total });
      const e = probeOnce(commands[label], out);
      builtins = e.m.builtins;
      rejected ||= e.m.cacheRejected === true;
      rows.ejctl.push({
        'process start to Node bootstrap done': e.at(e.m.preload),
        'launcher: load, read bundle + code cache, verify': e.at(e.m.compileStart) - e.at(e.m.preload),
        'vm.Script (compile with code cache)': e.at(e.m.compileEnd) - e.at(e.m.compileStart),
        'bundle: module init, settings, cfg, cookie (to 1st connect)': e.at(e.m.firstConnect) - e.at(e.m.compileEnd),
        'EPMD, handshake, call, output (to exit)': e.at(e.m.exit) - e.at(e.m.firstConnect),
        'teardown after exit': e.end - e.at(e.m.exit),
        total: e.total,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (list) => Object.fromEntries(Object.keys(list[0]).map((k) => [k, median(list.map((r) => r[k]))]));
  return { node: med(rows.node), ejctl: med(rows.ejctl), builtins, cacheRejected: rejected };
}

bench.sandbox('up');
try {
  const load = () => readFileSync('/proc/loadavg', 'utf8').trim();
  const loadBefore = load();
  const wall = alternateWall();
  const base = wall['ejabberdctl status'];
  console.log(`\n${runs} alternating runs each, median wall ms (load before: ${loadBefore}; after: ${load()})`);
  for (const [label, ms] of Object.entries(wall)) console.log(`  ${label.padEnd(26)} ${ms.toFixed(1).padStart(8)}   ratio to ejabberdctl ${(ms / base).toFixed(3)}`);
  const gap = wall['ejctl status (native)'] - wall['node -e 0'];
  console.log(`  ejctl status - node -e 0: ${gap.toFixed(1)} ms; ejctl / ejabberdctl: ${(wall['ejctl status (native)'] / base).toFixed(3)}`);

  const probed = {};
  for (const label of ['ejctl status (native)', ...(process.env.BASELINE ? ['baseline ejctl status'] : [])]) {
    const p = phases(label);
    probed[label] = p;
    console.log(`\nWhere the time goes: medians of ${probeRuns} probed runs each (bench/startProbe.cjs preloaded; load now: ${load()})`);
    for (const [name, rows] of [['node -e 0', p.node], [label, p.ejctl]]) {
      console.log(`  ${name}`);
      for (const [k, v] of Object.entries(rows)) console.log(`    ${k.padEnd(60)} ${v.toFixed(1).padStart(7)}`);
    }
    console.log(`  builtin modules ${label} loads beyond Node's start: ${p.builtins.join(' ')}`);
    if (p.cacheRejected) console.log('  NOTE: V8 rejected the code cache in a probed run');
  }
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${JSON.stringify({ runs, probeRuns, load: load(), wall, phases: probed }, null, 2)}\n`);
} finally {
  bench.sandbox('down');
}
