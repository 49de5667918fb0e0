#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `ivctl monitor` prints every change to the graph as it happens, in order,
# each with the generation it produced: modules added and deleted, links to
# an interface and between modules added and deleted, the hop budget set. A
# module deleted with a link still up announces the link (cause
# module-deleted) and then itself, with one generation; an interface deleted
# while linked announces its link (cause device-gone). The last generation is
# the one `graph show` reports. SIGINT and SIGTERM stop the monitor, which
# exits 0.

. "$(dirname "$0")/lib.sh"

require_iovisor
require_cmd jq

DIR=$(mktemp -d "${TMPDIR:-/tmp}/monitor_events.XXXXXX") || fail "mktemp"
defer rm -rf "$DIR"
JSON=$DIR/events.json
TEXT=$DIR/events.txt

ivctl -j monitor >"$JSON" 2>&1 &
json_mon=$!
BG_PIDS="$BG_PIDS $json_mon"
ivctl monitor >"$TEXT" 2>&1 &
text_mon=$!
BG_PIDS="$BG_PIDS $text_mon"
defer ivctl graph set hops 32

# seen FILE PATTERN: a line of FILE matches PATTERN.
seen() {
	grep -q -- "$2" "$1"
}

# joined FILE...: set the hop budget to a new value (100 to 199, in turn,
# in $hops); then every monitor writing to a FILE has reported a change.
# A monitor has joined once it reports one: with eventually.
hops=99
joined() {
	local file
	hops=$((hops < 199 ? hops + 1 : 100))
	ivctl graph set hops $hops || fail "ivctl graph set hops $hops"
	for file in "$@"; do
		seen "$file" 'graph set' || return 1
	done
}

# Both monitors see the last of these changes, and only what the test does
# after it.
eventually 10 joined "$JSON" "$TEXT" ||
	fail "the monitors report nothing after 10 s: $(cat "$JSON" "$TEXT")"
eventually 5 seen "$JSON" "\"hops\":$hops}" || fail "the JSON monitor missed hops $hops"
eventually 5 seen "$TEXT" "hops $hops\$" || fail "the text monitor missed hops $hops"
json_start=$(wc -l <"$JSON")
text_start=$(wc -l <"$TEXT")

veth_pair vethM0 main vethM1 main
module_add sw switch ports 4
sw_id=$(module_field sw .id) || exit
sw_prog=$(module_prog_id sw) || exit
module_add p pass
run ivctl link add sw:0 dev vethM0
run ivctl link add sw:1 p:0
run ivctl graph set hops 16
run ivctl link del sw:1
run ivctl link add sw:1 p:0
run ivctl module del p
run ip link del vethM0
run ivctl module del sw
generation=$(ivctl -j graph show | jq '.[0].generation') || fail "ivctl -j graph show"

EXPECTED="module add sw ports 4
module add p ports 1
link add dev vethM0 sw:0
link add p:0 sw:1
graph set hops 16
link del p:0 sw:1 request
link add p:0 sw:1
link del p:0 sw:1 module-deleted
module del p ports 1
link del dev vethM0 sw:0 device-gone
module del sw ports 4"
count=$(echo "$EXPECTED" | wc -l)

# has_lines FILE N: FILE has N lines or more.
has_lines() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}
eventually 5 has_lines "$JSON" $((json_start + count))
eventually 5 has_lines "$TEXT" $((text_start + count))

log "+ kill -INT $json_mon; kill -TERM $text_mon"
kill -INT "$json_mon"
kill -TERM "$text_mon"
wait "$json_mon"
json_rc=$?
wait "$text_mon"
text_rc=$?
BG_PIDS=""
log "--- ivctl -j monitor (exit $json_rc)"
cat "$JSON"
log "--- ivctl monitor (exit $text_rc)"
cat "$TEXT"
[ $json_rc -eq 0 ] || fail "ivctl -j monitor exits $json_rc on SIGINT"
[ $text_rc -eq 0 ] || fail "ivctl monitor exits $text_rc on SIGTERM"

events=$(tail -n +$((json_start + 1)) "$JSON")
echo "$events" | jq -e . >/dev/null || fail "the monitor printed a line that is not JSON"

# Each event in a line of its own words; a link's ends sorted, since which
# end the kernel reports first is not part of the contract.
summary=$(echo "$events" | jq -r '
	def end_name: if .dev then "dev " + .dev else "\(.module):\(.port)" end;
	if .event | startswith("module") then "\(.event) \(.name) ports \(.num_ports)"
	elif .event == "link add" then "\(.event) \([.a, .b] | map(end_name) | sort | join(" "))"
	elif .event == "link del" then "\(.event) \([.a, .b] | map(end_name) | sort | join(" ")) \(.cause)"
	elif .event == "graph set" then "\(.event) hops \(.hops)"
	else "unexpected \(.)" end')
if [ "$summary" != "$EXPECTED" ]; then
	log "--- expected"
	log "$EXPECTED"
	log "--- got"
	log "$summary"
	fail "the events are not the changes made, in order"
fi

echo "$events" | jq -s -e --argjson id "$sw_id" --argjson prog "$sw_prog" \
	'map(select(.event == "module add" and .name == "sw")) |
	 length == 1 and .[0].id == $id and .[0].prog_id == $prog' >/dev/null ||
	fail "module add sw does not carry the id $sw_id and program $sw_prog that module show gives"

# Generations grow with every change; the module deletion's link and the
# module share one, the change that made both.
gens=$(echo "$events" | jq -s -c 'map(.generation)')
log "generations: $gens"
echo "$gens" | jq -e '. as $g | [range(1; length)] |
	map(if . == 8 then $g[.] == $g[. - 1] else $g[.] > $g[. - 1] end) | all' >/dev/null ||
	fail "generations do not grow one change at a time: $gens"
echo "$gens" | jq -e --argjson gen "$generation" '.[-1] == $gen' >/dev/null ||
	fail "the last event's generation is not $generation, what graph show reports"

# The text monitor saw the same events, each line "[gen G] EVENT".
text=$(tail -n +$((text_start + 1)) "$TEXT")
[ "$(echo "$text" | wc -l)" -eq "$count" ] ||
	fail "the text monitor printed $(echo "$text" | wc -l) events, not $count"
for pattern in \
	"^\[gen [0-9]+\] module add sw id $sw_id prog_id $sw_prog ports 4\$" \
	'^\[gen [0-9]+\] link add sw:0 dev vethM0$' \
	'^\[gen [0-9]+\] link add sw:1 p:0$' \
	'^\[gen [0-9]+\] graph set hops 16$' \
	'^\[gen [0-9]+\] link del (sw:1 p:0|p:0 sw:1)$' \
	'^\[gen [0-9]+\] link del (sw:1 p:0|p:0 sw:1) cause module-deleted$' \
	'^\[gen [0-9]+\] module del p id [0-9]+$' \
	'^\[gen [0-9]+\] link del sw:0 dev vethM0 cause device-gone$' \
	"^\[gen $generation\] module del sw id $sw_id\$"; do
	echo "$text" | grep -Eq -- "$pattern" || fail "the text monitor printed no line like: $pattern"
done

# The monitor looks up both of its groups before it joins either. A socket
# in a group can hear an event ahead of the reply to a later lookup, and
# libnl takes the first message for the reply: when ivctl joined the events
# group first, a monitor started while the graph changed failed now and
# then ("cannot find the notify group of nlctrl"). The race is too rare to
# catch by trying; the order that prevents it shows in the system calls: no
# request goes out after the first join.
command -v strace >/dev/null || fail "strace is not installed (scripts/deps.sh installs it)"
strace -o "$DIR/trace" -e trace=sendto,sendmsg,setsockopt ivctl monitor >"$DIR/traced" 2>&1 &
tracer=$!
BG_PIDS="$BG_PIDS $tracer"
eventually 10 joined "$DIR/traced" ||
	fail "the traced monitor reports nothing after 10 s: $(cat "$DIR/traced")"
kill -INT "$(pgrep -P "$tracer" -x ivctl)"
wait "$tracer" || fail "the traced monitor exits $? on SIGINT: $(cat "$DIR/traced")"
first_join=$(grep -n 'NETLINK_ADD_MEMBERSHIP' "$DIR/trace" | head -n 1 | cut -d: -f1)
last_send=$(grep -nE '^(sendto|sendmsg)\(' "$DIR/trace" | tail -n 1 | cut -d: -f1)
log "monitor: last request at line ${last_send:-none}, first join at line ${first_join:-none} of its trace"
[ -n "$first_join" ] && [ -n "$last_send" ] ||
	fail "no join or no request in the monitor's trace: $(cat "$DIR/trace")"
[ "$last_send" -lt "$first_join" ] ||
	fail "the monitor sends a request after joining a group: $(cat "$DIR/trace")"

pass
