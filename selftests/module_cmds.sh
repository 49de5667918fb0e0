#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ivctl adds an IO module, shows it (as text and as JSON) with the id of the
# BPF program the kernel holds for it, refuses a second module of the same
# name with the kernel's reason, and deletes it, which frees the program.

. "$(dirname "$0")/lib.sh"

require_iovisor
require_cmd bpftool

module_add m0 pass ports 4

log "+ ivctl module show m0"
text=$(ivctl module show m0) || fail "ivctl module show m0"
log "$text"
echo "$text" | grep -qw m0 || fail "ivctl module show m0 does not name m0"

log "+ ivctl -j module show m0"
json=$(ivctl -j module show m0) || fail "ivctl -j module show m0"
log "$json"
[ -n "$json" ] || fail "ivctl -j module show m0 printed nothing"
if has_jq; then
	echo "$json" | jq -e 'length == 1 and .[0].name == "m0"' >/dev/null ||
		fail "ivctl -j module show m0 is not a list of one module named m0"
fi
nports=$(module_field m0 .num_ports) || exit
[ "$nports" = 4 ] || fail "m0 has ${nports:-no} ports in the JSON, not 4"

id=$(module_prog_id m0) || exit
log "m0 runs BPF program $id"
run bpftool prog show id "$id"
if has_jq; then
	type=$(bpftool -j prog show id "$id" | jq -r .type)
	[ "$type" = sched_cls ] || fail "program $id is of type $type, not sched_cls"
fi

module_add m1 drop
ivctl module show | grep -qw m0 || fail "ivctl module show does not list m0"
ivctl module show | grep -qw m1 || fail "ivctl module show does not list m1"

run_fails ivctl module add m0 obj "$IOMODULES/drop.bpf.o"
echo "$out" | grep -q '^Error: ' || fail "a refused module add does not print the kernel's Error: message"

run ivctl module del m0
run_fails ivctl module show m0
ivctl module show | grep -qw m0 && fail "ivctl module show still lists m0 after module del"
ivctl module show | grep -qw m1 || fail "deleting m0 took m1 with it"
prog_gone "$id" || fail "BPF program $id is still loaded 5 s after module del m0"

run_fails ivctl module del m0

pass
