/**
 * systemd's epmd.socket (Debian's erlang package enables it) serves EPMD on every address and
 * ignores ERL_EPMD_ADDRESS. Setup restricts it as `systemctl edit epmd.socket` would: a drop-in
 * that resets ListenStream and lists loopback (and a cluster member's own address). Deciding is
 * pure; apply writes the drop-in through stagedFile, as it writes the cfg.
 */
import { mkdirSync } from 'node:fs';
import { readTextIfPresent } from '../system/files.js';
import { isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { configError } from '../errors.js';
import { listenHost, type SystemEpmdState } from '../audit/systemd.js';
import { isLoopback } from './answerChecks.js';
import { assertWayHeldByRoot, stageFile, type StagedFile } from './stagedFile.js';
import type { Answers, EpmdDropinPlan, FileState } from './types.js';

export const EPMD_DROPIN = 'epmd.socket.d/ejctl-listen.conf';
/** Unit files are read by systemd as root; readable by all like the units Debian ships. */
export const EPMD_DROPIN_MODE = 0o644;
/** epmd.socket listens on EPMD's well-known port, whatever ERL_EPMD_PORT a shell sets. */
const SYSTEM_EPMD_PORT = 4369;

/** What is there: the units' state and ejctl's own drop-in, if any. */
export interface SystemEpmdFacts {
  state: SystemEpmdState;
  dropinPath: string;
  dropinText: string | undefined;
  dropinState: FileState | undefined;
}

export function readSystemEpmd(
  systemdDir: string,
  state: SystemEpmdState,
  stateOf: (path: string) => FileState | undefined,
): SystemEpmdFacts {
  const dropinPath = join(systemdDir, EPMD_DROPIN);
  const dropinText = readTextIfPresent(dropinPath, 'the systemd drop-in');
  return { state, dropinPath, dropinText, dropinState: stateOf(dropinPath) };
}

/** The ListenStream values for this choice: loopback, plus the cluster address (IPv6 in brackets). */
export function epmdListen(a: Pick<Answers, 'topology' | 'interface'>): string[] {
  const hosts = ['127.0.0.1', ...(a.topology === 'cluster' && !isLoopback(a.interface) ? [a.interface] : [])];
  return hosts.map((h) => `${isIPv6(h) ? `[${h}]` : h}:${SYSTEM_EPMD_PORT}`);
}

export const epmdDropinText = (listen: readonly string[]): string =>
  ['[Socket]', 'ListenStream=', ...listen.map((l) => `ListenStream=${l}`), ''].join('\n');

const serves = (s: SystemEpmdState): boolean => !s.masked && (s.enabled.length > 0 || s.active.length > 0);

/** The drop-ins already in place listen on loopback and `listen`'s addresses only, and on all of those. */
function restrictedTo(override: readonly string[] | undefined, listen: readonly string[]): boolean {
  if (override === undefined || override.length === 0) return false;
  const wanted = new Set(listen.map((l) => listenHost(l)?.toLowerCase()));
  const hostOk = (l: string) => {
    const host = listenHost(l);
    return host !== undefined && (isLoopback(host) || wanted.has(host.toLowerCase()));
  };
  return override.every(hostOk) && listen.every((l) => override.includes(l));
}

/** A question for the operator: the service serves EPMD and nothing restricts it to this choice yet. */
export function systemEpmdNeedsDropin(f: SystemEpmdFacts, a: Pick<Answers, 'topology' | 'interface'>): boolean {
  return serves(f.state) && !restrictedTo(f.state.listenOverride, epmdListen(a));
}

export function planEpmdDropin(f: SystemEpmdFacts, a: Answers): EpmdDropinPlan | undefined {
  if (!serves(f.state)) return undefined;
  const listen = epmdListen(a);
  const text = epmdDropinText(listen);
  const to: FileState = { mode: EPMD_DROPIN_MODE, uid: 0, gid: 0 };
  const from = f.dropinState;
  const plan = { path: f.dropinPath, listen, from, to, declined: false };
  if (restrictedTo(f.state.listenOverride, listen)) {
    return { ...plan, newText: undefined, note: `epmd.socket already listens on ${listen.join(', ')} only` };
  }
  if (!a.restrictSystemEpmd) {
    return { ...plan, newText: undefined, declined: true, note: 'not restricted: epmd.socket keeps listening on every address' };
  }
  const same = f.dropinText === text && from?.mode === to.mode && from.uid === to.uid && from.gid === to.gid;
  if (same) return { ...plan, newText: undefined, note: 'in place, but another drop-in in epmd.socket.d overrides its ListenStream' };
  return { ...plan, newText: text, note: 'restricts epmd.socket, which ignores ERL_EPMD_ADDRESS' };
}

/** The .d directory (0755, as systemctl edit makes it) and the staged drop-in, not yet in place. */
export function stageEpmdDropin(p: EpmdDropinPlan & { newText: string }): StagedFile {
  const dir = dirname(p.path);
  assertWayHeldByRoot(dir);
  const previous = process.umask(0);
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST')
      throw configError(`cannot create ${dir} (${code ?? String(err)})`, 'Run ejctl setup as root, or check --systemd-dir.');
  } finally {
    process.umask(previous);
  }
  return stageFile(p.path, p.newText, p.to, p.from);
}
