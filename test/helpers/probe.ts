/** TCP reachability measured from inside a harness host: open, refused, or filtered (no answer). */
import type { NsHost } from './netns.js';

export type Reach = 'open' | 'refused' | 'filtered';

const SCRIPT = `
const s = require('net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
const done = (r) => { process.stdout.write(r); s.destroy(); process.exit(0); };
s.setTimeout(1500, () => done('filtered'));
s.on('connect', () => done('open'));
s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'filtered'));
`;

export async function reach(from: NsHost, address: string, port: number): Promise<Reach> {
  const r = await from.exec(process.execPath, ['-e', SCRIPT, address, String(port)]);
  if (r.exitCode !== 0 || !['open', 'refused', 'filtered'].includes(r.stdout)) throw new Error(`probe failed: ${r.stdout}${r.stderr}`);
  return r.stdout as Reach;
}

/** The node's distribution port, from the EPMD of its own host. */
export async function distPort(host: NsHost, name = 'ejabberd'): Promise<number> {
  const r = await host.exec('/usr/bin/epmd', ['-names']);
  const m = new RegExp(`name ${name} at port (\\d+)`).exec(r.stdout);
  if (!m) throw new Error(`${name} is not registered in EPMD on ${host.name}: ${r.stdout}`);
  return Number(m[1]);
}
