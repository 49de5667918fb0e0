#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two machines, each its own network namespace with its own graph: a switch
# joining a local host to a VXLAN device that tunnels over an underlay veth
# to the other machine. The hosts ping each other across; each machine's
# module is its own (the same name in both namespaces).
#
#   h1 10.50.0.1 -- p1 [m1: sw:0  sw:1 -- vx0] -- u1 10.200.0.1
#                                                   | underlay
#   h2 10.50.0.2 -- p2 [m2: sw:0  sw:1 -- vx0] -- u2 10.200.0.2

. "$(dirname "$0")/lib.sh"

require_iovisor
modprobe vxlan || fail "modprobe vxlan"

M1=$NS_PREFIX-m1 M2=$NS_PREFIX-m2
ns_add "$M1"; ns_add "$M2"
veth_pair u1 "$M1" u2 "$M2"
addr_add "$M1" u1 10.200.0.1/24
addr_add "$M2" u2 10.200.0.2/24

for i in 1 2; do
	m=$NS_PREFIX-m$i h=$NS_PREFIX-h$i
	ns_add "$h"
	veth_pair "h${i}e" "$h" "p$i" "$m"
	addr_add "$h" "h${i}e" "10.50.0.$i/24"
	run ip -n "$m" link add vx0 type vxlan id 42 dstport 4789 \
		local "10.200.0.$i" remote "10.200.0.$((3 - i))" dev "u$i"
	run ip -n "$m" link set vx0 up
	module_add "$m" sw switch ports 2
	run ip netns exec "$m" ivctl link add sw:0 dev "p$i"
	run ip netns exec "$m" ivctl link add sw:1 dev vx0
done

ping_ok "$NS_PREFIX-h1" 10.50.0.2 || { ip netns exec "$M1" ivctl -s module show; fail "h1 cannot ping h2 across the VXLAN"; }
ping_ok "$NS_PREFIX-h2" 10.50.0.1 || fail "h2 cannot ping h1 across the VXLAN"
for m in "$M1" "$M2"; do
	out=$(module_stat "$m" sw out) || exit
	[ "$out" -gt 0 ] || fail "the switch in $m forwarded nothing"
done
# The main namespace's graph knows nothing of theirs.
[ -z "$(ivctl module show)" ] || fail "modules of other namespaces show in the main one"

pass
