// SPDX-License-Identifier: GPL-2.0
/*
 * Control objects (modules, links, linked netdevs) and the compiled graph the
 * datapath reads. Every change follows the same four steps:
 *
 *   1. check the request and allocate everything that can fail, the new
 *      graph included;
 *   2. change the control objects: nothing fails from here on;
 *   3. iov_graph_commit(): compile them into the new graph and publish it;
 *   4. release what was removed, after an RCU grace period.
 *
 * So a refused or failed request changes nothing, and a packet sees either
 * the old graph or the new one, never a mix.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>
#include "iovisor.h"

DEFINE_MUTEX(iov_lock);

/*
 * The new graph is sized before the change, for the counts after it: callers
 * say how many modules and ports they add. The attach slot, if any, is
 * allocated before this, so in->nslots already covers it.
 */
static struct iov_graph *iov_graph_alloc(struct iov_net *in, u32 add_modules,
					 u32 add_ports)
{
	u32 nodes = in->nmodules + add_modules, ports = in->nports + add_ports;
	struct iov_graph *g;
	size_t size;

	size = struct_size(g, nodes, nodes);
	size = size_add(size, array_size(ports, sizeof(struct iov_gport)));
	size = size_add(size, array_size(in->nslots, sizeof(struct iov_entry)));
	g = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!g)
		return NULL;
	g->cap_nodes = nodes;
	g->cap_ports = ports;
	g->nslots = in->nslots;
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

static void iov_graph_commit(struct iov_net *in, struct iov_graph *g)
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
 * For changes that must not fail (a device went away, the namespace is
 * going). Without memory for a new graph, publish none: the linked devices
 * then pass every packet to the stack until the next change rebuilds it.
 */
static void iov_graph_rebuild(struct iov_net *in)
{
	struct iov_graph *g = iov_graph_alloc(in, 0, 0);

	if (g) {
		iov_graph_commit(in, g);
		return;
	}
	pr_warn("no memory to rebuild the graph; bypassing it until the next change\n");
	in->generation++;
	iov_graph_publish(in, NULL);
}

static void iov_module_free_work(struct work_struct *work)
{
	struct iov_module *mod = container_of(to_rcu_work(work),
					      struct iov_module, free_work);

	bpf_prog_put(mod->prog);
	free_percpu(mod->stats);
	kfree(mod);
}

static void iov_attach_free_work(struct work_struct *work)
{
	struct iov_attach *att = container_of(to_rcu_work(work),
					      struct iov_attach, free_work);

	netdev_put(att->dev, &att->dev_tracker);
	kfree(att);
}

/* Call before the commit: events carry the generation it will produce. */
static void iov_change_init(struct iov_change *c, const struct iov_net *in)
{
	c->gen = in->generation + 1;
	INIT_LIST_HEAD(&c->modules);
	INIT_LIST_HEAD(&c->attaches);
	__skb_queue_head_init(&c->events);
}

/*
 * Called after the graph that no longer holds the removed objects was
 * published: their RCU work runs after every reader of an older graph has
 * finished. Then the change is announced.
 */
static void iov_change_done(struct iov_net *in, struct iov_change *c)
{
	struct iov_module *mod, *mtmp;
	struct iov_attach *att, *atmp;

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
	iov_events_send(in, &c->events);
}

/*
 * Unhook a linked netdev. Its slot may be reused at once: the rx handler is
 * gone (netdev_rx_handler_unregister waits for readers), and the graph this
 * change commits no longer maps the slot.
 */
static void iov_detach(struct iov_attach *att, struct iov_change *c)
{
	ASSERT_RTNL();
	netdev_rx_handler_unregister(att->dev);
	dev_set_promiscuity(att->dev, -1);
	ida_free(&att->in->slots, att->slot);
	list_move(&att->list, &c->attaches);
}

static bool iov_port_linked(const struct iov_module *mod, u32 port)
{
	return mod->peers[port].mod || mod->peers[port].att;
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

static struct bpf_prog *iov_prog_get(int fd, struct netlink_ext_ack *extack)
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

static struct iov_module *iov_module_alloc(u32 nports)
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

int iov_module_create(struct iov_net *in, const char *name, int prog_fd,
		      u32 nports, struct netlink_ext_ack *extack)
{
	struct iov_module *mod;
	struct iov_change c;
	struct iov_graph *g;
	int id, err = -ENOMEM;

	lockdep_assert_held(&iov_lock);
	if (iov_module_find(in, name, 0)) {
		NL_SET_ERR_MSG(extack, "A module with this name exists");
		return -EEXIST;
	}
	mod = iov_module_alloc(nports);
	if (!mod)
		return -ENOMEM;
	mod->prog = iov_prog_get(prog_fd, extack);
	if (IS_ERR(mod->prog)) {
		err = PTR_ERR(mod->prog);
		goto err_free;
	}
	id = idr_alloc_cyclic(&in->module_ids, mod, 1, 0, GFP_KERNEL);
	if (id < 0) {
		err = id;
		goto err_put;
	}
	g = iov_graph_alloc(in, 1, nports);
	if (!g)
		goto err_idr;

	mod->id = id;
	mod->in = in;
	strscpy(mod->name, name, sizeof(mod->name));
	list_add_tail(&mod->list, &in->modules);
	in->nmodules++;
	in->nports += nports;
	iov_change_init(&c, in);
	iov_graph_commit(in, g);
	iov_event_module(&c, mod, IOV_CMD_MODULE_NEW);
	iov_change_done(in, &c);
	return 0;

err_idr:
	idr_remove(&in->module_ids, id);
err_put:
	bpf_prog_put(mod->prog);
err_free:
	free_percpu(mod->stats);
	kfree(mod);
	return err;
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
	in->nmodules--;
	in->nports -= mod->nports;
}

int iov_module_delete(struct iov_net *in, struct iov_module *mod)
{
	struct iov_change c;
	struct iov_graph *g;

	ASSERT_RTNL();
	lockdep_assert_held(&iov_lock);
	g = iov_graph_alloc(in, 0, 0);
	if (!g)
		return -ENOMEM;
	iov_change_init(&c, in);
	iov_module_remove(in, mod, &c);
	iov_graph_commit(in, g);
	iov_change_done(in, &c);
	return 0;
}

/* A port that a new link may use: in range and free. */
static int iov_port_check(const struct iov_module *mod, u32 port,
			  struct netlink_ext_ack *extack)
{
	if (port >= mod->nports) {
		NL_SET_ERR_MSG(extack, "Port number out of range for this module");
		return -ERANGE;
	}
	if (iov_port_linked(mod, port)) {
		NL_SET_ERR_MSG(extack, "Port is linked already");
		return -EBUSY;
	}
	return 0;
}

int iov_link_modules(struct iov_module *a, u32 pa, struct iov_module *b,
		     u32 pb, struct netlink_ext_ack *extack)
{
	struct iov_change c;
	struct iov_graph *g;
	int err;

	lockdep_assert_held(&iov_lock);
	err = iov_port_check(a, pa, extack) ?: iov_port_check(b, pb, extack);
	if (err)
		return err;
	if (a == b && pa == pb) {
		NL_SET_ERR_MSG(extack, "A port cannot be linked to itself");
		return -ELOOP;
	}
	g = iov_graph_alloc(a->in, 0, 0);
	if (!g)
		return -ENOMEM;
	a->peers[pa] = (struct iov_peer){ .mod = b, .port = pb };
	b->peers[pb] = (struct iov_peer){ .mod = a, .port = pa };
	iov_change_init(&c, a->in);
	iov_graph_commit(a->in, g);
	iov_event_link(&c, a, pa, IOV_CMD_LINK_NEW, IOV_CAUSE_REQUEST);
	iov_change_done(a->in, &c);
	return 0;
}

static int iov_dev_check(struct net_device *dev, struct netlink_ext_ack *extack)
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
static void iov_warn_veth_loop(struct net_device *dev,
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

int iov_link_dev(struct iov_module *mod, u32 port, struct net_device *dev,
		 struct netlink_ext_ack *extack)
{
	struct iov_net *in = mod->in;
	struct iov_attach *att;
	struct iov_change c;
	struct iov_graph *g;
	int slot, err;

	ASSERT_RTNL();
	lockdep_assert_held(&iov_lock);
	err = iov_port_check(mod, port, extack) ?: iov_dev_check(dev, extack);
	if (err)
		return err;
	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att)
		return -ENOMEM;
	slot = ida_alloc(&in->slots, GFP_KERNEL);
	if (slot < 0) {
		err = slot;
		goto err_free;
	}
	in->nslots = max_t(u32, in->nslots, slot + 1);
	err = -ENOMEM;
	g = iov_graph_alloc(in, 0, 0);
	if (!g)
		goto err_slot;
	att->in = in;
	att->dev = dev;
	att->mod = mod;
	att->port = port;
	att->slot = slot;
	err = netdev_rx_handler_register(dev, iov_handle_frame, att);
	if (err) {
		NL_SET_ERR_MSG(extack, "Device has another rx handler");
		goto err_graph;
	}
	err = dev_set_promiscuity(dev, 1);
	if (err) {
		NL_SET_ERR_MSG(extack, "Cannot set the device promiscuous");
		goto err_unregister;
	}
	netdev_hold(dev, &att->dev_tracker, GFP_KERNEL);
	list_add_tail(&att->list, &in->attaches);
	mod->peers[port] = (struct iov_peer){ .att = att };
	iov_warn_veth_loop(dev, extack);
	iov_change_init(&c, in);
	iov_graph_commit(in, g);
	iov_event_link(&c, mod, port, IOV_CMD_LINK_NEW, IOV_CAUSE_REQUEST);
	iov_change_done(in, &c);
	return 0;

err_unregister:
	netdev_rx_handler_unregister(dev);
err_graph:
	kvfree(g);
err_slot:
	ida_free(&in->slots, slot);
err_free:
	kfree(att);
	return err;
}

int iov_unlink(struct iov_module *mod, u32 port, struct netlink_ext_ack *extack)
{
	struct iov_change c;
	struct iov_graph *g;

	ASSERT_RTNL();
	lockdep_assert_held(&iov_lock);
	if (port >= mod->nports) {
		NL_SET_ERR_MSG(extack, "Port number out of range for this module");
		return -ERANGE;
	}
	if (!iov_port_linked(mod, port)) {
		NL_SET_ERR_MSG(extack, "Port is not linked");
		return -ENOLINK;
	}
	g = iov_graph_alloc(mod->in, 0, 0);
	if (!g)
		return -ENOMEM;
	iov_change_init(&c, mod->in);
	iov_port_clear(mod, port, IOV_CAUSE_REQUEST, &c);
	iov_graph_commit(mod->in, g);
	iov_change_done(mod->in, &c);
	return 0;
}

int iov_set_hop_budget(struct iov_net *in, u32 budget)
{
	struct iov_change c;
	struct iov_graph *g;

	lockdep_assert_held(&iov_lock);
	g = iov_graph_alloc(in, 0, 0);
	if (!g)
		return -ENOMEM;
	in->hop_budget = budget;
	iov_change_init(&c, in);
	iov_graph_commit(in, g);
	iov_event_graph(&c, in);
	iov_change_done(in, &c);
	return 0;
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
