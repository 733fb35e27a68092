/**
 * What the kernel says about sockets and processes, read from /proc (proc(5)): listening TCP
 * sockets from net/tcp and net/tcp6, and the beam process of a node from PID/cmdline and status.
 */
import { readProc } from '../system/procs.js';
import { join } from 'node:path';

export interface ListeningSocket {
  family: 4 | 6;
  address: string;
  port: number;
}

const TCP_LISTEN = '0A';

/** Parses one of /proc/net/tcp or tcp6 and keeps the listening sockets. */
export function parseProcNetTcp(text: string, family: 4 | 6): ListeningSocket[] {
  return text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const f = line.trim().split(/\s+/);
      const local = f[1];
      if (!local || f[3] !== TCP_LISTEN) return [];
      const [hexAddr = '', hexPort = ''] = local.split(':');
      const address = family === 4 ? decodeIpv4(hexAddr) : decodeIpv6(hexAddr);
      return address === undefined ? [] : [{ family, address, port: parseInt(hexPort, 16) }];
    });
}

/** The kernel prints the address as 32-bit words in host order (little-endian here). */
function wordBytes(hex: string): number[] {
  const bytes = [];
  for (let i = 6; i >= 0; i -= 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

function decodeIpv4(hex: string): string | undefined {
  return /^[0-9A-Fa-f]{8}$/.test(hex) ? wordBytes(hex).join('.') : undefined;
}

function decodeIpv6(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return undefined;
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) bytes.push(...wordBytes(hex.slice(w * 8, w * 8 + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return compressIpv6(groups);
}

/** RFC 5952: the longest run of two or more zero groups becomes `::`. */
function compressIpv6(groups: string[]): string {
  let best = { start: -1, len: 0 };
  for (let i = 0; i < groups.length;) {
    let j = i;
    while (groups[j] === '0') j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

export function formatSocket(s: ListeningSocket): string {
  return s.family === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

/** Both tables; `undefined` with a reason when /proc cannot be read. */
export function readListeningSockets(procRoot: string): ListeningSocket[] | { reason: string } {
  const out: ListeningSocket[] = [];
  for (const [file, family] of [
    ['tcp', 4],
    ['tcp6', 6],
  ] as const) {
    try {
      out.push(...parseProcNetTcp(readProc(join(procRoot, 'net', file)), family));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A kernel without IPv6 has no tcp6; that is not a failure.
      if (family === 6 && code === 'ENOENT') continue;
      return { reason: `cannot read ${join(procRoot, 'net', file)} (${code ?? String(err)})` };
    }
  }
  return out;
}
