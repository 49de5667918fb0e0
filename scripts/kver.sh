#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release the project builds and tests against: the newest
# Debian linux-headers-*-amd64 installed, or the running kernel's if it has a
# build tree and no Debian headers are installed.
set -eu
kver=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's|.*/linux-headers-||' | sort -V | tail -n 1)
if [ -z "$kver" ] && [ -d "/lib/modules/$(uname -r)/build" ]; then
	kver=$(uname -r)
fi
[ -n "$kver" ] || { echo "kver.sh: no kernel headers; run scripts/deps.sh" >&2; exit 1; }
echo "$kver"
