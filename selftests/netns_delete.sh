#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each network namespace has a graph of its own, and deleting the namespace
# tears its graph down, traffic and all: the module's program is freed, the
# kernel does not complain, and iovisor.ko unloads afterwards.
#
#   netns A: vethA0 10.0.0.1  <--veth-->  vethN0 10.0.0.2 :netns N
#                                           |  rx
#                                           p:0 (pass), N's graph

. "$(dirname "$0")/lib.sh"

require_iovisor
require_cmd bpftool
NS_N=$NS_PREFIX-N

ns_add "$NS_A"
ns_add "$NS_N"
veth_pair vethA0 "$NS_A" vethN0 "$NS_N"
addr_add "$NS_A" vethA0 "$ADDR_A/24"
addr_add "$NS_N" vethN0 "$ADDR_MAIN/24"
neigh_pin "$NS_A" vethA0 "$ADDR_MAIN" "$(mac_of "$NS_N" vethN0)"

module_add "$NS_N" p pass
run ip netns exec "$NS_N" ivctl link add p:0 dev vethN0
ivctl module show | grep -qw p && fail "N's module p shows in the main netns' graph"
ping_ok "$NS_A" "$ADDR_MAIN" || fail "pings through N's pass module go unanswered"
id=$(module_prog_id "$NS_N" p) || exit
log "p runs BPF program $id"

before=$(module_stat "$NS_N" p packets) || exit
ping_flood "$NS_A" "$ADDR_MAIN"
flood=$!
eventually 10 counts_past "$NS_N" p $((before + 50)) ||
	fail "the flood does not reach the module within 10 s"
packets=$(module_stat "$NS_N" p packets) || exit
log "p: $packets packets before the delete"

run ip netns del "$NS_N"
bg_stop "$flood"

# The namespace is cleaned up by a workqueue, then the program after a grace
# period: give both time under emulation.
prog_gone "$id" 10 || fail "BPF program $id is still loaded 10 s after ip netns del"

run rmmod iovisor

pass
