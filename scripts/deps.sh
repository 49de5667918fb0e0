#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package the project needs to build and to run its
# tests in QEMU. Idempotent and fast: apt is only touched when something is
# missing, because `make check` calls this on every run.
set -euo pipefail

pkgs=(
	# build: the module against Debian's own kernel, ivctl, the BPF IO modules
	make gcc libc6-dev pkg-config linux-headers-amd64 libnl-3-dev libnl-genl-3-dev
	libbpf-dev libelf-dev zlib1g-dev libyaml-dev clang llvm bpftool
	# kernel source: kselftest harness and reference code, never copied in
	linux-source-6.1 xz-utils
	# the VM: scripts/vm.sh boots the kernel image apt-get downloads
	qemu-system-x86 busybox-static cpio kmod apt util-linux coreutils
	# what the tests run inside the guest (the guest's root is the host's)
	iproute2 iputils-ping procps ethtool tcpdump jq strace
)

missing=()
for p in "${pkgs[@]}"; do
	# "ii " = installed and configured; anything else needs (re)installing.
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == "ii " ]] ||
		missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps.sh: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || { echo "deps.sh: need root or sudo" >&2; exit 1; }
	sudo=(sudo)
fi
"${sudo[@]}" apt-get update -q
# No recommends: qemu alone would pull in GUI and firmware packages we never use.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
