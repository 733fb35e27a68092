/**
 * The floor of `ejctl status` (bench/startFloor.mjs bundles and runs this): only the EPMD lookup,
 * the handshake and the call, with ejctl's own protocol code but hard-coded values: no launcher,
 * no code cache, no cfg, settings, user lookup or cookie checks, no diagnosis.
 *   node floor.cjs NODE COOKIE_FILE [REPEAT]
 * With REPEAT, the lookup, handshake and call run REPEAT more times in the same process and the
 * median time of one of them goes to stderr: the node's own time and the round trips, warm.
 */
import { readFileSync } from 'node:fs';
import { epmdPortPlease } from '../src/system/epmd.js';
import { NativeSession } from '../src/native/session.js';
import { charList } from '../src/native/term.js';

const [node = '', cookieFile = '', repeat = '0'] = process.argv.slice(2);
const name = node.split('@')[0] ?? '';
const cookie = readFileSync(cookieFile, 'latin1').trim();

async function status(write: (b: Buffer) => void): Promise<number> {
  const epmd = await epmdPortPlease('127.0.0.1', Number(process.env.ERL_EPMD_PORT ?? 4369), name);
  if (!epmd.ok || !epmd.found) return 3;
  const port = epmd.port;
  const session = await NativeSession.open({
    host: '127.0.0.1',
    port,
    cookie,
    ourHost: 'localhost',
    expectNode: node,
    timeoutMs: 7000,
    maxFrame: 1 << 26,
  });
  try {
    const out = await session.call('ejabberd_ctl', 'process', [[charList('status')]], 60_000, write);
    return out.kind === 'reply' && out.value === 0 ? 0 : 1;
  } finally {
    session.close();
  }
}

async function main(): Promise<number> {
  const code = await status((b) => process.stdout.write(b));
  const times: number[] = [];
  for (let i = 0; i < Number(repeat); i++) {
    const t0 = performance.now();
    await status(() => {});
    times.push(performance.now() - t0);
  }
  if (times.length > 0) process.stderr.write(`${times.sort((a, b) => a - b)[times.length >> 1]!.toFixed(2)}\n`);
  return code;
}

void main().then((code) => (process.exitCode = code));
