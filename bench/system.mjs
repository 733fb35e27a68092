// The same status comparison as bench/native.mjs, but against the SYSTEM ejabberd node with the
// package's stock configuration, as an operator runs both tools: as root, ejabberdctl through
// `su` to the ejabberd user, ejctl with its defaults (/etc/ejabberd/ejabberdctl.cfg, the node
// user's cookie). It only reads: start the node first (as root):
//   mkdir -p /run/ejabberd && chown ejabberd /run/ejabberd && ejabberdctl start && ejabberdctl started
// Usage: node bench/system.mjs [RUNS]
import { resolve } from 'node:path';
import { alternate, printTable, ROOT, timeOnce } from './lib.mjs';

const runs = Number(process.argv[2] ?? 15);
const ejctl = (...args) => [process.execPath, resolve(ROOT, 'bin/ejctl.js'), ...args];
if (timeOnce(['/usr/sbin/ejabberdctl', 'status']).status !== 0) {
  console.error('bench/system.mjs: the system node does not answer `ejabberdctl status`; start it first (see the top of this file)');
  process.exitCode = 1;
} else {
  const results = alternate({
    'ejabberdctl status (root, su)': ['/usr/sbin/ejabberdctl', 'status'],
    'ejctl --transport erl status': ejctl('--transport', 'erl', 'status'),
    'ejctl --transport native status': ejctl('--transport', 'native', 'status'),
  }, runs);
  console.log(`\n${runs} alternating runs each against the system node, stock cfg; ratio = median / ejabberdctl's median`);
  printTable(results, 'ejabberdctl status (root, su)');
}
