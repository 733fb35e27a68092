/**
 * The firewall findings from a live nftables ruleset, judged as data: rulesets in the JSON
 * `nft -j list ruleset` prints (shapes recorded from nft 1.0.6). The same checks against a
 * real ruleset in network namespaces: test/hosts/firewall.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { evaluateFirewall, legacyIptablesTables } from '../../src/audit/firewall.js';
import { evaluate, parseRuleset } from '../../src/firewall/evaluate.js';

const PORTS = { set: [{ range: [4369, 4379] }] };
const dport = (right: unknown) => ({ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right } });
const saddr = (right: unknown) => ({ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right } });

/** ejctl's table as setup --apply-firewall loads it, for peers 10.1.1.2 and 10.1.1.3. */
const ejctlTable = [
  { table: { family: 'inet', name: 'ejctl', handle: 4 } },
  { set: { family: 'inet', name: 'cluster_peers4', table: 'ejctl', type: 'ipv4_addr', handle: 2, elem: ['10.1.1.2', '10.1.1.3'] } },
  { set: { family: 'inet', name: 'cluster_peers6', table: 'ejctl', type: 'ipv6_addr', handle: 3 } },
  { chain: { family: 'inet', table: 'ejctl', name: 'input', handle: 1, type: 'filter', hook: 'input', prio: -1, policy: 'accept' } },
  {
    rule: {
      family: 'inet',
      table: 'ejctl',
      chain: 'input',
      handle: 4,
      expr: [{ match: { op: '==', left: { meta: { key: 'iif' } }, right: 'lo' } }, { accept: null }],
    },
  },
  { rule: { family: 'inet', table: 'ejctl', chain: 'input', handle: 6, expr: [saddr('@cluster_peers4'), dport(PORTS), { accept: null }] } },
  { rule: { family: 'inet', table: 'ejctl', chain: 'input', handle: 10, expr: [dport(PORTS), { drop: null }] } },
];

/** Another table that lets a whole /8 in to EPMD (after ct state established). */
const wideTable = [
  { chain: { family: 'inet', table: 'other', name: 'c', handle: 1, type: 'filter', hook: 'input', prio: -10, policy: 'accept' } },
  {
    rule: {
      family: 'inet',
      table: 'other',
      chain: 'c',
      handle: 2,
      expr: [{ match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] } }, { accept: null }],
    },
  },
  {
    rule: {
      family: 'inet',
      table: 'other',
      chain: 'c',
      handle: 3,
      expr: [saddr({ prefix: { addr: '10.0.0.0', len: 8 } }), dport(4369), { accept: null }],
    },
  },
];

const ruleset = (...items: unknown[][]) =>
  parseRuleset(JSON.stringify({ nftables: [{ metainfo: { json_schema_version: 1 } }, ...items.flat()] }));
const targets = { epmd: 4369, dist: { min: 4370, max: 4379 } };
const ids = (r: ReturnType<typeof ruleset>) => evaluateFirewall(r, targets).findings.map((f) => f.id);

describe('the firewall findings', () => {
  it('no ruleset at all: EPMD and the window are open to anyone', () => {
    const r = evaluateFirewall(ruleset([]), targets);
    expect(r.findings.map((f) => f.id)).toEqual(['firewall-epmd-open', 'firewall-dist-open']);
    expect(r.findings[0]?.evidence).toContain('198.51.100.7');
  });

  it("ejctl's table alone: only the peers get in", () => {
    const r = ruleset(ejctlTable);
    expect(ids(r)).toEqual(['firewall-peers-only']);
    expect(evaluate(r, { address: '10.1.1.2', port: 4369 })).toBe('accept');
    expect(evaluate(r, { address: '10.1.1.4', port: 4375 })).toBe('drop');
    expect(evaluate(r, { address: '10.1.1.4', port: 5222 })).toBe('accept');
  });

  it("an operator's own table (policy drop, a /8 let in to EPMD): EPMD open to that /8, the window closed", () => {
    const own = wideTable.map((i) => ('chain' in i ? { chain: { ...i.chain, policy: 'drop' } } : i));
    const r = evaluateFirewall(ruleset(own), targets);
    expect(r.findings.map((f) => f.id)).toEqual(['firewall-epmd-open']);
    expect(r.findings[0]?.evidence).toContain("lets 10.0.0.0 (not a peer: ejctl's table holds none) connect to EPMD (port 4369)");
  });

  it("an accept in an earlier base chain is not final (nftables): ejctl's table still drops non-peers", () => {
    expect(ids(ruleset(wideTable, ejctlTable))).toEqual(['firewall-peers-only']);
  });

  it('a base chain with policy drop closes what no rule accepts', () => {
    const closed = [{ chain: { family: 'ip', table: 'f', name: 'in', hook: 'input', prio: 0, policy: 'drop' } }];
    expect(ids(ruleset(closed))).toEqual(['firewall-peers-only']);
  });

  it('a rule it cannot read on the path skips the check instead of guessing', () => {
    const odd = [
      { chain: { family: 'inet', table: 'o', name: 'c', hook: 'input', prio: 0, policy: 'accept' } },
      {
        rule: {
          family: 'inet',
          table: 'o',
          chain: 'c',
          expr: [{ match: { op: '==', left: { osf: { key: 'name' } }, right: 'Linux' } }, { drop: null }],
        },
      },
    ];
    const r = evaluateFirewall(ruleset(odd), targets);
    expect(r.findings).toEqual([]);
    expect(r.skipped.map((s) => s.check)).toEqual(['firewall-epmd-open', 'firewall-dist-open']);
  });
});

describe('iptables-legacy tables (their rules are not in the nftables ruleset)', () => {
  const files = (m: Record<string, string>) => (path: string) => m[path];
  it('are named from /proc/net/ip_tables_names and ip6_tables_names', () => {
    expect(legacyIptablesTables(files({ '/proc/net/ip_tables_names': 'filter\nnat\n', '/proc/net/ip6_tables_names': 'filter\n' }))).toEqual(
      ['iptables filter', 'iptables nat', 'ip6tables filter'],
    );
  });
  it('are none when the files are absent (the module is not loaded) or empty', () => {
    expect(legacyIptablesTables(files({}))).toEqual([]);
    expect(legacyIptablesTables(files({ '/proc/net/ip_tables_names': '' }))).toEqual([]);
  });
});
