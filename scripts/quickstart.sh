#!/usr/bin/env bash
# Quick start: installs what is missing (Debian's ejabberd, npm packages), builds ejctl, starts a
# throw-away ejabberd node in /tmp/ejctl-sandbox the secure way, and drives it with ejctl the way
# scripts drive ejabberdctl. The node is stopped and removed at the end (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=/tmp/ejctl-sandbox

bash scripts/install-deps.sh
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent

[ -e "$dir" ] && scripts/sandbox.sh down "$dir" >/dev/null 2>&1 || true
[ "${KEEP:-0}" = 1 ] || trap 'echo; echo "+ scripts/sandbox.sh down $dir"; scripts/sandbox.sh down "$dir"' EXIT

show() { echo; echo "+ ejctl $*"; set +e; node bin/ejctl.js -c "$dir/ejabberdctl.cfg" "$@"; echo "(exit code $?)"; set -e; }

echo "+ scripts/sandbox.sh up $dir"
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
pid=$(pgrep -f -- "-sname ejctl-sandbox@localhost" | head -1)
echo "+ the node (pid $pid) runs as: $(ps -o user= -p "$pid")"
# grep reads the cookie as its pattern file, so the cookie is not in grep's own argv either.
if grep -l -s -F -f "$dir/home/.erlang.cookie" /proc/[0-9]*/cmdline /proc/[0-9]*/environ; then
  echo "+ the cookie shows in the files above: this is a bug, please report it" >&2
  exit 1
fi
echo "+ checked every /proc/*/cmdline and /proc/*/environ: the cookie is in none of them"
