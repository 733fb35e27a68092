/**
 * The live nftables ruleset, read (`nft -j list ruleset`, as root) and judged: may an address
 * that is not a cluster peer open a connection to EPMD or the distribution window? The peers are
 * the addresses in ejctl's own table (`table inet ejctl`, sets cluster_peers4/6, as
 * `ejctl setup --apply-firewall` loads it); the addresses tried are one from the documentation
 * range, every address other rules name, and the peers' neighbours. Reported only for ports that
 * listen beyond loopback: a loopback socket is out of reach whatever the firewall says.
 */
import { existsSync } from 'node:fs';
import { LIMITS, readBounded } from '../system/readBounded.js';
import { isIP } from 'node:net';
import { runPlan } from '../run/runner.js';
import { NFT } from '../firewall/ruleset.js';
import { evaluate, namedSources, parseRuleset, setElements, type Ruleset } from '../firewall/evaluate.js';
import type { Settings } from '../config/settings.js';
import { finding } from './catalog.js';
import type { NetworkFacts } from './network.js';
import { isLoopback } from './procfs.js';
import type { CheckResult, Finding } from './types.js';

const OUTSIDER = '198.51.100.7';
const MAX_RULESET_BYTES = 16 * 1024 * 1024;

export interface FirewallTargets {
  /** EPMD's port when it listens beyond loopback. */
  epmd: number | undefined;
  /** The distribution ports facing the network: the window, or the node's port. */
  dist: { min: number; max: number } | undefined;
}

/**
 * The tables of iptables-legacy (x_tables) loaded in this network namespace. Their rules are not in
 * the nftables ruleset (iptables-nft's are), so judging nft alone could call a filtered port open.
 */
export function legacyIptablesTables(read: (path: string) => string | undefined = readProcFile): string[] {
  return ['ip_tables_names', 'ip6_tables_names'].flatMap((f) =>
    (read(`/proc/net/${f}`) ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .map((t) => `${f.startsWith('ip6') ? 'ip6tables' : 'iptables'} ${t}`),
  );
}

function readProcFile(path: string): string | undefined {
  try {
    return readBounded(path, { limit: LIMITS.proc, what: path });
  } catch {
    return undefined; // absent: the ip_tables module is not loaded, so there are no legacy tables
  }
}

/** The ruleset as nft prints it, or why it cannot be read. */
export async function readRuleset(uid: number): Promise<Ruleset | { reason: string }> {
  const legacy = legacyIptablesTables();
  if (legacy.length > 0)
    return {
      reason: `iptables-legacy tables are loaded (${legacy.join(', ')}); ejctl reads only the nftables ruleset, so the firewall was not checked`,
    };
  if (!existsSync(NFT)) return { reason: `${NFT} is not installed` };
  if (uid !== 0) return { reason: 'reading the nftables ruleset needs root' };
  const outcome = await runPlan(
    { file: NFT, args: ['-j', 'list', 'ruleset'], env: {}, cwd: '/', stdin: { kind: 'ignore' }, stdout: 'pipe', stderr: 'pipe' },
    { timeoutMs: 10_000 },
  );
  if (outcome.kind !== 'exited' || outcome.code !== 0) return { reason: `nft -j list ruleset failed (${outcome.kind})` };
  if (outcome.stdout.length > MAX_RULESET_BYTES) return { reason: 'the nftables ruleset is larger than 16 MB' };
  try {
    return parseRuleset(outcome.stdout === '' ? '{}' : outcome.stdout);
  } catch {
    return { reason: 'nft printed a ruleset that is not JSON' };
  }
}

export function evaluateFirewall(ruleset: Ruleset, t: FirewallTargets): CheckResult {
  const peers = setElements(ruleset, 'inet', 'ejctl', ['cluster_peers4', 'cluster_peers6']);
  const probes = probeAddresses(ruleset, peers);
  const findings: Finding[] = [];
  const skipped: CheckResult['skipped'] = [];
  const ports: [string, number[], 'firewall-epmd-open' | 'firewall-dist-open'][] = [];
  if (t.epmd !== undefined) ports.push([`EPMD (port ${t.epmd})`, [t.epmd], 'firewall-epmd-open']);
  if (t.dist) ports.push([`distribution (${rangeText(t.dist)})`, [t.dist.min, t.dist.max], 'firewall-dist-open']);
  const closed: string[] = [];
  for (const [what, list, id] of ports) {
    const verdicts = probes.flatMap((address) => list.map((port) => ({ address, v: evaluate(ruleset, { address, port }) })));
    const open = [...new Set(verdicts.filter((x) => x.v === 'accept').map((x) => x.address))];
    if (verdicts.some((x) => x.v === 'unknown'))
      skipped.push({ check: id, reason: 'a rule on the path of a connection to these ports could not be evaluated' });
    if (open.length > 0) {
      findings.push(
        finding(id, {
          evidence: `the live nftables ruleset lets ${open.join(', ')} (not ${peers.length ? `among the peers ${peers.join(', ')}` : "a peer: ejctl's table holds none"}) connect to ${what}`,
          fix: 'Apply the firewall for the cluster: ejctl setup --cluster --peers ADDRESSES --apply-firewall (or drop these ports for every address but the peers in your own rules).',
        }),
      );
    } else if (!verdicts.some((x) => x.v === 'unknown')) closed.push(what);
  }
  if (closed.length > 0 && findings.length === 0) {
    findings.push(
      finding('firewall-peers-only', {
        evidence: `the live nftables ruleset admits only ${peers.length ? peers.join(', ') : 'loopback'} to ${closed.join(' and ')}`,
        fix: 'Nothing to do; keep the peer list in step with the cluster (ejctl setup --apply-firewall --peers ...).',
      }),
    );
  }
  return { findings, skipped };
}

function probeAddresses(r: Ruleset, peers: string[]): string[] {
  const neighbours = peers.filter((p) => isIP(p) === 4).flatMap((p) => [bump(p, 1), bump(p, -1)]);
  const all = [OUTSIDER, ...namedSources(r), ...neighbours];
  return [...new Set(all)].filter((a) => !peers.includes(a) && !a.startsWith('127.') && a !== '::1');
}

function bump(address: string, by: number): string {
  const parts = address.split('.').map(Number);
  const last = ((parts[3] ?? 0) + by + 256) % 256;
  return [...parts.slice(0, 3), last].join('.');
}

const rangeText = (r: { min: number; max: number }): string => (r.min === r.max ? `port ${r.min}` : `ports ${r.min}-${r.max}`);

/** The ports of this node that face the network, from the socket table; nft runs only when there are some. */
export function firewallTargets(
  s: Pick<Settings, 'firewallWindow'>,
  facts: Pick<NetworkFacts, 'epmdPort' | 'sockets' | 'dist'>,
): FirewallTargets {
  if ('reason' in facts.sockets) return { epmd: undefined, dist: undefined };
  const sockets = facts.sockets;
  const exposed = (port: number) => sockets.some((l) => l.port === port && !isLoopback(l.address));
  const distPort = 'port' in facts.dist ? facts.dist.port : undefined;
  return {
    epmd: exposed(facts.epmdPort) ? facts.epmdPort : undefined,
    dist: distPort !== undefined && exposed(distPort) ? (s.firewallWindow ?? { min: distPort, max: distPort }) : undefined,
  };
}

export async function auditFirewall(uid: number, t: FirewallTargets): Promise<CheckResult> {
  if (t.epmd === undefined && t.dist === undefined) return { findings: [], skipped: [] };
  const ruleset = await readRuleset(uid);
  if ('reason' in ruleset) return { findings: [], skipped: [{ check: 'firewall', reason: ruleset.reason }] };
  return evaluateFirewall(ruleset, t);
}
