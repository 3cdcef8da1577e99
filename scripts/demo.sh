#!/bin/sh
# The main job: build the memcached example package, compose it into a guest image, boot the guest in the
# background with a port forward, set and get a key from the host through that port, stop the guest.
# Run on Debian 12 after scripts/setup.sh. Every step is bounded; the guest is stopped on any exit.
set -eu
root=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$root"
mpm="$root/bin/mpm"
node="$root/node_modules/node/bin/node"
work=$(mktemp -d "${TMPDIR:-/tmp}/mpm-demo.XXXXXX")
name="demo-memcached-$$"
started=$(date +%s)

cleanup() {
  "$mpm" stop "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*"; }

step "1/5 Preparing the guest bases in the mpm cache (kernel from Debian's linux-image, busybox)"
timeout 900 "$mpm" base fetch --only kernel,busybox

step "2/5 Building the memcached package: Debian's memcached and its shared libraries, validated"
cp -r examples/memcached "$work/memcached"
rm -rf "$work/memcached/usr" "$work/memcached/lib" "$work/memcached/lib64"
(cd "$work" && timeout 300 "$mpm" build memcached)

step "3/5 Composing the guest image (initramfs: kernel modules, busybox init, memcached)"
timeout 300 "$mpm" compose "$work/memcached" --output "$work/memcached.initrd"
ls -l "$work/memcached.initrd" | awk '{printf "image: %s bytes\n", $5}'

step "4/5 Booting the guest in the background, 127.0.0.1:<free port> -> guest port 11211"
timeout 120 "$mpm" run "$work/memcached.initrd" --detach --name "$name" --port 0:11211 2>"$work/run.err" || {
  cat "$work/run.err" >&2
  exit 1
}
cat "$work/run.err"
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)->11211.*/\1/p' "$work/run.err")
"$mpm" ps

step "5/5 Setting and getting a key from the host through the forwarded port"
if ! timeout 200 "$node" scripts/memcached-client.ts "$port" 180; then
  echo "demo: the client failed; the guest console says:" >&2
  "$mpm" logs "$name" | tail -n 20 >&2
  exit 1
fi
echo "guest console (last lines):"
"$mpm" logs "$name" | tail -n 3 | sed 's/^/  /'

"$mpm" stop "$name"
printf '\ndemo: done in %s s: composed, booted, served a memcached set/get from the host, stopped.\n' \
  $(($(date +%s) - started))
