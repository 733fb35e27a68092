/** What the lifecycle tests look at: a pseudo-terminal session, /proc's sockets and secrets. */
import { spawn, type IPty } from '@lydell/node-pty';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { EJCTL, epmdPort } from '../helpers/env.js';

export interface PtySession {
  /** The pid of the program run in the terminal (ejctl, or the shell). */
  pid: number;
  /** Everything the terminal showed so far, without carriage returns. */
  text(): string;
  write(data: string): void;
  /** Resolves once the screen text matches, after `from` characters; rejects after timeoutMs. */
  waitFor(pattern: RegExp | string, timeoutMs?: number, from?: number): Promise<number>;
  resize(cols: number, rows: number): void;
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(): void;
}

export function ptyEjctl(args: string[], env: Record<string, string> = {}): PtySession {
  return ptyRun(process.execPath, [EJCTL, ...args], env);
}

/** Any program in a new pseudo-terminal of 160x50 (e.g. a shell that then runs ejctl). */
export function ptyRun(file: string, args: string[], env: Record<string, string> = {}): PtySession {
  let out = '';
  const pty: IPty = spawn(file, args, {
    name: 'xterm',
    cols: 160,
    rows: 50,
    env: { ...process.env, ERL_EPMD_PORT: epmdPort(), ...env },
  });
  pty.onData((d) => (out += d.replace(/\r/g, '')));
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => pty.onExit(resolve));
  return {
    pid: pty.pid,
    text: () => out,
    write: (data) => pty.write(data),
    waitFor: async (pattern, timeoutMs = 30_000, from = 0) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = out.slice(from);
        const at = typeof pattern === 'string' ? rest.indexOf(pattern) : rest.search(pattern);
        if (at >= 0) return from + at;
        if (Date.now() > deadline) throw new Error(`terminal never showed ${String(pattern)}; it showed:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    resize: (cols, rows) => pty.resize(cols, rows),
    exited,
    kill: () => pty.kill(),
  };
}

/** VMs started with `-remsh NODE` (debug's remote shells). */
export function remoteShells(node: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        return argv.some((w, i) => w === node && argv[i - 1] === '-remsh');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Session id and controlling terminal (tty_nr, 0 for none) of a process, from /proc/PID/stat. */
export function sessionOf(pid: number): { session: number; ttyNr: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name in parentheses: state ppid pgrp session tty_nr ...
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { session: Number(fields[3]), ttyNr: Number(fields[4]) };
}

/** Every process below `pid`, from the parent ids in /proc/PID/stat. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const p of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const below = (p: number): boolean => {
    const up = parent.get(p);
    return up === pid || (up !== undefined && up > 1 && below(up));
  };
  return [...parent.keys()].filter(below);
}

/** What a process's descriptors point at (fd number -> link), for the terminals it holds. */
export function fdLinks(pid: number): Record<string, string> {
  const links: Record<string, string> = {};
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      links[fd] = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      /* closed meanwhile */
    }
  }
  return links;
}

/** Uid, Gid and Groups lines of /proc/PID/status. */
export function credentialsOf(pid: number): { uid: string; gid: string; groups: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => (new RegExp(`^${name}:[\\t ]*(.*)$`, 'm').exec(status)?.[1] ?? '').trim();
  return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups') };
}

/** pid/file entries of every process whose argv or environment holds one of the secrets. */
export function processesHolding(secrets: string[]): string[] {
  const leaks: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      try {
        const text = readFileSync(`/proc/${pid}/${file}`, 'latin1');
        for (const s of secrets) if (text.includes(s)) leaks.push(`${pid}/${file}`);
      } catch {
        /* gone */
      }
    }
  }
  return leaks;
}

export interface ListeningSocket {
  address: string;
  port: number;
}

/** The TCP sockets a process listens on, from its fds and /proc/net/tcp{,6}. */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [local, state, inode] = [f[1], f[3], f[9]];
      if (!local || state !== '0A' || !inode || !inodes.has(inode)) continue;
      const [hex = '', port = '0'] = local.split(':');
      sockets.push({ address: decodeAddress(hex), port: parseInt(port, 16) });
    }
  }
  return sockets;
}

/** /proc/net shows addresses as little-endian 32-bit words in hex. */
export function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

export const isLoopback = (address: string): boolean =>
  address.startsWith('127.') || address === '0:0:0:0:0:0:0:1' || address.startsWith('0:0:0:0:0:ffff:7f');

/** Processes whose argv[0] ends with `name` and whose environment holds `envEntry`. */
export function pidsWith(name: string, envEntry: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const argv0 = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] ?? '';
        const env = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
        return argv0.endsWith(name) && env.includes(envEntry) ? [Number(p)] : [];
      } catch {
        return [];
      }
    });
}
