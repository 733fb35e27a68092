// Shared benchmark helpers: a sandbox node, alternating timed runs, medians and ratios.
// Timings on shared 2-core machines drift, so commands are alternated in one session and
// compared by medians. Node runs with NODE_EXTRA_CA_CERTS unset (users do not normally have it;
// it adds ~80 ms to every Node start here).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const SANDBOX = process.env.BENCH_DIR ?? '/tmp/ejctl-bench';

export const cleanEnv = () => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
};

/** A sandbox node of a benchmark's own (dir, node name, ports), so benchmarks can run side by side. */
export function benchSandbox({ dir = SANDBOX, node = 'ejctl-bench@localhost', c2sPort = '15223', window = '4380-4389' } = {}) {
  return {
    dir,
    node,
    sandbox(action, extraEnv = {}) {
      const r = spawnSync('bash', [resolve(ROOT, 'scripts/sandbox.sh'), action, dir], {
        stdio: 'inherit', env: { ...cleanEnv(), SANDBOX_NODE: node, SANDBOX_C2S_PORT: c2sPort, SANDBOX_WINDOW: window, ...extraEnv },
      });
      if (r.status !== 0 && action === 'up') throw new Error('sandbox did not start');
    },
    /** argv for `ejctl ARGS` against the sandbox. */
    ejctlCmd: (...args) => [process.execPath, resolve(ROOT, 'bin/ejctl.js'), '-c', `${dir}/ejabberdctl.cfg`, ...args],
    /** The same with another build's bin/ejctl.js. */
    ejctlBinCmd: (bin, ...args) => [process.execPath, bin, '-c', `${dir}/ejabberdctl.cfg`, ...args],
    /** argv for Debian's ejabberdctl against the sandbox: as the ejabberd user (it would otherwise su to
     *  ejabberd and read /var/lib/ejabberd's cookie), HOME = the sandbox cookie's dir. */
    ejabberdctlCmd: (...args) => [
      'setpriv', '--reuid', 'ejabberd', '--regid', 'ejabberd', '--clear-groups',
      'env', `HOME=${dir}/home`, '/usr/sbin/ejabberdctl', '--config-dir', dir, '--ctl-config', `${dir}/ejabberdctl.cfg`,
      '--node', node, '--spool', `${dir}/spool`, '--logs', `${dir}/logs`, ...args,
    ],
  };
}

/** benchSandbox with `defaults` unless BENCH_DIR, BENCH_NODE, BENCH_C2S_PORT, BENCH_WINDOW say otherwise. */
export function envSandbox(defaults) {
  const e = process.env;
  return benchSandbox({
    dir: e.BENCH_DIR ?? defaults.dir, node: e.BENCH_NODE ?? defaults.node,
    c2sPort: e.BENCH_C2S_PORT ?? defaults.c2sPort, window: e.BENCH_WINDOW ?? defaults.window,
  });
}

const standard = benchSandbox();
export const sandbox = standard.sandbox;
export const ejctlCmd = standard.ejctlCmd;
export const ejabberdctlCmd = standard.ejabberdctlCmd;

/** One timed run: wall milliseconds, and peak RSS in KiB from GNU time (largest process of the tree). */
export function timeOnce(argv, input) {
  const haveTime = existsSync('/usr/bin/time');
  const cmd = haveTime ? ['/usr/bin/time', '-f', '%M', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { env: cleanEnv(), input, encoding: 'utf8', cwd: '/tmp', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssKiB = haveTime ? Number(r.stderr.trim().split('\n').at(-1)) : NaN;
  return { ms, rssKiB, status: r.status, stdout: r.stdout };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs each labelled command `runs` times, alternating, and returns per-label medians. */
export function alternate(commands, runs) {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, { ms: [], rss: [], statuses: new Set() }]));
  for (const [label, argv] of Object.entries(commands)) timeOnce(argv); // warm caches once
  for (let i = 0; i < runs; i++) {
    for (const [label, argv] of Object.entries(commands)) {
      const r = timeOnce(argv);
      samples[label].ms.push(r.ms);
      samples[label].rss.push(r.rssKiB);
      samples[label].statuses.add(r.status);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, {
    medianMs: median(v.ms), peakRssMiB: Math.max(...v.rss) / 1024, statuses: [...v.statuses],
  }]));
}

export function printTable(results, baseline) {
  const base = results[baseline].medianMs;
  console.log('command'.padEnd(40), 'median ms'.padStart(10), 'peak RSS MiB'.padStart(13), 'ratio'.padStart(7), ' exit');
  for (const [label, r] of Object.entries(results)) {
    console.log(label.padEnd(40), r.medianMs.toFixed(1).padStart(10), r.peakRssMiB.toFixed(1).padStart(13), (r.medianMs / base).toFixed(2).padStart(7), ` ${r.statuses.join(',')}`);
  }
}
