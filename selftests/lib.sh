# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the iovisor shell selftests. A test starts with
#
#	. "$(dirname "$0")/lib.sh"
#
# and runs as root inside the VM, in the guest's main network namespace,
# which it must leave as it found it: whatever it makes through these helpers
# (namespaces, interfaces, IO modules, background jobs) is removed by the
# EXIT trap, however the test ends. Exit codes are kselftest's.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

SELFTESTS_DIR=$(cd "$(dirname "$0")" && pwd)
TOP_DIR=$(cd "$SELFTESTS_DIR/.." && pwd)
IOMODULES=${IOMODULES:-$TOP_DIR/iomodules}
TEST_NAME=$(basename "$0" .sh)

# Names made here carry this prefix, so that run_tests.sh can tell a leak
# of ours from anything else.
NS_PREFIX=iovt

# ---- results ----------------------------------------------------------------

# fail and skip write to stderr, so that a helper whose output a test
# captures, as in v=$(module_stat m drop) || exit, still shows why it failed.
log()  { echo "$*"; }
pass() { log "PASS: $TEST_NAME"; exit "$KSFT_PASS"; }
fail() { echo "FAIL: $TEST_NAME: $*" >&2; exit "$KSFT_FAIL"; }
# Skip only for a feature this machine genuinely lacks (a tool not
# installed), never for something iovisor should have done.
skip() { echo "SKIP: $TEST_NAME: missing feature: $*" >&2; exit "$KSFT_SKIP"; }

# Run a command that must succeed, showing it; fail the test if it does not.
run() {
	log "+ $*"
	"$@" || fail "command failed (exit $?): $*"
}

# Run a command that must fail, showing it and what it printed, which it
# leaves in $out.
run_fails() {
	log "+ ! $*"
	if out=$("$@" 2>&1); then
		log "$out"
		fail "command succeeded but should have failed: $*"
	fi
	log "$out"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

# IOVISOR_KO must name the module, for tests that insert it themselves.
require_ko() {
	[ -n "${IOVISOR_KO:-}" ] && [ -f "$IOVISOR_KO" ] && return 0
	fail "IOVISOR_KO='${IOVISOR_KO:-}' is not iovisor.ko"
}

# iovisor.ko must be loaded: run_tests.sh loads it before each test that
# wants it. Missing means the harness or the module is broken, not a skip.
require_iovisor() {
	[ -d /sys/module/iovisor ] || fail "iovisor.ko is not loaded"
	command -v ivctl >/dev/null 2>&1 || fail "ivctl is not in PATH"
}

# ---- cleanup ----------------------------------------------------------------

CLEANUP=""
BG_PIDS=""

# defer CMD...: run CMD at exit, newest first. Its output is discarded and
# its failure ignored: it undoes what may already be gone.
defer() {
	CLEANUP="$*
$CLEANUP"
}

cleanup() {
	local rc=$? pid cmd
	set +e
	for pid in $BG_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $BG_PIDS; do
		wait "$pid" 2>/dev/null
	done
	while IFS= read -r cmd; do
		[ -n "$cmd" ] && eval "$cmd" >/dev/null 2>&1
	done <<EOF
$CLEANUP
EOF
	exit "$rc"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# bg_stop PID: stop a background job started here, now rather than at exit.
bg_stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	BG_PIDS=${BG_PIDS/ $1/}
}

# eventually SECS CMD...: CMD succeeds within SECS seconds (tried every
# 0.1 s). For what a background job or the kernel does in its own time:
# under emulation a fixed sleep is never long enough.
eventually() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# not CMD...: CMD fails. For eventually: eventually 5 not prog_exists ID.
not() {
	! "$@"
}

# ---- namespaces and interfaces ----------------------------------------------

# in_ns NS CMD...: run CMD in netns NS, or in the main one if NS is "main".
in_ns() {
	local ns=$1
	shift
	if [ "$ns" = main ]; then
		"$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# ns_add NAME: a fresh named netns with lo up, deleted at exit.
ns_add() {
	ip netns add "$1" || fail "ip netns add $1"
	defer ip netns del "$1"
	ip -n "$1" link set lo up || fail "lo up in $1"
}

# veth_pair IF1 NS1 IF2 NS2: a veth pair with each end in the netns named
# ("main" for the main one), both up. IPv6 is off on both ends so that the
# only frames crossing are the test's own (no DAD, MLD or router
# solicitations to blur the counters).
veth_pair() {
	ip link add name "$1" type veth peer name "$3" ||
		fail "ip link add name $1 type veth peer name $3"
	# Deleting either end deletes both; delete it where it ends up.
	if [ "$2" = main ]; then
		defer ip link del "$1"
	else
		defer ip -n "$2" link del "$1"
	fi
	veth_end_up "$1" "$2"
	veth_end_up "$3" "$4"
}

veth_end_up() {
	[ "$2" = main ] || ip link set "$1" netns "$2" || fail "move $1 to $2"
	in_ns "$2" sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" 2>/dev/null
	in_ns "$2" ip link set "$1" up || fail "$1 up in $2"
}

# addr_add NS IF ADDR/LEN
addr_add() {
	in_ns "$1" ip addr add "$3" dev "$2" || fail "ip addr add $3 dev $2 in $1"
}

mac_of() {
	in_ns "$1" cat "/sys/class/net/$2/address"
}

# neigh_pin NS IF ADDR MAC: a permanent neighbour entry, so that every ping
# is one echo request frame, none held back waiting for ARP.
neigh_pin() {
	in_ns "$1" ip neigh replace "$3" lladdr "$4" dev "$2" nud permanent ||
		fail "pin $3 -> $4 on $2 in $1"
}

# The standard topology of the datapath tests: a host, netns $NS_A, whose
# vethA0 (10.0.0.1/24) is wired to vethA1 (10.0.0.2/24), which stays in the
# main netns. Packets A sends arrive on vethA1's receive path, where an
# iovisor link takes them; without one, the main netns answers A's pings.
NS_A=$NS_PREFIX-A
ADDR_A=10.0.0.1
ADDR_MAIN=10.0.0.2

host_a_setup() {
	ns_add "$NS_A"
	veth_pair vethA0 "$NS_A" vethA1 main
	addr_add "$NS_A" vethA0 "$ADDR_A/24"
	addr_add main vethA1 "$ADDR_MAIN/24"
	neigh_pin "$NS_A" vethA0 "$ADDR_MAIN" "$(mac_of main vethA1)"
}

# ---- traffic ----------------------------------------------------------------

PING_COUNT=3

# ping_ok NS DST: every one of $PING_COUNT pings is answered.
ping_ok() {
	local out
	out=$(in_ns "$1" ping -n -q -c "$PING_COUNT" -i 0.2 -W 1 "$2" 2>&1)
	log "$out" | grep -E 'transmitted|unreachable'
	echo "$out" | grep -q " $PING_COUNT received"
}

# ping_lost NS DST: none of $PING_COUNT pings is answered.
ping_lost() {
	local out
	out=$(in_ns "$1" ping -n -q -c "$PING_COUNT" -i 0.2 -W 1 "$2" 2>&1)
	log "$out" | grep -E 'transmitted|unreachable'
	echo "$out" | grep -q " 0 received"
}

# ping_flood NS DST: pings as fast as they come back (at least 100 a
# second) until killed or for 60 s, in the background, killed at exit. $! is
# ping's own pid (ip netns exec execs it), so killing it stops the flood.
ping_flood() {
	if [ "$1" = main ]; then
		ping -n -q -f -w 60 "$2" >/dev/null 2>&1 &
	else
		ip netns exec "$1" ping -n -q -f -w 60 "$2" >/dev/null 2>&1 &
	fi
	BG_PIDS="$BG_PIDS $!"
}

# ---- ivctl ------------------------------------------------------------------

# module_add [NS] NAME OBJ [ARGS...]: an IO module from iomodules/OBJ.bpf.o,
# deleted at exit.
module_add() {
	local ns=main
	case $1 in "$NS_PREFIX"-*) ns=$1; shift ;; esac
	local name=$1 obj="$IOMODULES/$2.bpf.o"
	[ -f "$obj" ] || fail "$obj is missing: run make -C iomodules"
	shift 2
	if [ "$ns" = main ]; then
		run ivctl module add "$name" obj "$obj" "$@"
	else
		run ip netns exec "$ns" ivctl module add "$name" obj "$obj" "$@"
	fi
	defer in_ns "$ns" ivctl module del "$name"
}

has_jq() { command -v jq >/dev/null 2>&1; }

# module_field [NS] NAME FIELD: one field of a module as `ivctl -j -s
# module show` gives it: a jq path below the module's object, like .prog_id
# or .stats.drop (the module's totals). Without jq, grep finds the first
# such key, which is the module's own, before any port's.
module_field() {
	local ns=main json v
	case $1 in "$NS_PREFIX"-*) ns=$1; shift ;; esac
	json=$(in_ns "$ns" ivctl -j -s module show "$1") ||
		fail "ivctl -j -s module show $1: failed"
	if has_jq; then
		v=$(echo "$json" | jq -r --arg n "$1" ".[] | select(.name == \$n) | $2 | numbers")
	else
		v=$(echo "$json" | tr -d '\n' | grep -o "\"${2##*.}\" *: *[0-9]*" |
			head -n 1 | grep -o '[0-9]*$')
	fi
	[ -n "$v" ] || fail "no $2 for module $1 in: $json"
	echo "$v"
}

# module_stat [NS] NAME COUNTER: a module's total for COUNTER (packets,
# bytes, pass, drop ...). Use as v=$(module_stat ...) || exit.
module_stat() {
	local counter=${*: -1}
	module_field "${@:1:$#-1}" ".stats.$counter"
}

# counts_past [NS] NAME N: the module has counted more than N packets.
# With eventually, for traffic that takes its time to start.
counts_past() {
	local n
	n=$(module_stat "${@:1:$#-1}" packets) || return 1
	[ "$n" -gt "${*: -1}" ]
}

# module_prog_id [NS] NAME: the id of the BPF program the module runs.
# Use as id=$(module_prog_id ...) || exit.
module_prog_id() {
	module_field "$@" .prog_id
}

# prog_exists ID: bpftool lists the program.
prog_exists() {
	bpftool prog show id "$1" >/dev/null 2>&1
}

# prog_gone ID [SECONDS]: within SECONDS (5), bpftool no longer lists the
# program (it is freed after an RCU grace period, not at once).
prog_gone() {
	eventually "${2:-5}" not prog_exists "$1"
}

# link_shown [NS] PATTERN: `ivctl link show` has a line matching PATTERN.
link_shown() {
	local ns=main
	case $1 in "$NS_PREFIX"-*) ns=$1; shift ;; esac
	in_ns "$ns" ivctl link show | grep -q -- "$1"
}

# show_state: what iovisor holds now, for the log of a failing test.
show_state() {
	log "--- ivctl -s module show"
	ivctl -s module show 2>&1
	log "--- ivctl -s link show"
	ivctl -s link show 2>&1
}
