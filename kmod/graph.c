// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled graph the datapath reads, and the control objects it is
 * compiled from: modules, links and linked netdevs. Requests change the
 * control objects through transactions (txn.c); this file has what they
 * share with the two changes that must not fail, a linked device going away
 * and the namespace going away. Every change ends the same way:
 *
 *   iov_graph_commit():  compile the control objects into the new graph,
 *                        allocated before anything was changed, and publish;
 *   iov_change_done():   release what was removed after an RCU grace period,
 *                        then announce the change.
 *
 * So a packet sees either the old graph or the new one, never a mix.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>
#include "iovisor.h"

DEFINE_MUTEX(iov_lock);

/*
 * The new graph is allocated before the change, for the counts after it;
 * attach slots are allocated before it too, so nslots covers them.
 */
struct iov_graph *iov_graph_alloc(u32 nodes, u32 ports, u32 nslots, gfp_t gfp)
{
	struct iov_graph *g;
	size_t size;

	size = struct_size(g, nodes, nodes);
	size = size_add(size, array_size(ports, sizeof(struct iov_gport)));
	size = size_add(size, array_size(nslots, sizeof(struct iov_entry)));
	g = kvzalloc(size, gfp);
	if (!g)
		return NULL;
	g->cap_nodes = nodes;
	g->cap_ports = ports;
	g->nslots = nslots;
	return g;
}

static void iov_graph_fill(struct iov_net *in, struct iov_graph *g)
{
	struct iov_gport *ports = (struct iov_gport *)&g->nodes[g->cap_nodes];
	struct iov_entry *entries = (struct iov_entry *)&ports[g->cap_ports];
	struct iov_module *mod;
	struct iov_attach *att;
	u32 i = 0, p;

	list_for_each_entry(mod, &in->modules, list)
		mod->gidx = i++;

	list_for_each_entry(mod, &in->modules, list) {
		struct iov_gnode *node = &g->nodes[mod->gidx];

		node->prog = mod->prog;
		node->stats = mod->stats;
		node->nports = mod->nports;
		node->ports = ports;
		for (p = 0; p < mod->nports; p++, ports++) {
			const struct iov_peer *peer = &mod->peers[p];

			if (peer->mod) {
				ports->node = &g->nodes[peer->mod->gidx];
				ports->port = peer->port;
			} else if (peer->att) {
				ports->dev = peer->att->dev;
			}
		}
	}

	list_for_each_entry(att, &in->attaches, list) {
		entries[att->slot].node = &g->nodes[att->mod->gidx];
		entries[att->slot].port = att->port;
	}
	g->entries = entries;
	g->hop_budget = in->hop_budget;
	g->generation = ++in->generation;
}

static void iov_graph_publish(struct iov_net *in, struct iov_graph *g)
{
	struct iov_graph *old;

	old = rcu_replace_pointer(in->graph, g, lockdep_is_held(&iov_lock));
	if (old)
		kvfree_rcu(old, rcu);
}

void iov_graph_commit(struct iov_net *in, struct iov_graph *g)
{
	lockdep_assert_held(&iov_lock);
	if (WARN_ON_ONCE(in->nmodules > g->cap_nodes || in->nports > g->cap_ports ||
			 in->nslots > g->nslots)) {
		kvfree(g);
		g = NULL;
	} else {
		iov_graph_fill(in, g);
	}
	iov_graph_publish(in, g);
}

/*
 * For the changes that must not fail: a device went away, sockets that owned
 * modules closed. They cannot be refused, nor can they leave the old graph
 * in place (it leads to what is gone) or publish none (the linked devices
 * would bypass the graph, a firewall among it), so they wait for the memory.
 * Not charged to the task: it may be a container deleting its veth end.
 */
static void iov_graph_rebuild(struct iov_net *in)
{
	iov_graph_commit(in, iov_graph_alloc(in->nmodules, in->nports, in->nslots,
					     GFP_KERNEL | __GFP_NOFAIL));
}

/* A module that no graph references (any more). */
void iov_module_free(struct iov_module *mod)
{
	if (mod->prog)
		bpf_prog_put(mod->prog);
	free_percpu(mod->stats);
	kfree(mod->source);
	kfree(mod);
}

static void iov_module_free_work(struct work_struct *work)
{
	iov_module_free(container_of(to_rcu_work(work), struct iov_module,
				     free_work));
}

static void iov_old_prog_work(struct work_struct *work)
{
	struct iov_old_prog *old = container_of(to_rcu_work(work),
						struct iov_old_prog, work);

	bpf_prog_put(old->prog);
	kfree(old);
}

static void iov_attach_free_work(struct work_struct *work)
{
	struct iov_attach *att = container_of(to_rcu_work(work),
					      struct iov_attach, free_work);

	netdev_put(att->dev, &att->dev_tracker);
	kfree(att);
}

/* Call before the commit: events carry the generation it will produce. */
void iov_change_init(struct iov_change *c, const struct iov_net *in)
{
	c->gen = in->generation + 1;
	INIT_LIST_HEAD(&c->modules);
	INIT_LIST_HEAD(&c->attaches);
	INIT_LIST_HEAD(&c->progs);
	__skb_queue_head_init(&c->events);
}

/*
 * Called after the graph that no longer holds the removed objects was
 * published: their RCU work runs after every reader of an older graph has
 * finished. Then the change is announced.
 */
void iov_change_done(struct iov_net *in, struct iov_change *c)
{
	struct iov_module *mod, *mtmp;
	struct iov_attach *att, *atmp;
	struct iov_old_prog *old, *otmp;

	list_for_each_entry_safe(att, atmp, &c->attaches, list) {
		list_del(&att->list);
		INIT_RCU_WORK(&att->free_work, iov_attach_free_work);
		queue_rcu_work(iov_wq, &att->free_work);
	}
	list_for_each_entry_safe(mod, mtmp, &c->modules, list) {
		list_del(&mod->list);
		INIT_RCU_WORK(&mod->free_work, iov_module_free_work);
		queue_rcu_work(iov_wq, &mod->free_work);
	}
	list_for_each_entry_safe(old, otmp, &c->progs, list) {
		list_del(&old->list);
		INIT_RCU_WORK(&old->work, iov_old_prog_work);
		queue_rcu_work(iov_wq, &old->work);
	}
	iov_events_send(in, &c->events);
}

/*
 * Unhook a linked netdev. Its slot may be reused at once: the rx handler is
 * gone (netdev_rx_handler_unregister waits for readers), and the graph this
 * change commits no longer maps the slot.
 */
void iov_detach(struct iov_attach *att, struct iov_change *c)
{
	ASSERT_RTNL();
	netdev_rx_handler_unregister(att->dev);
	dev_set_promiscuity(att->dev, -1);
	ida_free(&att->in->slots, att->slot);
	list_move(&att->list, &c->attaches);
}

/* Clear both ends of the link at mod:port, if any. */
static void iov_port_clear(struct iov_module *mod, u32 port, u32 cause,
			   struct iov_change *c)
{
	struct iov_peer *peer = &mod->peers[port];

	if (!iov_port_linked(mod, port))
		return;
	iov_event_link(c, mod, port, IOV_CMD_LINK_DEL, cause);
	if (peer->mod)
		peer->mod->peers[peer->port] = (struct iov_peer){};
	else
		iov_detach(peer->att, c);
	*peer = (struct iov_peer){};
}

struct iov_module *iov_module_find(struct iov_net *in, const char *name, u32 id)
{
	struct iov_module *mod;

	lockdep_assert_held(&iov_lock);
	if (!name)
		return idr_find(&in->module_ids, id);
	list_for_each_entry(mod, &in->modules, list)
		if (!strcmp(mod->name, name))
			return mod;
	return NULL;
}

struct bpf_prog *iov_prog_get(int fd, struct netlink_ext_ack *extack)
{
	struct bpf_prog *prog;

	prog = bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_SCHED_CLS, false);
	if (IS_ERR(prog)) {
		if (PTR_ERR(prog) == -EBADF)
			NL_SET_ERR_MSG(extack, "Program fd is not an open file descriptor");
		else
			NL_SET_ERR_MSG(extack, "Program fd is not a BPF program of type SCHED_CLS");
	}
	return prog;
}

struct iov_module *iov_module_alloc(u32 nports)
{
	struct iov_module *mod;
	int cpu;

	mod = kzalloc(struct_size(mod, peers, nports), GFP_KERNEL_ACCOUNT);
	if (!mod)
		return NULL;
	mod->stats = __alloc_percpu_gfp(nports * sizeof(struct iov_stats),
					__alignof__(struct iov_stats),
					GFP_KERNEL_ACCOUNT);
	if (!mod->stats) {
		kfree(mod);
		return NULL;
	}
	for_each_possible_cpu(cpu) {
		struct iov_stats *s = per_cpu_ptr(mod->stats, cpu);
		u32 p;

		for (p = 0; p < nports; p++)
			u64_stats_init(&s[p].syncp);
	}
	mod->nports = nports;
	return mod;
}

/* Take mod and its links out of the control objects, into @c. */
static void iov_module_remove(struct iov_net *in, struct iov_module *mod,
			      struct iov_change *c)
{
	u32 p;

	for (p = 0; p < mod->nports; p++)
		iov_port_clear(mod, p, IOV_CAUSE_MODULE_DEL, c);
	iov_event_module(c, mod, IOV_CMD_MODULE_DEL);
	idr_remove(&in->module_ids, mod->id);
	list_move(&mod->list, &c->modules);
	iov_module_uncount(in, mod);
}

int iov_dev_check(struct net_device *dev, struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG(extack, "Loopback devices cannot be linked");
		return -EOPNOTSUPP;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG(extack, "Only Ethernet devices can be linked");
		return -EOPNOTSUPP;
	}
	if (dev->priv_flags & IFF_NO_RX_HANDLER) {
		NL_SET_ERR_MSG(extack, "Device takes no rx handler (vrf, ipvlan ...)");
		return -EOPNOTSUPP;
	}
	if (iov_dev_is_attached(dev)) {
		NL_SET_ERR_MSG(extack, "Device is linked to a port already");
		return -EBUSY;
	}
	if (netif_is_bridge_port(dev)) {
		NL_SET_ERR_MSG(extack, "Device is a bridge port");
		return -EBUSY;
	}
	if (netif_is_bond_slave(dev)) {
		NL_SET_ERR_MSG(extack, "Device is enslaved to a bond");
		return -EBUSY;
	}
	if (netif_is_macvlan_port(dev)) {
		NL_SET_ERR_MSG(extack, "Device carries macvlan devices");
		return -EBUSY;
	}
	if (netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG(extack, "Device has another rx handler (team, ipvlan, openvswitch ...)");
		return -EBUSY;
	}
	return 0;
}

static bool iov_dev_is_veth(const struct net_device *dev)
{
	return dev->rtnl_link_ops && !strcmp(dev->rtnl_link_ops->kind, "veth");
}

/*
 * The hop budget cannot see a loop that leaves through one device and comes
 * back through another. Warn (the request still succeeds) about the simple
 * case: both ends of one veth pair linked in this namespace.
 */
void iov_warn_veth_loop(struct net_device *dev,
			       struct netlink_ext_ack *extack)
{
	struct net_device *peer;

	if (!iov_dev_is_veth(dev))
		return;
	peer = __dev_get_by_index(dev_net(dev), dev_get_iflink(dev));
	if (peer && peer != dev && iov_dev_is_veth(peer) &&
	    dev_get_iflink(peer) == dev->ifindex && iov_dev_is_attached(peer))
		NL_SET_ERR_MSG(extack, "Both ends of this veth pair are linked: a loop through them escapes the hop budget");
}

/* Take all the modules the socket @owner owns out, into @c; how many. */
static int iov_owned_remove(struct iov_net *in, u32 owner,
			    struct iov_change *c)
{
	struct iov_module *mod, *tmp;
	int n = 0;

	list_for_each_entry_safe(mod, tmp, &in->modules, list) {
		if (mod->owner == owner) {
			iov_module_remove(in, mod, c);
			n++;
		}
	}
	return n;
}

/*
 * A netlink socket closed: delete the modules it owns. Every generic netlink
 * socket that closes comes here, so a namespace owning none is passed over
 * without a lock. netlink_release frees the portid before it notifies, so a
 * new socket that got the same portid in between and made owned modules
 * loses them too: sockets that own modules should live as long as them.
 */
void iov_owner_gone(struct net *net, u32 portid)
{
	struct iov_net *in = iov_net(net);
	struct iov_change c;

	if (!READ_ONCE(in->nowned))
		return;
	rtnl_lock();
	mutex_lock(&iov_lock);
	if (!in->dying) {
		iov_change_init(&c, in);
		/* Another socket's modules bring us here too: no change, no
		 * new generation. */
		if (iov_owned_remove(in, portid, &c))
			iov_graph_rebuild(in);
		iov_change_done(in, &c);
	}
	mutex_unlock(&iov_lock);
	rtnl_unlock();
}

/* The netdev is being unregistered or leaves the namespace: unlink it. */
void iov_dev_gone(struct net_device *dev)
{
	struct iov_attach *att = rtnl_dereference(dev->rx_handler_data);
	struct iov_net *in = att->in;
	struct iov_change c;

	mutex_lock(&iov_lock);
	iov_change_init(&c, in);
	iov_port_clear(att->mod, att->port, IOV_CAUSE_DEV_GONE, &c);
	iov_graph_rebuild(in);
	iov_change_done(in, &c);
	mutex_unlock(&iov_lock);
}

/* The namespace is going away, or the module is: delete everything. */
void iov_net_teardown(struct iov_net *in)
{
	struct iov_module *mod, *tmp;
	struct iov_change c;

	ASSERT_RTNL();
	mutex_lock(&iov_lock);
	iov_change_init(&c, in);
	in->dying = true;
	list_for_each_entry_safe(mod, tmp, &in->modules, list)
		iov_module_remove(in, mod, &c);
	in->generation++;
	iov_graph_publish(in, NULL);
	iov_change_done(in, &c);
	mutex_unlock(&iov_lock);
	idr_destroy(&in->module_ids);
	ida_destroy(&in->slots);
}

void iov_stats_read(const struct iov_module *mod, u32 port, u64 cnt[IOV_NR_CNT])
{
	int cpu, i;

	memset(cnt, 0, IOV_NR_CNT * sizeof(*cnt));
	for_each_possible_cpu(cpu) {
		const struct iov_stats *s = per_cpu_ptr(mod->stats, cpu) + port;
		u64 v[IOV_NR_CNT];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < IOV_NR_CNT; i++)
				v[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < IOV_NR_CNT; i++)
			cnt[i] += v[i];
	}
}
