/**
 * `ejctl setup --cluster`: TLS distribution is the default for a cluster member. The node's
 * certificate, key and the cluster CA certificate come from `ejctl tls issue NODE --out DIR` on
 * the operator's machine (the CA key never travels) and are installed with the cfg's
 * ERL_OPTIONS by src/tls/install.ts once the cfg is written. `--no-tls` keeps plain TCP (audit
 * then reports plain-tcp-distribution). A cfg that already starts the node with TLS keeps it.
 */
import { configError, usageError } from '../errors.js';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { tlsInArgs } from '../audit/network.js';
import { readPemFile } from '../tls/ca.js';
import { checkMaterial, installNodeTls, type NodeMaterial } from '../tls/install.js';
import { parseNodeName } from '../config/validate.js';
import type { Detected, SetupFlags, Topology } from './types.js';

export interface TlsFlags {
  cert?: string;
  key?: string;
  ca?: string;
  /** --no-tls: a plain-TCP cluster member. */
  off?: boolean;
}

export type TlsPlan =
  | { kind: 'install'; cert: string; key: string; ca: string }
  | { kind: 'keep'; why: string }
  | { kind: 'plain'; warning: string }
  | { kind: 'none' };

const PLAIN_WARNING =
  'Plain-TCP distribution for a cluster: the cookie handshake, every command argument (passwords) and the shared_key cross the network in clear (audit: plain-tcp-distribution). See docs/cluster.md.';

export function planSetupTls(d: Pick<Detected, 'settings'>, topology: Topology, flags: Pick<SetupFlags, 'tls' | 'yes'>): TlsPlan {
  const t = flags.tls ?? {};
  const given = [t.cert, t.key, t.ca].filter((x) => x !== undefined).length;
  if (given > 0 && t.off) throw usageError('--no-tls excludes --tls-cert, --tls-key and --tls-ca');
  if (given > 0 && given < 3)
    throw usageError('--tls-cert, --tls-key and --tls-ca go together (ejctl tls issue NODE --out DIR writes all three)');
  if (topology === 'single') {
    if (given > 0) throw usageError('TLS distribution is for a cluster member: add --cluster, or leave out --tls-cert/--tls-key/--tls-ca');
    return { kind: 'none' };
  }
  if (t.cert !== undefined && t.key !== undefined && t.ca !== undefined) return { kind: 'install', cert: t.cert, key: t.key, ca: t.ca };
  if (t.off) return { kind: 'plain', warning: PLAIN_WARNING };
  if (tlsInArgs(d.settings.erlOptions)) return { kind: 'keep', why: 'ERL_OPTIONS already starts the node with TLS distribution' };
  if (flags.yes) {
    throw usageError(
      'a cluster member uses TLS distribution by default: pass --tls-cert, --tls-key and --tls-ca (made by `ejctl tls issue NODE --out DIR`), or --no-tls for plain TCP',
      'See docs/cluster.md.',
    );
  }
  // The wizard: no certificate was given; say what plain TCP means and how to add TLS later.
  return {
    kind: 'plain',
    warning: `${PLAIN_WARNING} For TLS: ejctl tls issue NODE --out DIR, then ejctl setup again with --tls-cert/--tls-key/--tls-ca.`,
  };
}

export function describeTlsPlan(p: TlsPlan): string {
  if (p.kind === 'install') return `TLS distribution: install ${p.cert} (key ${p.key}, CA ${p.ca}), write ssl_dist.conf, set ERL_OPTIONS\n`;
  if (p.kind === 'keep') return `TLS distribution: kept (${p.why})\n`;
  if (p.kind === 'plain') return `warning: ${p.warning}\n`;
  return '';
}

/** Reads and checks the material for `node` before anything is written, so bad files change nothing. */
export function readTlsMaterial(p: TlsPlan, node: string): NodeMaterial | undefined {
  if (p.kind !== 'install') return undefined;
  const material = { certPem: readPemFile(p.cert).toString(), keyPem: readPemFile(p.key).toString(), caPem: readPemFile(p.ca).toString() };
  const nodeName = parseNodeName(node);
  if (typeof nodeName === 'string') throw configError(`${node}: ${nodeName}`);
  checkMaterial({ node, nodeName }, material);
  return material;
}

export function runSetupTls(ctx: Pick<Ctx, 'uid' | 'stdout'>, after: Settings, material: NodeMaterial | undefined): void {
  if (material) installNodeTls(ctx, after, material, { noCfg: false, dryRun: false });
}
