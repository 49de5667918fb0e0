// SPDX-License-Identifier: GPL-2.0
/*
 * counter: count packets and bytes per port in a map, then pass them.
 *
 * The framework counts every module's traffic already; this module shows how
 * a program keeps its own state and reads the port a packet came in by.
 *
 * Ports:    any number (ivctl module add ... ports N, up to IOV_PORTS_MAX).
 * Maps:     "counters", a per-CPU array of IOV_PORTS_MAX entries indexed by
 *           the port the packet entered by (cb[IOV_CB_IN_PORT]); each entry
 *           is struct iov_counter { packets, bytes }, bytes counted from the
 *           Ethernet header. Sum the CPUs to read it:
 *             bpftool map dump name counters
 * Verdicts: IOV_PASS, always.
 *
 *   ivctl module add counter obj counter.bpf.o
 *   ivctl link add counter:0 dev eth0
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include <linux/iovisor.h>

struct iov_counter {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IOV_PORTS_MAX);
	__type(key, __u32);
	__type(value, struct iov_counter);
} counters SEC(".maps");

SEC("iov")
int iov_counter(struct __sk_buff *skb)
{
	__u32 port = skb->cb[IOV_CB_IN_PORT];
	struct iov_counter *c;

	/* Per-CPU entries: plain adds, no atomics needed. */
	c = bpf_map_lookup_elem(&counters, &port);
	if (c) {
		c->packets++;
		c->bytes += skb->len;
	}
	return IOV_PASS;
}

char LICENSE[] SEC("license") = "GPL";
