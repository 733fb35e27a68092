/** A packet capture on the harness's bridge (every byte between the hosts), with tcpdump. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './env.js';
import type { Network } from './netns.js';

export interface Capture {
  /** Stops tcpdump and returns every captured byte (pcap headers included). */
  stop(): Promise<Buffer>;
}

export async function startCapture(net: Network): Promise<Capture> {
  const file = join(tempDir('ejctl-pcap-'), 'bridge.pcap');
  const [cmd, ...args] = net.bridge.argv('/usr/bin/tcpdump', ['-i', 'br0', '-s', '0', '-U', '-n', '-Z', 'root', '-w', file]);
  const child = spawn(cmd ?? '', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`tcpdump exited: ${err}`)));
  });
  return {
    stop: async () => {
      const done = new Promise((r) => child.on('exit', r));
      child.kill('SIGINT');
      await done;
      return readFileSync(file);
    },
  };
}
