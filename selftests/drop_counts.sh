#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A drop module linked to an interface drops every packet the interface
# receives before the stack sees it, and counts it: pings that the main
# netns answers without the module go unanswered with it, the module counts
# at least one drop per ping, and unlinking it gives the interface back.
#
#   netns A: vethA0 10.0.0.1  <--veth-->  vethA1 10.0.0.2 (main netns)
#                                           |  rx
#                                           d:0 (drop)

. "$(dirname "$0")/lib.sh"

require_iovisor
host_a_setup
ping_ok "$NS_A" "$ADDR_MAIN" || fail "A cannot ping the main netns even without iovisor"

module_add d drop
run ivctl link add d:0 dev vethA1

ping_lost "$NS_A" "$ADDR_MAIN" || { show_state; fail "pings got through the drop module"; }

packets=$(module_stat d packets) || exit
dropped=$(module_stat d drop) || exit
passed=$(module_stat d pass) || exit
log "d: packets $packets drop $dropped pass $passed"
[ "$dropped" -ge "$PING_COUNT" ] || { show_state; fail "drop $dropped < $PING_COUNT pings sent"; }
[ "$packets" -eq "$dropped" ] || { show_state; fail "packets $packets != drop $dropped: some packet got another verdict"; }
[ "$passed" -eq 0 ] || { show_state; fail "the drop module counted $passed passes"; }

run ivctl link del d:0
ping_ok "$NS_A" "$ADDR_MAIN" || fail "pings still go unanswered after the drop module was unlinked"

pass
