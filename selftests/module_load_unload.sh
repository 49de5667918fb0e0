#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# iovisor.ko: unloaded
#
# Inserting iovisor.ko registers the generic netlink family "iovisor", which
# ivctl then talks to; removing it unregisters the family. Again and again:
# nothing from one load survives into the next.

. "$(dirname "$0")/lib.sh"

require_cmd genl insmod rmmod
require_ko

# The family as the generic netlink controller lists it. A dump, unlike a
# lookup by name, never asks modprobe to load the family's module.
family_listed() {
	genl ctrl list 2>/dev/null | grep -q '^Name: iovisor$'
}

module_listed() {
	grep -q '^iovisor ' /proc/modules
}

module_listed && fail "iovisor.ko is loaded already; the runner should have removed it"
family_listed && fail "family iovisor is registered before iovisor.ko is loaded"

for round in 1 2 3; do
	log "round $round"
	run insmod "$IOVISOR_KO"
	module_listed || fail "round $round: insmod succeeded but iovisor is not in /proc/modules"
	family_listed || fail "round $round: family iovisor is not registered after insmod"
	run ivctl graph show
	run ivctl module show

	run rmmod iovisor
	module_listed && fail "round $round: iovisor still in /proc/modules after rmmod"
	family_listed && fail "round $round: family iovisor still registered after rmmod"
done

pass
