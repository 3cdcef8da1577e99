#!/bin/sh
# copy-libs.sh PKG BINARY...: copies the shared libraries the binaries need (ldd) into the package root
# at the same paths, following symlinks, so the guest's dynamic loader finds them.
set -eu
pkg=$1
shift
for lib in $(ldd "$@" | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' | sort -u); do
  mkdir -p "$pkg$(dirname "$lib")"
  cp -L "$lib" "$pkg$lib"
done
