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

/** What was learnt of the node at the other end of a connection (a batch asks each thing once). */
const learnt = new WeakMap<object, Map<string, number | boolean>>();

/** `read()` once per connection; an answer that could not be read (undefined) is asked again. */
async function once<T extends number | boolean>(remote: Remote, what: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
  const seen = remote.connection && learnt.get(remote.connection);
  if (seen?.has(what)) return seen.get(what) as T;
  const value = await read();
  if (remote.connection && value !== undefined) {
    const map = seen || new Map<string, number | boolean>();
    learnt.set(remote.connection, map.set(what, value));
  }
  return value;
}

/** ejabberd_option:version/0 as YYMM (2412 for "24.12"); undefined when it cannot be read. */
async function readRelease(remote: Remote): Promise<number | undefined> {
  const v = await applyOnNode(remote, 'ejabberd_option', 'version', []);
  if (v.kind !== 'return') return undefined;
  let text: string;
  try {
    text = iolistText(v.value);
  } catch {
    return undefined;
  }
  const m = /^(\d+)\.(\d+)/.exec(text);
  return m ? Number(m[1]) * 100 + Number(m[2]) : undefined;
}

/** Whether a one-value result comes bare at this API version (24.02 and later, version not 0). */
export async function bareAtVersion(remote: Remote, version: number): Promise<boolean> {
  return version !== 0 && ((await once(remote, 'release', () => readRelease(remote))) ?? 0) >= 2402;
}

/** Whether the node reads command-line arguments with ejabberd_ctl:format_arg/2 (24.02 and later). */
export async function ctlReadsArgs(remote: Remote): Promise<boolean> {
  const exported = await once(remote, 'format_arg', async () => {
    const r = await applyOnNode(remote, 'erlang', 'function_exported', [atom('ejabberd_ctl'), atom('format_arg'), 2]);
    return r.kind === 'return' ? isAtom(r.value, 'true') : undefined;
  });
  return exported === true;
}
