/**
 * Running Erlang VMs, found in /proc rather than with pgrep (ejabberdctl's `pgrep -f NODE` also
 * matches any process whose command line merely mentions the node, e.g. `ejabberdctl -n NODE`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { NodeName } from '../../config/validate.js';

export interface BeamProcess {
  pid: number;
  argv: string[];
}

export function listBeams(procDir = '/proc'): BeamProcess[] {
  const beams: BeamProcess[] = [];
  for (const entry of readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone, or hidden from us
    }
    if (basename(argv[0] ?? '').startsWith('beam')) beams.push({ pid: Number(entry), argv });
  }
  return beams;
}

/** True when the VM was started as this node: `-sname`/`-name` followed by it (or its short name). */
export function isBeamOfNode(beam: BeamProcess, node: string, nodeName: Pick<NodeName, 'name'>): boolean {
  return beam.argv.some((word, i) => {
    const flag = beam.argv[i - 1];
    return (flag === '-sname' || flag === '-name') && (word === node || word === nodeName.name);
  });
}

export function beamsOfNode(node: string, nodeName: Pick<NodeName, 'name'>, procDir = '/proc'): BeamProcess[] {
  return listBeams(procDir).filter((b) => isBeamOfNode(b, node, nodeName));
}
