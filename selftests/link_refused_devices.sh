#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Devices that cannot carry iovisor's rx handler are refused with a clear
# message, and the refusal changes nothing: a VRF and an ipvlan device (both
# flagged IFF_NO_RX_HANDLER), the ipvlan's lower device (it has an rx
# handler already), loopback.

. "$(dirname "$0")/lib.sh"

require_iovisor
module_add p pass

gen_before=$(ivctl -j graph show | jq '.[0].generation')

run ip link add name iovt-vrf type vrf table 100
defer ip link del iovt-vrf
veth_pair iovt-low main iovt-lowp main
run ip link add link iovt-low name iovt-ipvl type ipvlan mode l2
defer ip link del iovt-ipvl

for dev in iovt-vrf iovt-ipvl; do
	run_fails ivctl link add p:0 dev "$dev"
	echo "$out" | grep -q "takes no rx handler" || fail "no clear message for $dev: $out"
done
run_fails ivctl link add p:0 dev iovt-low
echo "$out" | grep -q "rx handler" || fail "no clear message for the ipvlan lower device: $out"
run_fails ivctl link add p:0 dev lo
echo "$out" | grep -qi "loopback" || fail "no clear message for lo: $out"

[ -z "$(ivctl link show)" ] || fail "a refused link shows up: $(ivctl link show)"
gen_after=$(ivctl -j graph show | jq '.[0].generation')
[ "$gen_before" = "$gen_after" ] || fail "the generation moved from $gen_before to $gen_after on refusals"

# The module still links to a device that can take it.
run ivctl link add p:0 dev iovt-lowp
pass
