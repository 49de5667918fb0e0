#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changes are hitless: while pktgen injects a steady stream of packets into
# a graph, 1000 hot swaps of its entry module and 100 transactions that
# rewire its exit lose none of them. Every packet injected is counted by
# the entry module under one verdict, none under an error: its program is
# always the old one or the new one, and the link out of it, taken down and
# put up again in every transaction, is never missing (err_port 0).
# Downstream, the sinks count every packet the entry forwarded. A
# transaction refused under that traffic leaves the graph exactly as it was.
#
#   pktgen -> iovp0 (dummy, netif_receive)
#               |
#              e:0  e (OUT(1) or PASS, swapped)  e:1 -> sinkA:0 or sinkB:0 (drop)
#
# The swaps and transactions come from build/hitless_churn, one netlink
# socket, as fast as the kernel takes them (an ivctl process per change
# would take the whole budget under TCG), spread over CHURN_SECONDS so that
# every change meets traffic; ivctl builds the graph and reads the counters.
# Set SWAPS, BATCHES, CHURN_SECONDS or PKTGEN_DELAY_NS to run it differently.

. "$(dirname "$0")/lib.sh"

SWAPS=${SWAPS:-1000}
BATCHES=${BATCHES:-100}
CHURN_SECONDS=${CHURN_SECONDS:-10}		# spread over this long
PKTGEN_DELAY_NS=${PKTGEN_DELAY_NS:-50000}	# 20 000 packets/s at most
CHURN=$SELFTESTS_DIR/${OUTPUT:-build}/hitless_churn
PG=/proc/net/pktgen

require_iovisor
[ -x "$CHURN" ] || fail "$CHURN is missing: run make -C selftests"
modprobe pktgen 2>/dev/null
[ -w $PG/pgctrl ] || skip "pktgen (CONFIG_NET_PKTGEN)"
modprobe dummy 2>/dev/null

pg() { echo "$2" > "$PG/$1" || fail "pktgen: $1: $2"; }

ip link add name iovp0 type dummy || fail "ip link add iovp0 type dummy"
defer ip link del iovp0
sysctl -qw net.ipv6.conf.iovp0.disable_ipv6=1
ip link set iovp0 up || fail "iovp0 up"

topo=$(mktemp) && defer rm -f "$topo"
cat > "$topo" <<EOT
modules:
  e:     { obj: $IOMODULES/patch.bpf.o, ports: 2 }
  sinkA: { obj: $IOMODULES/drop.bpf.o }
  sinkB: { obj: $IOMODULES/drop.bpf.o }
links:
  - e:0 dev iovp0
  - e:1 sinkA:0
EOT
run ivctl apply "$topo"
for m in e sinkA sinkB scratch; do defer ivctl module del "$m"; done

# One pktgen device on one thread, endless until stopped.
pg kpktgend_0 rem_device_all
pg kpktgend_0 "add_device iovp0"
defer "echo rem_device_all > $PG/kpktgend_0"
defer "echo stop > $PG/pgctrl"
pg iovp0 "xmit_mode netif_receive"
pg iovp0 "count 0"
pg iovp0 "pkt_size 60"
pg iovp0 "delay $PKTGEN_DELAY_NS"
pg iovp0 "dst_mac 02:00:00:00:00:02"
pg iovp0 "dst 10.9.9.9"
echo start > $PG/pgctrl &
BG_PIDS="$BG_PIDS $!"
pktgen_pid=$!

# Wait for traffic to flow through e before changing anything.
for i in $(seq 20); do
	[ "$(module_stat e packets)" -gt 0 ] && break
	sleep 0.2
done
[ "$(module_stat e packets)" -gt 0 ] || { show_state; fail "no pktgen traffic reaches e"; }

log "+ $CHURN $SWAPS $BATCHES $CHURN_SECONDS"
churn=$("$CHURN" "$SWAPS" "$BATCHES" "$CHURN_SECONDS") || { show_state; fail "the churn was refused: $churn"; }
log "$churn"

# A refused transaction, under the same traffic, changes nothing.
graph_view() {
	ivctl -j module show && ivctl -j link show && ivctl -j graph show
}
before=$(graph_view) || fail "ivctl show failed"
bad=$(mktemp) && defer rm -f "$bad"
cat > "$bad" <<EOT
link del e:1
link add e:1 sinkB:0
link add e:7 sinkA:0
EOT
run_fails ivctl batch "$bad"
echo "$out" | grep -q "$bad:3:" || fail "the refusal does not name line 3: $out"
after=$(graph_view) || fail "ivctl show failed"
[ "$before" = "$after" ] || { log "before: $before"; log "after: $after"; fail "the refused batch changed the graph"; }

# Stop the traffic: netif_receive is synchronous, so every packet pktgen
# counted has been through the graph once it stops.
echo stop > $PG/pgctrl
bg_stop "$pktgen_pid"
injected=$(sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p' $PG/iovp0)
[ -n "$injected" ] || fail "no pkts-sofar in $PG/iovp0"

# Every counter from one read: each ivctl run is slow under emulation.
counters=$(ivctl -j -s module show) || fail "ivctl -j -s module show failed"
stat() {
	local v
	if has_jq; then
		v=$(echo "$counters" | jq -r --arg n "$1" ".[] | select(.name == \$n) | .stats.$2")
	else
		v=$(module_stat "$1" "$2") || exit
	fi
	[ -n "$v" ] && [ "$v" != null ] || fail "no counter $2 for module $1"
	echo "$v"
}
packets=$(stat e packets) || exit
declare -A e
verdicts=0
for c in pass drop out flood err_verdict; do
	e[$c]=$(stat e $c) || exit
	verdicts=$((verdicts + e[$c]))
done
errors=""
for c in err_port err_hops err_nomem err_tx err_pass; do
	n=$(stat e $c) || exit
	[ "$n" -eq 0 ] || errors="$errors $c=$n"
done
sunk=$(( $(stat sinkA packets) + $(stat sinkB packets) )) || exit
dropped=$(( $(stat sinkA drop) + $(stat sinkB drop) )) || exit

log "ACCOUNTING: injected $injected; e counted $packets:" \
    "pass ${e[pass]} drop ${e[drop]} out ${e[out]} flood ${e[flood]}" \
    "err_verdict ${e[err_verdict]}; errors none${errors}; sinks counted $sunk, dropped $dropped"
[ "$packets" -eq "$injected" ] || { show_state; fail "injected $injected but e counted $packets"; }
[ "$verdicts" -eq "$packets" ] || { show_state; fail "e's verdicts add up to $verdicts, not $packets"; }
[ -z "$errors" ] || { show_state; fail "packets lost to the changes:$errors"; }
[ "${e[pass]}" -gt 0 ] && [ "${e[out]}" -gt 0 ] || { show_state; fail "both programs should have run"; }
[ "$sunk" -eq "${e[out]}" ] || { show_state; fail "e forwarded ${e[out]} but the sinks counted $sunk"; }
[ "$dropped" -eq "$sunk" ] || { show_state; fail "the sinks counted $sunk but dropped $dropped"; }
pass
