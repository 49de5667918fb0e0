#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two subnets joined by switch + router + switch: hosts ping across, the
# router answers ARP and pings for its own addresses and decrements the TTL.
# The first switch floods h1's ARP request to the router (which rewrites it
# into the reply, in place) and to h3: h3 must get the request unchanged, so
# a module writing to a flood copy does not change the other copies.
#
#   h1 10.1.0.1 -- s1 -- sw1:0          r:0 10.1.0.254   sw2:1     sw2:0 -- s2 -- h2 10.2.0.1
#   h3 10.1.0.3 -- s3 -- sw1:1   sw1:2 -- r:0   r:1 -- sw2:1
#                                       r:1 10.2.0.254

. "$(dirname "$0")/lib.sh"

require_iovisor
require_cmd tcpdump

H1=$NS_PREFIX-h1 H2=$NS_PREFIX-h2 H3=$NS_PREFIX-h3
R_MAC0=02:00:00:00:01:fe
R_MAC1=02:00:00:00:02:fe

ns_add "$H1"; ns_add "$H2"; ns_add "$H3"
veth_pair h1e "$H1" s1 main
veth_pair h2e "$H2" s2 main
veth_pair h3e "$H3" s3 main
addr_add "$H1" h1e 10.1.0.1/24
addr_add "$H3" h3e 10.1.0.3/24
addr_add "$H2" h2e 10.2.0.1/24
run ip -n "$H1" route add default via 10.1.0.254
run ip -n "$H2" route add default via 10.2.0.254

module_add sw1 switch ports 3
module_add sw2 switch ports 2
module_add r router ports 2
run ivctl link add sw1:0 dev s1
run ivctl link add sw1:1 dev s3
run ivctl link add sw1:2 r:0
run ivctl link add r:1 sw2:1
run ivctl link add sw2:0 dev s2

run ivctl map update r ifaces key 0 value addr 10.1.0.254 mac $R_MAC0
run ivctl map update r ifaces key 1 value addr 10.2.0.254 mac $R_MAC1
run ivctl map update r routes key prefixlen 24 addr 10.1.0.0 value port 0 gateway 0.0.0.0
run ivctl map update r routes key prefixlen 24 addr 10.2.0.0 value port 1 gateway 0.0.0.0
run ivctl map update r neigh key 10.1.0.1 value "$(mac_of "$H1" h1e)"
run ivctl map update r neigh key 10.2.0.1 value "$(mac_of "$H2" h2e)"

T=$(mktemp -d) || fail "mktemp"
defer rm -rf "$T"

# h3 watches what the switch floods while h1 resolves its gateway. (tcpdump
# says "listening" once it captures; it stops after one ARP frame.)
ip netns exec "$H3" tcpdump -n -l -i h3e -c 1 arp >"$T/h3.arp" 2>"$T/h3.err" &
BG_PIDS="$BG_PIDS $!"
eventually 10 grep -q "listening on" "$T/h3.err" ||
	fail "tcpdump in h3 did not start within 10 s: $(cat "$T/h3.err")"

ping_ok "$H1" 10.1.0.254 || { show_state; fail "h1 cannot ping its gateway, the router"; }
eventually 5 grep -q . "$T/h3.arp"
log "h3 saw: $(cat "$T/h3.arp")"
grep -q "Request who-has 10.1.0.254 tell 10.1.0.1" "$T/h3.arp" ||
	fail "h3 did not get h1's ARP request intact (the router's write leaked into its copy?)"

ping_ok "$H1" 10.2.0.1 || { show_state; fail "h1 cannot ping h2 across the router"; }
ping_ok "$H2" 10.1.0.1 || { show_state; fail "h2 cannot ping h1 across the router"; }
out=$(ip netns exec "$H1" ping -n -c 1 -W 1 10.2.0.1) || fail "one more ping h1 -> h2"
log "$out"
echo "$out" | grep -q "ttl=63" || fail "the reply did not cross exactly one router hop (ttl 63)"

# No route: dropped by the router, nothing else breaks.
ping_lost "$H1" 10.9.0.1 || fail "a ping to an unrouted address was answered"
ping_ok "$H1" 10.2.0.1 || fail "h1 cannot ping h2 any more"

pass
