# SPDX-License-Identifier: GPL-2.0
#
# make            build the kernel module, ivctl and the IO module library
# make check      install what is missing, boot Debian's kernel in QEMU, run every selftest
# make demo       the same VM, running a demo topology
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
	dkms-install vm-build

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

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C iomodules clean
	$(MAKE) -C selftests clean

install: module tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))
	$(MAKE) -C tools install PREFIX=$(PREFIX)

dkms-install:
	mkdir -p $(DKMS_SRC)
	cp -r Kbuild dkms.conf kmod uapi $(DKMS_SRC)/
	dkms add -m iovisor -v $(VERSION)
	dkms install -m iovisor -v $(VERSION)
