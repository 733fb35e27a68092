/**
 * Facts about local processes. Erlang VMs are found in /proc rather than with pgrep
 * (ejabberdctl's `pgrep -f NODE` also matches any process whose command line merely mentions the
 * node, such as `ejabberdctl -n NODE`); used by `start`/`stopped` and by the audit.
 */
import { readdirSync } from 'node:fs';
import { LIMITS, readBounded } from './readBounded.js';
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
      const argv = readProc(join(procRoot, entry, 'cmdline')).split('\0');
      if (!argvNamesNode(argv, node)) continue;
      const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(readProc(join(procRoot, entry, 'status')));
      beams.push({ pid: Number(entry), argv, uid: Number(uids?.[1]), euid: Number(uids?.[2]) });
    } catch {
      /* the process ended while we looked, or its command line is beyond the limit (not a beam we started) */
    }
  }
  return beams;
}

/** A /proc file, at most 16 MiB (its size shows as 0, so only the read can tell). */
export function readProc(path: string): string {
  return readBounded(path, { limit: LIMITS.proc, what: 'the process file' });
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
