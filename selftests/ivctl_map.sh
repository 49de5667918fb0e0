#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ivctl map reads and writes the maps of the IO module library by name and
# by type: the router's routes (an LPM trie keyed by prefix length and
# address), neighbours (an IPv4 address to a MAC) and interfaces (an array of
# structs), the firewall's rules and the switch's config and MAC table.
# What `map show` prints, as text and as JSON, is what was written, in the
# map's own byte order; its text and its JSON feed back into `map update`;
# `map delete` removes an entry (zeroes it, in an array); a per-CPU counter
# shows what was written (the sum over the CPUs); and every bad input fails with an Error: line
# that names the problem, leaving every map as it was.
#
# Under an emulated CPU every process costs, so the checks match the output
# in bash rather than through grep or jq where they can.

. "$(dirname "$0")/lib.sh"

require_iovisor
require_cmd jq bpftool

module_add r router ports 2
module_add fw firewall ports 2
module_add sw switch ports 4
module_add c counter ports 2

# show [-j] MODULE MAP: the entries, text or JSON, in $shown (and the log).
show() {
	local opt=
	[ "$1" = -j ] && { opt=-j; shift; }
	log "+ ivctl $opt map show $*"
	# shellcheck disable=SC2086 # no option is no word
	shown=$(ivctl $opt map show "$@") || fail "ivctl $opt map show $*"
	log "$shown"
}

# has_lines MODULE MAP LINE...: map show prints each LINE, and no others.
has_lines() {
	local module=$1 map=$2 line newlines
	shift 2
	show "$module" "$map"
	for line in "$@"; do
		[[ $'\n'$shown$'\n' == *$'\n'"$line"$'\n'* ]] || fail "map show $module $map lacks: $line"
	done
	newlines=${shown//[!$'\n']/}
	[ $((${#newlines} + 1)) -eq $# ] || fail "map show $module $map shows more than $# entries"
}

# json_is MODULE MAP JSON: map show -j prints exactly JSON (an array's
# entries come in index order).
json_is() {
	show -j "$1" "$2"
	[ "$shown" = "$3" ] || fail "ivctl -j map show $1 $2 is not $3"
}

# json_has MODULE MAP N ENTRY...: map show -j lists N entries, among them
# each ENTRY (a hash map lists them in any order).
json_has() {
	local module=$1 map=$2 n=$3 entry rest
	shift 3
	show -j "$module" "$map"
	for entry in "$@"; do
		[[ $shown == *"$entry"* ]] || fail "ivctl -j map show $module $map lacks $entry"
	done
	rest=${shown//'{"key":'/}
	[ $(((${#shown} - ${#rest}) / 7)) -eq "$n" ] ||
		fail "ivctl -j map show $module $map does not list $n entries"
}

# map_id MODULE MAP: the map's id, from the map list ("NAME id ID ...").
map_id() {
	local name word id
	while read -r name word id _; do
		[ "$name" = "$2" ] && [ "$word" = id ] && echo "$id"
	done <<EOF
$(ivctl map show "$1")
EOF
}

# ---- the map list -------------------------------------------------------------

log "+ ivctl map show r"
maps=$(ivctl map show r) || fail "ivctl map show r"
log "$maps"
[[ $maps =~ (^|$'\n')"routes id "[0-9]+" type lpm_trie "[^$'\n']*" key struct route_key value struct route"($'\n'|$) ]] ||
	fail "map show r does not list routes as an LPM trie of struct route_key -> struct route"
[[ $maps =~ (^|$'\n')"neigh id "[0-9]+" type hash "[^$'\n']*" key iov_ip4_t value iov_mac_t"($'\n'|$) ]] ||
	fail "map show r does not list neigh as a hash of iov_ip4_t -> iov_mac_t"
[[ $maps =~ (^|$'\n')"ifaces id "[0-9]+" type array max_entries 256 " ]] ||
	fail "map show r does not list ifaces as an array of 256 entries"

# ---- every kind of entry --------------------------------------------------------

run ivctl map update r ifaces key 0 value addr 10.0.1.1 mac 02:00:00:00:01:01
# Fields in any order; those left out are zero.
run ivctl map update r ifaces key 1 value mac 02:00:00:00:02:01 addr 10.0.2.1
run ivctl map update r routes key prefixlen 24 addr 10.0.1.0 value port 0 gateway 0.0.0.0
run ivctl map update r routes key prefixlen 16 addr 10.2.0.0 value port 1 gateway 10.0.2.254
run ivctl map update r neigh key 10.0.1.2 value 02:00:00:00:01:02
# A MAC's bytes may be written with one digit.
run ivctl map update r neigh key 10.0.2.254 value 2:0:0:0:2:fe
run ivctl map update fw rules key 0 value proto 6 dport 8080 action 2
run ivctl map update fw rules key 1 value src 192.168.0.0 src_len 16 action 1
run ivctl map update fw config key 0 value default_action 2
run ivctl map update sw config key 0 value age_sec 60
run ivctl map update sw macs key 02:00:00:00:00:07 value port 3 seen_ns 0xffffffffffffffff

# An array shows the entries that are not zero, and only those.
has_lines r ifaces "key 0 value addr 10.0.1.1 mac 02:00:00:00:01:01 pad 0" \
		   "key 1 value addr 10.0.2.1 mac 02:00:00:00:02:01 pad 0"
has_lines r routes "key prefixlen 24 addr 10.0.1.0 value port 0 gateway 0.0.0.0" \
		   "key prefixlen 16 addr 10.2.0.0 value port 1 gateway 10.0.2.254"
has_lines r neigh "key 10.0.1.2 value 02:00:00:00:01:02" \
		  "key 10.0.2.254 value 02:00:00:00:02:fe"
has_lines fw rules "key 0 value src 0.0.0.0 src_len 0 dst 0.0.0.0 dst_len 0 proto 6 dport 8080 action 2" \
		   "key 1 value src 192.168.0.0 src_len 16 dst 0.0.0.0 dst_len 0 proto 0 dport 0 action 1"
has_lines sw macs "key 02:00:00:00:00:07 value port 3 pad 0 seen_ns 18446744073709551615"

json_is r ifaces '[{"key":0,"value":{"addr":"10.0.1.1","mac":"02:00:00:00:01:01","pad":0}},{"key":1,"value":{"addr":"10.0.2.1","mac":"02:00:00:00:02:01","pad":0}}]'
json_has r routes 2 '{"key":{"prefixlen":24,"addr":"10.0.1.0"},"value":{"port":0,"gateway":"0.0.0.0"}}' \
		    '{"key":{"prefixlen":16,"addr":"10.2.0.0"},"value":{"port":1,"gateway":"10.0.2.254"}}'
json_has r neigh 2 '{"key":"10.0.1.2","value":"02:00:00:00:01:02"}' \
		   '{"key":"10.0.2.254","value":"02:00:00:00:02:fe"}'
json_is fw rules '[{"key":0,"value":{"src":"0.0.0.0","src_len":0,"dst":"0.0.0.0","dst_len":0,"proto":6,"dport":8080,"action":2}},{"key":1,"value":{"src":"192.168.0.0","src_len":16,"dst":"0.0.0.0","dst_len":0,"proto":0,"dport":0,"action":1}}]'
json_is fw config '[{"key":0,"value":{"default_action":2}}]'
json_is sw config '[{"key":0,"value":{"age_sec":60}}]'
json_is sw macs '[{"key":"02:00:00:00:00:07","value":{"port":3,"pad":0,"seen_ns":18446744073709551615}}]'

# Addresses are stored in network byte order, as the program compares them:
# bpftool finds the neighbour by the bytes 10 0 1 2.
neigh_id=$(map_id r neigh)
run bpftool map lookup id "$neigh_id" key 10 0 1 2

# A map named by its id is the same map.
rules_id=$(map_id fw rules)
show fw rules
by_name=$shown
show fw id "$rules_id"
[ "$shown" = "$by_name" ] || fail "map show fw id $rules_id differs from map show fw rules"

# ---- round trips ---------------------------------------------------------------

# Every entry deleted and written back from the words map show printed for
# it (TEXT), makes the map what it was.
write_back() {
	local module=$1 map=$2 line k v
	while read -r line; do
		k=${line#key }
		k=${k%% value *}
		# shellcheck disable=SC2086 # the words of the key
		run ivctl map delete "$module" "$map" key $k
	done <<<"$TEXT"
	while read -r line; do
		k=${line#key }
		k=${k%% value *}
		v=${line#* value }
		# shellcheck disable=SC2086 # the words of the key and value
		run ivctl map update "$module" "$map" key $k value $v
	done <<<"$TEXT"
}

# The text: an LPM trie, structs in key and value.
show r routes
before=$shown
TEXT=$before write_back r routes
has_lines r routes "key prefixlen 24 addr 10.0.1.0 value port 0 gateway 0.0.0.0" \
		   "key prefixlen 16 addr 10.2.0.0 value port 1 gateway 10.0.2.254"

# The JSON, turned into words: an array of structs with a MAC and an address.
show -j r ifaces
before=$shown
TEXT=$(echo "$before" | jq -r '.[] | "key \(.key) value " +
				(.value | to_entries | map("\(.key) \(.value)") | join(" "))')
write_back r ifaces
json_is r ifaces "$before"

# ---- per-CPU maps ----------------------------------------------------------------

# An update writes the value for CPU 0 and zero for the others; show sums
# the CPUs: what was written is what shows.
run ivctl map update c counters key 1 value packets 5 bytes 100
json_is c counters '[{"key":1,"value":{"packets":5,"bytes":100}}]'

# ---- deletes ---------------------------------------------------------------------

run ivctl map delete r neigh key 10.0.1.2
json_is r neigh '[{"key":"10.0.2.254","value":"02:00:00:00:02:fe"}]'
run_fails ivctl map delete r neigh key 10.0.1.2
[[ $out == "Error: "*"no entry"* ]] || fail "deleting a missing entry does not say there is none"

run ivctl map delete r routes key prefixlen 16 addr 10.2.0.0
json_is r routes '[{"key":{"prefixlen":24,"addr":"10.0.1.0"},"value":{"port":0,"gateway":"0.0.0.0"}}]'

# An array's entry cannot go: delete zeroes it, and show leaves it out.
run ivctl map delete fw rules key 1
json_is fw rules '[{"key":0,"value":{"src":"0.0.0.0","src_len":0,"dst":"0.0.0.0","dst_len":0,"proto":6,"dport":8080,"action":2}}]'
run ivctl map delete c counters key 1
json_is c counters '[]'

# ---- bad input -------------------------------------------------------------------

snapshot() {
	local m
	for m in "r routes" "r neigh" "fw rules"; do
		# shellcheck disable=SC2086 # module and map
		ivctl -j map show $m || echo "map show $m failed"
	done
}

before=$(snapshot)

# refused WORDS CMD...: CMD fails with an Error: line that mentions each of
# the words.
refused() {
	local word words=$1
	shift
	run_fails ivctl "$@"
	[[ $'\n'$out == *$'\n'"Error: "* ]] || fail "no Error: line for: ivctl $*"
	for word in $words; do
		[[ $out == *"$word"* ]] ||
			fail "the error for \"ivctl $*\" does not mention \"$word\""
	done
}

refused module      map show nosuch
refused "nosuch neigh" map update r nosuch key 0 value 1
refused "colour dport" map update fw rules key 0 value proto 17 colour 1
refused six         map update fw rules key 0 value proto six
refused 4294967296  map update fw rules key 0 value proto 4294967296
refused -1          map update r routes key prefixlen 24 addr 10.0.1.0 value port -1
refused 0x1ffffffff map update fw rules key 0 value dport 0x1ffff action 0x1ffffffff
refused 64          map update fw rules key 64 value action 1
refused 02:00:00:00:01:0g map update r neigh key 10.0.1.3 value 02:00:00:00:01:0g
refused 10.0.1.300  map update r neigh key 10.0.1.300 value 02:00:00:00:01:03
refused key.addr    map update r routes key prefixlen 24 addr 10.0.1 value port 0
refused 33          map update r routes key prefixlen 33 addr 10.0.1.0 value port 0
refused 10.0.1.4    map update r neigh key 10.0.1.3 10.0.1.4 value 02:00:00:00:01:03
refused proto       map update fw rules key 0 value action 1 proto
refused value       map update fw rules key 0
refused key         map update fw rules value action 1
refused key         map delete r neigh
refused zz          map update r neigh key hex 0a 00 zz value 02:00:00:00:01:03
refused bytes       map update r neigh key hex 0a 00 01 value 02:00:00:00:01:03

after=$(snapshot)
[ "$before" = "$after" ] || fail "a refused map command changed a map"

pass
