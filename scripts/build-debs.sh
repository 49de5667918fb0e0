#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages iovisor-dkms and ivctl (`make deb`).
#
# The build runs on a copy of the tree in build/deb/iovisor-VERSION, so
# `debian/rules clean` never touches the working tree's build products, and
# dpkg-buildpackage's output (*.deb, *.buildinfo, *.changes) lands in
# build/deb/ instead of the directory above the checkout.
#
# Build dependencies: as root, missing ones are installed with
#   apt-get build-dep ./        (reads debian/control; needs apt sources)
# which amounts to: build-essential debhelper dh-dkms clang libbpf-dev
# libnl-3-dev libnl-genl-3-dev pkg-config. As another user the script stops
# and prints that command instead.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "build-debs.sh: $*" >&2; exit 1; }

[ -f debian/changelog ] || die "no debian/ directory"
command -v dpkg-parsechangelog >/dev/null ||
	die "dpkg-dev is missing: apt-get install dpkg-dev"
version=$(dpkg-parsechangelog -SVersion)
out=build/deb
src=$out/iovisor-$version

if ! dpkg-checkbuilddeps 2>/dev/null; then
	[ "$(id -u)" = 0 ] || die "missing build dependencies: run 'apt-get build-dep ./' as root"
	echo "build-debs.sh: installing build dependencies"
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y --no-install-recommends ./
fi

rm -rf "$out"
mkdir -p "$src"
# What goes in: tracked and untracked-but-not-ignored files (so no build
# products); outside a git checkout, everything but .git and build/.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done |
		tar -c --null -T - -f - | tar -x -C "$src" -f -
else
	tar -c --exclude-vcs --exclude=./build -f - . | tar -x -C "$src" -f -
fi

(cd "$src" && dpkg-buildpackage -b -us -uc)
rm -rf "$src"

echo
echo "build-debs.sh: packages in $out/:"
ls -1 "$out"
