#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The iovisor demo, run by `make demo` inside the VM (scripts/vm.sh): load
# the module, build a small network of IO modules, send traffic through it
# and show what happened.
#
#   h1 10.1.0.1 --+                                                   +-- :80  open
#                 sw (switch) -- r (router) -- fw (firewall) -- h3 10.2.0.3
#   h2 10.1.0.2 --+   10.1.0.0/24    .254 | .254     10.2.0.0/24      +-- :8080 blocked
#
# Three hosts are network namespaces joined to the graph by veth pairs.
set -euo pipefail
cd "$(dirname "$0")/.."

IOM=iomodules
say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
inns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

cleanup() {
	set +e
	kill $(jobs -p) 2>/dev/null
	for ns in h1 h2 h3; do ip netns del $ns 2>/dev/null; done
	rmmod iovisor 2>/dev/null
}
trap cleanup EXIT

say "Load the kernel module"
show insmod "${IOVISOR_KO:-kmod/iovisor.ko}"

say "Three hosts, each a network namespace wired to the main one by a veth pair"
for h in 1 2 3; do
	ip netns add h$h
	ip link add name p$h type veth peer name eth0 netns h$h
	ip link set p$h up
	inns h$h ip link set lo up
	inns h$h ip link set eth0 up
	inns h$h sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
done
inns h1 ip addr add 10.1.0.1/24 dev eth0
inns h2 ip addr add 10.1.0.2/24 dev eth0
inns h3 ip addr add 10.2.0.3/24 dev eth0
inns h1 ip route add default via 10.1.0.254
inns h2 ip route add default via 10.1.0.254
inns h3 ip route add default via 10.2.0.254
mac() { inns "$1" cat /sys/class/net/eth0/address; }
echo "h1 10.1.0.1 $(mac h1)   h2 10.1.0.2 $(mac h2)   h3 10.2.0.3 $(mac h3)"

say "Load the IO modules (the kernel verifier checks each program)"
show ivctl module add sw obj $IOM/switch.bpf.o ports 3
show ivctl module add r obj $IOM/router.bpf.o ports 2
show ivctl module add fw obj $IOM/firewall.bpf.o ports 2

say "Link them into a graph"
show ivctl link add sw:0 dev p1
show ivctl link add sw:1 dev p2
show ivctl link add sw:2 r:0
show ivctl link add r:1 fw:0
show ivctl link add fw:1 dev p3

say "Configure the router and the firewall through their maps"
show ivctl map update r ifaces key 0 value addr 10.1.0.254 mac 02:00:00:00:01:fe
show ivctl map update r ifaces key 1 value addr 10.2.0.254 mac 02:00:00:00:02:fe
show ivctl map update r routes key prefixlen 24 addr 10.1.0.0 value port 0 gateway 0.0.0.0
show ivctl map update r routes key prefixlen 24 addr 10.2.0.0 value port 1 gateway 0.0.0.0
for h in 1 2; do
	show ivctl map update r neigh key 10.1.0.$h value "$(mac h$h)"
done
show ivctl map update r neigh key 10.2.0.3 value "$(mac h3)"
show ivctl map update fw rules key 0 value proto 6 dport 8080 action 2

say "h3 serves TCP on ports 80 and 8080"
for port in 80 8080; do
	inns h3 busybox nc -ll -p $port -e /bin/true &
done
sleep 0.5

ok=0 bad=0
expect() {	# expect works|blocked WHAT CMD...
	local want=$1 what=$2
	shift 2
	if "$@" >/dev/null 2>&1; then got=works; else got=blocked; fi
	if [ "$got" = "$want" ]; then
		printf '  %-44s %s\n' "$what" "$got"
		ok=$((ok + 1))
	else
		printf '  %-44s %s, expected %s\n' "$what" "$got" "$want"
		bad=$((bad + 1))
	fi
}
ping1() { inns "$1" ping -n -q -c 2 -i 0.2 -W 1 "$2"; }
tcp() { inns h1 timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2"; }

say "Traffic"
expect works   "h1 -> h2 ping (switch)"                ping1 h1 10.1.0.2
expect works   "h2 -> h1 ping (switch)"                ping1 h2 10.1.0.1
expect works   "h1 -> router ping"                     ping1 h1 10.1.0.254
expect works   "h1 -> h3 ping (switch, router, fw)"    ping1 h1 10.2.0.3
expect works   "h2 -> h3 ping (switch, router, fw)"    ping1 h2 10.2.0.3
expect works   "h1 -> h3 TCP port 80"                  tcp 10.2.0.3 80
expect blocked "h1 -> h3 TCP port 8080 (fw rule)"      tcp 10.2.0.3 8080

say "The graph"
show ivctl module show
show ivctl link show
show ivctl graph show

say "Counters: per module and port, per verdict and drop reason"
show ivctl -s module show

say "What the switch learned"
show ivctl map show sw macs

say "Unload: links, modules and programs go with it"
show ivctl module del fw
show rmmod iovisor

echo
echo "demo: $ok as expected, $bad not"
[ "$bad" -eq 0 ]
