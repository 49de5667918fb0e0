#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `ivctl batch` sends its lines as one transaction: all committed with one
# generation step, or none. A batch whose third line the kernel refuses, a
# batch that expects a generation the graph has left, and a dry run all
# leave the graph exactly as it was (modules, links and generation, as
# `ivctl -j` shows them); the refusal names the line at fault.

. "$(dirname "$0")/lib.sh"

require_iovisor
has_jq || require_cmd jq

veth_pair vb0 main vb1 main
module_add a pass
module_add b pass ports 2
run ivctl link add a:0 b:0
defer ivctl module del c

state() { ivctl -j module show && ivctl -j link show && ivctl -j graph show; }
generation() { ivctl -j graph show | jq ".[0].generation"; }
same_state() {
	local now
	now=$(state) || fail "ivctl show failed"
	[ "$now" = "$1" ] || { log "before: $1"; log "after:  $now"; fail "$2"; }
}

dir=$(mktemp -d) && defer rm -rf "$dir"
cat > "$dir/bad" <<EOT
# the third change is refused: b has two ports
module add c obj $IOMODULES/pass.bpf.o ports 2
link del a:0
link add b:9 dev vb0
link add c:0 a:0
EOT
cat > "$dir/good" <<EOT
module add c obj $IOMODULES/pass.bpf.o ports 2
link del a:0
link add b:1 dev vb0

link add c:0 a:0
link add c:1 b:0
EOT

before=$(state) || fail "ivctl show failed"
gen=$(generation)

run_fails ivctl batch "$dir/bad"
echo "$out" | grep -q "$dir/bad:4: link add b:9 dev vb0" || fail "the refusal does not name the line"
same_state "$before" "a refused batch changed the graph"

run_fails ivctl -g $((gen - 1)) batch "$dir/good"
echo "$out" | grep -q "Stale file handle" || fail "expected ESTALE, got: $out"
same_state "$before" "a stale batch changed the graph"

run ivctl --dry-run batch "$dir/good"
same_state "$before" "a dry run changed the graph"

printf 'module show\n' > "$dir/show"
run_fails ivctl batch "$dir/show"
same_state "$before" "a batch of no change changed the graph"

run ivctl -g "$gen" batch "$dir/good"
[ "$(generation)" -eq $((gen + 1)) ] || fail "a batch took $(( $(generation) - gen )) generations, not 1"
links=$(ivctl link show)
log "$links"
for l in "b:1 dev vb0" "a:0 c:0" "b:0 c:1"; do
	echo "$links" | grep -qx "$l" || fail "link $l is missing"
done
[ "$(echo "$links" | wc -l)" -eq 3 ] || fail "expected 3 links"

pass
