/** `ejctl --help`: ejctl's own help. `ejctl help` is ejabberd's, forwarded as ejabberdctl does. */
export const EJCTL_VERSION = '0.1.0';

export const HELP = `ejctl ${EJCTL_VERSION}: a drop-in, secure-by-default replacement for ejabberdctl

Usage: ejctl [OPTIONS] COMMAND [ARGS...]

Any COMMAND ejctl does not handle itself is forwarded to the ejabberd node, as ejabberdctl
does, with the same output and exit codes. 'ejctl help [COMMAND]' is ejabberd's own help.
'ejctl -- COMMAND ...' always forwards.

ejctl's own commands ('ejctl COMMAND --help' for each):
  start | foreground | foreground-quiet | live   start the ejabberd node (as INSTALLUSER)
  debug | etop | iexdebug | iexlive              attach to the running node
  ping [NODE] | started | stopped                check or wait for the node
  cookie init|check|fingerprint|import|rotate    the Erlang cookie, safely
  audit                                          read-only security check
  setup                                          first-run hardening (interactive or flags)
  firewall remove                                remove the nftables table setup --apply-firewall loaded
  batch [FILE]                                   many commands over one connection

Options (before the command, as with ejabberdctl):
  -n, --node NODE          ejabberd node name (ERLANG_NODE)
  -s, --spool DIR          Mnesia spool directory (SPOOL_DIR)
  -l, --logs DIR           logs directory (LOGS_DIR)
  -f, --config FILE        ejabberd.yml (EJABBERD_CONFIG_PATH)
  -c, --ctl-config FILE    ejabberdctl.cfg to read (never executed)
  -d, --config-dir DIR     configuration directory (CONFIG_DIR)
  -t, --no-timeout         wait for the command without the 60 s limit
      --version N          ejabberd API version (passed to the node)
      --auth U H P         authenticate the command (passed to the node)

ejctl's own options:
      --cookie-file PATH   the Erlang cookie file (COOKIE_FILE)
      --secret-stdin       read one secret from stdin (hidden prompt on a terminal) and pass it
                           where an argument is @SECRET@; it appears in no process's argv
      --transport T        erl, native or auto (EJCTL_TRANSPORT)
      --dry-run            print the launch plan (cookie redacted) and run nothing
      --verbose            say on stderr which files and settings are used
  -h, --help               this help

Exit codes: 0 ok, 1 error, 2 usage (ejabberd), 3 node unreachable, 4 already running,
5 registered without beam, 6 spool dir, 7 wrong user, 64 ejctl usage, 77 cookie or
permission, 78 configuration. See README.md.
`;
