/**
 * The systemd service a process runs in, from its cgroup (as sd_pid_get_unit does): the last
 * `NAME.service` component of its path in the systemd hierarchy (cgroup v2's `0::` line, or
 * the v1 `name=systemd` line of a hybrid setup). A process started from a login shell sits in
 * a `session-N.scope` instead, and has no service.
 */
import { join } from 'node:path';
import { readProc } from './procs.js';

export function parseServiceUnit(cgroupText: string): string | undefined {
  const lines = cgroupText.split('\n').map((l) => l.split(':'));
  const line = lines.find((f) => f[1] === 'name=systemd') ?? lines.find((f) => f[0] === '0' && f[1] === '');
  const path = line?.slice(2).join(':') ?? '';
  return path
    .split('/')
    .reverse()
    .find((c) => /^[\w@.\\:-]+\.service$/.test(c));
}

/** undefined when the process is gone or its cgroup cannot be read (then nothing is known). */
export function serviceUnitOf(pid: number, procRoot = '/proc'): string | undefined {
  try {
    return parseServiceUnit(readProc(join(procRoot, String(pid), 'cgroup')));
  } catch {
    return undefined;
  }
}
