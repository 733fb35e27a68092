/**
 * Facts about local processes. Erlang VMs are found in /proc rather than with pgrep
 * (ejabberdctl's `pgrep -f NODE` also matches any process whose command line merely mentions the
 * node, such as `ejabberdctl -n NODE`); used by `start`/`stopped` and by the audit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BeamProcess {
  pid: number;
  argv: string[];
  /** Real and effective uid. */
  uid: number;
  euid: number;
}

/** The arguments that name a node: `-sname N` / `-name N`, N with or without `@host`. */
export function nodeNameInArgv(argv: readonly string[]): { flag: '-sname' | '-name'; value: string } | undefined {
  for (let i = argv.length - 2; i >= 0; i--) {
    const flag = argv[i];
    if (flag === '-sname' || flag === '-name') return { flag, value: argv[i + 1] ?? '' };
  }
  return undefined;
}

export function argvNamesNode(argv: readonly string[], node: string): boolean {
  if (!(argv[0] ?? '').includes('beam')) return false;
  const named = nodeNameInArgv(argv);
  if (!named) return false;
  return named.value === node || (!named.value.includes('@') && named.value === node.split('@')[0]);
}

/** The beam processes whose command line names `node`. */
export function findBeams(node: string, procRoot = '/proc'): BeamProcess[] {
  const beams: BeamProcess[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(join(procRoot, entry, 'cmdline'), 'utf8').split('\0');
      if (!argvNamesNode(argv, node)) continue;
      const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(readFileSync(join(procRoot, entry, 'status'), 'utf8'));
      beams.push({ pid: Number(entry), argv, uid: Number(uids?.[1]), euid: Number(uids?.[2]) });
    } catch {
      /* the process ended while we looked */
    }
  }
  return beams;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
