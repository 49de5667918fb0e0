// SPDX-License-Identifier: GPL-2.0
/*
 * switch: a learning L2 switch.
 *
 * Ports:    any number; all alike. Link each to a host interface, a VXLAN
 *           device or another module (a router, a firewall, another switch).
 * Maps:     "macs"   hash, iov_mac_t -> struct switch_fdb { port, seen_ns }:
 *                    the MAC table, learned from source addresses. An entry
 *                    not refreshed for the age (below) counts as unknown and
 *                    is removed when next looked up. Static entries can be
 *                    added by hand with a seen_ns far in the future.
 *           "config" array[1] of struct switch_config { age_sec }: seconds
 *                    an entry lives; 0 means 300.
 * Verdicts: FLOOD for broadcast, multicast and unknown or aged destinations;
 *           OUT(port) for known ones; DROP when the destination sits behind
 *           the port the frame came in by.
 *
 *   ivctl module add sw obj switch.bpf.o ports 4
 *   ivctl link add sw:0 dev veth0
 *   ivctl map show sw macs
 *   ivctl map update sw config key 0 value age_sec 60
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

#include <linux/iovisor.h>
#include "iov_types.h"
#include "iov_pkt.h"

#define NSEC_PER_SEC		1000000000ULL
#define SWITCH_AGE_DEFAULT	300

struct switch_fdb {
	__u32 port;
	__u32 pad;
	__u64 seen_ns;
};

struct switch_config {
	__u32 age_sec;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, iov_mac_t);
	__type(value, struct switch_fdb);
} macs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct switch_config);
} config SEC(".maps");

static __always_inline __u64 switch_age_ns(void)
{
	struct switch_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (cfg && cfg->age_sec)
		return cfg->age_sec * NSEC_PER_SEC;
	return SWITCH_AGE_DEFAULT * NSEC_PER_SEC;
}

/* Remember that @src lives behind @port; write only when something changed
 * or the entry is a second old, so steady traffic does not bounce the cache
 * line between CPUs. */
static __always_inline void switch_learn(const iov_mac_t *src, __u32 port,
					 __u64 now)
{
	struct switch_fdb *e = bpf_map_lookup_elem(&macs, src);
	struct switch_fdb fresh = { .port = port, .seen_ns = now };

	if (e && e->port == port && now - e->seen_ns < NSEC_PER_SEC)
		return;
	bpf_map_update_elem(&macs, src, &fresh, BPF_ANY);
}

SEC("iov")
int iov_switch(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = (void *)(long)skb->data;
	__u32 in = skb->cb[IOV_CB_IN_PORT];
	__u64 now = bpf_ktime_get_ns();
	iov_mac_t src, dst;
	struct switch_fdb *e;

	if ((void *)(eth + 1) > data_end)
		return IOV_DROP;
	__builtin_memcpy(&src, eth->h_source, sizeof(src));
	__builtin_memcpy(&dst, eth->h_dest, sizeof(dst));

	if (!iov_mac_is_multicast(src.addr))
		switch_learn(&src, in, now);
	if (iov_mac_is_multicast(dst.addr))
		return IOV_FLOOD;

	e = bpf_map_lookup_elem(&macs, &dst);
	if (!e)
		return IOV_FLOOD;
	if ((__s64)(now - e->seen_ns) > (__s64)switch_age_ns()) {
		bpf_map_delete_elem(&macs, &dst);
		return IOV_FLOOD;
	}
	if (e->port == in)
		return IOV_DROP;
	return IOV_OUT(e->port);
}

char LICENSE[] SEC("license") = "GPL";
