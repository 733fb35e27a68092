/** The checks a typed answer and a flag's value both pass; each returns a reason or nothing. */
import { isIP } from 'node:net';
import { parseFirewallWindow, parseNodeName } from '../config/validate.js';

export const DEFAULT_WINDOW = '4370-4379';
/** "A small range": enough ports for a node and its control connections, no more. */
export const MAX_WINDOW_PORTS = 100;

export const isLoopback = (ip: string | undefined): boolean => ip !== undefined && (ip.startsWith('127.') || ip === '::1');

export function validateNode(v: string): string | undefined {
  const parsed = parseNodeName(v.trim());
  return typeof parsed === 'string' ? parsed : undefined;
}

export function validateWindow(v: string): string | undefined {
  const w = parseFirewallWindow(v.trim());
  if (typeof w === 'string') return w;
  return w.max - w.min + 1 > MAX_WINDOW_PORTS
    ? `${w.max - w.min + 1} ports is more than a firewall window needs (at most ${MAX_WINDOW_PORTS})`
    : undefined;
}

export function validatePeers(v: string): string | undefined {
  const bad = splitList(v).find((p) => isIP(p) === 0);
  return bad === undefined ? undefined : `'${bad}' is not an IPv4 or IPv6 address`;
}

export const splitList = (v: string): string[] => v.split(/[\s,]+/).filter(Boolean);
