/**
 * The ports ejabberd.yml opens to clients and servers, for the firewall rules. A line scanner
 * over the `listen:` section, not a YAML parser: it only needs `port`, `ip` and `module` of each
 * item, and falls back to the standard ports when the file cannot be read.
 */
import { isLoopback } from './answerChecks.js';

export interface Listener {
  port: number;
  module: string;
  ip: string | undefined;
}

/** ejabberd's standard ports when ejabberd.yml is unreadable: c2s STARTTLS, c2s direct TLS, s2s. */
export const STANDARD_LISTENERS: Listener[] = [
  { port: 5222, module: 'ejabberd_c2s', ip: undefined },
  { port: 5223, module: 'ejabberd_c2s', ip: undefined },
  { port: 5269, module: 'ejabberd_s2s_in', ip: undefined },
];

export function parseListeners(yml: string): Listener[] {
  const out: Listener[] = [];
  let inListen = false;
  let current: Partial<Listener> | undefined;
  const flush = () => {
    if (current?.port !== undefined) out.push({ port: current.port, module: current.module ?? 'unknown', ip: current.ip });
    current = undefined;
  };
  for (const raw of yml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^\S/.test(line)) {
      flush();
      inListen = /^listen\s*:/.test(line);
      continue;
    }
    if (!inListen) continue;
    const item = /^\s*-\s*(.*)$/.exec(line);
    if (item) {
      flush();
      current = {};
    }
    const field = /^\s*(?:-\s*)?(port|ip|module)\s*:\s*["']?([^"'\s]+)["']?\s*$/.exec(item ? `${item[1] ?? ''}` : line);
    if (!field || !current) continue;
    if (field[1] === 'port' && /^\d+$/.test(field[2] ?? '')) current.port = Number(field[2]);
    else if (field[1] === 'ip') current.ip = field[2];
    else if (field[1] === 'module') current.module = field[2];
  }
  flush();
  return out;
}

/** Listeners bound to a loopback address never need a firewall opening. */
export function facesNetwork(l: Listener): boolean {
  return !isLoopback(l.ip);
}

/** Client-to-server and server-to-server listeners: the ones the rules open to everyone. */
export function isXmppListener(l: Listener): boolean {
  return l.module === 'ejabberd_c2s' || l.module === 'ejabberd_s2s_in';
}
