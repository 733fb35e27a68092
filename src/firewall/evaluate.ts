/**
 * Would the live nftables ruleset (`nft -j list ruleset`) let a new TCP connection from a given
 * address in to a given port? Pure: walks the input-hook base chains in priority order with the
 * rule shapes firewalls for these ports use (address and port matches, named and anonymous sets,
 * prefixes, ranges, iif/iifname, ct state, jump/goto/return, accept/drop/reject, the policy).
 * A rule it cannot read, on the packet's path, makes the answer 'unknown', never a guess.
 */
import { isIP } from 'node:net';

export type Verdict = 'accept' | 'drop' | 'unknown';

export interface Probe {
  address: string;
  port: number;
}

type Json = Record<string, unknown>;
interface Chain {
  family: string;
  table: string;
  name: string;
  hook?: string;
  prio?: number;
  policy?: string;
}
interface Rule {
  family: string;
  table: string;
  chain: string;
  expr: Json[];
}
interface NamedSet {
  family: string;
  table: string;
  name: string;
  elem: unknown[];
}

export interface Ruleset {
  chains: Chain[];
  rules: Rule[];
  sets: NamedSet[];
}

export function parseRuleset(json: string): Ruleset {
  const items = (JSON.parse(json) as { nftables?: Json[] }).nftables ?? [];
  const pick = <T>(key: string): T[] => items.flatMap((i) => (i[key] === undefined ? [] : [i[key] as T]));
  return {
    chains: pick<Chain>('chain'),
    rules: pick<Rule>('rule'),
    sets: pick<NamedSet>('set').map((s) => ({ ...s, elem: s.elem ?? [] })),
  };
}

/** The elements of ejctl's peer sets (the addresses setup --apply-firewall let in). */
export function setElements(r: Ruleset, family: string, table: string, names: string[]): string[] {
  return r.sets
    .filter((s) => s.family === family && s.table === table && names.includes(s.name))
    .flatMap((s) => s.elem.filter((e) => typeof e === 'string'));
}

/** Every address a rule names in a source-address match (a prefix by its first address). */
export function namedSources(r: Ruleset): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string' && isIP(v)) out.add(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (o.prefix && typeof (o.prefix as Json).addr === 'string') out.add((o.prefix as Json).addr as string);
      if (Array.isArray(o.range)) (o.range as unknown[]).forEach(visit);
      if (Array.isArray(o.set)) (o.set as unknown[]).forEach(visit);
    }
  };
  for (const rule of r.rules) for (const e of rule.expr) if (e.match) visit((e.match as Json).right);
  for (const s of r.sets) visit(s.elem);
  return [...out];
}

export function evaluate(r: Ruleset, probe: Probe): Verdict {
  const family = isIP(probe.address) === 6 ? 'ip6' : 'ip';
  const bases = r.chains
    .filter((c) => c.hook === 'input' && (c.family === 'inet' || c.family === family))
    .sort((a, b) => (a.prio ?? 0) - (b.prio ?? 0));
  for (const chain of bases) {
    const v = runChain(r, chain, probe, family, 0);
    if (v === 'drop' || v === 'unknown') return v;
    if (v === 'continue' && chain.policy === 'drop') return 'drop';
  }
  return 'accept';
}

type ChainResult = Verdict | 'continue';

function runChain(r: Ruleset, chain: Chain, p: Probe, family: string, depth: number): ChainResult {
  if (depth > 16) return 'unknown';
  for (const rule of r.rules.filter((x) => x.family === chain.family && x.table === chain.table && x.chain === chain.name)) {
    let matched: boolean | 'unknown' = true;
    for (const e of rule.expr) {
      if (e.match) {
        const m = matches(r, chain, e.match as Json, p, family);
        if (m !== true) {
          matched = m;
          break;
        }
        continue;
      }
      if ('accept' in e) return 'accept';
      if ('drop' in e || 'reject' in e) return 'drop';
      if ('return' in e) return 'continue';
      const target = ((e.jump ?? e.goto) as Json | undefined)?.target;
      if (typeof target === 'string') {
        const sub = r.chains.find((c) => c.family === chain.family && c.table === chain.table && c.name === target);
        const v = sub ? runChain(r, sub, p, family, depth + 1) : 'unknown';
        if (v !== 'continue' || 'goto' in e) return v;
        matched = false; // the jumped-to chain returned: go on after this rule
        break;
      }
      // counters, logs, limits and the like neither match nor decide.
    }
    if (matched === 'unknown') return 'unknown';
  }
  return 'continue';
}

function matches(r: Ruleset, chain: Chain, m: Json, p: Probe, family: string): boolean | 'unknown' {
  const left = m.left as Json | undefined;
  const op = (m.op as string | undefined) ?? '==';
  const field = fieldValue(left, p, family);
  if (field.kind === 'unknown') return 'unknown';
  if (field.kind === 'other-family') return false;
  const hit = contains(r, chain, m.right, field.value);
  if (hit === 'unknown') return 'unknown';
  if (op === '==' || op === 'in') return hit;
  if (op === '!=') return !hit;
  return 'unknown';
}

type Field = { kind: 'value'; value: string | number | string[] } | { kind: 'unknown' } | { kind: 'other-family' };
const val = (value: string | number | string[]): Field => ({ kind: 'value', value });

/** The probe's value for a match's left side: a new TCP connection on a non-loopback interface. */
function fieldValue(left: Json | undefined, p: Probe, family: string): Field {
  const payload = left?.payload as Json | undefined;
  if (payload) {
    const { protocol, field } = payload;
    if ((protocol === 'tcp' || protocol === 'th') && field === 'dport') return val(p.port);
    if ((protocol === 'ip' || protocol === 'ip6') && field === 'saddr')
      return protocol === family ? val(p.address) : { kind: 'other-family' };
    return { kind: 'unknown' };
  }
  const meta = (left?.meta as Json | undefined)?.key;
  if (meta === 'iif' || meta === 'iifname') return val('eth0'); // anything but lo
  if (meta === 'l4proto') return val('tcp');
  if (meta === 'nfproto') return val(family === 'ip' ? 'ipv4' : 'ipv6');
  if ((left?.ct as Json | undefined)?.key === 'state') return val(['new']);
  return { kind: 'unknown' };
}

function contains(r: Ruleset, chain: Chain, right: unknown, value: string | number | string[]): boolean | 'unknown' {
  if (Array.isArray(value)) {
    const wanted = Array.isArray(right) ? right : [right];
    return value.some((v) => wanted.includes(v));
  }
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = r.sets.find((s) => s.family === chain.family && s.table === chain.table && s.name === right.slice(1));
    return set ? someElement(set.elem, value) : 'unknown';
  }
  if (right && typeof right === 'object' && Array.isArray((right as Json).set)) return someElement((right as Json).set as unknown[], value);
  return elementHolds(right, value);
}

function someElement(elems: unknown[], value: string | number): boolean | 'unknown' {
  let unknown = false;
  for (const e of elems) {
    const h = elementHolds(e, value);
    if (h === true) return true;
    if (h === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

function elementHolds(e: unknown, value: string | number): boolean | 'unknown' {
  if (typeof e === 'number' || typeof e === 'string') return e === value;
  const o = e as Json | null;
  if (o && Array.isArray(o.range) && typeof value === 'number') {
    const [lo, hi] = o.range as number[];
    return value >= (lo ?? 0) && value <= (hi ?? -1);
  }
  if (o?.prefix && typeof value === 'string') return inPrefix(value, (o.prefix as Json).addr as string, (o.prefix as Json).len as number);
  if (o?.elem) return elementHolds((o.elem as Json).val, value);
  return 'unknown';
}

function inPrefix(address: string, base: string, len: number): boolean | 'unknown' {
  if (isIP(address) !== 4 || isIP(base) !== 4) return isIP(address) === isIP(base) ? 'unknown' : false;
  const n = (a: string) => a.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  const size = 2 ** (32 - len);
  return Math.floor(n(address) / size) === Math.floor(n(base) / size);
}
