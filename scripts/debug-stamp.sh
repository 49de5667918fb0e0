#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/debug-stamp.sh hash|check|record [RESULT]
#
# The debug lane (make check-debug: KASAN, lockdep, kmemleak...) takes too
# long for CI to run it from a cold cache on every change, so it is a rule
# instead: a change to the kernel side (kmod/, uapi/, Kbuild) lands only
# after make check-debug has passed on it. make check-debug records what it
# passed on in selftests/debug-lane.pass, committed with the change; the
# normal lane (make check, CI) checks that the record matches the sources.
#
#   hash           the hash of the kernel-side sources, as recorded
#   check          exit 0 if the record matches them; say what to do if not
#   record RESULT  write the record (make check-debug does, on success)
set -euo pipefail

work=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$work"
stamp=selftests/debug-lane.pass

# Names and contents of every kernel-side source, in a stable order.
hash() {
	find kmod uapi Kbuild -type f \( -name '*.[ch]' -o -name Kbuild \) ! -name '*.mod.c' -print0 |
		LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

case ${1:-} in
hash)
	hash
	;;
check)
	want=$(hash)
	have=$(sed -n 's/^sources //p' "$stamp" 2>/dev/null || true)
	if [[ $have != "$want" ]]; then
		echo "the kernel-side sources (kmod/, uapi/, Kbuild: $want) have not passed" \
			"make check-debug (${stamp} records ${have:-nothing}); run it and commit $stamp"
		exit 1
	fi
	echo "make check-debug passed on these kernel-side sources ($want)"
	;;
record)
	# The hash of what was built, taken before the build (debug-kernel.sh).
	built=${IOVISOR_DEBUG_LANE:-$(hash)}
	if [[ $built != "$(hash)" ]]; then
		echo "the kernel-side sources changed during the run: nothing recorded" >&2
		exit 1
	fi
	{
		echo "# make check-debug passed on the kernel-side sources hashed below"
		echo "# (scripts/debug-stamp.sh). make check fails until a change to kmod/,"
		echo "# uapi/ or Kbuild has passed make check-debug again and this file is"
		echo "# committed with it."
		echo "sources $(hash)"
		echo "kernel ${KVER:-?}"
		echo "date $(date -u +%F)"
		echo "result ${2:-?}"
	} >"$stamp.tmp"
	mv "$stamp.tmp" "$stamp"
	echo "recorded in $stamp: sources $(hash)"
	;;
*)
	echo "usage: $0 hash|check|record [RESULT]" >&2
	exit 2
	;;
esac
