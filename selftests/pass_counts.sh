#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A pass module linked to an interface hands every packet the interface
# receives to the normal stack, and counts it: pings through it are answered,
# and the module's counters show every packet as a pass, none as a drop.
#
#   netns A: vethA0 10.0.0.1  <--veth-->  vethA1 10.0.0.2 (main netns)
#                                           |  rx
#                                           p:0 (pass) -> stack -> reply

. "$(dirname "$0")/lib.sh"

require_iovisor
host_a_setup
ping_ok "$NS_A" "$ADDR_MAIN" || fail "A cannot ping the main netns even without iovisor"

module_add p pass
run ivctl link add p:0 dev vethA1

ping_ok "$NS_A" "$ADDR_MAIN" || { show_state; fail "pings through the pass module go unanswered"; }

packets=$(module_stat p packets) || exit
passed=$(module_stat p pass) || exit
dropped=$(module_stat p drop) || exit
log "p: packets $packets pass $passed drop $dropped"
[ "$passed" -ge "$PING_COUNT" ] || { show_state; fail "pass $passed < $PING_COUNT pings sent"; }
[ "$packets" -eq "$passed" ] || { show_state; fail "packets $packets != pass $passed: some packet got another verdict"; }
[ "$dropped" -eq 0 ] || { show_state; fail "the pass module counted $dropped drops"; }

pass
