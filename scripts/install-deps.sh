#!/usr/bin/env bash
# Installs Debian's ejabberd (and with it Erlang/OTP) when it is missing, without starting the
# system service: a policy-rc.d that answers 101 keeps the package from starting anything.
set -euo pipefail
if [ -x /usr/bin/erl ] && [ -x /usr/sbin/ejabberdctl ] && compgen -G '/usr/lib/*/ejabberd-*/ebin' >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: ejabberd is not installed; run this as root (it uses apt-get)" >&2
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
apt-get install -y -qq ejabberd >/dev/null
if [ "$created_policy" = yes ]; then rm -f /usr/sbin/policy-rc.d; fi
echo "install-deps: ejabberd $(dpkg-query -W -f='${Version}' ejabberd) installed (service not started)"
