#!/usr/bin/env bash
# Builds a Debian 13 (trixie) root with ejabberd 24.12, Erlang/OTP 27 and Node 20 from Debian's
# packages, for the tests of test/release/ (see README, Testing). Idempotent: a finished root
# (marked by .ejctl-root-complete) is kept, so CI builds it once per run and a developer once.
# Usage: scripts/debian13-root.sh DIR
set -euo pipefail
dir=${1:?usage: debian13-root.sh DIR}
[ -e "$dir/.ejctl-root-complete" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "debian13-root: building a Debian root needs root (debootstrap)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
# The mirror this machine's apt already uses (deb822 sources first, then the classic list).
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "debian13-root: no Debian mirror found in the apt sources" >&2; exit 1; }
rm -rf "$dir.partial"
mkdir -p "$(dirname "$dir")"
debootstrap --variant=minbase --include=ejabberd,erlang-base,nodejs trixie "$dir.partial" "$mirror" >"$dir.log" 2>&1 ||
  { tail -20 "$dir.log" >&2; exit 1; }
touch "$dir.partial/.ejctl-root-complete"
rm -rf "$dir"
mv "$dir.partial" "$dir"
echo "debian13-root: built $dir ($(chroot "$dir" dpkg-query -W -f '${Version}' ejabberd))"
