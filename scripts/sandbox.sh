#!/usr/bin/env bash
# A throw-away ejabberd node for trying ejctl (and for the benchmarks), set up the secure way:
# loopback-only distribution and EPMD, a firewall window, a strong 0400 cookie made by
# `ejctl cookie init`, the node running as the ejabberd user. It never touches the system node,
# /etc/ejabberd or /var/lib/ejabberd: everything lives in one directory.
#
#   scripts/sandbox.sh up   [DIR]   create DIR (default /tmp/ejctl-sandbox) and start the node
#   scripts/sandbox.sh down [DIR]   stop the node and remove DIR
#   SANDBOX_TLS=1 scripts/sandbox.sh up [DIR]   the same with TLS distribution made by ejctl tls
#                                               (a CA in DIR/ca, the node's files in DIR/tls)
#
# Afterwards: bin/ejctl.js -c DIR/ejabberdctl.cfg COMMAND ...
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-}
dir=${2:-/tmp/ejctl-sandbox}
ejctl=(node bin/ejctl.js -c "$dir/ejabberdctl.cfg")
user=ejabberd
node_name=${SANDBOX_NODE:-ejctl-sandbox@localhost}

up() {
  if [ -e "$dir" ]; then
    echo "sandbox: $dir exists; run 'scripts/sandbox.sh down $dir' first" >&2
    exit 1
  fi
  install -d -m 0755 "$dir"
  install -d -m 0700 -o "$user" -g "$user" "$dir/home" "$dir/spool"
  install -d -m 2750 -o "$user" -g "$user" "$dir/logs"
  (umask 077 && cat > "$dir/ejabberd.yml" <<YML
hosts:
  - localhost
loglevel: warning
listen:
  -
    port: ${SANDBOX_C2S_PORT:-15222}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: false
acl:
  admin:
    user: admin@localhost
access_rules:
  local:
    allow: all
  c2s:
    allow: all
auth_method: internal
modules:
  mod_adhoc: {}
  mod_admin_extra: {}
  mod_disco: {}
  mod_roster: {}
YML
  )
  chown "$user:$user" "$dir/ejabberd.yml"
  printf '{lookup,["file","native"]}.\n{hosts_file, "/etc/hosts"}.\n' > "$dir/inetrc"
  (umask 027 && cat > "$dir/ejabberdctl.cfg" <<CFG
# ejctl sandbox: a single node with secure defaults (see ejabberdctl.cfg.example)
ERLANG_NODE=$node_name
INET_DIST_INTERFACE=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
FIREWALL_WINDOW=${SANDBOX_WINDOW:-4370-4379}
INSTALLUSER=$user
CONFIG_DIR=$dir
SPOOL_DIR=$dir/spool
LOGS_DIR=$dir/logs
EJABBERD_CONFIG_PATH=$dir/ejabberd.yml
COOKIE_FILE=$dir/home/.erlang.cookie
CFG
  )
  chgrp "$user" "$dir/ejabberdctl.cfg"
  "${ejctl[@]}" cookie init
  if [ -n "${SANDBOX_TLS:-}" ]; then
    "${ejctl[@]}" tls init-ca --ca-dir "$dir/ca"
    "${ejctl[@]}" tls issue --ca-dir "$dir/ca"
  fi
  "${ejctl[@]}" start
  "${ejctl[@]}" started --timeout 60
}

down() {
  [ -f "$dir/ejabberdctl.cfg" ] || { echo "sandbox: no sandbox in $dir" >&2; exit 1; }
  "${ejctl[@]}" stop >/dev/null || true
  "${ejctl[@]}" stopped --timeout 30 || true
  rm -rf "$dir"
}

case "$action" in
  up) up ;;
  down) down ;;
  *) echo "usage: scripts/sandbox.sh up|down [DIR]" >&2; exit 64 ;;
esac
