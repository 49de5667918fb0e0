#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Three hosts on the learning switch reach each other, and once the switch
# has seen each host send, it forwards unicast frames out of one port only:
# its flood counter stands still while its out counter grows, and its MAC
# table holds the three hosts.
#
#   h1 10.1.0.1 --- s1 ---+
#   h2 10.1.0.2 --- s2 ---+ sw (switch, ports 0..2)
#   h3 10.1.0.3 --- s3 ---+

. "$(dirname "$0")/lib.sh"

require_iovisor
has_jq || require_cmd jq

for i in 1 2 3; do
	ns_add "$NS_PREFIX-h$i"
	veth_pair "h${i}e" "$NS_PREFIX-h$i" "s$i" main
	addr_add "$NS_PREFIX-h$i" "h${i}e" "10.1.0.$i/24"
done
# Pinned neighbours: after learning, no ARP broadcast blurs the counters.
for i in 1 2 3; do
	for j in 1 2 3; do
		[ $i = $j ] && continue
		neigh_pin "$NS_PREFIX-h$i" "h${i}e" "10.1.0.$j" "$(mac_of "$NS_PREFIX-h$j" "h${j}e")"
	done
done

module_add sw switch ports 3
for i in 1 2 3; do
	run ivctl link add "sw:$((i - 1))" dev "s$i"
done

# Learning: every host sends once.
for i in 1 2 3; do
	j=$((i % 3 + 1))
	ping_ok "$NS_PREFIX-h$i" "10.1.0.$j" || { show_state; fail "h$i cannot ping h$j"; }
done
flood_learned=$(module_stat sw flood) || exit
out_learned=$(module_stat sw out) || exit

log "+ ivctl -j map show sw macs"
macs=$(ivctl -j map show sw macs) || fail "ivctl map show sw macs"
log "$macs"
n=$(echo "$macs" | jq length)
[ "$n" -eq 3 ] || fail "the MAC table holds $n entries, not the 3 hosts"
for i in 1 2 3; do
	mac=$(mac_of "$NS_PREFIX-h$i" "h${i}e")
	port=$(echo "$macs" | jq -r --arg m "$mac" '.[] | select(.key == $m) | .value.port')
	[ "$port" = $((i - 1)) ] || fail "h$i ($mac) learned at port '$port', not $((i - 1))"
done

# Every pair, both ways: all unicast now.
for i in 1 2 3; do
	for j in 1 2 3; do
		[ $i = $j ] && continue
		ping_ok "$NS_PREFIX-h$i" "10.1.0.$j" || { show_state; fail "h$i cannot ping h$j"; }
	done
done
flood=$(module_stat sw flood) || exit
out=$(module_stat sw out) || exit
log "sw: flood $flood_learned -> $flood, out $out_learned -> $out"
[ "$flood" -eq "$flood_learned" ] || { show_state; fail "the switch flooded $((flood - flood_learned)) frames after learning"; }
[ $((out - out_learned)) -ge $((6 * 2 * PING_COUNT)) ] ||
	{ show_state; fail "only $((out - out_learned)) frames forwarded for $((6 * PING_COUNT)) pings and their replies"; }

pass
