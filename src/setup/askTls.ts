/**
 * The wizard's questions for a cluster member's network: TLS distribution (default yes), with the
 * certificate, key and CA that `ejctl tls issue NODE --out DIR` wrote on the operator's machine
 * (the CA key stays there, so setup installs files; it never issues them on a node), and whether
 * to load the firewall now. A flag answers each; with --yes, or without a terminal, nothing is
 * asked and the flags decide as before (planSetupTls, planSetupFirewall), so unattended runs
 * behave as they did.
 */
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tlsInArgs } from '../audit/network.js';
import type { Prompter } from './prompt.js';
import type { Detected, SetupFlags, Topology } from './types.js';

type Decided = Pick<SetupFlags, 'tls' | 'firewall'>;

export async function askTlsAndFirewall(
  d: Pick<Detected, 'settings'>,
  flags: SetupFlags,
  p: Prompter,
  cluster: { topology: Topology; peers: string[] },
): Promise<Decided> {
  const decided: Decided = { ...(flags.tls ? { tls: flags.tls } : {}), ...(flags.firewall ? { firewall: flags.firewall } : {}) };
  if (cluster.topology !== 'cluster' || flags.yes || !p.interactive) return decided;
  const t = flags.tls ?? {};
  const tlsGiven = t.off === true || [t.cert, t.key, t.ca].some((x) => x !== undefined);
  if (!tlsGiven && !tlsInArgs(d.settings.erlOptions)) decided.tls = await askTls(p);
  if (!flags.firewall && flags.nftables && (await askFirewall(p, cluster.peers))) decided.firewall = flags.nftables;
  return decided;
}

async function askTls(p: Prompter): Promise<NonNullable<SetupFlags['tls']>> {
  const flag = '--tls-cert/--tls-key/--tls-ca or --no-tls';
  const use = await p.confirm({
    message: 'Use TLS distribution between the cluster members (certificates of the cluster CA on both sides; recommended)?',
    flag,
    default: true,
  });
  if (!use) return { off: true };
  const cert = await askFile(
    p,
    "This node's certificate (HOST.pem, from `ejctl tls issue NODE --out DIR` on the CA's machine)",
    '--tls-cert FILE',
  );
  const near = (name: string) => (isFile(join(dirname(cert), name)) ? join(dirname(cert), name) : undefined);
  const key = await askFile(p, 'Its private key', '--tls-key FILE', near(`${basename(cert, '.pem')}.key`));
  const ca = await askFile(p, 'The cluster CA certificate', '--tls-ca FILE', near('ca.pem'));
  return { cert, key, ca };
}

async function askFile(p: Prompter, message: string, flag: string, guess?: string): Promise<string> {
  const answer = await p.input({
    message,
    flag,
    ...(guess ? { default: guess } : {}),
    validate: (v) => (isFile(v.trim()) ? undefined : `${v.trim()}: no such file`),
  });
  return answer.trim();
}

function isFile(path: string): boolean {
  try {
    return path !== '' && statSync(path).isFile();
  } catch {
    return false;
  }
}

function askFirewall(p: Prompter, peers: string[]): Promise<boolean> {
  return p.confirm({
    message:
      peers.length > 0
        ? `Load the firewall now (nftables table inet ejctl: EPMD and the window open to ${peers.join(', ')} only; persisted; ejctl firewall remove undoes it)?`
        : 'Load the firewall now (nftables table inet ejctl)? No peers were given: it would admit no other host to EPMD and the window',
    flag: '--apply-firewall',
    default: peers.length > 0,
  });
}
