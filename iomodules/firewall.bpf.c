// SPDX-License-Identifier: GPL-2.0
/*
 * firewall: a stateless IPv4 packet filter between two ports.
 *
 * Ports:    0 outside, 1 inside. What comes in by port 1 goes out of port 0
 *           untouched; what comes in by port 0 is checked against the rules
 *           and, if it passes, goes out of port 1. Non-IPv4 frames (ARP ...)
 *           pass both ways.
 * Maps:     "rules" array[FW_RULES_MAX] of struct fw_rule, tried in index
 *           order; the first rule that matches decides; a rule with action
 *           0 ends the list. A field that is 0 matches anything: src/dst
 *           with src_len/dst_len are prefixes, proto an IP protocol number,
 *           dport a TCP or UDP destination port. action 1 passes, 2 drops.
 *           "config" array[1] of struct fw_config { default_action }: what
 *           happens when no rule matches; 0 or 1 pass, 2 drop.
 * Verdicts: OUT(1), OUT(0) or DROP.
 *
 *   ivctl module add fw obj firewall.bpf.o ports 2
 *   ivctl map update fw rules key 0 value proto 6 dport 8080 action 2
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <linux/iovisor.h>
#include "iov_types.h"

#define FW_RULES_MAX	64
#define FW_PASS		1
#define FW_DROP		2

struct fw_rule {
	iov_ip4_t src;
	__u32 src_len;
	iov_ip4_t dst;
	__u32 dst_len;
	__u32 proto;
	__u32 dport;
	__u32 action;
};

struct fw_config {
	__u32 default_action;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_RULES_MAX);
	__type(key, __u32);
	__type(value, struct fw_rule);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fw_config);
} config SEC(".maps");

struct fw_pkt {
	__u32 src, dst;		/* network order */
	__u32 proto;
	__u32 dport;		/* host order; 0 if none */
};

static __always_inline int prefix_match(__u32 addr, __u32 net, __u32 len)
{
	__u32 mask;

	if (!len)
		return 1;
	mask = len >= 32 ? ~0U : ~((1U << (32 - len)) - 1);
	return (bpf_ntohl(addr) & mask) == (bpf_ntohl(net) & mask);
}

static __always_inline int rule_match(const struct fw_rule *r,
				      const struct fw_pkt *p)
{
	return prefix_match(p->src, r->src, r->src_len) &&
	       prefix_match(p->dst, r->dst, r->dst_len) &&
	       (!r->proto || r->proto == p->proto) &&
	       (!r->dport || r->dport == p->dport);
}

static __always_inline int fw_parse(struct __sk_buff *skb, struct fw_pkt *p)
{
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = (void *)(long)skb->data;
	struct iphdr *ip = (void *)(eth + 1);
	void *l4;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	p->src = ip->saddr;
	p->dst = ip->daddr;
	p->proto = ip->protocol;
	p->dport = 0;
	l4 = (void *)ip + ip->ihl * 4;
	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return 0;
		p->dport = bpf_ntohs(th->dest);
	} else if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return 0;
		p->dport = bpf_ntohs(uh->dest);
	}
	return 0;
}

static __always_inline __u32 fw_decide(const struct fw_pkt *p)
{
	struct fw_config *cfg;
	__u32 i, zero = 0;

	for (i = 0; i < FW_RULES_MAX; i++) {
		/* A copy: the verifier loses i's bounds once its address is taken. */
		__u32 key = i;
		struct fw_rule *r = bpf_map_lookup_elem(&rules, &key);

		if (!r || !r->action)
			break;
		if (rule_match(r, p))
			return r->action;
	}
	cfg = bpf_map_lookup_elem(&config, &zero);
	return cfg && cfg->default_action ? cfg->default_action : FW_PASS;
}

SEC("iov")
int iov_firewall(struct __sk_buff *skb)
{
	struct fw_pkt p;

	if (skb->cb[IOV_CB_IN_PORT] == 1)
		return IOV_OUT(0);
	if (fw_parse(skb, &p) < 0)
		return IOV_OUT(1);
	return fw_decide(&p) == FW_DROP ? IOV_DROP : IOV_OUT(1);
}

char LICENSE[] SEC("license") = "GPL";
