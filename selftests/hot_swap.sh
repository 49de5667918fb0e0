#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `ivctl module replace` swaps a module's program in one step: the module
# keeps its id, ports, links and counters, and by default its state, since
# the new program takes over the old one's maps (a learning switch keeps
# its MAC table across the upgrade). With expect-prog the swap is a
# compare-and-set: a module running another program is left alone
# (ESTALE). With fresh-maps the new program starts from empty maps.
#
#   h1 10.2.0.1 --- s1 --- sw:0  sw (switch)  sw:1 --- s2 --- h2 10.2.0.2

. "$(dirname "$0")/lib.sh"

require_iovisor
has_jq || require_cmd jq

for i in 1 2; do
	ns_add "$NS_PREFIX-h$i"
	veth_pair "h${i}e" "$NS_PREFIX-h$i" "s$i" main
	addr_add "$NS_PREFIX-h$i" "h${i}e" "10.2.0.$i/24"
done
neigh_pin "$NS_PREFIX-h1" h1e 10.2.0.2 "$(mac_of "$NS_PREFIX-h2" h2e)"
neigh_pin "$NS_PREFIX-h2" h2e 10.2.0.1 "$(mac_of "$NS_PREFIX-h1" h1e)"

module_add sw switch ports 2
run ivctl link add sw:0 dev s1
run ivctl link add sw:1 dev s2
ping_ok "$NS_PREFIX-h1" 10.2.0.2 || { show_state; fail "h1 cannot ping h2 through the switch"; }

# What must survive the swap.
module_json() { ivctl -j -s module show sw | jq -c '.[0]'; }
macs_map_id() { ivctl -j map show sw | jq -r '.[] | select(.name == "macs") | .id'; }
macs_count() { ivctl -j map show sw macs | jq length; }
before=$(module_json) || fail "ivctl module show sw"
links_before=$(ivctl link show) || fail "ivctl link show"
map_before=$(macs_map_id)
[ "$(macs_count)" -eq 2 ] || fail "the switch has not learned both hosts"
prog_before=$(echo "$before" | jq .prog_id)
packets_before=$(echo "$before" | jq .stats.packets)

run ivctl module replace sw obj "$IOMODULES/switch.bpf.o"
after=$(module_json) || fail "ivctl module show sw"
log "before: $before"
log "after:  $after"
[ "$(echo "$after" | jq .prog_id)" != "$prog_before" ] || fail "the program id did not change"
[ "$(echo "$after" | jq .id)" = "$(echo "$before" | jq .id)" ] || fail "the module id changed"
[ "$(echo "$after" | jq .num_ports)" = 2 ] || fail "the port count changed"
[ "$(echo "$after" | jq .stats.packets)" -ge "$packets_before" ] || fail "the counters were reset"
[ "$(ivctl link show)" = "$links_before" ] || fail "the links changed: $(ivctl link show)"
[ "$(macs_map_id)" = "$map_before" ] || fail "the MAC table is another map now"
[ "$(macs_count)" -eq 2 ] || fail "the MAC table lost its entries"
# The new program forwards by the table it inherited: no flood needed.
flood=$(module_stat sw flood) || exit
ping_ok "$NS_PREFIX-h1" 10.2.0.2 || { show_state; fail "h1 cannot ping h2 after the swap"; }
[ "$(module_stat sw flood)" -eq "$flood" ] || { show_state; fail "the new program flooded: it did not see the MAC table"; }

# Compare-and-set: expecting the program that ran before is stale now.
prog=$(module_prog_id sw) || exit
gen=$(ivctl -j graph show | jq ".[0].generation")
run_fails ivctl module replace sw obj "$IOMODULES/pass.bpf.o" expect-prog "$prog_before"
echo "$out" | grep -q "Stale file handle" || fail "expected ESTALE, got: $out"
[ "$(module_prog_id sw)" = "$prog" ] || fail "a refused swap changed the program"
[ "$(ivctl -j graph show | jq ".[0].generation")" = "$gen" ] || fail "a refused swap moved the generation"
run ivctl module replace sw obj "$IOMODULES/switch.bpf.o" expect-prog "$prog"

# fresh-maps: a new, empty MAC table.
map_kept=$(macs_map_id)
run ivctl module replace sw obj "$IOMODULES/switch.bpf.o" fresh-maps
[ "$(macs_map_id)" != "$map_kept" ] || fail "fresh-maps kept the MAC table"
[ "$(macs_count)" -eq 0 ] || fail "the fresh MAC table is not empty"
ping_ok "$NS_PREFIX-h1" 10.2.0.2 || { show_state; fail "h1 cannot ping h2 with fresh maps"; }

pass
