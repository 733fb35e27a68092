/**
 * Where TLS distribution files live. On each node, in the configuration directory's `tls/`
 * (root's, 0755): the node's certificate and the CA certificate (0644 root), the node's key
 * (0400 INSTALLUSER, read by the node), and ssl_dist.conf (0644 root: paths only, no secrets).
 * The cluster CA lives with the operator, by default in root's (the caller's) own config dir,
 * never on a node: ca.key 0400, ca.pem 0644.
 */
import { join } from 'node:path';
import type { Settings } from '../config/settings.js';

export interface NodeTlsFiles {
  dir: string;
  cert: string;
  key: string;
  ca: string;
  optfile: string;
}

export function nodeTlsFiles(s: Pick<Settings, 'configDir'>, dir?: string): NodeTlsFiles {
  const d = dir ?? join(s.configDir, 'tls');
  return { dir: d, cert: join(d, 'node.pem'), key: join(d, 'node.key'), ca: join(d, 'ca.pem'), optfile: join(d, 'ssl_dist.conf') };
}

export interface CaFiles {
  dir: string;
  cert: string;
  key: string;
}

/** The operator's CA: --ca-dir, else $XDG_CONFIG_HOME/ejctl/ca (~/.config/ejctl/ca). */
export function caFiles(env: NodeJS.ProcessEnv, dir?: string): CaFiles {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || '/root', '.config');
  const d = dir ?? join(base, 'ejctl', 'ca');
  return { dir: d, cert: join(d, 'ca.pem'), key: join(d, 'ca.key') };
}

/** Node certificates last about two years (the longest browsers accept; renew with ejctl tls issue). */
export const NODE_DAYS = 825;
export const CA_DAYS = 3650;
