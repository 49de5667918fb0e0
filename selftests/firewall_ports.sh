#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A firewall in front of a server blocks the TCP port a rule names and lets
# another through; pings still pass; deleting the rule opens the port again.
#
#   client 10.3.0.1 -- c1 -- fw:0 (outside)   fw:1 (inside) -- s1 -- server 10.3.0.2
#                                                                    :80 and :8080

. "$(dirname "$0")/lib.sh"

require_iovisor
require_cmd busybox

C=$NS_PREFIX-client S=$NS_PREFIX-server
ns_add "$C"; ns_add "$S"
veth_pair c0 "$C" c1 main
veth_pair s0 "$S" s1 main
addr_add "$C" c0 10.3.0.1/24
addr_add "$S" s0 10.3.0.2/24

# listening PORT: the server listens on TCP PORT.
listening() {
	ss -N "$S" -ltnH "sport = :$1" | grep -q .
}

for port in 80 8080; do
	ip netns exec "$S" busybox nc -ll -p $port -e /bin/true &
	BG_PIDS="$BG_PIDS $!"
done
for port in 80 8080; do
	eventually 10 listening $port || fail "the server does not listen on $port after 10 s"
done

# tcp_connects PORT: the client completes a TCP handshake with the server.
tcp_connects() {
	ip netns exec "$C" timeout 3 bash -c "exec 3<>/dev/tcp/10.3.0.2/$1" 2>/dev/null
}

module_add fw firewall ports 2
run ivctl link add fw:0 dev c1
run ivctl link add fw:1 dev s1
sleep 0.5

ping_ok "$C" 10.3.0.2 || { show_state; fail "the client cannot ping the server through the firewall"; }
tcp_connects 80 || fail "port 80 closed with no rule"
tcp_connects 8080 || fail "port 8080 closed with no rule"

run ivctl map update fw rules key 0 value proto 6 dport 8080 action 2
drops=$(module_stat fw drop) || exit
tcp_connects 80 || { show_state; fail "port 80 closed by a rule for 8080"; }
tcp_connects 8080 && { show_state; fail "port 8080 still open with a rule that drops it"; }
ping_ok "$C" 10.3.0.2 || fail "pings blocked by a rule for TCP 8080"
now=$(module_stat fw drop) || exit
[ "$now" -gt "$drops" ] || fail "the firewall counted no drop for the blocked connection"

run ivctl map delete fw rules key 0
tcp_connects 8080 || fail "port 8080 still closed after the rule went"

pass
