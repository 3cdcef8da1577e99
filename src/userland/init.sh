#!/bin/sh
# mpm guest init (PID 1). Makes a Linux kernel behave like an OSv guest: one application, configured by the
# command line and environment stored in the image (/etc/mpm/image.json), overridable at run time through
# QEMU fw_cfg (opt/mpm/run.json), network up before the application starts, and power-off when it ends.
# Kernel arguments it reads: mpm.net=dhcp|static|none (default dhcp, static fallback), mpm.verbose.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
umask 022

say() { echo "mpm-guest: $*"; }
note() { [ -n "$verbose" ] && say "$*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run/mpm /tmp /var/tmp /root
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
chmod 1777 /tmp /var/tmp

net=dhcp
verbose=
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    mpm.net=*) net="${arg#mpm.net=}" ;;
    mpm.verbose) verbose=1 ;;
  esac
done

# Drivers: the list is written at compose time in dependency order; built-in drivers simply fail to load.
release=$(uname -r)
if [ -f /etc/mpm/modules.load ]; then
  while read -r module; do
    modprobe "$module" 2>/dev/null || note "module $module not loaded"
  done </etc/mpm/modules.load
fi
note "modules loaded, uptime $(cut -d' ' -f1 /proc/uptime)"

# Configuration: the image's, then the run-time override (env keys merge, command/hostname replace).
command=
hostname=mpm-guest
apply() {
  [ -f "$1" ] || return 0
  awk -f /etc/mpm/config.awk "$1" >/run/mpm/config.lines || {
    say "ignoring $2: it is not valid JSON"
    return 0
  }
  tab=$(printf '\t')
  while IFS="$tab" read -r kind key value; do
    case "$kind" in
      command) command="$key" ;;
      hostname) hostname="$key" ;;
      env) valid_name "$key" && export "$key=$value" ;;
      optenv) echo "$key $value" >>/run/mpm/optenv ;;
      opt)
        # A package option sets the variable meta/opts names for it; unknown ones become MPM_OPT_<name>.
        name=$(awk -v k="$key" '$1 == k { print $2; exit }' /run/mpm/optenv 2>/dev/null)
        [ -n "$name" ] || name="MPM_OPT_$(echo "$key" | tr -c 'A-Za-z0-9_\n' '_')"
        valid_name "$name" && export "$name=$value"
        ;;
    esac
  done </run/mpm/config.lines
  note "applied $2"
}
valid_name() {
  case "$1" in
    '' | [0-9]* | *[!A-Za-z0-9_]*)
      say "ignoring environment variable with invalid name '$1'"
      return 1
      ;;
  esac
}
if [ ! -f /etc/mpm/image.json ]; then
  # The configuration is the last layer unpacked; without it the initramfs did not fit in RAM.
  say "the image configuration is missing: the initramfs did not unpack completely; give the guest more memory"
fi
apply /etc/mpm/image.json "image configuration"
fwcfg=/sys/firmware/qemu_fw_cfg/by_name/opt/mpm/run.json/raw
if [ -f "$fwcfg" ]; then
  cat "$fwcfg" >/run/mpm/run.json
  apply /run/mpm/run.json "run-time overrides (fw_cfg opt/mpm/run.json)"
fi

hostname "$hostname"
echo "$hostname" >/etc/hostname
printf '127.0.0.1 localhost\n10.0.2.15 %s\n' "$hostname" >/etc/hosts

# Network: virtio-net appears as eth0 once its driver probed; no NIC means nothing to wait for.
ip link set lo up
if [ "$net" != none ] && grep -qs 0x0001 /sys/bus/virtio/devices/*/device; then
  tries=0
  while [ ! -e /sys/class/net/eth0 ] && [ $tries -lt 40 ]; do
    sleep 0.05
    tries=$((tries + 1))
  done
  ip link set eth0 up
  if [ "$net" = static ] || ! udhcpc -i eth0 -q -n -t 3 -T 1 -s /etc/mpm/udhcpc.script >/dev/null 2>&1; then
    # QEMU user networking always hands out these addresses; DHCP only confirms them.
    ip addr add 10.0.2.15/24 dev eth0
    ip route add default via 10.0.2.2 dev eth0
    echo "nameserver 10.0.2.3" >/etc/resolv.conf
    net=static
  fi
  say "network eth0 $(ip -4 -o addr show dev eth0 | awk '{print $4}') ($net)"
fi

cd /
if [ -z "$command" ]; then
  say "no command line in the image or the run-time overrides"
  status=127
else
  say "app-start"
  /bin/sh -c "$command"
  status=$?
fi
say "app-exit $status"
sync
poweroff -f
# Only reached if power-off failed: ending PID 1 panics the kernel, and panic=-1 with -no-reboot ends QEMU.
exit "$status"
