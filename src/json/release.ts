/**
 * What the node's ejabberd release changes in the answers --json mirrors, asked of the node
 * itself. In 24.12, mod_http_api:format_command_result/4 writes a result that is one value (an
 * integer, a string, an atom) bare at every API version but 0, and as `{"name": value}` at
 * version 0; 23.01 writes `{"name": value}` at every version. The change came with API
 * versioning, which began in 24.02 (ejabberd PR #4118); 23.01 and 24.12 are the releases tested.
 * 24.12's ejabberd_ctl exports format_arg/2, which reads a list argument as `a,b` and a tuple as
 * `a:b` on the command line; 23.01's reads both as JSON (and does not export it).
 */
import { atom, isAtom } from '../native/term.js';
import { applyOnNode, type Remote } from './remote.js';
import { iolistText } from './terms.js';

/** The release of the node at the other end of a connection, once read (a batch asks once). */
const known = new WeakMap<object, number>();

/** ejabberd_option:version/0 as YYMM (2412 for "24.12"); 0 when it cannot be read. */
async function releaseOf(remote: Remote): Promise<number> {
  const cached = remote.connection && known.get(remote.connection);
  if (cached !== undefined) return cached;
  const release = await readRelease(remote);
  if (remote.connection && release !== 0) known.set(remote.connection, release);
  return release;
}

async function readRelease(remote: Remote): Promise<number> {
  const v = await applyOnNode(remote, 'ejabberd_option', 'version', []);
  if (v.kind !== 'return') return 0;
  let text: string;
  try {
    text = iolistText(v.value);
  } catch {
    return 0;
  }
  const m = /^(\d+)\.(\d+)/.exec(text);
  return m ? Number(m[1]) * 100 + Number(m[2]) : 0;
}

/** Whether a one-value result comes bare at this API version (24.02 and later, version not 0). */
export async function bareAtVersion(remote: Remote, version: number): Promise<boolean> {
  return version !== 0 && (await releaseOf(remote)) >= 2402;
}

/** Whether the node reads command-line arguments with ejabberd_ctl:format_arg/2 (24.02 and later). */
export async function ctlReadsArgs(remote: Remote): Promise<boolean> {
  const r = await applyOnNode(remote, 'erlang', 'function_exported', [atom('ejabberd_ctl'), atom('format_arg'), 2]);
  return r.kind === 'return' && isAtom(r.value, 'true');
}
