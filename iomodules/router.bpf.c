// SPDX-License-Identifier: GPL-2.0
/*
 * router: a static IPv4 router.
 *
 * Ports:    one per attached subnet; port n has the address and MAC in
 *           ifaces[n].
 * Maps:     "ifaces" array[IOV_PORTS_MAX], port -> struct router_iface
 *                    { addr, mac }: the router's own address and MAC on it.
 *           "routes" LPM trie, struct route_key { prefixlen, addr } ->
 *                    struct route { port, gateway }: gateway 0.0.0.0 for a
 *                    directly connected subnet.
 *           "neigh"  hash, iov_ip4_t -> iov_mac_t: static neighbours (hosts
 *                    and next-hop routers).
 * Behaviour: answers ARP requests and pings for ifaces[in].addr on the port
 *           they came in by; forwards IPv4 frames sent to its MAC by the
 *           longest matching route, to the neighbour's MAC, with the TTL
 *           decremented and the header checksum updated.
 * Verdicts: OUT(port) for what it forwards or answers; DROP for everything
 *           else (no route, no neighbour, TTL expired, not for it).
 *
 *   ivctl module add r obj router.bpf.o ports 2
 *   ivctl map update r ifaces key 0 value addr 10.0.1.1 mac 02:00:00:00:01:01
 *   ivctl map update r routes key prefixlen 24 addr 10.0.1.0 value port 0 gateway 0.0.0.0
 *   ivctl map update r neigh key 10.0.1.2 value 02:00:00:00:01:02
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <linux/iovisor.h>
#include "iov_types.h"
#include "iov_pkt.h"

struct router_iface {
	iov_ip4_t addr;
	iov_mac_t mac;
	__u16 pad;
};

struct route_key {
	__u32 prefixlen;
	iov_ip4_t addr;
};

struct route {
	__u32 port;
	iov_ip4_t gateway;
};

/* linux/if_arp.h and linux/icmp.h drag in libc headers the BPF target lacks. */
#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

struct icmphdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__be32 rest;
};

#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

/* An Ethernet ARP packet for IPv4, as on the wire. */
struct arp_eth_ip4 {
	struct {
		__be16 ar_hrd;
		__be16 ar_pro;
		__u8 ar_hln;
		__u8 ar_pln;
		__be16 ar_op;
	} hdr;
	iov_mac_t sha;
	iov_ip4_t spa;
	iov_mac_t tha;
	iov_ip4_t tpa;
} __attribute__((packed));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IOV_PORTS_MAX);
	__type(key, __u32);
	__type(value, struct router_iface);
} ifaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct route_key);
	__type(value, struct route);
} routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, iov_ip4_t);
	__type(value, iov_mac_t);
} neigh SEC(".maps");

static __always_inline int mac_eq(const iov_mac_t *a, const __u8 *b)
{
	return a->addr[0] == b[0] && a->addr[1] == b[1] && a->addr[2] == b[2] &&
	       a->addr[3] == b[3] && a->addr[4] == b[4] && a->addr[5] == b[5];
}

/* Turn an ARP request for our address into the reply, in place. */
static __always_inline int router_arp(struct ethhdr *eth, void *data_end,
				      const struct router_iface *ifc, __u32 in)
{
	struct arp_eth_ip4 *arp = (void *)(eth + 1);

	if ((void *)(arp + 1) > data_end)
		return IOV_DROP;
	if (arp->hdr.ar_op != bpf_htons(ARPOP_REQUEST) || arp->tpa != ifc->addr ||
	    arp->hdr.ar_hrd != bpf_htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != bpf_htons(ETH_P_IP))
		return IOV_DROP;
	arp->hdr.ar_op = bpf_htons(ARPOP_REPLY);
	arp->tha = arp->sha;
	arp->tpa = arp->spa;
	arp->sha = ifc->mac;
	arp->spa = ifc->addr;
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, ifc->mac.addr, ETH_ALEN);
	return IOV_OUT(in);
}

/* Answer a ping to our own address, in place. */
static __always_inline int router_echo(struct ethhdr *eth, struct iphdr *ip,
				       void *data_end,
				       const struct router_iface *ifc, __u32 in)
{
	struct icmphdr *icmp = (void *)(ip + 1);
	__u16 old;

	if (ip->ihl != 5 || ip->protocol != IPPROTO_ICMP ||
	    (void *)(icmp + 1) > data_end || icmp->type != ICMP_ECHO)
		return IOV_DROP;
	old = *(__u16 *)icmp;
	icmp->type = ICMP_ECHOREPLY;
	iov_csum_replace2(&icmp->checksum, old, *(__u16 *)icmp);
	ip->daddr = ip->saddr;
	ip->saddr = ifc->addr;
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, ifc->mac.addr, ETH_ALEN);
	return IOV_OUT(in);
}

static __always_inline int router_forward(struct ethhdr *eth, struct iphdr *ip)
{
	struct route_key key = { .prefixlen = 32, .addr = ip->daddr };
	struct router_iface *out_ifc;
	iov_ip4_t nexthop;
	struct route *rt;
	iov_mac_t *mac;
	__u16 old;
	__u32 out;

	if (ip->ttl <= 1)
		return IOV_DROP;
	rt = bpf_map_lookup_elem(&routes, &key);
	if (!rt)
		return IOV_DROP;
	out = rt->port;
	nexthop = rt->gateway ? rt->gateway : ip->daddr;
	mac = bpf_map_lookup_elem(&neigh, &nexthop);
	out_ifc = bpf_map_lookup_elem(&ifaces, &out);
	if (!mac || !out_ifc)
		return IOV_DROP;

	old = *(__u16 *)&ip->ttl;
	ip->ttl--;
	iov_csum_replace2(&ip->check, old, *(__u16 *)&ip->ttl);
	__builtin_memcpy(eth->h_dest, mac->addr, ETH_ALEN);
	__builtin_memcpy(eth->h_source, out_ifc->mac.addr, ETH_ALEN);
	return IOV_OUT(out);
}

SEC("iov")
int iov_router(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = (void *)(long)skb->data;
	__u32 in = skb->cb[IOV_CB_IN_PORT];
	struct router_iface *ifc;
	struct iphdr *ip;

	ifc = bpf_map_lookup_elem(&ifaces, &in);
	if (!ifc || (void *)(eth + 1) > data_end)
		return IOV_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return router_arp(eth, data_end, ifc, in);
	if (eth->h_proto != bpf_htons(ETH_P_IP) || !mac_eq(&ifc->mac, eth->h_dest))
		return IOV_DROP;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return IOV_DROP;
	if (ip->daddr == ifc->addr)
		return router_echo(eth, ip, data_end, ifc, in);
	return router_forward(eth, ip);
}

char LICENSE[] SEC("license") = "GPL";
