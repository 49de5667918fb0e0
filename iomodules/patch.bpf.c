// SPDX-License-Identifier: GPL-2.0
/*
 * patch: a patch cable. What comes in by port 0 goes out of port 1 and the
 * other way round, untouched.
 *
 * Ports:    2.
 * Maps:     none.
 * Verdicts: IOV_OUT(1) for port 0, IOV_OUT(0) for port 1.
 *
 *   ivctl module add cable obj patch.bpf.o ports 2
 *   ivctl link add cable:0 dev veth0
 *   ivctl link add cable:1 dev veth1
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include <linux/iovisor.h>

SEC("iov")
int iov_patch(struct __sk_buff *skb)
{
	return IOV_OUT(skb->cb[IOV_CB_IN_PORT] ^ 1);
}

char LICENSE[] SEC("license") = "GPL";
