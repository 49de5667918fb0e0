#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive-path cost of iovisor against the tc alternative, in one VM run
# (`make bench` runs it in the guest). pktgen injects packets straight into
# a dummy device's receive path (xmit_mode netif_receive), where both the tc
# ingress hook and iovisor's rx handler run; each configuration gets the same
# packets, and the figure is packets per second as pktgen measured it.
#
# Absolute numbers under software emulation mean little; the ratios between
# configurations measured side by side are the result.
#
#   bench.sh [COUNT [ROUNDS]]     defaults 200000 packets, 3 rounds
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-200000}
ROUNDS=${2:-3}
DEV=iovbench0
IOM=$PWD/iomodules
PG=/proc/net/pktgen

cleanup() {
	set +e
	[ -w $PG/pgctrl ] && echo reset >$PG/pgctrl
	ip link del $DEV 2>/dev/null
	rmmod iovisor 2>/dev/null
}
trap cleanup EXIT

modprobe pktgen
modprobe dummy
grep -q '^iovisor ' /proc/modules || insmod "${IOVISOR_KO:-kmod/iovisor.ko}"
ip link add name $DEV type dummy
ip link set $DEV up
mac=$(cat /sys/class/net/$DEV/address)

pg() { echo "$2" >"$PG/$1"; }

# One pktgen run into $DEV; prints packets per second.
run_pktgen() {
	pg pgctrl reset
	pg kpktgend_0 "add_device $DEV"
	pg $DEV "count $COUNT"
	pg $DEV "pkt_size 64"
	pg $DEV "dst 192.0.2.1"
	pg $DEV "dst_mac $mac"
	pg $DEV "xmit_mode netif_receive"
	pg $DEV "burst 1"
	pg pgctrl start
	sed -n 's/.* \([0-9]*\)pps.*/\1/p' "$PG/$DEV"
}

tc_on()  { tc qdisc add dev $DEV clsact; tc filter add dev $DEV ingress bpf da obj "$IOM/$1.bpf.o" sec iov; }
tc_off() { tc qdisc del dev $DEV clsact; }
iov_on() { ivctl module add b obj "$IOM/$1.bpf.o"; ivctl link add b:0 dev $DEV; }
iov_off() { ivctl module del b; }
chain_on() {
	ivctl module add c obj "$IOM/patch.bpf.o" ports 2
	ivctl module add d obj "$IOM/drop.bpf.o"
	ivctl link add c:0 dev $DEV
	ivctl link add c:1 d:0
}
chain_off() { ivctl module del c; ivctl module del d; }
nothing() { :; }

# best_of SETUP TEARDOWN: the best pps of $ROUNDS runs.
best_of() {
	local best=0 pps i
	$1
	for ((i = 0; i < ROUNDS; i++)); do
		pps=$(run_pktgen)
		[ "${pps:-0}" -gt "$best" ] && best=$pps
	done
	$2
	echo "$best"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

echo "iovisor bench: $COUNT packets x $ROUNDS rounds per configuration, best round"
base=$(best_of nothing nothing)
tc_pass=$(best_of "tc_on pass" tc_off)
iov_pass=$(best_of "iov_on pass" iov_off)
tc_drop=$(best_of "tc_on drop" tc_off)
iov_drop=$(best_of "iov_on drop" iov_off)
chain=$(best_of chain_on chain_off)

printf '%-40s %10s %8s\n' configuration pps "vs tc"
printf '%-40s %10s %8s\n' "no program (stack drops: no route)" "$base" -
printf '%-40s %10s %8s\n' "tc clsact + cls_bpf pass" "$tc_pass" 1.00
printf '%-40s %10s %8s\n' "iovisor pass module" "$iov_pass" "$(ratio "$iov_pass" "$tc_pass")"
printf '%-40s %10s %8s\n' "tc clsact + cls_bpf drop" "$tc_drop" 1.00
printf '%-40s %10s %8s\n' "iovisor drop module" "$iov_drop" "$(ratio "$iov_drop" "$tc_drop")"
printf '%-40s %10s %8s\n' "iovisor patch -> drop (two hops)" "$chain" "$(ratio "$chain" "$tc_drop")"
echo
echo "Note: pktgen's netif_receive mode hands the stack a shared skb; an rx handler"
echo "(iovisor's, like the bridge's) must skb_share_check it, which clones every"
echo "packet here. tc ingress runs before rx handlers and does not. Real drivers"
echo "hand over unshared skbs, so these ratios are a lower bound for iovisor."
