#!/bin/sh
# Builds the conventional Debian guest the boot benchmark compares against, once, into a cache folder:
# a debootstrap'd bookworm (systemd, udev, ifupdown + dhclient, memcached as a service) on an ext4 disk
# image, booted with a small busybox initramfs that mounts it and switches root.
#
#   sh bench/boot/build-baseline.sh KERNEL_VERSION OUT_DIR
#
# KERNEL_VERSION (e.g. 6.1.0-50-amd64) must be the kernel the guests boot; its modules come from the same
# Debian package. Needs root (debootstrap, chroot), debootstrap, e2fsprogs, cpio, busybox-static.
# Idempotent: a finished OUT_DIR (with .done) is left alone. Takes about 2 minutes.
set -eu
kv=$1
out=$2
[ -f "$out/.done" ] && exit 0
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cd "$out.tmp"
work=$(pwd)

echo "baseline: fetching linux-image-$kv" >&2
(cd "$work" && apt-get download "linux-image-$kv" >/dev/null 2>&1)
dpkg -x linux-image-"$kv"_*.deb kpkg
busybox depmod -b "$work/kpkg" "$kv"
km=$work/kpkg/lib/modules/$kv

mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
echo "baseline: debootstrap bookworm from $mirror (about a minute)" >&2
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,udev,ifupdown,isc-dhcp-client,memcached,kmod \
  bookworm rootfs "$mirror" >debootstrap.log 2>&1
r=$work/rootfs
chroot "$r" apt-get clean
chroot "$r" passwd -d root >/dev/null
echo baseline >"$r/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 baseline\n' >"$r/etc/hosts"
printf '/dev/vda / ext4 defaults,errors=remount-ro 0 1\n' >"$r/etc/fstab"
sed -i 's/^-l 127.0.0.1$/-l 0.0.0.0/' "$r/etc/memcached.conf"
# -nodefaults puts the virtio NIC in PCI slot 2 on -M pc: ens2.
printf 'auto lo\niface lo inet loopback\n\nauto ens2\niface ens2 inet dhcp\n' >"$r/etc/network/interfaces.d/ens2"

# Only the modules the guest needs (and those systemd's modprobe@ units ask for), with their dependencies.
copy_module() { # $1 module name, $2 destination root
  line=$(grep -E "/$1\.ko:" "$km/modules.dep") || return 0
  for f in ${line%%:*} ${line#*:}; do
    mkdir -p "$2/lib/modules/$kv/$(dirname "$f")"
    cp "$km/$f" "$2/lib/modules/$kv/$f"
  done
}
for m in virtio_pci virtio_mmio virtio_blk virtio_net virtio_console virtio-rng virtio_balloon ext4 \
  crc32c_generic autofs4 configfs dm-mod efi-pstore fuse loop; do
  copy_module "$m" "$r/usr"
done
cp "$km/modules.builtin" "$km/modules.builtin.modinfo" "$km/modules.order" "$r/usr/lib/modules/$kv/"
chroot "$r" depmod -a "$kv"

echo "baseline: initramfs and disk image" >&2
i=$work/initrd-root
mkdir -p "$i/bin" "$i/proc" "$i/sys" "$i/dev" "$i/newroot"
cp /bin/busybox "$i/bin/busybox"
for a in sh mount modprobe switch_root sleep cat mkdir echo; do ln -s busybox "$i/bin/$a"; done
for m in virtio_pci virtio_blk ext4 crc32c_generic; do copy_module "$m" "$i"; done
busybox depmod -b "$i" "$kv"
cat >"$i/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
for m in virtio_pci virtio_blk crc32c_generic ext4; do modprobe -q $m; done
n=0; while [ ! -b /dev/vda ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
mount -t ext4 -o rw /dev/vda /newroot || { echo "initramfs: cannot mount /dev/vda"; exit 1; }
mount --move /dev /newroot/dev; mount --move /sys /newroot/sys; mount --move /proc /newroot/proc
exec switch_root /newroot /sbin/init
INIT
chmod +x "$i/init"
(cd "$i" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --reproducible -R 0:0 --quiet) |
  gzip -9 -n >initrd.cpio.gz

used=$(du -sm "$r" | cut -f1)
size=$(((used * 12 + 9) / 10))
mkfs.ext4 -q -F -d "$r" -L root disk.img "${size}M"
qemu-img convert -f raw -O qcow2 -c disk.img disk-c.qcow2
du -sb "$r" | cut -f1 >rootfs.bytes
rm -rf kpkg initrd-root rootfs linux-image-*.deb
touch .done
cd /
rm -rf "$out"
mv "$out.tmp" "$out"
echo "baseline: ready in $out" >&2
