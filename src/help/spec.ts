/**
 * What ejctl's own help says, as data: `ejctl --help` (text.ts), the man page ejctl(8)
 * (man.ts, written at build time) and shell completion (src/completion/) are all made from it,
 * so they cannot drift apart.
 */
export const EJCTL_VERSION = '0.1.0';

export interface HelpEntry {
  /** What is typed, e.g. `-n, --node NODE` or `cookie init|check`. */
  usage: string;
  summary: string;
}

export interface OptionEntry extends HelpEntry {
  /** Every spelling, for completion: `['-n', '--node']`. */
  names: string[];
  /** The option takes the next word as its value. */
  takesValue: boolean;
}

export interface CommandEntry extends HelpEntry {
  /** The command words this line stands for, for completion. */
  names: string[];
}

export const SUMMARY = 'a drop-in, secure-by-default replacement for ejabberdctl';

export const DESCRIPTION = [
  'Any COMMAND ejctl does not handle itself is forwarded to the ejabberd node, as ejabberdctl',
  "does, with the same output and exit codes. 'ejctl help [COMMAND]' is ejabberd's own help.",
  "'ejctl -- COMMAND ...' always forwards.",
];

export const OWN_COMMANDS: CommandEntry[] = [
  {
    usage: 'start | foreground | foreground-quiet | live',
    names: ['start', 'foreground', 'foreground-quiet', 'live'],
    summary: 'start the ejabberd node (as INSTALLUSER)',
  },
  {
    usage: 'restart-vm',
    names: ['restart-vm'],
    summary: "stop the VM, start a new one with the current cfg and cookie ('restart' is ejabberd's, in the same VM)",
  },
  { usage: 'debug | etop | iexdebug | iexlive', names: ['debug', 'etop', 'iexdebug', 'iexlive'], summary: 'attach to the running node' },
  { usage: 'ping [NODE] | started | stopped', names: ['ping', 'started', 'stopped'], summary: 'check or wait for the node' },
  { usage: 'cookie init|check|fingerprint|import|rotate|backups', names: ['cookie'], summary: 'the Erlang cookie, safely' },
  {
    usage: 'tls init-ca|import-ca|issue|import-node|show|check',
    names: ['tls'],
    summary: 'certificates for TLS distribution (docs/tls.md)',
  },
  { usage: 'audit', names: ['audit'], summary: 'read-only security check' },
  { usage: 'firewall remove', names: ['firewall'], summary: 'remove the nftables table setup --apply-firewall loaded' },
  { usage: 'setup', names: ['setup'], summary: 'first-run hardening (interactive or flags)' },
  { usage: 'batch [FILE]', names: ['batch'], summary: 'many commands over one connection' },
  { usage: 'completion bash|zsh|fish', names: ['completion'], summary: 'print a shell completion script' },
];

const option = (usage: string, summary: string, takesValue: boolean): OptionEntry => ({
  usage,
  summary,
  takesValue,
  names: usage
    .split(/[ ,]+/)
    .filter((w) => w.startsWith('-'))
    .map((w) => w.replace(/=.*/, '')),
});

/** ejabberdctl's options, kept with their meaning. */
export const EJABBERDCTL_OPTIONS: OptionEntry[] = [
  option('-n, --node NODE', 'ejabberd node name (ERLANG_NODE)', true),
  option('-s, --spool DIR', 'Mnesia spool directory (SPOOL_DIR)', true),
  option('-l, --logs DIR', 'logs directory (LOGS_DIR)', true),
  option('-f, --config FILE', 'ejabberd.yml (EJABBERD_CONFIG_PATH)', true),
  option('-c, --ctl-config FILE', 'ejabberdctl.cfg to read (never executed)', true),
  option('-d, --config-dir DIR', 'configuration directory (CONFIG_DIR)', true),
  option('-t, --no-timeout', 'wait for the command without the 60 s limit', false),
  option('--version N', 'ejabberd API version (passed to the node)', true),
  option('--auth U H P', 'authenticate the command (passed to the node)', true),
];

export const OWN_OPTIONS: OptionEntry[] = [
  option('--cookie-file PATH', 'the Erlang cookie file (COOKIE_FILE)', true),
  option(
    '--secret-stdin',
    "read one secret from stdin (hidden prompt on a terminal) and pass it where an argument is @SECRET@; it appears in no process's argv",
    false,
  ),
  option('--json', "print an ejabberd command's result as JSON, typed as ejabberd's HTTP API types it (docs/json.md)", false),
  option('--transport T', 'erl, native or auto (EJCTL_TRANSPORT)', true),
  option('--dry-run', 'print the launch plan (cookie redacted) and run nothing', false),
  option('--verbose', 'say on stderr which files, settings and transport are used', false),
  option('-V', "print ejctl's version (--version is ejabberd's API version, as in ejabberdctl)", false),
  option('-h, --help', "this help (its first line names ejctl's version)", false),
];

export const EXIT_CODES: { code: string; meaning: string }[] = [
  { code: '0', meaning: 'ok' },
  { code: '1', meaning: 'error' },
  { code: '2', meaning: 'usage (ejabberd)' },
  { code: '3', meaning: 'node unreachable' },
  { code: '4', meaning: 'already running' },
  { code: '5', meaning: 'registered without beam' },
  { code: '6', meaning: 'spool dir' },
  { code: '7', meaning: 'wrong user' },
  { code: '64', meaning: 'ejctl usage' },
  { code: '69', meaning: 'a needed program is missing' },
  { code: '77', meaning: 'cookie or permission' },
  { code: '78', meaning: 'configuration' },
  { code: '130', meaning: 'interrupted' },
];

/** Where the documentation lives, relative to the package root (it ships in the package). */
export const DOCS = ['README.md', 'docs/'];
