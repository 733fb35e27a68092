/**
 * ejctl's own commands, each loaded only when used, so a forwarded command (the common case)
 * loads none of them. Any other word is forwarded to the ejabberd node.
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';

export type CommandHandler = (ctx: Ctx, opts: GlobalOptions) => Promise<number>;

export const COMMANDS: Record<string, () => Promise<CommandHandler>> = {
  cookie: () => import('./cookie.js').then((m) => m.run),
  batch: () => import('./batch.js').then((m) => m.run),
  start: () => import('./lifecycle/server.js').then((m) => m.start),
  foreground: () => import('./lifecycle/server.js').then((m) => m.foreground),
  'foreground-quiet': () => import('./lifecycle/server.js').then((m) => m.foregroundQuiet),
  live: () => import('./lifecycle/server.js').then((m) => m.live),
  'restart-vm': () => import('./lifecycle/restartVm.js').then((m) => m.restartVm),
  debug: () => import('./lifecycle/shells.js').then((m) => m.debug),
  etop: () => import('./lifecycle/shells.js').then((m) => m.etop),
  iexdebug: () => import('./lifecycle/shells.js').then((m) => m.iexdebug),
  iexlive: () => import('./lifecycle/shells.js').then((m) => m.iexlive),
  ping: () => import('./lifecycle/ping.js').then((m) => m.run),
  started: () => import('./lifecycle/wait.js').then((m) => m.started),
  stopped: () => import('./lifecycle/wait.js').then((m) => m.stopped),
  audit: () => import('./audit.js').then((m) => m.run),
  setup: () => import('./setup.js').then((m) => m.run),
  firewall: () => import('./firewall.js').then((m) => m.run),
  tls: () => import('./tls.js').then((m) => m.run),
  completion: () => import('./completion.js').then((m) => m.run),
  __complete: () => import('./completion.js').then((m) => m.runComplete),
};
