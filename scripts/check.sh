#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: run every selftest in the VM (scripts/vm.sh) and summarise.
#
# Counts the unindented TAP result lines the guest printed ("ok N ..." and
# "not ok N ..."; lines a runner nests under "# " or indents are ignored) and
# ends with exactly "N passed, N failed". A VM that did not report success
# (crash, panic, WARN, dmesg report, timeout) or a run that produced no or
# too few results adds one failure with a "not ok" line saying why, so that a
# broken run can never read as green. Exits non-zero on any failure.
set -euo pipefail

work=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$work"
KVER=${KVER:-$(scripts/kver.sh)}
logdir=${IOVISOR_CACHE:-${HOME:-/tmp}/.cache/iovisor}/$KVER
mkdir -p "$logdir"
# One log per work tree: clones on one machine may run checks concurrently.
log=$logdir/check$(tr / _ <<<"$work").log

set +e
scripts/vm.sh selftests/run_tests.sh 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# The guest console ends lines with CR LF.
tap=$(tr -d '\r' <"$log" | grep -E '^(not )?ok [0-9]+' || true)
passed=$(grep -c '^ok ' <<<"$tap" || true)
failed=$(grep -c '^not ok ' <<<"$tap" || true)
skipped=$(grep -ciE '^ok [0-9]+.*# *skip' <<<"$tap" || true)
plans=$(tr -d '\r' <"$log" | grep -cE '^1\.\.[0-9]+$' || true)
plan=$(tr -d '\r' <"$log" | sed -n 's/^1\.\.\([0-9]\+\)$/\1/p' | tail -n 1)

why=
if [[ $rc -ne 0 ]] && { [[ $rc -ge 97 && $rc -le 98 ]] || [[ $rc -ge 124 ]] || [[ $failed -eq 0 ]]; }; then
	# The VM or the runner failed in a way no test result accounts for.
	why=$(tr -d '\r' <"$log" | grep -E '^(vm\.sh: FAIL|iovisor-init: (kernel|insmod|mount))' | tail -n 1 || true)
	why="VM did not report success (rc $rc)${why:+: $why}"
	# Name the first thing the kernel reported (KASAN, lockdep, leak...).
	splat=$(tr -d '\r' <"$log" | grep -m1 -oE '(BUG|WARNING|UBSAN|general protection)[: ].*|unreferenced object.*' || true)
	why="$why${splat:+; first kernel report: $splat}"
elif [[ $((passed + failed)) -eq 0 ]]; then
	why="no test results"
elif [[ $plans -eq 1 && $plan -ne $((passed + failed)) ]]; then
	why="planned $plan tests, saw $((passed + failed)) results"
fi
if [[ -n $why ]]; then
	failed=$((failed + 1))
	echo "not ok $((passed + failed)) check.sh: $why"
fi

# The debug lane is a rule, not a CI job (scripts/debug-stamp.sh): on the
# debug kernel a pass is recorded; the normal lane checks the record.
if [[ -n ${IOVISOR_DEBUG_LANE:-} ]]; then
	if [[ $failed -eq 0 ]] && ! scripts/debug-stamp.sh record "$passed passed, $failed failed"; then
		failed=$((failed + 1))
		echo "not ok $((passed + failed)) debug lane: the pass was not recorded"
	fi
elif msg=$(scripts/debug-stamp.sh check); then
	passed=$((passed + 1))
	echo "ok $((passed + failed)) debug lane: $msg"
else
	failed=$((failed + 1))
	echo "not ok $((passed + failed)) debug lane: $msg"
fi

echo "log: $log"
[[ $skipped -eq 0 ]] || echo "($skipped of the passed were skipped)"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
