// SPDX-License-Identifier: GPL-2.0
/*
 * drop: drop every packet.
 *
 * Ports:    1. Linked to an interface it blackholes all the interface
 *           receives; linked to another module's port it is a sink.
 * Maps:     none.
 * Verdicts: IOV_DROP, always. The framework counts the drops at the port
 *           each packet came in by (ivctl -s module show drop).
 *
 *   ivctl module add drop obj drop.bpf.o
 *   ivctl link add drop:0 dev eth0
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include <linux/iovisor.h>

SEC("iov")
int iov_drop(struct __sk_buff *skb)
{
	return IOV_DROP;
}

char LICENSE[] SEC("license") = "GPL";
