// The native transport against ejabberdctl and the erl transport, on one sandbox node.
//   1. `status`, alternating ejabberdctl / ejctl --transport erl / ejctl --transport native:
//      median wall time, peak RSS, ratio to ejabberdctl.
//   2. 1,000 `register` commands through one `ejctl batch`, against sequential ejabberdctl calls:
//      a measured sample of SAMPLE calls, extrapolated to 1,000 (labelled as such).
// Usage: node bench/native.mjs [RUNS] [SAMPLE]   (as root; run `npm run build` first)
// Node runs with NODE_EXTRA_CA_CERTS unset (see lib.mjs).
import { alternate, ejabberdctlCmd, ejctlCmd, median, printTable, sandbox, timeOnce } from './lib.mjs';

const runs = Number(process.argv[2] ?? 15);
const sample = Number(process.argv[3] ?? 20);
const BATCH = 1000;

function singleCommand() {
  const results = alternate({
    'ejabberdctl status': ejabberdctlCmd('status'),
    'ejctl --transport erl status': ejctlCmd('--transport', 'erl', 'status'),
    'ejctl --transport native status': ejctlCmd('--transport', 'native', 'status'),
  }, runs);
  console.log(`\n1. ${runs} alternating runs each; ratio = median / ejabberdctl's median`);
  printTable(results, 'ejabberdctl status');
}

function batchAgainstSequential() {
  const lines = Array.from({ length: BATCH }, (_, i) => `register bench${i} localhost 'pw ${i}'`).join('\n');
  const batch = timeOnce(ejctlCmd('batch'), lines);
  if (batch.status !== 0) throw new Error(`batch failed with ${batch.status}`);
  timeOnce(ejctlCmd('batch', '--keep-going'), Array.from({ length: BATCH }, (_, i) => `unregister bench${i} localhost`).join('\n'));

  const theirs = [];
  const oursOne = [];
  for (let i = 0; i < sample; i++) {
    theirs.push(timeOnce(ejabberdctlCmd('register', `sample${i}`, 'localhost', 'pw')).ms);
    oursOne.push(timeOnce(ejctlCmd('--transport', 'native', 'unregister', `sample${i}`, 'localhost')).ms);
  }
  const perCall = median(theirs);
  console.log(`\n2. ${BATCH} register commands`);
  console.log(`   ejctl batch (one connection, measured):       ${batch.ms.toFixed(0)} ms = ${(BATCH / (batch.ms / 1000)).toFixed(0)} commands/s, peak RSS ${(batch.rssKiB / 1024).toFixed(1)} MiB`);
  console.log(`   ejabberdctl, sequential (EXTRAPOLATED from ${sample} measured calls, median ${perCall.toFixed(0)} ms): ~${((perCall * BATCH) / 1000).toFixed(0)} s`);
  console.log(`   ejctl --transport native, one process per command (median of ${sample}): ${median(oursOne).toFixed(0)} ms per command`);
  console.log(`   speed-up of batch over sequential ejabberdctl: ~${((perCall * BATCH) / batch.ms).toFixed(0)}x`);
}

sandbox('up');
try {
  singleCommand();
  batchAgainstSequential();
} finally {
  sandbox('down');
}
