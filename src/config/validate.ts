/** Validation of the values that reach an Erlang command line. Each returns a reason or nothing. */
import { isIP } from 'node:net';

const NODE_NAME = /^[A-Za-z0-9_-]{1,200}$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export interface NodeName {
  name: string;
  host: string;
  /** ejabberdctl's rule: `-name` exactly when the node string holds a dot. */
  longNames: boolean;
}

export function parseNodeName(node: string): NodeName | string {
  const at = node.indexOf('@');
  if (at < 0 || node.indexOf('@', at + 1) >= 0) return `'${node}' is not of the form name@host`;
  const name = node.slice(0, at);
  const host = node.slice(at + 1);
  if (!NODE_NAME.test(name)) return `'${name}' is not a legal node name (letters, digits, '_' and '-')`;
  if (!HOST_NAME.test(host) && isIP(host) === 0) return `'${host}' is not a legal host name`;
  return { name, host, longNames: node.includes('.') };
}

export interface PortRange {
  min: number;
  max: number;
}

export function parsePort(text: string, lowest = 1): number | string {
  if (!/^[0-9]{1,5}$/.test(text)) return `'${text}' is not a port number`;
  const port = Number(text);
  if (port < lowest || port > 65535) return `${port} is outside ${lowest}..65535`;
  return port;
}

export function parseFirewallWindow(text: string): PortRange | string {
  const m = /^([0-9]+)-([0-9]+)$/.exec(text);
  if (!m) return `'${text}' is not of the form MIN-MAX (for example 4370-4379)`;
  const min = parsePort(m[1] ?? '', 1024);
  const max = parsePort(m[2] ?? '', 1024);
  if (typeof min === 'string') return min;
  if (typeof max === 'string') return max;
  if (min > max) return `MIN ${min} is greater than MAX ${max}`;
  return { min, max };
}

export function checkIpAddress(text: string): string | undefined {
  return isIP(text) === 0 ? `'${text}' is not an IPv4 or IPv6 address` : undefined;
}

/** An IP address as the Erlang tuple `inet_dist_use_interface` expects, e.g. `{127,0,0,1}`. */
export function ipToErlangTuple(ip: string): string {
  if (isIP(ip) === 4) return `{${ip.split('.').map(Number).join(',')}}`;
  return `{${expandIpv6(ip).join(',')}}`;
}

function expandIpv6(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const v4 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const b = v4.slice(2).map(Number);
    tail.push(((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0));
    text = v4[1] ?? '';
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const halves = text.split('::');
  const left = parse(halves[0] ?? '');
  const right = halves.length > 1 ? parse(halves[1] ?? '') : [];
  const zeros = 8 - tail.length - left.length - right.length;
  return [...left, ...new Array<number>(Math.max(0, zeros)).fill(0), ...right, ...tail];
}

export function checkPositiveInt(text: string): string | undefined {
  return /^[0-9]{1,9}$/.test(text) && Number(text) > 0 ? undefined : `'${text}' is not a positive integer`;
}
