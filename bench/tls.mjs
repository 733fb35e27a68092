// TLS distribution: ejctl's native transport over TLS against ejabberdctl over TLS, on one sandbox
// node whose TLS distribution was made by `ejctl tls` (SANDBOX_TLS=1 scripts/sandbox.sh up).
// `status`, alternating ejabberdctl / ejctl --transport erl / ejctl --transport native (and auto,
// which picks native): median wall time, peak RSS, ratio to ejabberdctl. Target: native <= 0.3x.
// Usage: node bench/tls.mjs [RUNS]   (as root; run `npm run build` first)
// Node runs with NODE_EXTRA_CA_CERTS unset (see lib.mjs).
import { alternate, ejabberdctlCmd, ejctlCmd, printTable, sandbox } from './lib.mjs';

const runs = Number(process.argv[2] ?? 15);

sandbox('up', { SANDBOX_TLS: '1' });
try {
  const results = alternate({
    'ejabberdctl status (TLS)': ejabberdctlCmd('status'),
    'ejctl --transport erl status': ejctlCmd('--transport', 'erl', 'status'),
    'ejctl --transport native status': ejctlCmd('--transport', 'native', 'status'),
    'ejctl status (auto)': ejctlCmd('status'),
  }, runs);
  console.log(`\nTLS distribution, ${runs} alternating runs each; ratio = median / ejabberdctl's median`);
  printTable(results, 'ejabberdctl status (TLS)');
} finally {
  sandbox('down');
}
