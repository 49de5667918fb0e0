// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "iovisor": parse and check requests, turn the
 * changes they ask for into transactions (txn.c), and describe modules,
 * links and the graph in replies, dumps and events.
 * The API itself is documented in uapi/linux/iovisor.h.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "iovisor.h"

static struct genl_family iov_genl_family;

/*
 * The family is registered: events can go out. Cleared before it goes, so
 * that a device or socket that goes away while the module unloads announces
 * nothing through a family id that may be someone else's by then.
 */
static bool iov_genl_up;

static const struct nla_policy iov_end_policy[IOV_END_MAX + 1] = {
	[IOV_END_MODULE_ID]	= { .type = NLA_U32 },
	[IOV_END_MODULE_NAME]	= { .type = NLA_NUL_STRING, .len = IOV_NAME_LEN - 1 },
	[IOV_END_PORT]		= { .type = NLA_U32 },
	[IOV_END_IFINDEX]	= { .type = NLA_U32 },
	[IOV_END_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

/* What every change request may carry. */
#define IOV_POLICY_CHANGE						\
	[IOV_ATTR_GENERATION]	= { .type = NLA_U64 },			\
	[IOV_ATTR_DRY_RUN]	= { .type = NLA_FLAG }

#define IOV_POLICY_MODULE						\
	[IOV_ATTR_MODULE_ID]	= { .type = NLA_U32 },			\
	[IOV_ATTR_MODULE_NAME]	= { .type = NLA_NUL_STRING, .len = IOV_NAME_LEN - 1 }

#define IOV_POLICY_PROG							\
	[IOV_ATTR_PROG_FD]	= { .type = NLA_S32 },			\
	[IOV_ATTR_NUM_PORTS]	= { .type = NLA_U32 },			\
	[IOV_ATTR_EXPECT_PROG_ID] = { .type = NLA_U32 },		\
	[IOV_ATTR_SOURCE]	= { .type = NLA_NUL_STRING, .len = IOV_SOURCE_LEN - 1 }, \
	[IOV_ATTR_OWNED]	= { .type = NLA_FLAG },			\
	[IOV_ATTR_PIN]		= { .type = NLA_FLAG }

#define IOV_POLICY_LINK							\
	[IOV_ATTR_LINK_A]	= NLA_POLICY_NESTED(iov_end_policy),	\
	[IOV_ATTR_LINK_B]	= NLA_POLICY_NESTED(iov_end_policy)

#define IOV_POLICY_GRAPH						\
	[IOV_ATTR_HOP_BUDGET]	= NLA_POLICY_RANGE(NLA_U32, 1, IOV_HOP_BUDGET_MAX)

static const struct nla_policy iov_module_get_policy[IOV_ATTR_MAX + 1] = {
	IOV_POLICY_MODULE,
};

static const struct nla_policy iov_module_change_policy[IOV_ATTR_MAX + 1] = {
	IOV_POLICY_CHANGE,
	IOV_POLICY_MODULE,
	IOV_POLICY_PROG,
};

static const struct nla_policy iov_link_policy[IOV_ATTR_MAX + 1] = {
	IOV_POLICY_CHANGE,
	IOV_POLICY_LINK,
};

static const struct nla_policy iov_graph_policy[IOV_ATTR_MAX + 1] = {
	IOV_POLICY_CHANGE,
	IOV_POLICY_GRAPH,
};

/* One operation of a batch: a command and its attributes. */
static const struct nla_policy iov_op_policy[IOV_ATTR_MAX + 1] = {
	[IOV_ATTR_OP_CMD]	= { .type = NLA_U32 },
	IOV_POLICY_MODULE,
	IOV_POLICY_PROG,
	IOV_POLICY_LINK,
	IOV_POLICY_GRAPH,
};

static const struct nla_policy iov_batch_policy[IOV_ATTR_MAX + 1] = {
	IOV_POLICY_CHANGE,
	[IOV_ATTR_OPS]		= NLA_POLICY_NESTED_ARRAY(iov_op_policy),
};

/* True if @attrs has @attr; else says @msg (a literal) and false. */
#define iov_require(extack, attrs, attr, msg) ({			\
	bool __present = !!(attrs)[attr];				\
									\
	if (!__present) {						\
		NL_SET_ERR_MSG(extack, msg);				\
		NL_SET_ERR_ATTR_MISS(extack, NULL, attr);		\
	}								\
	__present;							\
})

/* Names show up in "name:port" on the command line: keep them plain. */
static bool iov_name_valid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isalnum(*name) && !strchr("_.-", *name))
			return false;
	return true;
}

/* A module named by name or id, among the real ones (reads). */
static struct iov_module *iov_lookup(struct iov_net *in, struct nlattr *name,
				     struct nlattr *id,
				     struct netlink_ext_ack *extack)
{
	struct iov_module *mod;

	if (!name == !id) {
		NL_SET_ERR_MSG(extack, "Name the module by name or by id (one of them)");
		return ERR_PTR(-EINVAL);
	}
	mod = iov_module_find(in, name ? nla_data(name) : NULL,
			      id ? nla_get_u32(id) : 0);
	if (!mod) {
		NL_SET_ERR_MSG_ATTR(extack, name ?: id, "No such module");
		return ERR_PTR(-ENOENT);
	}
	return mod;
}

/* The same, in the state a transaction has built so far (changes). */
static struct iov_tmod *iov_txn_lookup(struct iov_txn *t, struct nlattr *name,
				       struct nlattr *id)
{
	struct iov_tmod *tm;

	if (!name == !id) {
		NL_SET_ERR_MSG(t->extack, "Name the module by name or by id (one of them)");
		return ERR_PTR(-EINVAL);
	}
	tm = iov_txn_find(t, name ? nla_data(name) : NULL,
			  id ? nla_get_u32(id) : 0);
	if (!tm) {
		NL_SET_ERR_MSG_ATTR(t->extack, name ?: id, "No such module");
		return ERR_PTR(-ENOENT);
	}
	return tm;
}

static const char *iov_source(struct nlattr **attrs)
{
	return attrs[IOV_ATTR_SOURCE] ? nla_data(attrs[IOV_ATTR_SOURCE]) : NULL;
}

static int iov_op_module_new(struct iov_txn *t, struct nlattr **attrs)
{
	const char *name;
	u32 nports = 1;

	if (!iov_require(t->extack, attrs, IOV_ATTR_MODULE_NAME, "Missing the module name") ||
	    !iov_require(t->extack, attrs, IOV_ATTR_PROG_FD, "Missing the program fd"))
		return -EINVAL;
	name = nla_data(attrs[IOV_ATTR_MODULE_NAME]);
	if (!iov_name_valid(name)) {
		NL_SET_ERR_MSG_ATTR(t->extack, attrs[IOV_ATTR_MODULE_NAME],
				    "Module names are made of letters, digits, '_', '.' and '-'");
		return -EINVAL;
	}
	if (attrs[IOV_ATTR_NUM_PORTS])
		nports = nla_get_u32(attrs[IOV_ATTR_NUM_PORTS]);
	if (nports < 1 || nports > IOV_PORTS_MAX) {
		NL_SET_ERR_MSG_ATTR(t->extack, attrs[IOV_ATTR_NUM_PORTS],
				    "A module has 1 to 256 ports");
		return -ERANGE;
	}
	return iov_txn_module_new(t, name, nla_get_s32(attrs[IOV_ATTR_PROG_FD]),
				  nports, iov_source(attrs),
				  nla_get_flag(attrs[IOV_ATTR_OWNED]) ? t->portid : 0);
}

static int iov_op_module_del(struct iov_txn *t, struct nlattr **attrs)
{
	struct iov_tmod *tm = iov_txn_lookup(t, attrs[IOV_ATTR_MODULE_NAME],
					     attrs[IOV_ATTR_MODULE_ID]);

	if (IS_ERR(tm))
		return PTR_ERR(tm);
	iov_txn_module_del(t, tm);
	return 0;
}

static int iov_op_module_set(struct iov_txn *t, struct nlattr **attrs)
{
	struct iov_tmod *tm = iov_txn_lookup(t, attrs[IOV_ATTR_MODULE_NAME],
					     attrs[IOV_ATTR_MODULE_ID]);

	if (IS_ERR(tm))
		return PTR_ERR(tm);
	if (attrs[IOV_ATTR_NUM_PORTS]) {
		NL_SET_ERR_MSG_ATTR(t->extack, attrs[IOV_ATTR_NUM_PORTS],
				    "A replacement keeps the module's ports");
		return -EINVAL;
	}
	if (!attrs[IOV_ATTR_PROG_FD] && !attrs[IOV_ATTR_PIN]) {
		NL_SET_ERR_MSG(t->extack, "Give a program fd to replace the program, or pin the module");
		return -EINVAL;
	}
	if (attrs[IOV_ATTR_PIN])
		iov_txn_module_pin(t, tm);
	if (!attrs[IOV_ATTR_PROG_FD])
		return 0;
	return iov_txn_module_replace(t, tm, nla_get_s32(attrs[IOV_ATTR_PROG_FD]),
				      attrs[IOV_ATTR_EXPECT_PROG_ID] ?
				      nla_get_u32(attrs[IOV_ATTR_EXPECT_PROG_ID]) : 0,
				      iov_source(attrs));
}

/* An end from a request: a module port, or else a netdev. */
struct iov_end {
	struct iov_tmod *mod;
	u32 port;
	struct net_device *dev;
};

static int iov_parse_end(struct iov_txn *t, struct nlattr *attr,
			 struct iov_end *end)
{
	struct nlattr *tb[IOV_END_MAX + 1];
	struct netlink_ext_ack *extack = t->extack;
	struct net *net = t->in->net;
	int err;

	err = nla_parse_nested(tb, IOV_END_MAX, attr, iov_end_policy, extack);
	if (err)
		return err;
	if ((tb[IOV_END_MODULE_NAME] || tb[IOV_END_MODULE_ID]) &&
	    (tb[IOV_END_IFINDEX] || tb[IOV_END_IFNAME])) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "An end names a module port or a device, not both");
		return -EINVAL;
	}
	if (tb[IOV_END_IFINDEX] && tb[IOV_END_IFNAME]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Name the device by index or by name, not both");
		return -EINVAL;
	}
	if (tb[IOV_END_MODULE_NAME] || tb[IOV_END_MODULE_ID]) {
		end->mod = iov_txn_lookup(t, tb[IOV_END_MODULE_NAME],
					  tb[IOV_END_MODULE_ID]);
		if (IS_ERR(end->mod))
			return PTR_ERR(end->mod);
		if (!tb[IOV_END_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "Missing the port number");
			return -EINVAL;
		}
		end->port = nla_get_u32(tb[IOV_END_PORT]);
		return 0;
	}
	if (tb[IOV_END_IFINDEX])
		end->dev = __dev_get_by_index(net, nla_get_u32(tb[IOV_END_IFINDEX]));
	else if (tb[IOV_END_IFNAME])
		end->dev = __dev_get_by_name(net, nla_data(tb[IOV_END_IFNAME]));
	else {
		NL_SET_ERR_MSG_ATTR(extack, attr, "An end names a module port or a device");
		return -EINVAL;
	}
	if (!end->dev) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "No such device in this namespace");
		return -ENODEV;
	}
	return 0;
}

static int iov_op_link_new(struct iov_txn *t, struct nlattr **attrs)
{
	struct iov_end a = {}, b = {};
	int err;

	if (!iov_require(t->extack, attrs, IOV_ATTR_LINK_A, "Missing the first end of the link") ||
	    !iov_require(t->extack, attrs, IOV_ATTR_LINK_B, "Missing the second end of the link"))
		return -EINVAL;
	err = iov_parse_end(t, attrs[IOV_ATTR_LINK_A], &a) ?:
	      iov_parse_end(t, attrs[IOV_ATTR_LINK_B], &b);
	if (err)
		return err;
	if (!a.mod)
		swap(a, b);
	if (!a.mod) {
		NL_SET_ERR_MSG(t->extack, "A link needs a module port at one end at least");
		return -EINVAL;
	}
	if (b.dev)
		return iov_txn_link_dev(t, a.mod, a.port, b.dev);
	return iov_txn_link_modules(t, a.mod, a.port, b.mod, b.port);
}

static int iov_op_link_del(struct iov_txn *t, struct nlattr **attrs)
{
	struct iov_end a = {};
	int err;

	if (!iov_require(t->extack, attrs, IOV_ATTR_LINK_A, "Missing an end of the link"))
		return -EINVAL;
	err = iov_parse_end(t, attrs[IOV_ATTR_LINK_A], &a);
	if (err)
		return err;
	if (a.mod)
		return iov_txn_unlink(t, a.mod, a.port);
	return iov_txn_unlink_dev(t, a.dev);
}

static int iov_op_graph_set(struct iov_txn *t, struct nlattr **attrs)
{
	if (!iov_require(t->extack, attrs, IOV_ATTR_HOP_BUDGET, "Missing the hop budget"))
		return -EINVAL;
	iov_txn_set_hop_budget(t, nla_get_u32(attrs[IOV_ATTR_HOP_BUDGET]));
	return 0;
}

static int iov_op(struct iov_txn *t, u32 cmd, struct nlattr **attrs)
{
	switch (cmd) {
	case IOV_CMD_MODULE_NEW:
		return iov_op_module_new(t, attrs);
	case IOV_CMD_MODULE_DEL:
		return iov_op_module_del(t, attrs);
	case IOV_CMD_MODULE_SET:
		return iov_op_module_set(t, attrs);
	case IOV_CMD_LINK_NEW:
		return iov_op_link_new(t, attrs);
	case IOV_CMD_LINK_DEL:
		return iov_op_link_del(t, attrs);
	case IOV_CMD_GRAPH_SET:
		return iov_op_graph_set(t, attrs);
	}
	NL_SET_ERR_MSG(t->extack, "This command cannot be part of a batch");
	return -EOPNOTSUPP;
}

/* Start a transaction, if the graph is still at the expected generation. */
static int iov_change_begin(struct iov_txn *t, struct genl_info *info)
{
	struct iov_net *in = info->user_ptr[0];
	struct nlattr *gen = info->attrs[IOV_ATTR_GENERATION];
	int err;

	if (gen && nla_get_u64(gen) != in->generation) {
		NL_SET_ERR_MSG_ATTR(info->extack, gen,
				    "The graph is no longer at the expected generation");
		return -ESTALE;
	}
	err = iov_txn_begin(t, in, info->extack);
	if (err) {		/* nothing to abort: begin gave it all back */
		NL_SET_ERR_MSG(info->extack, "Out of memory");
		return err;
	}
	t->portid = info->snd_portid;
	return 0;
}

static int iov_change_end(struct iov_txn *t, struct genl_info *info, int err)
{
	if (err)
		iov_txn_abort(t);
	else
		err = iov_txn_commit(t, nla_get_flag(info->attrs[IOV_ATTR_DRY_RUN]));
	if (err == -ENOMEM && !info->extack->_msg)
		NL_SET_ERR_MSG(info->extack, "Out of memory");
	return err;
}

/* Every command that changes the graph: a transaction of one operation. */
static int iov_change_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct iov_txn t;
	int err;

	err = iov_change_begin(&t, info);
	if (err)
		return err;
	return iov_change_end(&t, info,
			      iov_op(&t, info->genlhdr->cmd, info->attrs));
}

/* Several operations, all or nothing, checked in order. */
static int iov_batch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1], *op;
	struct iov_txn t;
	int err, rem;

	if (!iov_require(info->extack, info->attrs, IOV_ATTR_OPS, "Missing the operations"))
		return -EINVAL;
	if (!nla_len(info->attrs[IOV_ATTR_OPS])) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IOV_ATTR_OPS],
				    "The batch has no operations");
		return -EINVAL;
	}
	err = iov_change_begin(&t, info);
	if (err)
		return err;
	nla_for_each_nested(op, info->attrs[IOV_ATTR_OPS], rem) {
		if (nla_type(op) != IOV_ATTR_OP) {
			NL_SET_ERR_MSG_ATTR(info->extack, op, "Operations are IOV_ATTR_OP nests");
			err = -EINVAL;
			break;
		}
		err = nla_parse_nested(tb, IOV_ATTR_MAX, op, iov_op_policy,
				       info->extack);
		if (!err && !tb[IOV_ATTR_OP_CMD]) {
			NL_SET_ERR_MSG(info->extack, "Missing the operation's command");
			err = -EINVAL;
		}
		if (!err)
			err = iov_op(&t, nla_get_u32(tb[IOV_ATTR_OP_CMD]), tb);
		if (err) {
			/* Point at the operation, unless something inside it is. */
			if (!info->extack->bad_attr)
				info->extack->bad_attr = op;
			break;
		}
	}
	return iov_change_end(&t, info, err);
}

static int iov_put_stats(struct sk_buff *skb, int attr, const u64 *cnt)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < IOV_NR_CNT; i++) {
		if (nla_put_u64_64bit(skb, IOV_STATS_PACKETS + i, cnt[i],
				      IOV_STATS_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* An end naming module port mod:port, with its counters if asked. */
static int iov_put_module_end(struct sk_buff *skb, int attr,
			      const struct iov_module *mod, u32 port, bool stats)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	u64 cnt[IOV_NR_CNT];

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IOV_END_MODULE_ID, mod->id) ||
	    nla_put_string(skb, IOV_END_MODULE_NAME, mod->name) ||
	    nla_put_u32(skb, IOV_END_PORT, port))
		goto cancel;
	if (stats) {
		iov_stats_read(mod, port, cnt);
		if (iov_put_stats(skb, IOV_END_STATS, cnt))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int iov_put_dev_end(struct sk_buff *skb, int attr,
			   const struct net_device *dev)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IOV_END_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, IOV_END_IFNAME, dev->name)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int iov_put_peer(struct sk_buff *skb, int attr, const struct iov_peer *peer)
{
	if (peer->mod)
		return iov_put_module_end(skb, attr, peer->mod, peer->port, false);
	return iov_put_dev_end(skb, attr, peer->att->dev);
}

/* Both ends of the link at mod:port, which is linked. */
static int iov_put_link(struct sk_buff *skb, const struct iov_module *mod,
			u32 port, bool stats)
{
	const struct iov_peer *peer = &mod->peers[port];

	if (iov_put_module_end(skb, IOV_ATTR_LINK_A, mod, port, stats))
		return -EMSGSIZE;
	if (peer->mod)
		return iov_put_module_end(skb, IOV_ATTR_LINK_B, peer->mod,
					  peer->port, stats);
	return iov_put_dev_end(skb, IOV_ATTR_LINK_B, peer->att->dev);
}

/* One port: listed when linked or when it has counted packets. */
static int iov_put_port(struct sk_buff *skb, const struct iov_module *mod,
			u32 port, u64 *total)
{
	struct nlattr *nest;
	u64 cnt[IOV_NR_CNT];
	int i;

	iov_stats_read(mod, port, cnt);
	for (i = 0; i < IOV_NR_CNT; i++)
		total[i] += cnt[i];
	if (!iov_port_linked(mod, port) && !cnt[IOV_CNT(IOV_STATS_PACKETS)] &&
	    !cnt[IOV_CNT(IOV_STATS_ERR_HOPS)])
		return 0;
	nest = nla_nest_start(skb, IOV_ATTR_PORT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IOV_PORT_INDEX, port) ||
	    iov_put_stats(skb, IOV_PORT_STATS, cnt) ||
	    (iov_port_linked(mod, port) &&
	     iov_put_peer(skb, IOV_PORT_PEER, &mod->peers[port]))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int iov_put_module_info(struct sk_buff *skb,
			       const struct iov_module *mod)
{
	if (nla_put_u32(skb, IOV_ATTR_MODULE_ID, mod->id) ||
	    nla_put_string(skb, IOV_ATTR_MODULE_NAME, mod->name) ||
	    nla_put_u32(skb, IOV_ATTR_PROG_ID, mod->prog->aux->id) ||
	    nla_put(skb, IOV_ATTR_PROG_TAG, BPF_TAG_SIZE, mod->prog->tag) ||
	    nla_put_u32(skb, IOV_ATTR_NUM_PORTS, mod->nports) ||
	    (mod->source && nla_put_string(skb, IOV_ATTR_SOURCE, mod->source)) ||
	    (mod->owner && nla_put_flag(skb, IOV_ATTR_OWNED)))
		return -EMSGSIZE;
	return 0;
}

static int iov_put_module(struct sk_buff *skb, const struct iov_module *mod)
{
	u64 total[IOV_NR_CNT] = {};
	struct nlattr *ports;
	u32 p;

	if (iov_put_module_info(skb, mod) ||
	    nla_put_u64_64bit(skb, IOV_ATTR_GENERATION, mod->in->generation,
			      IOV_ATTR_PAD))
		return -EMSGSIZE;
	ports = nla_nest_start(skb, IOV_ATTR_PORTS);
	if (!ports)
		return -EMSGSIZE;
	for (p = 0; p < mod->nports; p++)
		if (iov_put_port(skb, mod, p, total))
			return -EMSGSIZE;
	nla_nest_end(skb, ports);
	return iov_put_stats(skb, IOV_ATTR_STATS, total);
}

/* One message; a dump passes its callback for the consistency check. */
static int iov_msg_module(struct sk_buff *skb, const struct iov_module *mod,
			  u32 portid, u32 seq, int flags,
			  struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, portid, seq, &iov_genl_family, flags,
				IOV_CMD_MODULE_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (iov_put_module(skb, mod)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Generous: a port with a peer and its counters takes under 400 bytes. */
static size_t iov_module_msg_size(const struct iov_module *mod)
{
	return NLMSG_GOODSIZE + mod->nports * 400;
}

static int iov_module_get(struct sk_buff *skb, struct genl_info *info)
{
	struct iov_net *in = info->user_ptr[0];
	struct iov_module *mod;
	struct sk_buff *msg;
	int err;

	mod = iov_lookup(in, info->attrs[IOV_ATTR_MODULE_NAME],
			 info->attrs[IOV_ATTR_MODULE_ID], info->extack);
	if (IS_ERR(mod))
		return PTR_ERR(mod);
	msg = genlmsg_new(iov_module_msg_size(mod), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = iov_msg_module(msg, mod, info->snd_portid, info->snd_seq, 0, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * One module is one message, and a module with all its 256 ports linked and
 * counting takes about 55 KiB: ask for buffers that hold the largest.
 */
static int iov_module_dump_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = U16_MAX;
	return 0;
}

/* Dumps resume from the module id in args[0]; the generation is the seq. */
static int iov_module_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct iov_net *in = iov_net(sock_net(skb->sk));
	struct iov_module *mod;
	int id = cb->args[0];
	int err = 0;

	rtnl_lock();
	mutex_lock(&iov_lock);
	cb->seq = in->generation + 1;
	for (; (mod = idr_get_next(&in->module_ids, &id)); id++) {
		err = iov_msg_module(skb, mod, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (err)
			break;
	}
	mutex_unlock(&iov_lock);
	rtnl_unlock();
	cb->args[0] = id;
	/* A module that does not fit even an empty buffer ends the dump. */
	return err && !skb->len ? err : skb->len;
}

static int iov_msg_link(struct sk_buff *skb, const struct iov_module *mod,
			u32 port, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &iov_genl_family, NLM_F_MULTI, IOV_CMD_LINK_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (iov_put_link(skb, mod, port, true)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Resumes from module id args[0], port args[1]. */
static int iov_link_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct iov_net *in = iov_net(sock_net(skb->sk));
	int id = cb->args[0];
	u32 port = cb->args[1];
	struct iov_module *mod;

	rtnl_lock();
	mutex_lock(&iov_lock);
	cb->seq = in->generation + 1;
	for (; (mod = idr_get_next(&in->module_ids, &id)); id++, port = 0) {
		if (id != cb->args[0])	/* the module we stopped in is gone */
			port = 0;
		for (; port < mod->nports; port++)
			if (iov_link_first_end(mod, port) &&
			    iov_msg_link(skb, mod, port, cb))
				goto out;
	}
out:
	mutex_unlock(&iov_lock);
	rtnl_unlock();
	cb->args[0] = id;
	cb->args[1] = port;
	return skb->len;
}

/* Links are listed by dump only; say so rather than let the core refuse. */
static int iov_link_get(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack, "Links are listed with a dump (NLM_F_DUMP)");
	return -EOPNOTSUPP;
}

static int iov_graph_get(struct sk_buff *skb, struct genl_info *info)
{
	struct iov_net *in = info->user_ptr[0];
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &iov_genl_family, 0, IOV_CMD_GRAPH_GET);
	if (!hdr ||
	    nla_put_u64_64bit(msg, IOV_ATTR_GENERATION, in->generation, IOV_ATTR_PAD) ||
	    nla_put_u32(msg, IOV_ATTR_HOP_BUDGET, in->hop_budget)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Events are built while the change is made, before its commit, and queued
 * in it; iov_change_done() sends them once the new graph is published. They
 * are best effort: without memory, or without listeners, none is built.
 */
static void *iov_event_start(const struct iov_net *in, struct iov_change *c,
			     u8 cmd, struct sk_buff **skbp)
{
	struct sk_buff *skb;
	void *hdr;

	lockdep_assert_held(&iov_lock);
	if (!iov_genl_up || in->dying ||
	    !genl_has_listeners(&iov_genl_family, in->net, 0))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &iov_genl_family, 0, cmd);
	if (!hdr || nla_put_u64_64bit(skb, IOV_ATTR_GENERATION, c->gen,
				      IOV_ATTR_PAD)) {
		nlmsg_free(skb);
		return NULL;
	}
	*skbp = skb;
	return hdr;
}

static void iov_event_end(struct iov_change *c, struct sk_buff *skb,
			  void *hdr, int err)
{
	if (err) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	__skb_queue_tail(&c->events, skb);
}

void iov_event_module(struct iov_change *c, const struct iov_module *mod,
		      u8 cmd)
{
	struct sk_buff *skb;
	void *hdr = iov_event_start(mod->in, c, cmd, &skb);

	if (hdr)
		iov_event_end(c, skb, hdr, iov_put_module_info(skb, mod));
}

void iov_event_link(struct iov_change *c, const struct iov_module *mod,
		    u32 port, u8 cmd, u32 cause)
{
	struct sk_buff *skb;
	void *hdr = iov_event_start(mod->in, c, cmd, &skb);

	if (hdr)
		iov_event_end(c, skb, hdr,
			      iov_put_link(skb, mod, port, false) ?:
			      (cmd == IOV_CMD_LINK_DEL ?
			       nla_put_u32(skb, IOV_ATTR_CAUSE, cause) : 0));
}

void iov_event_graph(struct iov_change *c, const struct iov_net *in)
{
	struct sk_buff *skb;
	void *hdr = iov_event_start(in, c, IOV_CMD_GRAPH_SET, &skb);

	if (hdr)
		iov_event_end(c, skb, hdr,
			      nla_put_u32(skb, IOV_ATTR_HOP_BUDGET, in->hop_budget));
}

void iov_events_send(const struct iov_net *in, struct sk_buff_head *events)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(events)))
		genlmsg_multicast_netns(&iov_genl_family, in->net, skb, 0, 0,
					GFP_KERNEL);
}

/*
 * Every operation takes RTNL around iov_lock: changes touch netdevs, and
 * replies name them (dev->name is stable under RTNL).
 */
static int iov_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	rtnl_lock();
	mutex_lock(&iov_lock);
	info->user_ptr[0] = iov_net(genl_info_net(info));
	return 0;
}

static void iov_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	mutex_unlock(&iov_lock);
	rtnl_unlock();
}

static const struct genl_ops iov_genl_ops[] = {
	{
		.cmd = IOV_CMD_MODULE_NEW,
		.doit = iov_change_doit,
		.policy = iov_module_change_policy,
		.maxattr = IOV_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IOV_CMD_MODULE_DEL,
		.doit = iov_change_doit,
		.policy = iov_module_change_policy,
		.maxattr = IOV_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IOV_CMD_MODULE_GET,
		.doit = iov_module_get,
		.start = iov_module_dump_start,
		.dumpit = iov_module_dump,
		.policy = iov_module_get_policy,
		.maxattr = IOV_ATTR_MAX,
	}, {
		.cmd = IOV_CMD_LINK_NEW,
		.doit = iov_change_doit,
		.policy = iov_link_policy,
		.maxattr = IOV_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IOV_CMD_LINK_DEL,
		.doit = iov_change_doit,
		.policy = iov_link_policy,
		.maxattr = IOV_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IOV_CMD_LINK_GET,
		.doit = iov_link_get,
		.dumpit = iov_link_dump,
		.policy = iov_link_policy,
		.maxattr = IOV_ATTR_MAX,
	}, {
		.cmd = IOV_CMD_GRAPH_GET,
		.doit = iov_graph_get,
		.policy = iov_graph_policy,
		.maxattr = IOV_ATTR_MAX,
	}, {
		.cmd = IOV_CMD_GRAPH_SET,
		.doit = iov_change_doit,
		.policy = iov_graph_policy,
		.maxattr = IOV_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IOV_CMD_MODULE_SET,
		.doit = iov_change_doit,
		.policy = iov_module_change_policy,
		.maxattr = IOV_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IOV_CMD_BATCH,
		.doit = iov_batch_doit,
		.policy = iov_batch_policy,
		.maxattr = IOV_ATTR_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group iov_genl_mcgrps[] = {
	{ .name = IOV_GENL_MCGRP_EVENTS },
};

/* resv_start_op stays 0: every operation is validated strictly. */
static struct genl_family iov_genl_family __ro_after_init = {
	.name		= IOV_GENL_NAME,
	.version	= IOV_GENL_VERSION,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= iov_genl_ops,
	.n_ops		= ARRAY_SIZE(iov_genl_ops),
	.mcgrps		= iov_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(iov_genl_mcgrps),
	.pre_doit	= iov_pre_doit,
	.post_doit	= iov_post_doit,
};

int __init iov_genl_init(void)
{
	int err = genl_register_family(&iov_genl_family);

	if (err)
		return err;
	mutex_lock(&iov_lock);
	iov_genl_up = true;
	mutex_unlock(&iov_lock);
	return 0;
}

void iov_genl_exit(void)
{
	mutex_lock(&iov_lock);
	iov_genl_up = false;
	mutex_unlock(&iov_lock);
	genl_unregister_family(&iov_genl_family);
}
