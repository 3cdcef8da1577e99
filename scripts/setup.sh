#!/bin/sh
# Installs everything the project needs on a fresh Debian 12 machine (run as root):
# the Debian packages listed in scripts/apt/*.list and the npm dependencies (including the pinned Node.js).
set -eu
root=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$root"
packages=$(cat scripts/apt/*.list 2>/dev/null | sed 's/#.*//' | tr -s ' \n' ' ')
if [ -n "$(echo "$packages" | tr -d ' ')" ]; then
  missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "setup: installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi
if [ ! -x node_modules/node/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
