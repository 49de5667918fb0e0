#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iovisor.ko comes out while its graph carries traffic: rmmod succeeds, the
# interface it had taken works again as if it had never been linked, and the
# module goes back in with an empty graph.
#
#   netns A: vethA0 <--veth--> vethA1 -- p:0 (pass, 2 ports) p:1 -- d:0 (drop)

. "$(dirname "$0")/lib.sh"

require_iovisor
require_ko
host_a_setup

module_add p pass ports 2
module_add d drop ports 2
run ivctl link add p:0 dev vethA1
run ivctl link add p:1 d:0

before=$(module_stat p packets) || exit
ping_flood "$NS_A" "$ADDR_MAIN"
flood=$!
eventually 10 counts_past p $((before + 50)) ||
	fail "the flood does not reach the module within 10 s"
packets=$(module_stat p packets) || exit
log "p: $packets packets before rmmod"

run rmmod iovisor
grep -q '^iovisor ' /proc/modules && fail "iovisor still in /proc/modules after rmmod"
bg_stop "$flood"

ping_ok "$NS_A" "$ADDR_MAIN" || fail "vethA1 does not answer pings after rmmod"

run insmod "$IOVISOR_KO"
log "+ ivctl module show"
mods=$(ivctl module show) || fail "ivctl module show after insmod"
log "$mods"
echo "$mods" | grep -qw -e p -e d && fail "modules from before rmmod are back after insmod"
run ivctl module add p obj "$IOMODULES/pass.bpf.o"
run ivctl link add p:0 dev vethA1
ping_ok "$NS_A" "$ADDR_MAIN" || fail "pings through a pass module go unanswered after reinsertion"

pass
