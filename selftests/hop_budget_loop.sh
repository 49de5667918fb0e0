#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A loop of modules is stopped by the hop budget: a switch whose ports 1 and
# 2 are joined by a patch cable floods a frame for an unknown MAC round and
# round; every copy dies when the budget runs out and is counted as err_hops,
# and the kernel stays well.
#
#   A 10.0.0.1 -- vethA1 -- sw:0   sw:1 -- cable:0   cable:1 -- sw:2

. "$(dirname "$0")/lib.sh"

require_iovisor
host_a_setup
# A frame to a MAC nobody has: the switch never learns where it goes.
neigh_pin "$NS_A" vethA0 10.0.0.99 02:00:00:00:00:99

module_add sw switch ports 3
module_add cable patch ports 2
run ivctl link add sw:0 dev vethA1
run ivctl link add sw:1 cable:0
run ivctl link add cable:1 sw:2

run_fails ivctl graph set hops 0
run_fails ivctl graph set hops 256
run ivctl graph set hops 8
ivctl graph show | grep -q "hops 8" || fail "graph show does not say hops 8: $(ivctl graph show)"

ping_lost "$NS_A" 10.0.0.99 || fail "someone answered a ping to nobody"
sw_hops=$(module_stat sw err_hops) || exit
cable_hops=$(module_stat cable err_hops) || exit
log "err_hops: sw $sw_hops cable $cable_hops"
[ $((sw_hops + cable_hops)) -ge "$PING_COUNT" ] || { show_state; fail "the loop was not cut by the hop budget"; }

# Nothing is stuck: the interface links to another module, which works.
run ivctl link del sw:0
module_add p pass
run ivctl link add p:0 dev vethA1
ping_ok "$NS_A" "$ADDR_MAIN" || { show_state; fail "A cannot reach the main netns after the loop"; }

pass
