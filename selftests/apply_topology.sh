#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `ivctl apply FILE` turns the difference between a topology file and the
# running graph into one transaction: a dry run prints the plan and changes
# nothing; applying makes the graph in one generation step, with the file's
# map entries in the new modules; applying the same file again changes
# nothing; `ivctl dump` writes the running graph as a file that applies to
# itself without change and rebuilds the same graph from nothing; an edited
# file replaces, remakes or deletes modules, in one step again.

. "$(dirname "$0")/lib.sh"

require_iovisor
has_jq || require_cmd jq

veth_pair ta0 main ta1 main
for m in sw p c; do defer ivctl module del "$m"; done
dir=$(mktemp -d) && defer rm -rf "$dir"
ln -s "$IOMODULES" "$dir/lib"

# Objects relative to the file's directory.
cat > "$dir/topo.yaml" <<EOT
hops: 16
modules:
  sw:
    obj: lib/switch.bpf.o
    ports: 3
    maps:
      config:
        - key 0 value age_sec 60
  p:
    obj: lib/pass.bpf.o
  c:
    obj: lib/counter.bpf.o
    sec: iov
    ports: 2
links:
  - sw:0 dev ta0
  - p:0 sw:1
  - sw:2 c:0
EOT

state() { ivctl -j module show && ivctl -j link show && ivctl -j graph show; }
generation() { ivctl -j graph show | jq ".[0].generation"; }
gen=$(generation)
before=$(state)

log "+ ivctl apply $dir/topo.yaml --dry-run"
plan=$(ivctl apply "$dir/topo.yaml" --dry-run) || fail "the dry run failed"
log "$plan"
for step in "module add sw obj $dir/lib/switch.bpf.o sec iov ports 3" \
	    "map update sw config key 0 value age_sec 60" \
	    "link add c:0 sw:2" "graph set hops 16"; do
	echo "$plan" | grep -qxF "$step" || fail "the plan lacks: $step"
done
[ "$(state)" = "$before" ] || fail "the dry run changed the graph"

run ivctl apply "$dir/topo.yaml"
[ "$(generation)" -eq $((gen + 1)) ] || fail "apply took more than one generation"
[ "$(ivctl -j graph show | jq ".[0].hops")" -eq 16 ] || fail "the hop budget is not 16"
[ "$(ivctl -j link show | jq length)" -eq 3 ] || fail "expected 3 links"
[ "$(ivctl -j map show sw config | jq '.[0].value.age_sec')" -eq 60 ] ||
	fail "the config entry was not written"

gen=$(generation)
log "+ ivctl -v apply $dir/topo.yaml"
again=$(ivctl -v apply "$dir/topo.yaml") || fail "applying again failed"
log "$again"
echo "$again" | grep -qx "# no change" || fail "applying again planned changes"
[ "$(generation)" -eq "$gen" ] || fail "applying again moved the generation"

# dump -> apply: no change on the same graph, the same graph from nothing.
ivctl dump > "$dir/dump1.yaml" || fail "ivctl dump failed"
cat "$dir/dump1.yaml"
run ivctl apply "$dir/dump1.yaml"
[ "$(generation)" -eq "$gen" ] || fail "applying the dump moved the generation"
printf 'module del sw\nmodule del p\nmodule del c\n' > "$dir/empty"
run ivctl batch "$dir/empty"
[ "$(ivctl -j module show | jq length)" -eq 0 ] || fail "the graph is not empty"
run ivctl apply "$dir/dump1.yaml"
ivctl dump > "$dir/dump2.yaml" || fail "ivctl dump failed"
# (Not the first line, which says the generation; no /dev/fd in the VM.)
sed 1d "$dir/dump1.yaml" > "$dir/d1" && sed 1d "$dir/dump2.yaml" > "$dir/d2" &&
	diff "$dir/d1" "$dir/d2" || fail "the graph rebuilt from the dump dumps differently"

# An edit: p runs another program (replace: same id, links kept), sw gets a
# port more (remade: links restored), c goes, all in one step.
sed -e 's|lib/pass.bpf.o|lib/drop.bpf.o|' -e 's|ports: 3|ports: 4|' \
    -e '/^  c:/,/ports: 2/d' -e '/sw:2 c:0/d' "$dir/topo.yaml" > "$dir/edit.yaml"
p_id=$(module_field p .id) || exit
p_prog=$(module_prog_id p) || exit
gen=$(generation)
log "+ ivctl -v apply $dir/edit.yaml"
ivctl -v apply "$dir/edit.yaml" || fail "applying the edit failed"
[ "$(generation)" -eq $((gen + 1)) ] || fail "the edit took more than one generation"
[ "$(module_field p .id)" = "$p_id" ] || fail "p was remade, not replaced"
[ "$(module_prog_id p)" != "$p_prog" ] || fail "p still runs its old program"
[ "$(module_field sw .num_ports)" -eq 4 ] || fail "sw does not have 4 ports"
ivctl module show c >/dev/null 2>&1 && fail "c is still there"
links=$(ivctl link show)
log "$links"
[ "$(echo "$links" | wc -l)" -eq 2 ] || fail "expected 2 links"
echo "$links" | grep -qxE "sw:1 p:0|p:0 sw:1" || fail "sw:1 p:0 was not restored"

# A plan made for a generation the graph has left changes nothing.
before=$(state)
run_fails ivctl -g $((gen - 1)) apply "$dir/topo.yaml"
[ "$(state)" = "$before" ] || fail "a stale apply changed the graph"

pass
