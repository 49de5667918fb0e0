// SPDX-License-Identifier: GPL-2.0
/*
 * pass: let every packet through to the kernel's stack.
 *
 * Ports:    1. Link port 0 to an interface and the interface behaves as if
 *           nothing were attached, while the framework counts its traffic.
 * Maps:     none.
 * Verdicts: IOV_PASS, always: the packet goes to the normal stack of the
 *           interface it arrived on.
 *
 *   ivctl module add pass obj pass.bpf.o
 *   ivctl link add pass:0 dev eth0
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include <linux/iovisor.h>

SEC("iov")
int iov_pass(struct __sk_buff *skb)
{
	return IOV_PASS;
}

char LICENSE[] SEC("license") = "GPL";
