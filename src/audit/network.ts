/**
 * Network findings from the live system: who listens where (the kernel's socket tables), which
 * port the node has (EPMD), and how the node was started (its beam's command line).
 */
import type { Settings } from '../config/settings.js';
import { epmdNames } from '../system/epmd.js';
import { finding } from './catalog.js';
import { formatSocket, isLoopback, isWildcard, type ListeningSocket } from './procfs.js';
import { nodeNameInArgv, type BeamProcess } from '../system/procs.js';
import { overrideIsRestricted, type SystemEpmdState } from './systemd.js';
import type { CheckResult, Finding, Skip } from './types.js';

export type NetworkSettings = Pick<Settings, 'node' | 'nodeName' | 'firewallWindow' | 'erlDistPort' | 'erlEpmdAddress'>;

export interface NetworkFacts {
  epmdPort: number;
  sockets: ListeningSocket[] | { reason: string };
  /** The node's distribution port, or why it is not known. */
  dist: { port: number; source: string } | { reason: string };
  beam: BeamProcess | undefined;
  /** Where TLS distribution was found (`-proto_dist inet_tls`), or undefined. */
  tlsSource: string | undefined;
  systemEpmd: SystemEpmdState;
}

const EPMD_TIMEOUT_MS = 500;

/** Asks EPMD (as found in the socket table) for the node's port. */
export async function findDistPort(s: NetworkSettings, sockets: ListeningSocket[], epmdPort: number): Promise<NetworkFacts['dist']> {
  if (s.erlDistPort !== undefined) return { port: s.erlDistPort, source: 'ERL_DIST_PORT' };
  const epmd = sockets.filter((l) => l.port === epmdPort);
  if (epmd.length === 0)
    return { reason: `nothing listens on the EPMD port ${epmdPort}, so ${s.node} is not running (or uses another ERL_EPMD_PORT)` };
  const host = epmdHost(epmd);
  const answer = await epmdNames(host, epmdPort, EPMD_TIMEOUT_MS);
  if (!answer.ok) return { reason: `EPMD at ${host}:${epmdPort} did not answer (${answer.detail})` };
  const entry = answer.names.find((n) => n.name === s.nodeName.name);
  if (!entry) return { reason: `${s.node} is not registered in EPMD at ${host}:${epmdPort}: the node is not running` };
  return { port: entry.port, source: `EPMD at ${host}:${epmdPort}` };
}

/** An address on which EPMD answers: loopback when it listens there or everywhere. */
function epmdHost(epmd: ListeningSocket[]): string {
  const local = (l: ListeningSocket) => isLoopback(l.address) || isWildcard(l.address);
  if (epmd.some((l) => l.family === 4 && local(l))) return '127.0.0.1';
  if (epmd.some((l) => l.family === 6 && local(l))) return '::1';
  return epmd[0]?.address ?? '127.0.0.1';
}

/** True when the VM arguments ask for TLS distribution. */
export function tlsInArgs(words: readonly string[]): boolean {
  return words.some((w, i) => w === '-proto_dist' && /^inet6?_tls$/.test(words[i + 1] ?? ''));
}

export function evaluateNetwork(s: NetworkSettings, facts: NetworkFacts): CheckResult {
  const findings: Finding[] = [];
  const skipped: Skip[] = [];
  if ('reason' in facts.sockets) {
    skipped.push(
      { check: 'epmd-exposure', reason: facts.sockets.reason },
      { check: 'distribution-exposure', reason: facts.sockets.reason },
    );
  } else {
    checkEpmdExposure(facts.epmdPort, facts.sockets, findings, skipped);
    checkDistribution(s, facts, facts.sockets, findings, skipped);
  }
  findings.push(...checkSystemEpmd(s, facts.systemEpmd), ...checkLongNames(s, facts.beam));
  return { findings, skipped };
}

function checkEpmdExposure(port: number, sockets: ListeningSocket[], findings: Finding[], skipped: Skip[]): void {
  const epmd = sockets.filter((l) => l.port === port);
  if (epmd.length === 0) {
    skipped.push({
      check: 'epmd-exposure',
      reason: `nothing listens on the EPMD port ${port} (EPMD is not running); run the audit while ejabberd runs`,
    });
    return;
  }
  const open = epmd.filter((l) => !isLoopback(l.address));
  if (open.length === 0) return;
  findings.push(
    finding('epmd-exposed', {
      evidence: `EPMD (port ${port}) listens on ${open.map(formatSocket).join(', ')}`,
      fix: "Set ERL_EPMD_ADDRESS=127.0.0.1 in ejabberdctl.cfg (add the cluster address, comma-separated, only if clustered), stop ejabberd, run `epmd -kill`, start ejabberd; block the port from the Internet in the firewall. If systemd's epmd.socket serves EPMD, see epmd-system-service.",
    }),
  );
}

function checkDistribution(
  s: NetworkSettings,
  facts: NetworkFacts,
  sockets: ListeningSocket[],
  findings: Finding[],
  skipped: Skip[],
): void {
  const skip = (reason: string) => skipped.push({ check: 'distribution-exposure', reason });
  if ('reason' in facts.dist) return void skip(facts.dist.reason);
  const { port, source } = facts.dist;
  const listening = sockets.filter((l) => l.port === port);
  if (listening.length === 0) return void skip(`nothing listens on port ${port} (from ${source}): ${s.node} is not running here`);
  const pid = facts.beam ? `, beam pid ${facts.beam.pid}` : '';
  const where = `${s.node} (distribution port ${port} from ${source}${pid})`;
  const window = s.firewallWindow;
  if (s.erlDistPort === undefined && window && (port < window.min || port > window.max)) {
    findings.push(
      finding('dist-port-outside-window', {
        evidence: `${where} is outside FIREWALL_WINDOW=${window.min}-${window.max}: the node was not started with this cfg`,
        fix: "Restart the node's VM so it reads the cfg: ejctl restart-vm (ejabberd's 'restart' keeps the VM); check that nothing else passes -kernel inet_dist_listen_min/max.",
      }),
    );
  }
  const open = listening.filter((l) => !isLoopback(l.address));
  if (open.length === 0) return;
  findings.push(
    finding('dist-exposed', {
      evidence: `${where} listens on ${open.map(formatSocket).join(', ')}`,
      fix: 'Set INET_DIST_INTERFACE=127.0.0.1 in ejabberdctl.cfg (the cluster network address if clustered), then ejctl restart-vm; allow the port only from cluster peers in the firewall.',
    }),
  );
  if (s.erlDistPort === undefined && !window) {
    findings.push(
      finding('no-firewall-window', {
        evidence: `${where} faces the network on a random port, and FIREWALL_WINDOW is not set, so no firewall rule can name it`,
        fix: 'Set FIREWALL_WINDOW=4370-4379 (for example) in ejabberdctl.cfg, ejctl restart-vm, and allow only that range from cluster peers.',
      }),
    );
  }
  if (facts.tlsSource === undefined) {
    findings.push(
      finding('plain-tcp-distribution', {
        evidence: `${where} faces the network and no -proto_dist inet_tls is set: the handshake and every command travel in clear text`,
        fix: 'Use TLS distribution (-proto_dist inet_tls with -ssl_dist_optfile in ERL_OPTIONS or vm.args), or keep distribution on loopback.',
      }),
    );
  }
}

function checkSystemEpmd(s: NetworkSettings, state: SystemEpmdState): Finding[] {
  if (state.masked || (state.enabled.length === 0 && state.active.length === 0)) return [];
  // A cluster member's own EPMD address is as intended as loopback; an "every address" one is not.
  const epmdAddresses = (s.erlEpmdAddress ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '' && !isWildcard(a));
  if (overrideIsRestricted(state.listenOverride, epmdAddresses)) return [];
  const parts = [
    state.active.length > 0 ? `running (${state.active.join(', ')})` : `enabled (${state.enabled.join(', ')})`,
    state.booted ? '' : 'systemd is not running now: the units take effect at the next boot under systemd',
    s.erlEpmdAddress === undefined
      ? 'it listens on every address by default'
      : `ERL_EPMD_ADDRESS=${s.erlEpmdAddress} from the cfg has no effect on it`,
  ];
  return [
    finding('epmd-system-service', {
      severity: s.erlEpmdAddress === undefined ? 'low' : 'medium',
      evidence: `epmd.socket/epmd.service ${parts.filter(Boolean).join('; ')}`,
      fix: 'Restrict it: `systemctl edit epmd.socket` with `[Socket]`, `ListenStream=`, `ListenStream=127.0.0.1:4369`; or `systemctl disable --now epmd.socket epmd.service` and let ejabberd start EPMD with ERL_EPMD_ADDRESS.',
    }),
  ];
}

function checkLongNames(s: NetworkSettings, beam: BeamProcess | undefined): Finding[] {
  const live = beam && nodeNameInArgv(beam.argv)?.flag === '-name';
  if (beam ? !live : !s.nodeName.longNames) return [];
  return [
    finding('long-names', {
      evidence: live
        ? `beam pid ${beam?.pid ?? ''} runs with -name ${s.node}`
        : `ERLANG_NODE=${s.node} holds a dot, so the node starts with -name`,
      fix: 'Use a short node name without a dot (e.g. ejabberd@localhost) unless the node is clustered across hosts; such clusters need TLS distribution and a firewall window.',
    }),
  ];
}
