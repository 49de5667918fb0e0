#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every iovisor selftest and report in TAP 13. Runs as root inside the
# VM (scripts/vm.sh selftests/run_tests.sh), after `make -C selftests` built
# the C tests on the host. Needs IOVISOR_KO, the absolute path of the
# iovisor.ko to test.
#
# Each test starts from a fresh state: iovisor.ko freshly inserted (or not
# loaded at all, for a test whose file says "# iovisor.ko: unloaded"), and
# must leave the guest as it found it. After each test the runner checks
# that: no network namespace or interface left behind, no WARN, BUG or leak
# report in the kernel log, and iovisor.ko unloads. A test that breaks one
# of these fails, whatever it returned itself.
#
# Exit: 0 when every test passed or skipped, 1 otherwise. Skips (kselftest
# exit 4) are reserved for a tool genuinely missing on the machine.
#
#   run_tests.sh [TEST...]    only the tests named (e.g. pass_counts.sh nl_api)

set -u
cd "$(dirname "$0")" || exit 1
SELFTESTS_DIR=$PWD

KSFT_PASS=0
KSFT_SKIP=4
OUTPUT=${OUTPUT:-build}
LIST=$OUTPUT/kselftest-list.txt
TIMEOUT=$(sed -n 's/^timeout=//p' settings 2>/dev/null)
TIMEOUT=${TIMEOUT:-120}
# A slower kernel (the debug lane) gives its tests longer.
TIMEOUT=${IOVISOR_TEST_TIMEOUT:-$TIMEOUT}
LOG=$(mktemp /tmp/iovisor-selftest.XXXXXX)
trap 'rm -f "$LOG"' EXIT

# Kernel log lines that fail the test that was running when they appeared.
KERNEL_TROUBLE='WARNING:|BUG:|Oops|general protection|refcount_t:|UBSAN:|KASAN:|unreferenced object|possible circular locking|suspicious RCU usage|inconsistent lock state|Call Trace:'

comment() { sed 's/^/# /'; }

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "Bail out! run_tests.sh must run as root, inside the VM"
	exit 1
fi
if [ ! -f "$LIST" ]; then
	echo "Bail out! $SELFTESTS_DIR/$LIST is missing: run make -C selftests on the host"
	exit 1
fi
mapfile -t TESTS < "$LIST"
if [ $# -gt 0 ]; then
	all=" $(xargs -n1 basename <"$LIST" | xargs) "
	for name in "$@"; do
		case $all in *" $name "*) ;; *)
			echo "Bail out! no test named '$name' (the names:$all)"
			exit 1 ;;
		esac
	done
	wanted=" $* "
	for i in "${!TESTS[@]}"; do
		case $wanted in *" $(basename "${TESTS[$i]}") "*) ;; *) unset "TESTS[$i]" ;; esac
	done
	TESTS=("${TESTS[@]}")
fi
echo "1..${#TESTS[@]}"

iovisor_loaded() { grep -q '^iovisor ' /proc/modules; }

iovisor_unload() {
	iovisor_loaded || return 0
	rmmod iovisor
}

iovisor_load() {
	if [ -z "${IOVISOR_KO:-}" ] || [ ! -f "$IOVISOR_KO" ]; then
		echo "IOVISOR_KO='${IOVISOR_KO:-}' is not a file: build kmod/ first"
		return 1
	fi
	insmod "$IOVISOR_KO"
}

wants_unloaded() { grep -q '^# iovisor.ko: unloaded' "$1" 2>/dev/null; }

netns_names() { ip netns list 2>/dev/null | awk '{print $1}' | sort; }
link_names() { ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort; }

# leftovers BEFORE NOW: names in NOW not in BEFORE. (No process
# substitution: the guest has no /dev/fd.)
leftovers() {
	local before x
	before=" $(echo "$1" | tr '\n' ' ') "
	for x in $2; do
		case $before in *" $x "*) ;; *) echo "$x" ;; esac
	done
}

# After a test, wait a little for what it deleted to go (a netns goes
# asynchronously), then remove and report whatever it left behind.
check_left_behind() {
	local ns0=$1 links0=$2 ns links i
	for i in $(seq 20); do
		ns=$(leftovers "$ns0" "$(netns_names)")
		links=$(leftovers "$links0" "$(link_names)")
		[ -z "$ns$links" ] && return 0
		sleep 0.1
	done
	[ -n "$ns" ] && echo "left network namespaces behind: $(echo "$ns" | tr '\n' ' ')"
	[ -n "$links" ] && echo "left interfaces behind: $(echo "$links" | tr '\n' ' ')"
	for i in $links; do ip link del "$i" 2>/dev/null; done
	for i in $ns; do ip netns del "$i" 2>/dev/null; done
	return 1
}

# run_one N TEST: run one test, print its result line, return 0 if it passed.
run_one() {
	local n=$1 t=$2 name rc problems="" reason path
	local ns0 links0 dmesg0 trouble tpid shown=0 start=$SECONDS

	name=$(basename "$t")
	case $t in /*) path=$t ;; *) path=./$t ;; esac
	ns0=$(netns_names)
	links0=$(link_names)
	dmesg0=$(dmesg | wc -l)
	: > "$LOG"

	# A fresh state: unload whatever the previous test used, then load
	# the module again unless this test wants it absent.
	if ! iovisor_unload >>"$LOG" 2>&1; then
		problems="could not unload iovisor.ko before the test"
	elif ! wants_unloaded "$t" && ! iovisor_load >>"$LOG" 2>&1; then
		problems="could not load iovisor.ko"
	fi

	if [ -z "$problems" ]; then
		echo "# running $name" >>"$LOG"
		IOVISOR_KO=${IOVISOR_KO:-} timeout -k 10 "$TIMEOUT" "$path" >>"$LOG" 2>&1 &
		tpid=$!
		# Show the output as it comes, so that a long run (the debug
		# lane's fuzzer) shows its progress; tail ends after the test.
		tail -n +1 --pid="$tpid" -f "$LOG" | comment
		wait "$tpid"
		rc=$?
		shown=$(wc -l <"$LOG")
		[ $rc -eq 124 ] && problems="timed out after ${TIMEOUT}s"
		check_left_behind "$ns0" "$links0" >>"$LOG" 2>&1 ||
			problems="$problems${problems:+; }left state behind"
		iovisor_unload >>"$LOG" 2>&1 ||
			problems="$problems${problems:+; }iovisor.ko would not unload after the test"
	else
		rc=1
	fi

	trouble=$(dmesg | tail -n +"$((dmesg0 + 1))" | grep -E "$KERNEL_TROUBLE")
	[ -n "$trouble" ] && problems="$problems${problems:+; }kernel log reports trouble"

	echo "# $name took $((SECONDS - start)) s" >>"$LOG"
	tail -n +"$((shown + 1))" "$LOG" | comment
	if [ -n "$problems" ] || { [ $rc -ne $KSFT_PASS ] && [ $rc -ne $KSFT_SKIP ]; }; then
		[ -n "$problems" ] && echo "# $name: $problems"
		[ $rc -ne $KSFT_PASS ] && echo "# $name: exit code $rc"
		echo "# kernel log during $name:"
		dmesg | tail -n +"$((dmesg0 + 1))" | tail -n 60 | comment
		echo "not ok $n $name"
		return 1
	fi
	if [ $rc -eq $KSFT_SKIP ]; then
		reason=$(grep -m1 -o 'SKIP: .*' "$LOG" | sed 's/^SKIP: //')
		echo "ok $n $name # SKIP ${reason:-no reason given}"
		return 0
	fi
	echo "ok $n $name"
}

failed=0
n=0
for t in "${TESTS[@]}"; do
	n=$((n + 1))
	run_one "$n" "$t" || failed=$((failed + 1))
done

[ $failed -eq 0 ]
