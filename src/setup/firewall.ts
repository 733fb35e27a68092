/**
 * Ready-to-paste firewall rules for the setup's choice, for nftables and ufw. XMPP's ports (as
 * ejabberd.yml configures them) are open to everyone; EPMD (4369) and the distribution window
 * are open to the cluster's peers only, or closed for a single node (loopback always works).
 * Pure: it returns text, it runs nothing.
 */
import { isIP } from 'node:net';
import type { PortRange } from '../config/validate.js';
import { facesNetwork, isXmppListener, type Listener } from './listeners.js';
import type { Topology } from './types.js';

export const EPMD_PORT = 4369;

export interface FirewallInput {
  topology: Topology;
  listeners: readonly Listener[];
  peers: readonly string[];
  window: PortRange;
}

export interface FirewallRules {
  /** Ports opened to everyone, and the listeners left alone (not c2s/s2s). */
  openPorts: number[];
  otherListeners: Listener[];
  nftables: string;
  ufw: string;
}

export function firewallRules(input: FirewallInput): FirewallRules {
  const network = input.listeners.filter(facesNetwork);
  const openPorts = [...new Set(network.filter(isXmppListener).map((l) => l.port))].sort((a, b) => a - b);
  const otherListeners = network.filter((l) => !isXmppListener(l));
  return { openPorts, otherListeners, nftables: nftablesRules(input, openPorts), ufw: ufwRules(input, openPorts) };
}

const windowText = (w: PortRange, sep: string): string => (w.min === w.max ? String(w.min) : `${w.min}${sep}${w.max}`);

function nftablesRules(input: FirewallInput, openPorts: number[]): string {
  const lines = [
    `# nftables: \`ejctl setup --apply-firewall\` loads and persists this table; or save it as ${NFT_PERSIST_NAME} and load it with nft -f FILE`,
    nftablesTable(input, openPorts).trimEnd(),
  ];
  if (input.topology === 'cluster' && input.peers.length === 0) {
    lines.push(`# Add each peer node's address: nft add element inet ${NFT_TABLE} cluster_peers4 { 192.0.2.10 }`);
  }
  return `${lines.join('\n')}\n`;
}

/** nftables' name of ejctl's own table (family inet), which apply replaces as a whole. */
export const NFT_TABLE = 'ejctl';
export const NFT_PERSIST_NAME = '/etc/nftables.d/ejctl.nft';

/** The `table inet ejctl { ... }` text: XMPP ports open, EPMD and the window to the peers only. */
export function nftablesTable(input: FirewallInput, openPorts: number[]): string {
  const erlangPorts = `{ ${EPMD_PORT}, ${windowText(input.window, '-')} }`;
  const v4 = input.peers.filter((p) => isIP(p) === 4);
  const v6 = input.peers.filter((p) => isIP(p) === 6);
  const lines = [`table inet ${NFT_TABLE} {`];
  if (input.topology === 'cluster') {
    lines.push(
      `  set cluster_peers4 { type ipv4_addr;${v4.length ? ` elements = { ${v4.join(', ')} }` : ''} }`,
      `  set cluster_peers6 { type ipv6_addr;${v6.length ? ` elements = { ${v6.join(', ')} }` : ''} }`,
    );
  }
  lines.push('  chain input {', '    type filter hook input priority filter - 1; policy accept;', '    iif "lo" accept');
  if (openPorts.length) lines.push(`    tcp dport { ${openPorts.join(', ')} } accept comment "XMPP clients and servers"`);
  if (input.topology === 'cluster') {
    lines.push(
      `    ip saddr @cluster_peers4 tcp dport ${erlangPorts} accept comment "EPMD and distribution, peers only"`,
      `    ip6 saddr @cluster_peers6 tcp dport ${erlangPorts} accept`,
    );
  }
  lines.push(`    tcp dport ${erlangPorts} drop comment "EPMD and distribution: nobody else"`, '  }', '}');
  return `${lines.join('\n')}\n`;
}

function ufwRules(input: FirewallInput, openPorts: number[]): string {
  const range = windowText(input.window, ':');
  const lines = ['# ufw: run these as root (allow rules come first: ufw applies the first match)'];
  for (const port of openPorts) lines.push(`ufw allow ${port}/tcp comment 'XMPP'`);
  if (input.topology === 'cluster') {
    const peers = input.peers.length ? input.peers : ['PEER_ADDRESS'];
    if (!input.peers.length) lines.push("# Replace PEER_ADDRESS with each peer node's address, one pair of lines per peer:");
    for (const peer of peers) {
      lines.push(
        `ufw allow from ${peer} to any port ${EPMD_PORT} proto tcp comment 'EPMD, cluster peer'`,
        `ufw allow from ${peer} to any port ${range} proto tcp comment 'Erlang distribution, cluster peer'`,
      );
    }
  }
  lines.push(`ufw deny ${EPMD_PORT}/tcp comment 'EPMD'`, `ufw deny ${range}/tcp comment 'Erlang distribution'`);
  return `${lines.join('\n')}\n`;
}
