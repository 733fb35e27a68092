#!/usr/bin/env bash
# Quick start: installs what is missing (Debian's ejabberd, npm packages), builds ejctl, starts a
# throw-away ejabberd node the secure way, and drives it with ejctl the way scripts drive
# ejabberdctl. The node is stopped and its directory removed at the end (KEEP=1 keeps them).
#
# Safe to run twice at once, next to other sandboxes: each run has its own directory (mktemp), node
# name, c2s port and distribution port, and its cleanup stops only its own node. The install and
# build steps take a lock on the repository, so two runs do not rebuild it under each other.
# SKIP_BUILD=1 skips them (the tests use it; node_modules and dist must then be in place).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  exec 9<.            # a lock on the repository directory itself: no file to create or plant
  flock 9
  bash scripts/install-deps.sh
  npm ci --no-audit --no-fund --loglevel=error
  npm run build --silent
  flock -u 9
fi

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }
base=$(mktemp -d "${TMPDIR:-/tmp}/ejctl-quickstart.XXXXXX")
chmod 0755 "$base"  # the node's user must reach its files inside
dir=$base/sandbox
suffix=${base##*.}
node_name="ejctl-qs-$$-${suffix,,}@localhost"  # lower case: Erlang quotes a node name with capitals
dist_port=$(free_port)
export SANDBOX_NODE=$node_name SANDBOX_C2S_PORT=$(free_port) SANDBOX_WINDOW="$dist_port-$dist_port"

cleanup() {
  echo; echo "+ scripts/sandbox.sh down $dir"
  scripts/sandbox.sh down "$dir" || true
  rmdir "$base" 2>/dev/null || true
}
if [ "${KEEP:-0}" = 1 ]; then
  trap 'echo; echo "+ kept: $dir (node $node_name); remove it with: scripts/sandbox.sh down $dir"' EXIT
else
  trap cleanup EXIT
fi

show() { echo; echo "+ ejctl $*"; set +e; node bin/ejctl.js -c "$dir/ejabberdctl.cfg" "$@"; echo "(exit code $?)"; set -e; }

echo "+ scripts/sandbox.sh up $dir   (node $node_name, c2s port $SANDBOX_C2S_PORT, distribution port $dist_port)"
scripts/sandbox.sh up "$dir"
show status
show cookie check
show cookie fingerprint
show register alice localhost 'a password with spaces'
echo; echo "+ ejctl --secret-stdin register bob localhost @SECRET@   (password on stdin: in no argv)"
node bin/ejctl.js -c "$dir/ejabberdctl.cfg" --secret-stdin register bob localhost @SECRET@ <<<"bob's secret"
show registered_users localhost
show check_account nobody localhost
show ping
show no_such_command
show --dry-run registered_users localhost
show audit
echo
# This run's node only: its name is unique, and must end the argument (no longer name matches).
pid=$(pgrep -f -- "-sname $node_name( |\$)" | head -1)
echo "+ the node (pid $pid) runs as: $(ps -o user= -p "$pid")"
# grep reads the cookie as its pattern file, so the cookie is not in grep's own argv either.
if grep -l -s -F -f "$dir/home/.erlang.cookie" /proc/[0-9]*/cmdline /proc/[0-9]*/environ; then
  echo "+ the cookie shows in the files above: this is a bug, please report it" >&2
  exit 1
fi
echo "+ checked every /proc/*/cmdline and /proc/*/environ: the cookie is in none of them"
