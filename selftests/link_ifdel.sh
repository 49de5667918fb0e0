#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting an interface that is linked into the graph, while packets flood
# in through it, unlinks it: `ivctl link show` shows no link any more, the
# module stays with its port free to link again, and the kernel does not
# complain (a WARN panics the VM; run_tests.sh reads the kernel log).

. "$(dirname "$0")/lib.sh"

require_iovisor
host_a_setup
module_add p pass
run ivctl link add p:0 dev vethA1
link_shown vethA1 || fail "ivctl link show does not show the link to vethA1"

before=$(module_stat p packets) || exit
ping_flood "$NS_A" "$ADDR_MAIN"
flood=$!
eventually 10 counts_past p $((before + 50)) ||
	fail "the flood does not reach the module within 10 s"
packets=$(module_stat p packets) || exit
log "p: $packets packets before the delete"

run ip link del vethA1
sleep 0.5
bg_stop "$flood"

log "+ ivctl link show"
links=$(ivctl link show) || fail "ivctl link show"
[ -z "$links" ] || fail "links remain after vethA1 went: $links"
run ivctl module show p

# The port is really free: it links to another interface.
veth_pair vethB0 main vethB1 main
run ivctl link add p:0 dev vethB1
link_shown vethB1 || fail "ivctl link show does not show the new link to vethB1"

pass
