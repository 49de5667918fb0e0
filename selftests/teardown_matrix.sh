#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything a graph hangs on goes away while packets flow through it, one
# case after the other, and each leaves the right state behind:
#
#   ifdel    a linked interface is deleted: its link is gone and announced
#            (LINK_DEL, cause device-gone), its port is free to link again,
#            the modules keep forwarding what the other interfaces bring;
#   move     a linked interface moves to another netns: the same, and there
#            it works without the rx handler (a bridge takes it as a port,
#            it answers pings);
#   netnsdel the netns holding a second graph is deleted under traffic: the
#            netns and its devices go, its programs are freed, the main
#            graph never notices and keeps forwarding;
#   rmmod    iovisor.ko comes out: rmmod returns, the interfaces work as if
#            never linked (a bridge takes them, they answer pings), and the
#            module goes back in with an empty graph.
#
# The graph, in the main netns (ifdel, move, rmmod) and in netns G
# (netnsdel, on two interfaces of its own, sw:3 unlinked):
#
#   ta -- sw:0   sw (switch, 4 ports)   sw:1 -- tb     sw:3 -- tc
#                sw:2 -- pc:0  pc (patch)  pc:1 -- ps:0  ps (pass)
#
# Every interface linked is a veth end whose peer (NAMEh) sits in a host
# netns, H. There pktgen sends about 250 broadcast frames a second out of a
# source veth, NAMEs, whose peer shares a bridge with NAMEh: they arrive on
# the linked end's receive path, the switch floods them out of its other
# interfaces and through the patch to pass. (pktgen runs in H, not in the
# netns under test: its "start" blocks in the netns it is written in, and
# would keep that netns alive. It sends from a device of its own because
# deleting a linked end deletes NAMEh too, and pulling a device from under a
# running pktgen makes it log a "WARNING:" line, which fails any test.)
# No case may leave
# "unregister_netdevice: waiting for ... to become free" in the kernel log:
# the unregister timeout is lowered to 1 s so that a reference leaked on a
# device shows within the test.

. "$(dirname "$0")/lib.sh"

require_iovisor
require_ko
require_cmd jq

NS_H=$NS_PREFIX-tmH
NS_T=$NS_PREFIX-tmT
NS_G=$NS_PREFIX-tmG
DMESG0=$(dmesg | wc -l)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/teardown_matrix.XXXXXX") || fail "mktemp"
defer rm -rf "$DIR"

modprobe pktgen 2>/dev/null
[ -e /proc/net/pktgen/pgctrl ] || skip "pktgen (CONFIG_NET_PKTGEN)"

# Report a device reference left behind after 1 s instead of 10.
TIMEOUT_SYSCTL=/proc/sys/net/core/netdev_unregister_timeout_secs
if [ -w $TIMEOUT_SYSCTL ]; then
	defer "echo $(cat $TIMEOUT_SYSCTL) > $TIMEOUT_SYSCTL"
	echo 1 > $TIMEOUT_SYSCTL
fi

ns_add "$NS_H"

# ---- helpers -----------------------------------------------------------------

# ipn NS ARGS...: ip in netns NS ("main" for the main one), without the cost
# of ip netns exec.
ipn() {
	local ns=$1
	shift
	if [ "$ns" = main ]; then
		ip "$@"
	else
		ip -n "$ns" "$@"
	fi
}

# lib.sh's helpers name a netns only when it is not the main one.
nsarg() {
	[ "$1" = main ] || echo "$1"
}

# pair NAME NS IP IP_H: veth NAME in NS (IP/24), up, its peer NAMEh in H,
# a port of bridge NAMEbr (IP_H/24) there; and pktgen's source for NAME,
# veth NAMEs, whose peer is the bridge's other port. Deleting either end of
# a veth deletes both: cleanup from H.
H_DEVS=""
pair() {
	ip link add name "$1" type veth peer name "$1h" netns "$NS_H" ||
		fail "ip link add $1 (peer $1h in $NS_H)"
	H_DEVS="$H_DEVS $1h $1s $1br"
	[ "$2" = main ] || ip link set "$1" netns "$2" || fail "move $1 to $2"
	ipn "$2" addr add "$3/24" dev "$1" || fail "address $3 on $1"
	ipn "$2" link set "$1" up || fail "$1 up"
	ip -n "$NS_H" -batch - <<-EOF || fail "$1h, $1s and $1br in $NS_H"
		link add name $1s type veth peer name $1sb
		link add name $1br type bridge
		addr add $4/24 dev $1br
		link set $1h master $1br
		link set $1sb master $1br
		link set $1h up
		link set $1s up
		link set $1sb up
		link set $1br up
	EOF
}

# traffic_start NAME...: pktgen in H sends out of each NAMEs, into each
# pair NAME, about 250 broadcast frames a second, until traffic_stop. (One
# shell in H for all of it: each ip netns exec costs a good part of a
# second.)
traffic_start() {
	local i=0 name dev cmds="cd /proc/net/pktgen || exit 1"
	for name in "$@"; do
		dev=${name}s
		cmds="$cmds
			echo 'add_device $dev' > kpktgend_$((i % 2)) &&
			echo 'count 0' > $dev && echo 'pkt_size 60' > $dev &&
			echo 'dst_mac ff:ff:ff:ff:ff:ff' > $dev &&
			echo 'delay 4000000' > $dev || exit 1"
		i=$((i + 1))
	done
	ip netns exec "$NS_H" sh -c "$cmds" || fail "pktgen setup for $* in $NS_H"
	ip netns exec "$NS_H" sh -c 'echo start > /proc/net/pktgen/pgctrl' 2>/dev/null &
	BG_PIDS="$BG_PIDS $!"
}

# At exit, whatever devices in H a failed case left. (Only those there: ip
# link del of a missing name makes the kernel try to modprobe netdev-NAME,
# seconds under emulation.)
h_devs_cleanup() {
	local have dev
	have=$(ip -n "$NS_H" -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}')
	for dev in $H_DEVS; do
		echo "$have" | grep -qx "$dev" && ip -n "$NS_H" link del "$dev"
	done
}
defer h_devs_cleanup

# At exit, the modules a failed case left in the main graph.
main_graph_cleanup() {
	local m
	for m in $(ivctl -j module show 2>/dev/null | jq -r '.[].name' 2>/dev/null); do
		ivctl module del "$m"
	done
}
defer main_graph_cleanup

traffic_stop() {
	ip netns exec "$NS_H" sh -c 'echo stop > /proc/net/pktgen/pgctrl
		echo rem_device_all > /proc/net/pktgen/kpktgend_0
		echo rem_device_all > /proc/net/pktgen/kpktgend_1' 2>/dev/null
}
defer traffic_stop

# graph_add NS A B [C]: the graph above in NS, on interfaces A, B and C.
graph_add() {
	local ns=$1
	run in_ns "$ns" ivctl module add sw obj "$IOMODULES/switch.bpf.o" ports 4
	run in_ns "$ns" ivctl module add pc obj "$IOMODULES/patch.bpf.o" ports 2
	run in_ns "$ns" ivctl module add ps obj "$IOMODULES/pass.bpf.o"
	run in_ns "$ns" ivctl link add sw:0 dev "$2"
	run in_ns "$ns" ivctl link add sw:1 dev "$3"
	[ -z "$4" ] || run in_ns "$ns" ivctl link add sw:3 dev "$4"
	run in_ns "$ns" ivctl link add sw:2 pc:0
	run in_ns "$ns" ivctl link add pc:1 ps:0
}

graph_del() {
	run in_ns "$1" ivctl module del ps
	run in_ns "$1" ivctl module del pc
	run in_ns "$1" ivctl module del sw
}

# grows NS MODULE N: within 10 s, MODULE counts N packets more than now.
grows() {
	local ns mod=$2 start rc
	ns=$(nsarg "$1")
	start=$(module_stat $ns "$mod" packets) || exit
	eventually 10 counts_past $ns "$mod" $((start + $3 - 1))
	rc=$?
	log "$mod: $start -> $(module_stat $ns "$mod" packets) packets"
	return $rc
}

# The kernel never waited for a device reference (since the test began).
no_leaked_dev_refs() {
	local waiting
	sleep 1.5
	waiting=$(dmesg | tail -n +$((DMESG0 + 1)) | grep 'unregister_netdevice: waiting for')
	[ -z "$waiting" ] || fail "$1: the kernel waits for a device reference: $waiting"
}

# works_without_iovisor NS DEV DEV_IP: DEV has no rx handler left (a bridge
# takes it as a port) and answers pings from its peer in H.
works_without_iovisor() {
	local ns=$1 dev=$2 ip=$3
	no_rx_handler "$ns" "$dev"
	ping_ok "$NS_H" "$ip" || fail "$dev in $ns does not answer pings after the teardown"
}

# no_rx_handler NS DEV: nothing holds DEV's rx handler: a bridge takes it.
no_rx_handler() {
	run ipn "$1" link add name tmbr type bridge
	run ipn "$1" link set "$2" master tmbr
	run ipn "$1" link set "$2" nomaster
	run ipn "$1" link del tmbr
}

# event_seen DEV: within 5 s the monitor printed a LINK_DEL of DEV with
# cause device-gone.
event_seen() {
	eventually 5 jq -e --arg d "$1" 'select(.event == "link del" and .cause == "device-gone" and
		(.a.dev == $d or .b.dev == $d))' "$DIR/events" >/dev/null 2>&1
}

# port_free PORT DEV: PORT is free, it links to DEV, a fresh dummy.
port_free() {
	run ip link add name "$2" type dummy
	defer "[ -e /sys/class/net/$2 ] && ip link del $2"
	run ivctl link add "$1" dev "$2"
}

ivctl -j monitor >"$DIR/events" 2>&1 &
BG_PIDS="$BG_PIDS $!"

log "=== setup (at ${SECONDS}s)"
pair ta main 10.9.1.2 10.9.1.1
pair tb main 10.9.2.2 10.9.2.1
pair tc main 10.9.3.2 10.9.3.1
graph_add main ta tb tc
traffic_start ta tb tc
grows main sw 50 || fail "setup: no traffic reaches sw"
grows main ps 10 || fail "setup: no traffic reaches ps through the patch"

# ---- ifdel: a linked interface is deleted --------------------------------------

log "=== ifdel (at ${SECONDS}s)"
run timeout 30 ip link del ta
link_shown 'dev ta$' && fail "ifdel: ivctl link show still shows ta"
event_seen ta || fail "ifdel: no LINK_DEL event with cause device-gone for ta: $(cat "$DIR/events")"
grows main sw 25 || fail "ifdel: sw stopped forwarding what tb and tc bring"
port_free sw:0 td
no_leaked_dev_refs ifdel

# ---- move: a linked interface moves to another netns ---------------------------

log "=== move (at ${SECONDS}s)"
ns_add "$NS_T"
run timeout 30 ip link set tc netns "$NS_T"
link_shown 'dev tc$' && fail "move: ivctl link show still shows tc"
event_seen tc || fail "move: no LINK_DEL event with cause device-gone for tc"
grows main sw 25 || fail "move: sw stopped forwarding what tb brings"
in_ns "$NS_T" ivctl link show | grep -q tc && fail "move: tc shows in $NS_T's graph"
run ip -n "$NS_T" addr add 10.9.3.2/24 dev tc
run ip -n "$NS_T" link set tc up
works_without_iovisor "$NS_T" tc 10.9.3.2
port_free sw:3 te
no_leaked_dev_refs move
ip -n "$NS_T" link del tc
ip netns del "$NS_T"

# ---- netnsdel: the netns holding a graph is deleted ------------------------------

log "=== netnsdel (at ${SECONDS}s)"
ip netns add "$NS_G" || fail "ip netns add $NS_G"
defer ip netns del "$NS_G"
pair tga "$NS_G" 10.9.5.2 10.9.5.1
pair tgb "$NS_G" 10.9.6.2 10.9.6.1
graph_add "$NS_G" tga tgb
progs=$(in_ns "$NS_G" ivctl -j module show | jq -r '.[].prog_id') || fail "ivctl module show in $NS_G"
[ "$(echo $progs | wc -w)" = 3 ] || fail "netnsdel: $NS_G's modules run programs '$progs'"
main_sw=$(module_field sw .id) || exit
log "programs in $NS_G:" $progs
traffic_stop
traffic_start tb tga tgb
grows "$NS_G" sw 50 || fail "netnsdel: no traffic reaches sw in $NS_G"
grows "$NS_G" ps 10 || fail "netnsdel: no traffic reaches ps in $NS_G"

run timeout 30 ip netns del "$NS_G"
ip netns list | grep -qw "$NS_G" && fail "netnsdel: $NS_G is still listed"
for id in $progs; do
	prog_gone "$id" 15 || fail "netnsdel: BPF program $id still loaded 15 s after ip netns del"
done
# The netns was cleaned up: its veths went, their peers in H with them.
g_peers_in_h() {
	ip -n "$NS_H" -o link show | grep -q ' tg[ab]h@'
}
eventually 10 not g_peers_in_h || fail "netnsdel: veth peers in H outlive $NS_G by 10 s"
[ "$(module_field sw .id)" = "$main_sw" ] || fail "netnsdel: the main graph's sw changed"
[ "$(ivctl -j module show | jq length)" = 3 ] ||
	fail "netnsdel: the main graph changed: $(ivctl module show)"
grows main sw 25 || fail "netnsdel: the main graph stopped forwarding what tb brings"
no_leaked_dev_refs netnsdel

# ---- rmmod: iovisor.ko comes out under traffic ----------------------------------

log "=== rmmod (at ${SECONDS}s)"
grows main ps 10 || fail "rmmod: no traffic reaches ps"
log "+ timeout 60 rmmod iovisor"
timeout 60 rmmod iovisor || fail "rmmod: rmmod iovisor failed or hung (exit $?)"
grep -q '^iovisor ' /proc/modules && fail "rmmod: iovisor still in /proc/modules"
works_without_iovisor main tb 10.9.2.2
no_rx_handler main td
no_rx_handler main te
traffic_stop
no_leaked_dev_refs rmmod

run insmod "$IOVISOR_KO"
[ "$(ivctl -j module show | jq length)" = 0 ] || fail "rmmod: modules back after insmod: $(ivctl module show)"
[ -z "$(ivctl link show)" ] || fail "rmmod: links back after insmod"
run ivctl module add p obj "$IOMODULES/pass.bpf.o"
run ivctl link add p:0 dev tb
ping_ok "$NS_H" 10.9.2.2 || fail "rmmod: no pings through a pass module after insmod"
run ivctl module del p
ip link del tb
ip link del td
ip link del te

log "done at ${SECONDS}s"
pass
