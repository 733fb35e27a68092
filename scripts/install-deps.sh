#!/usr/bin/env bash
# Installs what ejctl's tests and quick start need from Debian, when missing: ejabberd (and with
# it Erlang/OTP), zsh, fish, groff, strace (the cookie crash tests kill ejctl at chosen system calls with it), python3,
# and for the multi-host tests (network namespaces) iproute2, nftables, tcpdump and iptables.
# A policy-rc.d that answers 101 keeps the ejabberd package from starting its service.
set -euo pipefail
missing=()
{ [ -x /usr/bin/erl ] && [ -x /usr/sbin/ejabberdctl ] && compgen -G '/usr/lib/*/ejabberd-*/ebin' >/dev/null; } || missing+=(ejabberd)
[ -x /usr/bin/strace ] || missing+=(strace)
# The foreground test listens on a NOTIFY_SOCKET (a Unix datagram socket, which Node lacks) with python3.
command -v python3 >/dev/null || missing+=(python3-minimal)
# The completion tests load ejctl's scripts into real zsh and fish; the man page test renders with groff.
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
command -v groff >/dev/null || missing+=(groff-base)
[ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
[ -x /usr/sbin/nft ] || missing+=(nftables)
[ -x /usr/bin/tcpdump ] || missing+=(tcpdump)
# The audit's firewall test makes rules with iptables-nft and iptables-legacy.
[ -x /usr/sbin/iptables-legacy ] || missing+=(iptables)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run this as root (it uses apt-get)" >&2
  exit 1
fi
created_policy=no
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  created_policy=yes
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
if [ "$created_policy" = yes ]; then rm -f /usr/sbin/policy-rc.d; fi
echo "install-deps: installed ${missing[*]} (no service started)"
