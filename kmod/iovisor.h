/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iovisor internals. The user-visible contract is uapi/linux/iovisor.h.
 *
 * DOC: Locking
 *
 * Writers: rtnl_lock, then iov_lock (a mutex; one for all namespaces). Every
 * change to modules, links and attachments happens with both held, except
 * where only iov_lock is needed because no netdev is touched; readers of the
 * control objects (netlink get and dump) take iov_lock alone. The netdevice
 * notifier runs under RTNL and takes iov_lock, which fixes the order.
 *
 * The datapath takes no lock. It reads one immutable struct iov_graph per
 * namespace under RCU (the rx handler runs in softirq, inside
 * rcu_read_lock from the core receive path). Writers build a new graph and
 * publish it with rcu_assign_pointer; what the old graph references (module
 * programs and counters, netdev references) is released only after a grace
 * period, through RCU work, so a reader of either graph sees live objects.
 */
#ifndef _IOV_IOVISOR_H
#define _IOV_IOVISOR_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/idr.h>
#include <linux/iovisor.h>

struct bpf_prog;
struct genl_info;
struct netlink_ext_ack;

/* Counters, indexed by enum iov_stats_attr minus IOV_STATS_PACKETS. */
#define IOV_CNT(attr)	((attr) - IOV_STATS_PACKETS)
#define IOV_NR_CNT	(IOV_STATS_MAX - IOV_STATS_PACKETS + 1)

/* A walk runs at most this many programs for one received packet, flood
 * copies included, so that floods in a looped graph stay bounded. */
#define IOV_WALK_RUNS_MAX	1024

struct iov_stats {
	u64_stats_t cnt[IOV_NR_CNT];
	struct u64_stats_sync syncp;
};

struct iov_module;
struct iov_attach;
struct iov_tmod;
struct iov_tdev;

/* The peer of one module port, in the control plane. At most one is set. */
struct iov_peer {
	struct iov_module *mod;
	u32 port;
	struct iov_attach *att;
};

/* An IO module. Owned by its namespace's list; freed after a grace period. */
struct iov_module {
	struct list_head list;		/* iov_net.modules, under iov_lock */
	struct iov_net *in;
	u32 id;
	u32 nports;
	u32 gidx;			/* scratch: index in the graph being built */
	struct iov_tmod *shadow;	/* scratch: its shadow in a transaction */
	u32 owner;			/* netlink portid owning it, or 0 */
	char name[IOV_NAME_LEN];
	char *source;			/* IOV_ATTR_SOURCE, or NULL */
	struct bpf_prog *prog;
	struct iov_stats __percpu *stats;	/* nports entries per CPU */
	struct rcu_work free_work;
	struct iov_peer peers[];
};

/* A netdev linked to a module port; rx_handler_data of that netdev. */
struct iov_attach {
	struct list_head list;		/* iov_net.attaches, under iov_lock */
	struct iov_net *in;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct iov_module *mod;
	u32 port;
	u32 slot;			/* index into iov_graph.entries */
	struct iov_tdev *shadow;	/* scratch: its shadow in a transaction */
	struct rcu_work free_work;
};

/* A program replaced by a hot swap, released after a grace period. */
struct iov_old_prog {
	struct list_head list;
	struct bpf_prog *prog;
	struct rcu_work work;
};

/* The compiled graph: flat, immutable, read by the datapath under RCU. */
struct iov_gnode;

struct iov_gport {
	const struct iov_gnode *node;	/* peer module, or NULL */
	struct net_device *dev;		/* peer interface, or NULL */
	u32 port;			/* port of the peer module */
};

struct iov_gnode {
	struct bpf_prog *prog;
	struct iov_stats __percpu *stats;
	u32 nports;
	const struct iov_gport *ports;
};

struct iov_entry {
	const struct iov_gnode *node;	/* NULL: slot unused */
	u32 port;
};

struct iov_graph {
	struct rcu_head rcu;
	u64 generation;
	u32 hop_budget;
	u32 nslots;
	u32 cap_nodes;			/* sizes allocated, for the layout */
	u32 cap_ports;
	const struct iov_entry *entries;	/* by iov_attach.slot */
	struct iov_gnode nodes[];
};

/*
 * What one change removes and announces. Both wait for the commit: removed
 * objects are released after a grace period, events are sent in order.
 */
struct iov_change {
	u64 gen;			/* the generation it commits */
	struct list_head modules;
	struct list_head attaches;
	struct list_head progs;		/* struct iov_old_prog */
	struct sk_buff_head events;
};

/* Per network namespace. */
struct iov_net {
	struct net *net;
	struct list_head modules;
	struct list_head attaches;
	struct idr module_ids;
	struct ida slots;
	u32 nmodules;
	u32 nports;			/* over all modules */
	u32 nslots;			/* highest attach slot ever used + 1 */
	u32 nowned;			/* modules owned by a socket; read unlocked */
	u32 hop_budget;
	u64 generation;
	bool dying;			/* being torn down: announce nothing */
	struct iov_graph __rcu *graph;
};

extern struct mutex iov_lock;
extern struct workqueue_struct *iov_wq;

struct iov_net *iov_net(const struct net *net);

/* graph.c: the snapshot, and what changes share; callers hold iov_lock. */
struct iov_graph *iov_graph_alloc(u32 nodes, u32 ports, u32 nslots, gfp_t gfp);
void iov_graph_commit(struct iov_net *in, struct iov_graph *g);
void iov_change_init(struct iov_change *c, const struct iov_net *in);
void iov_change_done(struct iov_net *in, struct iov_change *c);
struct iov_module *iov_module_alloc(u32 nports);
void iov_module_free(struct iov_module *mod);
struct iov_module *iov_module_find(struct iov_net *in, const char *name, u32 id);
struct bpf_prog *iov_prog_get(int fd, struct netlink_ext_ack *extack);
int iov_dev_check(struct net_device *dev, struct netlink_ext_ack *extack);
void iov_warn_veth_loop(struct net_device *dev, struct netlink_ext_ack *extack);
void iov_detach(struct iov_attach *att, struct iov_change *c);
void iov_dev_gone(struct net_device *dev);
void iov_owner_gone(struct net *net, u32 portid);
void iov_net_teardown(struct iov_net *in);
void iov_stats_read(const struct iov_module *mod, u32 port,
		    u64 cnt[IOV_NR_CNT]);

/* The namespace's totals follow its module list (under iov_lock). */
static inline void iov_module_count(struct iov_net *in,
				    const struct iov_module *mod)
{
	in->nmodules++;
	in->nports += mod->nports;
	if (mod->owner)
		WRITE_ONCE(in->nowned, in->nowned + 1);
}

static inline void iov_module_uncount(struct iov_net *in,
				      const struct iov_module *mod)
{
	in->nmodules--;
	in->nports -= mod->nports;
	if (mod->owner)
		WRITE_ONCE(in->nowned, in->nowned - 1);
}

static inline bool iov_port_linked(const struct iov_module *mod, u32 port)
{
	return mod->peers[port].mod || mod->peers[port].att;
}

/* Dumps and events name each link once: from its module end, or from the
 * lower (id, port) of two module ends. */
static inline bool iov_link_first_end(const struct iov_module *mod, u32 port)
{
	const struct iov_peer *peer = &mod->peers[port];

	if (peer->att)
		return true;
	if (!peer->mod)
		return false;
	return mod->id < peer->mod->id ||
	       (mod->id == peer->mod->id && port < peer->port);
}

/* txn.c: every change a request makes; RTNL and iov_lock held throughout. */
struct iov_txn {
	struct iov_net *in;
	struct list_head mods;		/* struct iov_tmod */
	struct list_head devs;		/* struct iov_tdev */
	struct netlink_ext_ack *extack;
	struct iov_graph *g;
	u32 portid;			/* the requesting socket, for OWNED */
	u32 hop_budget;
	bool hop_budget_changed;
};

int iov_txn_begin(struct iov_txn *t, struct iov_net *in,
		  struct netlink_ext_ack *extack);
int iov_txn_commit(struct iov_txn *t, bool dry_run);
void iov_txn_abort(struct iov_txn *t);
struct iov_tmod *iov_txn_find(struct iov_txn *t, const char *name, u32 id);
int iov_txn_module_new(struct iov_txn *t, const char *name, int prog_fd,
		       u32 nports, const char *source, u32 owner);
void iov_txn_module_del(struct iov_txn *t, struct iov_tmod *tm);
int iov_txn_module_replace(struct iov_txn *t, struct iov_tmod *tm,
			   int prog_fd, u32 expect_prog_id, const char *source);
void iov_txn_module_pin(struct iov_txn *t, struct iov_tmod *tm);

int iov_txn_link_modules(struct iov_txn *t, struct iov_tmod *a, u32 pa,
			 struct iov_tmod *b, u32 pb);
int iov_txn_link_dev(struct iov_txn *t, struct iov_tmod *tm, u32 port,
		     struct net_device *dev);
int iov_txn_unlink(struct iov_txn *t, struct iov_tmod *tm, u32 port);
int iov_txn_unlink_dev(struct iov_txn *t, const struct net_device *dev);
void iov_txn_set_hop_budget(struct iov_txn *t, u32 budget);

/* datapath.c */
rx_handler_result_t iov_handle_frame(struct sk_buff **pskb);

static inline bool iov_dev_is_attached(const struct net_device *dev)
{
	return rcu_access_pointer(dev->rx_handler) == iov_handle_frame;
}

/* netlink.c */
void iov_event_module(struct iov_change *c, const struct iov_module *mod,
		      u8 cmd);
void iov_event_link(struct iov_change *c, const struct iov_module *mod,
		    u32 port, u8 cmd, u32 cause);
void iov_event_graph(struct iov_change *c, const struct iov_net *in);
void iov_events_send(const struct iov_net *in, struct sk_buff_head *events);
int iov_genl_init(void);
void iov_genl_exit(void);

#endif /* _IOV_IOVISOR_H */
