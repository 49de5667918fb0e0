# SPDX-License-Identifier: GPL-2.0
#
# make            build the kernel module, ivctl and the IO module library
# make check      install what is missing, boot Debian's kernel in QEMU, run every selftest
# make demo       the same VM, running a demo topology
# make check-debug  every selftest on a debug kernel (KASAN, lockdep, kmemleak...)
# make fuzz-debug   a million fuzzed netlink messages on that kernel
# make install    the module (plus depmod) and ivctl, for the running kernel

KVER	?= $(shell scripts/kver.sh 2>/dev/null)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KDIR	?= /lib/modules/$(shell uname -r)/build
else
KDIR	?= /usr/src/linux-headers-$(KVER)
endif
# The VM always runs Debian's $(KVER): build what it loads against that.
VM_KDIR	:= /usr/src/linux-headers-$(KVER)

PREFIX	?= /usr/local
VERSION	:= 0.1
DKMS_SRC := $(DESTDIR)/usr/src/iovisor-$(VERSION)

.PHONY: all module tools iomodules selftests deps check demo clean install \
	dkms-install vm-build bench deb

all: module tools iomodules

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

iomodules:
	$(MAKE) -C iomodules

selftests: tools iomodules
	$(MAKE) -C selftests

deps:
	scripts/deps.sh

vm-build:
	$(MAKE) module KDIR=$(VM_KDIR)
	$(MAKE) tools iomodules selftests

check: deps
	$(MAKE) vm-build
	scripts/check.sh

demo: deps
	$(MAKE) vm-build
	scripts/vm.sh scripts/demo.sh

# Receive-path cost against tc (cls_bpf), side by side in one VM run.
bench: deps
	$(MAKE) vm-build
	scripts/vm.sh scripts/bench.sh

# The same selftests on a debug kernel of our own (KASAN, UBSAN, lockdep, RCU
# and atomic-sleep checks, kmemleak), built once from linux-source-6.1 and
# cached: see scripts/debug-kernel.sh. The build takes 11 to 20 minutes on 2
# cores from a cold cache, the tests about half an hour. Too long for CI
# from a cold cache, it is a rule instead: a change to kmod/, uapi/ or Kbuild
# lands with the selftests/debug-lane.pass that a passing run writes, and
# make check fails while that record does not match the sources
# (scripts/debug-stamp.sh).
.PHONY: check-debug
check-debug: deps
	$(MAKE) tools iomodules selftests
	scripts/debug-kernel.sh scripts/check.sh

# The long netlink fuzz on the debug kernel: FUZZ_COUNT messages (a million
# by default; an hour and a half here, two with another VM beside it) from
# nl_fuzz alone, then its consistency checks, the kernel log and a kmemleak
# scan. Traffic is off (FUZZ_TRAFFIC=1 turns it on): on the debug kernel
# pktgen and the device churner take CPU and RTNL and halve the rate.
# check-debug runs the same fuzzer with traffic, at the normal lane's volume.
FUZZ_COUNT ?= 1000000
FUZZ_TRAFFIC ?= 0
.PHONY: fuzz-debug
fuzz-debug: deps
	$(MAKE) tools iomodules selftests
	IOVISOR_FUZZ_COUNT=$(FUZZ_COUNT) IOVISOR_FUZZ_TRAFFIC=$(FUZZ_TRAFFIC) \
	IOVISOR_TEST_TIMEOUT=36000 IOVISOR_VM_TIMEOUT=36600 \
		scripts/debug-kernel.sh scripts/vm.sh selftests/run_tests.sh nl_fuzz

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C iomodules clean
	$(MAKE) -C selftests clean

install: module tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))
	$(MAKE) -C tools install PREFIX=$(PREFIX)

# Register the module sources with DKMS and build/install it for DKMS_KVER:
# the running kernel if it has headers, else $(KVER). Re-running replaces
# whatever `make dkms-install` registered before (any version); it refuses
# to touch the sources of the installed iovisor-dkms package.
dkms-install: DKMS_KVER ?= $(if $(wildcard /lib/modules/$(shell uname -r)/build),$(shell uname -r),$(KVER))
dkms-install:
	@if dpkg-query -W -f='$${Status}' iovisor-dkms 2>/dev/null | grep -q ' installed$$'; then \
		echo "iovisor-dkms is installed; purge it before make dkms-install" >&2; exit 1; fi
	for v in $$(dkms status -m iovisor | sed -n 's|^iovisor/\([^,:]*\).*|\1|p' | sort -u); do \
		dkms remove -m iovisor -v $$v --all && rm -rf /usr/src/iovisor-$$v || exit 1; done
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/uapi/linux
	install -m 0644 Kbuild $(DKMS_SRC)/
	install -m 0644 kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) $(DKMS_SRC)/kmod/
	install -m 0644 $(wildcard uapi/linux/*.h) $(DKMS_SRC)/uapi/linux/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf
	dkms add -m iovisor -v $(VERSION)
	dkms install -m iovisor -v $(VERSION) -k $(DKMS_KVER)

# iovisor-dkms_$(VERSION)_all.deb and ivctl_$(VERSION)_<arch>.deb in build/deb/
# (dpkg-buildpackage -b -us -uc on a copy of the tree; as root it installs
# missing build dependencies with `apt-get build-dep ./` first).
deb:
	scripts/build-debs.sh
