/**
 * Is EPMD served by systemd's epmd.socket / epmd.service (Debian's erlang package ships and
 * enables both)? Then EPMD listens where the unit says (4369 on every address by default) and
 * ERL_EPMD_ADDRESS in ejabberdctl.cfg has no effect. Read from files only, so it works without a
 * running systemd and tests can point the roots at fixtures.
 */
import { readTextIfPresent } from '../system/files.js';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopback } from './procfs.js';

export interface SystemdRoots {
  /** Usually /etc. */
  etc: string;
  /** Usually /run. */
  run: string;
  /** Unit links and drop-ins (--systemd-dir); `<etc>/systemd/system` when not given. */
  systemdDir?: string;
}

export interface SystemEpmdState {
  /** `*.wants/epmd.socket|service` links: enabled. */
  enabled: string[];
  /** `units/invocation:epmd.*` entries: running now. */
  active: string[];
  masked: boolean;
  /** systemd is the running init (sd_booted: /run/systemd/system exists). */
  booted: boolean;
  /** ListenStream addresses set by drop-ins, when they replace the default. */
  listenOverride: string[] | undefined;
}

const UNITS = ['epmd.socket', 'epmd.service'];

/** Where `systemctl enable` puts links and `systemctl edit` drop-ins. */
export const DEFAULT_SYSTEMD_DIR = '/etc/systemd/system';

export function detectSystemEpmd(roots: SystemdRoots): SystemEpmdState {
  const unitDir = roots.systemdDir ?? join(roots.etc, 'systemd/system');
  return {
    enabled: wantsLinks(unitDir),
    active: UNITS.map((u) => join(roots.run, 'systemd/units', `invocation:${u}`)).filter(exists),
    masked: UNITS.some((u) => linkTarget(join(unitDir, u)) === '/dev/null'),
    booted: exists(join(roots.run, 'systemd/system')),
    listenOverride: listenStreamOverride(join(unitDir, 'epmd.socket.d')),
  };
}

function wantsLinks(unitDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(unitDir).filter((e) => e.endsWith('.wants'));
  } catch {
    return [];
  }
  return entries.flatMap((dir) => UNITS.map((u) => join(unitDir, dir, u))).filter(exists);
}

/** `ListenStream=` with no value resets the list; the last reset and what follows it count. */
function listenStreamOverride(dropinDir: string): string[] | undefined {
  let files: string[];
  try {
    files = readdirSync(dropinDir)
      .filter((f) => f.endsWith('.conf'))
      .sort();
  } catch {
    return undefined;
  }
  let listen: string[] | undefined;
  for (const f of files) {
    const text = readTextIfPresent(join(dropinDir, f), 'the systemd drop-in') ?? '';
    for (const m of text.matchAll(/^[ \t]*ListenStream[ \t]*=[ \t]*(.*?)[ \t]*$/gm)) {
      const value = m[1] ?? '';
      if (value === '') listen = [];
      else if (listen !== undefined) listen.push(value);
    }
  }
  return listen;
}

/**
 * True when every ListenStream of the override binds a loopback address or one of `alsoAllowed`
 * (a cluster member's EPMD address, which ERL_EPMD_ADDRESS would have added to loopback).
 */
export function overrideIsRestricted(listen: readonly string[] | undefined, alsoAllowed: readonly string[] = []): boolean {
  if (listen === undefined || listen.length === 0) return false;
  const allowed = new Set(alsoAllowed.map((a) => a.toLowerCase()));
  return listen.every((l) => {
    const host = listenHost(l);
    return host !== undefined && (isLoopback(host) || allowed.has(host.toLowerCase()));
  });
}

/** The address of `ADDR:PORT` or `[ADDR6]:PORT`; undefined for a bare port (every address). */
export function listenHost(listen: string): string | undefined {
  return /^\[(.*)\]:\d+$/.exec(listen)?.[1] ?? /^([^:]*):\d+$/.exec(listen)?.[1];
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
