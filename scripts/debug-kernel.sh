#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/debug-kernel.sh [CMD [ARGS...]]
#
# Build the debug kernel of `make check-debug` (KASAN, UBSAN, lockdep, RCU
# and atomic-sleep checks, kmemleak: scripts/debug-kernel.config on top of
# allnoconfig) from Debian's linux-source-6.1, once: it is cached in
# $IOVISOR_CACHE/debug-<hash>/, the hash covering the config fragment, the
# source package's version and the compiler. Then build iovisor.ko against
# it, in that folder (never in kmod/, which belongs to the normal lane), and
# run CMD, if given, with the environment that makes scripts/vm.sh boot that
# kernel and test that module:
#
#   scripts/debug-kernel.sh scripts/check.sh     the selftests (make check-debug)
#   scripts/debug-kernel.sh scripts/vm.sh bash   a shell on the debug kernel
#
# About 20 minutes on 2 busy cores from a cold cache; seconds afterwards.
set -euo pipefail

work=$(cd "$(dirname "$0")/.." && pwd -P)
frag=$work/scripts/debug-kernel.config
tarball=/usr/src/linux-source-6.1.tar.xz
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	{ echo "debug-kernel.sh: linux-source-6.1 is not installed; run scripts/deps.sh" >&2; exit 1; }
root=${IOVISOR_CACHE:-${HOME:-/tmp}/.cache/iovisor}
hash=$({ cat "$frag"; echo "$srcver"; gcc --version | head -n 1; } | sha256sum | cut -c1-12)
d=$root/debug-$hash
src=$root/linux-source-$srcver
mkdir -p "$d"
log() { echo "debug-kernel.sh: $*" >&2; }

# What a kernel build needs beyond scripts/deps.sh.
need=()
for p in flex bison bc rsync; do
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == "ii " ]] || need+=("$p")
done
if [[ ${#need[@]} -gt 0 ]]; then
	log "installing ${need[*]}"
	sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# Serialise against concurrent runs (same kernel and same iovisor build dir).
exec 9>"$d/.lock"
flock 9

# One extracted source tree per source package version, shared by every
# config; kernels build out of tree (O=) in their own folder.
exec 8>"$src.lock"
flock 8
if [[ ! -f $src/.done ]]; then
	log "extracting $tarball into $src"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.done"
	mv "$src.tmp" "$src"
fi
flock -u 8

kmake() { make -C "$d/build" -j"$(nproc)" "$@"; }

if [[ ! -f $d/kernel/.done ]]; then
	log "building the debug kernel in $d (about 20 minutes on 2 cores)"
	start=$SECONDS
	rm -rf "$d/kernel"
	mkdir -p "$d/build"
	make -C "$src" O="$d/build" allnoconfig KCONFIG_ALLCONFIG="$frag" >/dev/null
	# KCONFIG_ALLCONFIG drops a symbol whose dependencies are unmet without
	# a word: insist that every line of the fragment made it.
	missing=0
	while IFS= read -r line; do
		[[ $line =~ ^CONFIG_|^#\ CONFIG_ ]] || continue
		grep -qxF "$line" "$d/build/.config" ||
			{ log "not in the resulting .config: $line"; missing=1; }
	done <"$frag"
	[[ $missing -eq 0 ]] || { log "fix scripts/debug-kernel.config"; exit 1; }
	kmake bzImage modules
	rel=$(cat "$d/build/include/config/kernel.release")
	mkdir -p "$d/kernel.tmp/boot"
	kmake modules_install INSTALL_MOD_PATH="$d/kernel.tmp" >/dev/null
	cp "$d/build/arch/x86/boot/bzImage" "$d/kernel.tmp/boot/vmlinuz-$rel"
	touch "$d/kernel.tmp/.done"
	rm -rf "$d/kernel"
	mv "$d/kernel.tmp" "$d/kernel"
	log "built $rel in $((SECONDS - start)) s"
fi
rel=$(cat "$d/build/include/config/kernel.release")

# iovisor.ko for this kernel, from a copy of the module's sources (kbuild
# writes its objects next to them); rsync keeps the copy's timestamps, so
# the build is incremental. The guest sees the result through the kernel's
# module tree, which scripts/vm.sh shares at /lib/modules/$rel.
mkdir -p "$d/iovisor"
sources=$("$work/scripts/debug-stamp.sh" hash)
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude=modules.order --exclude=Module.symvers \
	"$work/Kbuild" "$work/kmod" "$work/uapi" "$d/iovisor/"
kmake M="$d/iovisor" modules
mkdir -p "$d/kernel/lib/modules/$rel/extra"
cp "$d/iovisor/kmod/iovisor.ko" "$d/kernel/lib/modules/$rel/extra/iovisor.ko"
flock -u 9

[[ $# -gt 0 ]] || { echo "$d/kernel"; exit 0; }
export KVER=$rel IOVISOR_KROOT=$d/kernel
# What was built, for the record of a passing run (scripts/debug-stamp.sh).
export IOVISOR_DEBUG_LANE=$sources
export IOVISOR_KO=/lib/modules/$rel/extra/iovisor.ko	# a path in the guest
export IOVISOR_VM_MEM=${IOVISOR_VM_MEM:-2048}
# The whole suite takes about 35 minutes on 2 idle cores, the longest test
# (nl_fuzz) near 470 s; on a busy machine twice that. The limits only catch
# hangs: give them room.
export IOVISOR_VM_TIMEOUT=${IOVISOR_VM_TIMEOUT:-7200}
export IOVISOR_TEST_TIMEOUT=${IOVISOR_TEST_TIMEOUT:-1800}
# Warnings on the console too: WARN and lockdep headers are KERN_WARNING, and
# with panic_on_warn the console is all that is left of them.
export IOVISOR_VM_APPEND="loglevel=5${IOVISOR_VM_APPEND:+ $IOVISOR_VM_APPEND}"
exec "$@"
