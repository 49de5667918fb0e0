// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. A linked netdev's rx handler looks up where the packet
 * enters the namespace's graph and walks it: run the program, count, decode
 * the verdict, follow the link, repeat. It runs in softirq inside the core
 * receive path's rcu_read_lock and takes no lock.
 *
 * Between runs the packet's data starts at its network header, as the stack
 * hands it over; each run pushes the MAC header back first, exactly as
 * cls_bpf does at tc ingress, so programs written for tc work unchanged.
 */
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/sch_generic.h>
#include "iovisor.h"

/*
 * A flood copy waiting in the walk's queue keeps its next hop in the two
 * words of skb->cb that bpf_compute_data_pointers() rewrites before every
 * run, so it never overlaps what programs see (__sk_buff.cb[] lives in
 * qdisc_skb_cb.data, in front of it).
 */
struct iov_skb_cb {
	struct qdisc_skb_cb qdisc;
	const struct iov_gnode *node;
	u16 port;
	u16 hops;
};

static_assert(offsetof(struct iov_skb_cb, node) >=
	      offsetof(struct bpf_skb_data_end, data_meta));
static_assert(sizeof(struct iov_skb_cb) <= sizeof_field(struct sk_buff, cb));
static_assert(IOV_PORTS_MAX <= U16_MAX && IOV_HOP_BUDGET_MAX <= U16_MAX);

static struct iov_skb_cb *iov_cb(struct sk_buff *skb)
{
	return (struct iov_skb_cb *)skb->cb;
}

struct iov_walk {
	const struct iov_graph *g;
	struct sk_buff_head queue;	/* flood copies still to walk */
	struct sk_buff *pass;		/* the one copy the stack gets */
	unsigned int runs;		/* programs run */
	unsigned int copies;		/* flood copies made */
};

static void iov_count(const struct iov_gnode *node, u32 port, int attr,
		      unsigned int len)
{
	struct iov_stats *s = this_cpu_ptr(node->stats) + port;

	u64_stats_update_begin(&s->syncp);
	if (len) {
		u64_stats_inc(&s->cnt[IOV_CNT(IOV_STATS_PACKETS)]);
		u64_stats_add(&s->cnt[IOV_CNT(IOV_STATS_BYTES)], len);
	}
	u64_stats_inc(&s->cnt[IOV_CNT(attr)]);
	u64_stats_update_end(&s->syncp);
}

static int iov_verdict_attr(u32 verdict)
{
	switch (verdict) {
	case IOV_PASS:
		return IOV_STATS_PASS;
	case IOV_DROP:
		return IOV_STATS_DROP;
	case IOV_FLOOD:
		return IOV_STATS_FLOOD;
	}
	if ((verdict & ~0xffffU) == IOV_OUT_BASE)
		return IOV_STATS_OUT;
	return IOV_STATS_ERR_VERDICT;
}

/*
 * Run node's program on a packet that entered it at @port; count the run and
 * return what the verdict is (an IOV_STATS_ attribute), the verdict itself in
 * @verdict.
 */
static int iov_run(const struct iov_gnode *node, u32 port, struct sk_buff *skb,
		   u32 *verdict)
{
	u32 *cb = (u32 *)qdisc_skb_cb(skb)->data;
	unsigned int len;
	int attr;

	cb[IOV_CB_IN_PORT] = port;
	__skb_push(skb, skb->mac_len);
	len = skb->len;
	bpf_compute_data_pointers(skb);
	*verdict = bpf_prog_run(node->prog, skb);
	__skb_pull(skb, skb->mac_len);
	if (unlikely(!skb->tstamp && skb->mono_delivery_time))
		skb->mono_delivery_time = 0;
	attr = iov_verdict_attr(*verdict);
	iov_count(node, port, attr, len);
	return attr;
}

/* Out of the graph onto a netdev's transmit path, as a new transmission. */
static void iov_xmit(struct sk_buff *skb, struct net_device *dev,
		     const struct iov_gnode *node, u32 port)
{
	__skb_push(skb, skb->mac_len);
	if (unlikely(!is_skb_forwardable(dev, skb) || dev_xmit_recursion())) {
		iov_count(node, port, IOV_STATS_ERR_TX, 0);
		kfree_skb(skb);
		return;
	}
	memset(skb->cb, 0, sizeof(skb->cb));
	skb->dev = dev;
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);
	dev_queue_xmit(skb);
}

static void iov_send(struct iov_walk *w, struct sk_buff *skb,
		     const struct iov_gport *peer, u32 hops,
		     const struct iov_gnode *node, u32 port)
{
	if (peer->dev) {
		iov_xmit(skb, peer->dev, node, port);
		return;
	}
	iov_cb(skb)->node = peer->node;
	iov_cb(skb)->port = peer->port;
	iov_cb(skb)->hops = hops;
	__skb_queue_tail(&w->queue, skb);
}

static bool iov_gport_linked(const struct iov_gport *gp)
{
	return gp->node || gp->dev;
}

/*
 * A copy out of every linked port but the in-port. Clones share the data;
 * a program that writes to one gets a private copy first (the tc prologue
 * for direct writes and the helpers both make the skb writable), so one copy
 * never changes another. A walk makes at most IOV_WALK_RUNS_MAX copies, so
 * a flood in a looped graph of wide modules stays bounded too; the copies
 * it does not make count as ERR_HOPS.
 */
static void iov_flood(struct iov_walk *w, struct sk_buff *skb,
		      const struct iov_gnode *node, u32 in_port, u32 hops)
{
	const struct iov_gport *last = NULL;
	u32 p;

	for (p = 0; p < node->nports; p++) {
		const struct iov_gport *peer = &node->ports[p];
		struct sk_buff *copy;

		if (p == in_port || !iov_gport_linked(peer))
			continue;
		if (last) {
			if (w->copies >= IOV_WALK_RUNS_MAX) {
				iov_count(node, in_port, IOV_STATS_ERR_HOPS, 0);
				break;
			}
			w->copies++;
			copy = skb_clone(skb, GFP_ATOMIC);
			if (copy)
				iov_send(w, copy, last, hops, node, in_port);
			else
				iov_count(node, in_port, IOV_STATS_ERR_NOMEM, 0);
		}
		last = peer;
	}
	if (last)
		iov_send(w, skb, last, hops, node, in_port);
	else
		consume_skb(skb);
}

static void iov_pass(struct iov_walk *w, struct sk_buff *skb,
		     const struct iov_gnode *node, u32 port)
{
	if (w->pass) {
		iov_count(node, port, IOV_STATS_ERR_PASS, 0);
		kfree_skb(skb);
		return;
	}
	w->pass = skb;
}

/* Walk one packet from node:port until it leaves the graph or is dropped. */
static void iov_walk(struct iov_walk *w, struct sk_buff *skb,
		     const struct iov_gnode *node, u32 port, u32 hops)
{
	for (;;) {
		const struct iov_gport *peer;
		u32 verdict, out;

		if (hops >= w->g->hop_budget || w->runs >= IOV_WALK_RUNS_MAX) {
			iov_count(node, port, IOV_STATS_ERR_HOPS, 0);
			kfree_skb(skb);
			return;
		}
		hops++;
		w->runs++;
		switch (iov_run(node, port, skb, &verdict)) {
		case IOV_STATS_PASS:
			iov_pass(w, skb, node, port);
			return;
		case IOV_STATS_FLOOD:
			iov_flood(w, skb, node, port, hops);
			return;
		case IOV_STATS_OUT:
			break;
		default:	/* DROP, or no known verdict (counted as such) */
			kfree_skb(skb);
			return;
		}
		out = verdict & 0xffff;
		peer = out < node->nports ? &node->ports[out] : NULL;
		if (!peer || !iov_gport_linked(peer)) {
			iov_count(node, port, IOV_STATS_ERR_PORT, 0);
			kfree_skb(skb);
			return;
		}
		if (peer->dev) {
			iov_xmit(skb, peer->dev, node, port);
			return;
		}
		node = peer->node;
		port = peer->port;
	}
}

rx_handler_result_t iov_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	const struct iov_attach *att = rcu_dereference(skb->dev->rx_handler_data);
	const struct iov_graph *g = rcu_dereference(att->in->graph);
	u8 saved_cb[sizeof_field(struct sk_buff, cb)];
	const struct iov_entry *entry;
	struct iov_walk w;
	bool at_ingress;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK) || !g ||
	    att->slot >= g->nslots)
		return RX_HANDLER_PASS;
	entry = &g->entries[att->slot];
	if (!entry->node)
		return RX_HANDLER_PASS;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;

	memcpy(saved_cb, skb->cb, sizeof(saved_cb));
	memset(skb->cb, 0, sizeof(skb->cb));
	qdisc_skb_cb(skb)->pkt_len = skb->len;	/* __sk_buff.wire_len, as at tc */
	at_ingress = skb->tc_at_ingress;
	/* Helpers that change the packet fix up the checksum as at tc ingress. */
	skb->tc_at_ingress = 1;

	w.g = g;
	w.pass = NULL;
	w.runs = 0;
	w.copies = 0;
	__skb_queue_head_init(&w.queue);
	iov_walk(&w, skb, entry->node, entry->port, 0);
	while ((skb = __skb_dequeue(&w.queue)))
		iov_walk(&w, skb, iov_cb(skb)->node, iov_cb(skb)->port,
			 iov_cb(skb)->hops);

	skb = w.pass;
	if (!skb)
		return RX_HANDLER_CONSUMED;
	memcpy(skb->cb, saved_cb, sizeof(saved_cb));
	skb->tc_at_ingress = at_ingress;
	*pskb = skb;
	return RX_HANDLER_PASS;
}
