// `ejctl status` against `ejabberdctl status` on the same sandbox node, alternating.
// Usage: node bench/status.mjs [RUNS]   (as root; builds nothing: run `npm run build` first)
import { alternate, ejabberdctlCmd, ejctlCmd, printTable, sandbox } from './lib.mjs';

const runs = Number(process.argv[2] ?? 15);
sandbox('up');
try {
  const results = alternate({
    'ejabberdctl status': ejabberdctlCmd('status'),
    'ejctl status (erl transport)': ejctlCmd('--transport', 'erl', 'status'),
  }, runs);
  console.log(`\n${runs} alternating runs each, NODE_EXTRA_CA_CERTS unset; ratio = median / ejabberdctl's median`);
  printTable(results, 'ejabberdctl status');
} finally {
  sandbox('down');
}
