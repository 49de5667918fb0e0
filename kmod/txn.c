// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions. Every change a request asks for, one command or a batch of
 * them, is first made on a shadow of the namespace's control state: a
 * struct iov_tmod per module and a struct iov_tdev per linked device, with
 * their links. Each step is checked against what the earlier steps left, and
 * everything the change will need is taken while the shadow is built: the
 * programs, new modules with their ids, new attachments with their slots,
 * and at the end the new graph. Only then is the real state made to match
 * the shadow, in one pass that cannot fail, and one graph committed.
 *
 * So a batch is all or nothing, a dry run is a shadow thrown away, a command
 * is a batch of one, and a refused request leaves the graph as it was.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>
#include "iovisor.h"

struct iov_tdev;

struct iov_tpeer {
	struct iov_tmod *mod;
	u32 port;
	struct iov_tdev *dev;
	bool changed;		/* differs from the real peer (set at commit) */
};

/* A module in the new state. */
struct iov_tmod {
	struct list_head list;
	struct iov_module *mod;	/* the real one; new ones are made here */
	bool created;
	bool deleted;
	bool pin;
	char *source;		/* goes with the replacement */
	struct bpf_prog *prog;	/* its replacement, or NULL */
	struct iov_old_prog *old;	/* releases the replaced program */
	struct iov_tpeer peers[];
};

/* A device linked in the real state or in the new one. */
struct iov_tdev {
	struct list_head list;
	struct iov_attach *att;	/* the real one; new ones are made here */
	bool created;
	struct iov_tmod *mod;	/* NULL: not linked in the new state */
	u32 port;
};

static bool iov_tpeer_linked(const struct iov_tpeer *tp)
{
	return tp->mod || tp->dev;
}

static struct iov_tdev *iov_tdev_new(struct iov_txn *t, struct iov_attach *att)
{
	struct iov_tdev *td = kzalloc(sizeof(*td), GFP_KERNEL);

	if (!td)
		return NULL;
	td->att = att;
	att->shadow = td;
	list_add_tail(&td->list, &t->devs);
	return td;
}

static struct iov_tmod *iov_tmod_new(struct iov_txn *t, struct iov_module *mod)
{
	struct iov_tmod *tm;

	tm = kzalloc(struct_size(tm, peers, mod->nports), GFP_KERNEL);
	if (!tm)
		return NULL;
	tm->mod = mod;
	mod->shadow = tm;
	list_add_tail(&tm->list, &t->mods);
	return tm;
}

/* Shadow the current state. */
int iov_txn_begin(struct iov_txn *t, struct iov_net *in,
		  struct netlink_ext_ack *extack)
{
	struct iov_module *mod;
	struct iov_attach *att;
	struct iov_tmod *tm;
	u32 p;

	ASSERT_RTNL();
	lockdep_assert_held(&iov_lock);
	memset(t, 0, sizeof(*t));
	t->in = in;
	t->extack = extack;
	t->hop_budget = in->hop_budget;
	INIT_LIST_HEAD(&t->mods);
	INIT_LIST_HEAD(&t->devs);

	list_for_each_entry(att, &in->attaches, list)
		if (!iov_tdev_new(t, att))
			goto nomem;
	list_for_each_entry(mod, &in->modules, list)
		if (!iov_tmod_new(t, mod))
			goto nomem;
	list_for_each_entry(tm, &t->mods, list) {
		for (p = 0; p < tm->mod->nports; p++) {
			const struct iov_peer *peer = &tm->mod->peers[p];

			if (peer->mod) {
				tm->peers[p].mod = peer->mod->shadow;
				tm->peers[p].port = peer->port;
			} else if (peer->att) {
				tm->peers[p].dev = peer->att->shadow;
				peer->att->shadow->mod = tm;
				peer->att->shadow->port = p;
			}
		}
	}
	return 0;
nomem:
	iov_txn_abort(t);
	return -ENOMEM;
}

/* Give back what the shadow took for itself: it is not going to happen. */
void iov_txn_abort(struct iov_txn *t)
{
	struct iov_tmod *tm, *tmtmp;
	struct iov_tdev *td, *tdtmp;

	list_for_each_entry_safe(td, tdtmp, &t->devs, list) {
		if (td->created) {
			ida_free(&t->in->slots, td->att->slot);
			kfree(td->att);
		}
		list_del(&td->list);
		kfree(td);
	}
	list_for_each_entry_safe(tm, tmtmp, &t->mods, list) {
		if (tm->prog)
			bpf_prog_put(tm->prog);
		kfree(tm->old);
		kfree(tm->source);
		if (tm->created) {
			idr_remove(&t->in->module_ids, tm->mod->id);
			iov_module_free(tm->mod);
		}
		list_del(&tm->list);
		kfree(tm);
	}
	kvfree(t->g);
	t->g = NULL;
}

struct iov_tmod *iov_txn_find(struct iov_txn *t, const char *name, u32 id)
{
	struct iov_tmod *tm;

	list_for_each_entry(tm, &t->mods, list) {
		if (tm->deleted)
			continue;
		if (name ? !strcmp(tm->mod->name, name) : tm->mod->id == id)
			return tm;
	}
	return NULL;
}


int iov_txn_module_new(struct iov_txn *t, const char *name, int prog_fd,
		       u32 nports, const char *source, u32 owner)
{
	struct iov_module *mod;
	struct iov_tmod *tm;
	int id, err = -ENOMEM;

	if (iov_txn_find(t, name, 0)) {
		NL_SET_ERR_MSG(t->extack, "A module with this name exists");
		return -EEXIST;
	}
	mod = iov_module_alloc(nports);
	if (!mod)
		return -ENOMEM;
	if (source) {
		mod->source = kstrdup(source, GFP_KERNEL_ACCOUNT);
		if (!mod->source)
			goto err_free;
	}
	mod->owner = owner;
	mod->prog = iov_prog_get(prog_fd, t->extack);
	if (IS_ERR(mod->prog)) {
		err = PTR_ERR(mod->prog);
		mod->prog = NULL;
		goto err_free;
	}
	/* Reserved now, found only once the module is in (idr_replace). */
	id = idr_alloc_cyclic(&t->in->module_ids, NULL, 1, 0, GFP_KERNEL);
	if (id < 0) {
		err = id;
		goto err_free;
	}
	mod->id = id;
	mod->in = t->in;
	strscpy(mod->name, name, sizeof(mod->name));
	tm = iov_tmod_new(t, mod);
	if (!tm) {
		idr_remove(&t->in->module_ids, id);
		goto err_free;
	}
	tm->created = true;
	return 0;

err_free:
	iov_module_free(mod);
	return err;
}

/* Unlink tm:port in the shadow; the port is linked. */
static void iov_txn_port_clear(struct iov_tmod *tm, u32 port)
{
	struct iov_tpeer *tp = &tm->peers[port];

	if (tp->mod)
		tp->mod->peers[tp->port] = (struct iov_tpeer){};
	else if (tp->dev)
		tp->dev->mod = NULL;
	*tp = (struct iov_tpeer){};
}

void iov_txn_module_del(struct iov_txn *t, struct iov_tmod *tm)
{
	u32 p;

	for (p = 0; p < tm->mod->nports; p++)
		iov_txn_port_clear(tm, p);
	tm->deleted = true;
}

int iov_txn_module_replace(struct iov_txn *t, struct iov_tmod *tm,
			   int prog_fd, u32 expect_prog_id, const char *source)
{
	struct bpf_prog *cur = tm->prog ?: tm->mod->prog, *prog;
	char *copy = NULL;

	if (expect_prog_id && cur->aux->id != expect_prog_id) {
		NL_SET_ERR_MSG(t->extack, "The module runs another program than the one expected");
		return -ESTALE;
	}
	if (!tm->old) {
		tm->old = kzalloc(sizeof(*tm->old), GFP_KERNEL);
		if (!tm->old)
			return -ENOMEM;
	}
	if (source) {
		copy = kstrdup(source, GFP_KERNEL_ACCOUNT);
		if (!copy)
			return -ENOMEM;
	}
	prog = iov_prog_get(prog_fd, t->extack);
	if (IS_ERR(prog)) {
		kfree(copy);
		return PTR_ERR(prog);
	}
	if (tm->prog)
		bpf_prog_put(tm->prog);	/* replaced twice in one batch */
	tm->prog = prog;
	kfree(tm->source);
	tm->source = copy;
	return 0;
}

void iov_txn_module_pin(struct iov_txn *t, struct iov_tmod *tm)
{
	tm->pin = true;
}

/* A port a new link may use: in range and free in the new state. */
static int iov_txn_port_check(struct iov_txn *t, const struct iov_tmod *tm,
			      u32 port)
{
	if (port >= tm->mod->nports) {
		NL_SET_ERR_MSG(t->extack, "Port number out of range for this module");
		return -ERANGE;
	}
	if (iov_tpeer_linked(&tm->peers[port])) {
		NL_SET_ERR_MSG(t->extack, "Port is linked already");
		return -EBUSY;
	}
	return 0;
}

int iov_txn_link_modules(struct iov_txn *t, struct iov_tmod *a, u32 pa,
			 struct iov_tmod *b, u32 pb)
{
	int err;

	err = iov_txn_port_check(t, a, pa) ?: iov_txn_port_check(t, b, pb);
	if (err)
		return err;
	if (a == b && pa == pb) {
		NL_SET_ERR_MSG(t->extack, "A port cannot be linked to itself");
		return -ELOOP;
	}
	a->peers[pa] = (struct iov_tpeer){ .mod = b, .port = pb };
	b->peers[pb] = (struct iov_tpeer){ .mod = a, .port = pa };
	return 0;
}

static struct iov_tdev *iov_txn_find_dev(struct iov_txn *t,
					 const struct net_device *dev)
{
	struct iov_tdev *td;

	list_for_each_entry(td, &t->devs, list)
		if (td->att->dev == dev)
			return td;
	return NULL;
}

/* A new attachment for dev: checked, allocated, with its slot. */
static struct iov_tdev *iov_txn_attach_new(struct iov_txn *t,
					   struct net_device *dev)
{
	struct iov_attach *att;
	struct iov_tdev *td;
	int slot, err;

	err = iov_dev_check(dev, t->extack);
	if (err)
		return ERR_PTR(err);
	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att)
		return ERR_PTR(-ENOMEM);
	slot = ida_alloc(&t->in->slots, GFP_KERNEL);
	if (slot < 0) {
		kfree(att);
		return ERR_PTR(slot);
	}
	t->in->nslots = max_t(u32, t->in->nslots, slot + 1);
	att->in = t->in;
	att->dev = dev;
	att->slot = slot;
	td = iov_tdev_new(t, att);
	if (!td) {
		ida_free(&t->in->slots, slot);
		kfree(att);
		return ERR_PTR(-ENOMEM);
	}
	td->created = true;
	return td;
}

int iov_txn_link_dev(struct iov_txn *t, struct iov_tmod *tm, u32 port,
		     struct net_device *dev)
{
	struct iov_tdev *td;
	int err;

	err = iov_txn_port_check(t, tm, port);
	if (err)
		return err;
	/* A device unlinked earlier in this change keeps its attachment. */
	td = iov_txn_find_dev(t, dev);
	if (td && td->mod) {
		NL_SET_ERR_MSG(t->extack, "Device is linked to a port already");
		return -EBUSY;
	}
	if (!td) {
		td = iov_txn_attach_new(t, dev);
		if (IS_ERR(td))
			return PTR_ERR(td);
	}
	td->mod = tm;
	td->port = port;
	tm->peers[port] = (struct iov_tpeer){ .dev = td };
	return 0;
}

int iov_txn_unlink(struct iov_txn *t, struct iov_tmod *tm, u32 port)
{
	if (port >= tm->mod->nports) {
		NL_SET_ERR_MSG(t->extack, "Port number out of range for this module");
		return -ERANGE;
	}
	if (!iov_tpeer_linked(&tm->peers[port])) {
		NL_SET_ERR_MSG(t->extack, "Port is not linked");
		return -ENOLINK;
	}
	iov_txn_port_clear(tm, port);
	return 0;
}

int iov_txn_unlink_dev(struct iov_txn *t, const struct net_device *dev)
{
	struct iov_tdev *td = iov_txn_find_dev(t, dev);

	if (!td || !td->mod) {
		NL_SET_ERR_MSG(t->extack, "Device is not linked");
		return -ENOLINK;
	}
	return iov_txn_unlink(t, td->mod, td->port);
}

/* ---- commit: make the real state match the shadow ---- */

/* The real peer that the shadow peer tp stands for. */
static struct iov_peer iov_tpeer_real(const struct iov_tpeer *tp)
{
	if (tp->mod)
		return (struct iov_peer){ .mod = tp->mod->mod, .port = tp->port };
	if (tp->dev)
		return (struct iov_peer){ .att = tp->dev->att };
	return (struct iov_peer){};
}

static bool iov_peer_eq(const struct iov_peer *a, const struct iov_peer *b)
{
	return a->mod == b->mod && a->att == b->att &&
	       (!a->mod || a->port == b->port);
}

/*
 * Mark the ports whose peer changes, and announce every link the change
 * removes while the real state still has it to describe.
 */
static void iov_txn_unlink_real(struct iov_txn *t, struct iov_change *c)
{
	struct iov_tmod *tm;
	u32 p;

	list_for_each_entry(tm, &t->mods, list) {
		for (p = 0; p < tm->mod->nports; p++) {
			struct iov_peer next = iov_tpeer_real(&tm->peers[p]);
			const struct iov_peer *cur = &tm->mod->peers[p];
			u32 cause = IOV_CAUSE_REQUEST;

			if (tm->created) {
				tm->peers[p].changed = iov_tpeer_linked(&tm->peers[p]);
				continue;
			}
			tm->peers[p].changed = !iov_peer_eq(cur, &next);
			if (!tm->peers[p].changed || !iov_port_linked(tm->mod, p) ||
			    !iov_link_first_end(tm->mod, p))
				continue;
			if (tm->deleted || (cur->mod && cur->mod->shadow->deleted))
				cause = IOV_CAUSE_MODULE_DEL;
			iov_event_link(c, tm->mod, p, IOV_CMD_LINK_DEL, cause);
		}
	}
}

static void iov_txn_apply_devs(struct iov_txn *t, struct iov_change *c)
{
	struct iov_tdev *td;
	int err;

	list_for_each_entry(td, &t->devs, list) {
		struct iov_attach *att = td->att;

		if (!td->mod) {
			if (td->created) {	/* linked and unlinked again */
				ida_free(&t->in->slots, att->slot);
				kfree(att);
			} else {
				iov_detach(att, c);
			}
			continue;
		}
		att->mod = td->mod->mod;
		att->port = td->port;
		if (!td->created)
			continue;
		/* Checked under the RTNL we still hold: nothing took the device. */
		err = netdev_rx_handler_register(att->dev, iov_handle_frame, att);
		if (WARN_ON_ONCE(err)) {
			td->mod->peers[td->port] = (struct iov_tpeer){};
			ida_free(&t->in->slots, att->slot);
			kfree(att);
			continue;
		}
		if (dev_set_promiscuity(att->dev, 1))
			netdev_warn(att->dev, "cannot set promiscuous mode\n");
		/* Merged frames must not be forwarded. */
		dev_disable_lro(att->dev);
		netdev_hold(att->dev, &att->dev_tracker, GFP_KERNEL);
		list_add_tail(&att->list, &t->in->attaches);
		iov_warn_veth_loop(att->dev, t->extack);
	}
}

static void iov_txn_apply_mods(struct iov_txn *t, struct iov_change *c)
{
	struct iov_net *in = t->in;
	struct iov_tmod *tm;
	u32 p;

	list_for_each_entry(tm, &t->mods, list) {
		struct iov_module *mod = tm->mod;

		if (tm->deleted) {
			idr_remove(&in->module_ids, mod->id);
			if (tm->prog) {		/* replaced, then deleted */
				bpf_prog_put(tm->prog);
				tm->prog = NULL;
			}
			if (tm->created) {	/* made and deleted again */
				iov_module_free(mod);
				continue;
			}
			iov_event_module(c, mod, IOV_CMD_MODULE_DEL);
			list_move(&mod->list, &c->modules);
			iov_module_uncount(in, mod);
			continue;
		}
		if (tm->created) {
			idr_replace(&in->module_ids, mod, mod->id);
			list_add_tail(&mod->list, &in->modules);
			iov_module_count(in, mod);
		}
		if (tm->prog) {
			tm->old->prog = mod->prog;
			list_add_tail(&tm->old->list, &c->progs);
			tm->old = NULL;
			mod->prog = tm->prog;	/* tm->prog now marks it replaced */
			/* The old source describes the old program. No datapath
			 * reader: free it now. */
			kfree(mod->source);
			mod->source = tm->source;
			tm->source = NULL;
		}
		if (tm->pin && mod->owner) {
			iov_module_uncount(in, mod);
			mod->owner = 0;
			iov_module_count(in, mod);
		}
		for (p = 0; p < mod->nports; p++)
			mod->peers[p] = iov_tpeer_real(&tm->peers[p]);
	}
}

/* Once the new graph is in: what came, in the order a reader expects. */
static void iov_txn_announce(struct iov_txn *t, struct iov_change *c)
{
	struct iov_tmod *tm;
	u32 p;

	list_for_each_entry(tm, &t->mods, list) {
		if (tm->deleted)
			continue;
		if (tm->created)
			iov_event_module(c, tm->mod, IOV_CMD_MODULE_NEW);
		else if (tm->prog)
			iov_event_module(c, tm->mod, IOV_CMD_MODULE_SET);
	}
	list_for_each_entry(tm, &t->mods, list) {
		if (tm->deleted)
			continue;
		for (p = 0; p < tm->mod->nports; p++)
			if (tm->peers[p].changed && iov_port_linked(tm->mod, p) &&
			    iov_link_first_end(tm->mod, p))
				iov_event_link(c, tm->mod, p, IOV_CMD_LINK_NEW,
					       IOV_CAUSE_REQUEST);
	}
	if (t->hop_budget_changed)
		iov_event_graph(c, t->in);
}

/* The shadow itself, once the real state has taken everything over. */
static void iov_txn_free(struct iov_txn *t)
{
	struct iov_tmod *tm, *tmtmp;
	struct iov_tdev *td, *tdtmp;

	list_for_each_entry_safe(td, tdtmp, &t->devs, list)
		kfree(td);
	list_for_each_entry_safe(tm, tmtmp, &t->mods, list) {
		kfree(tm->old);
		kfree(tm->source);
		kfree(tm);
	}
}

void iov_txn_set_hop_budget(struct iov_txn *t, u32 budget)
{
	t->hop_budget = budget;
	t->hop_budget_changed = true;
}

/*
 * Commit the shadow: allocate the graph (the last thing that can fail), then
 * change the real state to match and publish. With @dry_run, stop before.
 */
int iov_txn_commit(struct iov_txn *t, bool dry_run)
{
	struct iov_change c;
	struct iov_tmod *tm;
	u32 nodes = 0, ports = 0;

	list_for_each_entry(tm, &t->mods, list) {
		if (!tm->deleted) {
			nodes++;
			ports += tm->mod->nports;
		}
	}
	t->g = iov_graph_alloc(nodes, ports, t->in->nslots, GFP_KERNEL_ACCOUNT);
	if (!t->g || dry_run) {
		iov_txn_abort(t);
		return dry_run ? 0 : -ENOMEM;
	}

	iov_change_init(&c, t->in);
	iov_txn_unlink_real(t, &c);
	iov_txn_apply_devs(t, &c);
	iov_txn_apply_mods(t, &c);
	t->in->hop_budget = t->hop_budget;
	iov_graph_commit(t->in, t->g);
	iov_txn_announce(t, &c);
	iov_change_done(t->in, &c);
	iov_txn_free(t);
	return 0;
}

