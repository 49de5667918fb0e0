#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vm.sh CMD [ARGS...]
#
# Boot Debian's own kernel $KVER in QEMU (TCG: KVM does not work on these
# machines) and run CMD as root in the guest, in the current directory of the
# work tree. The guest's root is the host's root, shared read-only over 9p
# with a tmpfs overlay on top, so the host's iproute2, tc, bpftool and
# everything the project built run there unchanged; the work tree is its own
# writable 9p share mounted at the same absolute path. The guest console
# streams to stdout; the exit status is CMD's.
#
# Fail closed: the guest reports "IOVISOR-RC <n>" on a second serial port,
# backed by a host file, only at the very end and only after checking dmesg
# for kernel warnings. A missing report (panic, hang, QEMU error) or a timeout
# is a failure. panic_on_warn turns any WARN into a panic, hence no report.
#
# Environment:
#   IOVISOR_CACHE       cache root (default ~/.cache/iovisor); per-$KVER subdir
#   IOVISOR_VM_TIMEOUT  seconds before the VM is killed (default 1200)
#   IOVISOR_VM_MEM      guest memory in MiB (default 1024)
#   IOVISOR_VM_APPEND   more kernel command line
#   KVER                kernel release (default: scripts/kver.sh)
#   IOVISOR_KROOT       boot a kernel of our own instead of Debian's: a folder with
#                       boot/vmlinuz-$KVER, lib/modules/$KVER and a .done marker
#                       (scripts/debug-kernel.sh builds one)
#   IOVISOR_KO          the iovisor.ko to test, as a path in the guest
#   IOVISOR_*           all are passed into the guest's environment
# In the guest: PATH starts with $WORK/tools/ivctl, IOVISOR_KO (default $WORK/kmod/iovisor.ko),
# IOVISOR_WORK=$WORK, IOVISOR_TMP (writable scratch), IOVISOR_VM=1.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

work=$(cd "$(dirname "$0")/.." && pwd -P)
cwd=$(pwd -P)
# The guest only sees the work tree at its own path (the guest's /tmp is a
# tmpfs, and a clone may live under /tmp); run from its top if we are outside.
[[ $cwd == "$work" || $cwd == "$work"/* ]] || cwd=$work

KVER=${KVER:-$("$work/scripts/kver.sh")}
cache=${IOVISOR_CACHE:-${HOME:-/tmp}/.cache/iovisor}/$KVER
kroot=${IOVISOR_KROOT:-$cache/kernel}
mkdir -p "$cache"

# ---------------------------------------------------------------- guest side
# Stage 1: PID 1 in the initramfs (busybox). It builds the root, runs stage 2
# in a chroot and stays PID 1 so that it can check dmesg and report the rc
# even if stage 2 dies.
read -r -d '' INIT <<'EOF' || true
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s /bin
export PATH=/bin
die() { echo "iovisor-init: $*"; poweroff -f; }
mount -t proc proc /proc
mount -t sysfs sys /sys
kver=$(uname -r)
for m in $(cat /modules.load); do insmod "/mods/$m" || die "insmod $m"; done

p9='trans=virtio,version=9p2000.L,msize=512000'
mkdir -p /lower /upper /newroot /hostrun
mount -t 9p -o "$p9,ro,cache=loose" host /lower || die "mount host root"
mount -t 9p -o "$p9,ro" run /hostrun || die "mount run"
mount -t tmpfs -o mode=755 upper /upper
mkdir /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot ||
	die "mount overlay"
for d in proc sys dev; do mount --move "/$d" "/newroot/$d"; done
r=/newroot
mkdir -p "$r/lib/modules/$kver"
mount -t 9p -o "$p9,ro" kmods "$r/lib/modules/$kver" || die "mount modules"
mount -t tmpfs -o mode=1777 tmp "$r/tmp"
mount -t tmpfs -o mode=755 run "$r/run"
mkdir -p "$r/run/iovisor" "$r/dev/pts" "$r/dev/shm"
mount --move /hostrun "$r/run/iovisor"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts"
mount -t tmpfs -o mode=1777 shm "$r/dev/shm"
mount -t bpf bpf "$r/sys/fs/bpf"
mount -t debugfs debugfs "$r/sys/kernel/debug" 2>/dev/null
mount -t cgroup2 cgroup2 "$r/sys/fs/cgroup" 2>/dev/null
work=$(cat /newroot/run/iovisor/work)
mkdir -p "$r$work"
if ! mount -t 9p -o "$p9" work "$r$work"; then
	mount -t 9p -o "$p9,ro" work "$r$work" || die "mount work tree"
	echo "iovisor-init: work tree mounted read-only"
fi
cp /stage2.sh "$r/run/stage2.sh"
# The kernel runs module autoloading (`ip link add type veth`) from the
# initramfs root, not from our chroot: hand it to the real modprobe.
mkdir -p /sbin
printf '#!/bin/sh\nexec chroot /newroot /sbin/modprobe "$@"\n' >/sbin/modprobe
chmod +x /sbin/modprobe

chroot "$r" /bin/bash /run/stage2.sh
rc=$?

# Fail closed on anything the kernel reported, even if CMD passed.
# (Not a bare "lockdep": a debug kernel says "RCU lockdep checking is enabled".)
pat='WARNING:|BUG:|Oops|cut here|KASAN|UBSAN|kmemleak: [0-9]+ new|unreferenced object'
pat="$pat|general protection|refcount_t:|INFO: |lockdep is turned off|locking correctness validator"
pat="$pat|suspicious RCU|circular locking|recursive locking|inconsistent lock state|lock held"
pat="$pat|corruption|Call Trace:"
# kmemleak (debug kernel): scan twice, as an object only counts once it has
# been unreferenced for a while.
km=$r/sys/kernel/debug/kmemleak
if [ -w "$km" ]; then
	echo scan >"$km"; sleep 5; echo scan >"$km"
	if grep -q 'unreferenced object' "$km"; then
		echo "iovisor-init: kmemleak:"; cat "$km"; rc=98
	fi
fi
if dmesg | grep -Eq "$pat"; then
	echo "iovisor-init: kernel reported a problem; dmesg tail:"
	dmesg | tail -n 60
	[ "$rc" -ne 0 ] || rc=97
fi
sync
echo "IOVISOR-RC $rc" >/newroot/dev/ttyS1
poweroff -f
EOF

# Stage 2: bash in the chroot, i.e. the host's userland.
read -r -d '' STAGE2 <<'EOF' || true
set -u
. /run/iovisor/env
export HOME=/root TERM=dumb IOVISOR_VM=1 IOVISOR_WORK="$work"
export PATH="$work/tools/ivctl:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export IOVISOR_KO="${IOVISOR_KO:-$work/kmod/iovisor.ko}"
export IOVISOR_TMP=/tmp/iovisor
mkdir -p "$IOVISOR_TMP"
ip link set lo up
hostname iovisor-vm
cd "$cwd" || exit 1
echo "iovisor-vm: $(uname -r) up in $(cut -d' ' -f1 /proc/uptime)s, running: ${cmd[*]}"
if [[ $interactive == 1 ]]; then
	# A terminal on the host: give CMD the console as its controlling tty,
	# so that `scripts/vm.sh bash` is a usable shell (Ctrl-C included).
	setsid -c -w "${cmd[@]}" <>/dev/ttyS0 >&0 2>&0
else
	"${cmd[@]}" </dev/null
fi
EOF

# ---------------------------------------------------------------- host side
prepare_kernel() {
	[[ -f $kroot/.done ]] && return
	[[ -z ${IOVISOR_KROOT:-} ]] || { echo "vm.sh: no kernel in IOVISOR_KROOT=$kroot" >&2; exit 1; }
	echo "vm.sh: fetching linux-image-$KVER-unsigned into $cache" >&2
	local tmp ver
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	# Prefer the exact build of the installed headers; the archive may have
	# moved on, so fall back to whatever it has for this ABI. Refresh apt's
	# lists once if it does not know the package at all.
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$KVER" 2>/dev/null || true)
	(cd "$tmp" && { apt-get download -q "linux-image-$KVER-unsigned${ver:+=$ver}" ||
		apt-get download -q "linux-image-$KVER-unsigned"; }) ||
		{ ${SUDO-} apt-get update -q && (cd "$tmp" && apt-get download -q "linux-image-$KVER-unsigned"); }
	dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/kernel"
	# The package ships no modules.dep.
	depmod -b "$tmp/kernel" "$KVER"
	ln -sfn "/usr/src/linux-headers-$KVER" "$tmp/kernel/lib/modules/$KVER/build"
	touch "$tmp/kernel/.done"
	rm -rf "$kroot"
	mv "$tmp/kernel" "$kroot"
	rm -rf "$tmp"
}

# Modules needed to mount the 9p root and the overlay, in load order: each
# module's modules.dep dependencies (loaded last-listed first, like modprobe)
# before the module itself. Those built into the kernel need nothing.
module_load_order() {
	local dir=$kroot/lib/modules/$KVER
	awk -v want="virtio_pci 9pnet_virtio 9p overlay" '
		FILENAME ~ /builtin$/ { n = $1; sub(/.*\//, "", n); sub(/\.ko$/, "", n)
		  builtin[n] = 1; next }
		{ m = $1; sub(/:$/, "", m); deps[m] = ""
		  for (i = NF; i > 1; i--) deps[m] = deps[m] " " $i
		  n = m; sub(/.*\//, "", n); sub(/\.ko$/, "", n); path[n] = m }
		function load(m,   d, k, i) {
			if (m in done) return; done[m] = 1
			k = split(deps[m], d, " ")
			for (i = 1; i <= k; i++) load(d[i])
			print m
		}
		END { k = split(want, w, " ")
		      for (i = 1; i <= k; i++) {
			if (w[i] in builtin) continue
			if (!(w[i] in path)) { print "missing module " w[i] > "/dev/stderr"; exit 1 }
			load(path[w[i]]) } }' "$dir/modules.builtin" "$dir/modules.dep"
}

prepare_initramfs() {
	local mods sum tmp m
	mods=$(module_load_order)
	sum=$( {
		printf '%s\n' "$INIT" "$STAGE2" "$mods"
		[[ -z $mods ]] || (cd "$kroot/lib/modules/$KVER" && sha256sum $mods)
		sha256sum /bin/busybox
	} | sha256sum | cut -d' ' -f1)
	[[ -f $cache/initramfs.cpio && $(cat "$cache/initramfs.sum" 2>/dev/null) == "$sum" ]] && return
	echo "vm.sh: building initramfs" >&2
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	mkdir -p "$tmp"/{bin,dev,proc,sys,mods}
	cp /bin/busybox "$tmp/bin/busybox"
	for m in $mods; do cp "$kroot/lib/modules/$KVER/$m" "$tmp/mods/"; done
	printf '%s\n' $mods | sed 's|.*/||' >"$tmp/modules.load"
	printf '%s\n' "$INIT" >"$tmp/init"
	printf '%s\n' "$STAGE2" >"$tmp/stage2.sh"
	chmod +x "$tmp/init"
	# Uncompressed: unpacking is faster than gunzip under TCG.
	(cd "$tmp" && find . | cpio -o -H newc --quiet) >"$cache/initramfs.cpio.new"
	mv "$cache/initramfs.cpio.new" "$cache/initramfs.cpio"
	echo "$sum" >"$cache/initramfs.sum"
	rm -rf "$tmp"
}

[[ $(id -u) -eq 0 ]] || SUDO=sudo
# Serialise cache preparation between concurrent runs.
exec 9>"$cache/.lock"
flock 9
rm -rf "$cache"/tmp.*	# left by an interrupted preparation
prepare_kernel
prepare_initramfs
flock -u 9

run=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
echo "$work" >"$run/work"
{
	printf 'work=%q\ncwd=%q\ninteractive=%d\ncmd=(' "$work" "$cwd" "$([[ -t 0 ]] && echo 1 || echo 0)"
	printf '%q ' "$@"
	printf ')\n'
	for v in ${!IOVISOR_@}; do printf 'export %s=%q\n' "$v" "${!v}"; done
} >"$run/env"
: >"$run/rc"

q() { printf '%s' "${1//,/,,}"; }	# QEMU option values escape commas by doubling
cmdline="console=ttyS0 loglevel=4 panic_on_warn=1 panic=-1 oops=panic mitigations=off edd=off log_buf_len=4M"
cmdline+=${IOVISOR_VM_APPEND:+ $IOVISOR_VM_APPEND}
timeout=${IOVISOR_VM_TIMEOUT:-1200}
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "${IOVISOR_VM_MEM:-1024}"
	-display none -no-reboot -nodefaults
	-kernel "$kroot/boot/vmlinuz-$KVER" -initrd "$cache/initramfs.cpio" -append "$cmdline"
	-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon con
	-serial "file:$(q "$run/rc")"
	-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$(q "$work"),mount_tag=work,security_model=none,multidevs=remap"
	-virtfs "local,path=$(q "$kroot/lib/modules/$KVER"),mount_tag=kmods,security_model=none,readonly=on"
	-virtfs "local,path=$(q "$run"),mount_tag=run,security_model=none,readonly=on")

# With a terminal, QEMU must stay in the foreground process group to own it
# (Ctrl-A x quits, Ctrl-C goes to the guest); without one, give it /dev/null
# (CI may have no stdin at all).
qrc=0
if [[ -t 0 ]]; then
	timeout --foreground -k 10 "$timeout" "${qemu[@]}" || qrc=$?
else
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null || qrc=$?
fi

rc=$(tr -d '\r' <"$run/rc" | sed -n 's/^IOVISOR-RC \([0-9]\+\)$/\1/p' | tail -n 1)
if [[ $qrc -eq 124 || $qrc -eq 137 ]]; then
	echo "vm.sh: FAIL: VM timed out after ${timeout}s" >&2
	exit 124
elif [[ -z $rc ]]; then
	echo "vm.sh: FAIL: guest did not report a result (panic, WARN or crash; QEMU rc $qrc)" >&2
	exit 125
elif [[ $qrc -ne 0 ]]; then
	echo "vm.sh: FAIL: QEMU exited with $qrc" >&2
	exit 125
fi
case $rc in
0) ;;
97) echo "vm.sh: FAIL: the kernel reported a problem (dmesg tail above)" >&2 ;;
98) echo "vm.sh: FAIL: kmemleak found leaks" >&2 ;;
*) echo "vm.sh: guest command failed with rc $rc" >&2 ;;
esac
exit "$rc"
