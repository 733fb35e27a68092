// `ejctl batch` memory and throughput by length: N `connected_users_number` lines, from a file and
// from stdin, on a sandbox node of its own (so it can run beside bench/native.mjs). Peak RSS is
// GNU time's (%M); commands/s is N over ejctl's wall time. Memory should not grow with N.
// Usage: node bench/batch.mjs [N...]   (as root; run `npm run build` first; default 1000 10000 100000)
//   BASELINE=/path/to/other/bin/ejctl.js adds the same runs with another build, alternated.
// Node runs with NODE_EXTRA_CA_CERTS unset (see lib.mjs).
// For each N it also times an Erlang control node that makes the same N calls in one loop
// (rpc:call, as ejabberdctl's control node calls, its own start-up not counted): the rate
// Erlang's own distribution reaches on this node and machine, a ceiling for any control node
// that runs the commands one after another.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, writeFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './lib.mjs';

const DIR = process.env.BENCH_DIR ?? '/tmp/ejctl-bench-batch';
const SIZES = process.argv.slice(2).map(Number);
const sizes = SIZES.length > 0 ? SIZES : [1000, 10000, 100000];
const builds = { ejctl: resolve(ROOT, 'bin/ejctl.js'), ...(process.env.BASELINE ? { baseline: process.env.BASELINE } : {}) };

function sandbox(action) {
  const env = { ...process.env, SANDBOX_NODE: 'ejctl-bbatch@localhost', SANDBOX_C2S_PORT: '15233', SANDBOX_WINDOW: '4390-4399' };
  delete env.NODE_EXTRA_CA_CERTS;
  const r = spawnSync('bash', [resolve(ROOT, 'scripts/sandbox.sh'), action, DIR], { stdio: 'inherit', env });
  if (r.status !== 0 && action === 'up') throw new Error('sandbox did not start');
}

/** One run, stdout to /dev/null (a file of N short lines would not show ejctl's own memory). */
function run(bin, file, viaStdin) {
  if (!existsSync('/usr/bin/time')) throw new Error('needs GNU time (/usr/bin/time): apt-get install time');
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const argv = ['-f', '%e %M', process.execPath, bin, '-c', `${DIR}/ejabberdctl.cfg`, 'batch', ...(viaStdin ? [] : [file])];
  const input = viaStdin ? openSync(file, 'r') : 'ignore';
  const out = openSync('/dev/null', 'w');
  try {
    const r = spawnSync('/usr/bin/time', argv, { env, stdio: [input, out, 'pipe'], encoding: 'utf8', cwd: '/tmp' });
    const lines = r.stderr.trim().split('\n');
    const [wall, kib] = (lines.at(-1) ?? '').split(' ').map(Number);
    const summary = lines.find((l) => l.startsWith('ejctl batch:')) ?? lines.join(' | ');
    return { status: r.status, wall, peakMiB: kib / 1024, summary };
  } finally {
    if (typeof input === 'number') closeSync(input);
    closeSync(out);
  }
}

/** N calls of ejabberd_ctl:process from an erl control node, timed inside it; the cookie from a 0400 file in a temp HOME. */
function erlLoop(n) {
  const home = mkdtempSync('/tmp/ejctl-bench-erl-');
  try {
    writeFileSync(`${home}/.erlang.cookie`, readFileSync(`${DIR}/home/.erlang.cookie`), { mode: 0o400 });
    const node = 'ejctl-bbatch@localhost';
    const expr = `N = '${node}', true = net_kernel:connect_node(N), T0 = erlang:monotonic_time(microsecond), [0 = rpc:call(N, ejabberd_ctl, process, [["connected_users_number"]]) || _ <- lists:seq(1, ${n})], T1 = erlang:monotonic_time(microsecond), io:format(standard_error, "~p~n", [T1 - T0]), halt().`;
    const argv = [
      '-noinput',
      '-hidden',
      '-sname',
      `ejctl-bench-${process.pid}`,
      '-kernel',
      'inet_dist_use_interface',
      '{127,0,0,1}',
      '-eval',
      expr,
    ];
    const env = { ...process.env, HOME: home };
    const out = openSync('/dev/null', 'w');
    try {
      const r = spawnSync('erl', argv, { env, stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
      const us = Number(r.stderr.trim().split('\n').at(-1));
      return Number.isFinite(us) && r.status === 0 ? us / 1e6 : undefined;
    } finally {
      closeSync(out);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

sandbox('up');
try {
  console.log(
    'build'.padEnd(9),
    'N'.padStart(7),
    'input'.padEnd(6),
    'exit'.padStart(4),
    'wall s'.padStart(7),
    'cmd/s'.padStart(7),
    'peak RSS MiB'.padStart(13),
  );
  for (const n of sizes) {
    const file = `${DIR}/batch-${n}.txt`;
    writeFileSync(file, 'connected_users_number\n'.repeat(n));
    for (const viaStdin of [false, true]) {
      for (const [label, bin] of Object.entries(builds)) {
        const r = run(bin, file, viaStdin);
        const rate = (n / r.wall).toFixed(0);
        console.log(
          label.padEnd(9),
          String(n).padStart(7),
          (viaStdin ? 'stdin' : 'file').padEnd(6),
          String(r.status).padStart(4),
          r.wall.toFixed(2).padStart(7),
          rate.padStart(7),
          r.peakMiB.toFixed(1).padStart(13),
        );
        if (r.status !== 0) console.log(`   ${r.summary}`);
      }
    }
    const erl = erlLoop(n);
    if (erl === undefined) console.log('erl loop'.padEnd(9), String(n).padStart(7), 'failed');
    else
      console.log(
        'erl loop'.padEnd(9),
        String(n).padStart(7),
        'loop'.padEnd(6),
        '0'.padStart(4),
        erl.toFixed(2).padStart(7),
        (n / erl).toFixed(0).padStart(7),
        '-'.padStart(13),
      );
  }
  console.log(`\nmachine load (1, 5, 15 min): ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()}`);
} finally {
  sandbox('down');
}
