/**
 * The block ejabberdctl 23.01 prints on stdout after a forwarded command returns 2 (usage) or 3
 * (unreachable). Scripts see it on stdout, so ejctl prints it byte for byte.
 */
import type { Settings } from './config/settings.js';

export function ejabberdctlHelp(
  s: Pick<Settings, 'configDir' | 'ejabberdConfigPath' | 'ctlConfigPath' | 'logsDir' | 'spoolDir' | 'node'>,
): string {
  return [
    '',
    'Commands to start an ejabberd node:',
    '  start            Start in server mode',
    '  foreground       Start in server mode (attached)',
    '  foreground-quiet Start in server mode (attached), show only critical messages',
    '  live             Start in interactive mode, with Erlang shell',
    '  iexlive          Start in interactive mode, with Elixir shell',
    '',
    'Commands to interact with a running ejabberd node:',
    '  debug            Attach an interactive Erlang shell to a running node',
    '  iexdebug         Attach an interactive Elixir shell to a running node',
    '  etop             Attach to a running node and start Erlang Top',
    '  ping             Send ping to the node, returns pong or pang',
    '  started|stopped  Wait for the node to fully start|stop',
    '',
    'Optional parameters when starting an ejabberd node:',
    `  --config-dir dir   Config ejabberd:    ${s.configDir}`,
    `  --config file      Config ejabberd:    ${s.ejabberdConfigPath}`,
    `  --ctl-config file  Config ejabberdctl: ${s.ctlConfigPath}`,
    `  --logs dir         Directory for logs: ${s.logsDir}`,
    `  --spool dir        Database spool dir: ${s.spoolDir}`,
    `  --node nodename    ejabberd node name: ${s.node}`,
    '',
    '',
  ].join('\n');
}
