// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink plumbing: one generic netlink socket, requests that wait for
 * their ack, dumps that start over when the graph changed under them, and
 * the kernel's extack messages turned into the errors users read.
 *
 * libnl only reads the socket here: every incoming message goes through
 * on_message(), which does its own sequence, error and dump-end handling.
 * That keeps extack parsing (which libnl does not do) and NLM_F_DUMP_INTR
 * (which libnl versions handle differently) in one place.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "ivctl.h"
#include "json.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/*
 * libnl leaves 32 KiB of receive buffer. A module with a few hundred linked
 * ports answers in one message of some 100 KiB, and the ack queued behind it
 * would overrun that buffer and be lost. The kernel caps this at rmem_max.
 */
#define IOV_RCVBUF (1 << 20)

/* A batch is one request: let it be big (the kernel caps at wmem_max). */
#define IOV_SNDBUF (1 << 20)

/* How often a dump starts over before ivctl gives up on a busy graph. */
#define IOV_DUMP_TRIES 5

/* One request in flight: what came back for it. */
struct iov_exchange {
	uint32_t seq;
	bool done;
	bool interrupted;	/* NLM_F_DUMP_INTR seen */
	int error;		/* 0 or the kernel's negative errno */
	char extack[256];	/* the kernel's message, if it sent one */
	uint32_t bad_attr;	/* NLMSGERR_ATTR_OFFS, if it sent one */
	struct iov_reply *reply;
};

static struct nl_sock *sock;
static struct nl_cb *cb;
static int family;
static int (*change_hook)(struct nl_msg *msg);

static void set_sockopt_flag(int opt)
{
	int one = 1;

	/* Older kernels lack these; errors then just come without text. */
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, opt, &one, sizeof(one));
}

static int resolve_family(void)
{
	family = genl_ctrl_resolve(sock, IOV_GENL_NAME);
	if (family == -NLE_OBJ_NOTFOUND)
		return error("iovisor kernel module not loaded (modprobe iovisor)");
	if (family < 0)
		return error("cannot resolve generic netlink family \"%s\": %s",
			     IOV_GENL_NAME, nl_geterror(family));
	return 0;
}

static int iov_nl_open(void)
{
	int err;

	if (sock)
		return 0;
	sock = nl_socket_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!sock || !cb)
		return error("out of memory");
	err = genl_connect(sock);
	if (err < 0)
		return error("cannot open a generic netlink socket: %s",
			     nl_geterror(err));
	err = nl_socket_set_buffer_size(sock, IOV_RCVBUF, IOV_SNDBUF);
	if (err < 0)
		return error("cannot size the netlink socket: %s", nl_geterror(err));
	set_sockopt_flag(NETLINK_EXT_ACK);
	set_sockopt_flag(NETLINK_CAP_ACK);
	/* A module with many ports makes a big message: peek at its size. */
	nl_socket_enable_msg_peek(sock);
	return resolve_family();
}

static bool is_change(uint8_t cmd)
{
	switch (cmd) {
	case IOV_CMD_MODULE_NEW:
	case IOV_CMD_MODULE_DEL:
	case IOV_CMD_MODULE_SET:
	case IOV_CMD_LINK_NEW:
	case IOV_CMD_LINK_DEL:
	case IOV_CMD_GRAPH_SET:
	case IOV_CMD_BATCH:
		return true;
	}
	return false;
}

/* -g and --dry-run; not on the operations a batch gathers, only on it. */
static int put_change_options(struct nl_msg *msg)
{
	if (opts.has_generation &&
	    nla_put_u64(msg, IOV_ATTR_GENERATION, opts.generation) < 0)
		return -1;
	if (opts.dry_run && nla_put_flag(msg, IOV_ATTR_DRY_RUN) < 0)
		return -1;
	return 0;
}

void iov_set_change_hook(int (*hook)(struct nl_msg *msg))
{
	change_hook = hook;
}

struct nl_msg *iov_msg_new(uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	if (iov_nl_open())
		return NULL;
	msg = nlmsg_alloc();
	if (!msg) {
		error("out of memory");
		return NULL;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 IOV_GENL_VERSION) ||
	    (is_change(cmd) && !change_hook && put_change_options(msg))) {
		nlmsg_free(msg);
		error("out of memory");
		return NULL;
	}
	return msg;
}

/* The extack TLVs follow hlen bytes of payload when the kernel sent them. */
static void parse_extack(struct iov_exchange *ex, struct nlmsghdr *nlh,
			 size_t hlen)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= off)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(ex->extack, tb[NLMSGERR_ATTR_MSG], sizeof(ex->extack));
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4)
		ex->bad_attr = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

static int finish(struct iov_exchange *ex, int error)
{
	ex->error = error;
	ex->done = true;
	return NL_STOP;
}

/* NLMSG_ERROR: an ack (error 0, maybe with a warning) or a refusal. */
static int on_ack(struct iov_exchange *ex, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	size_t hlen = sizeof(*e);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return finish(ex, -EBADMSG);
	/* Without NETLINK_CAP_ACK the request comes back before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	parse_extack(ex, nlh, hlen);
	return finish(ex, e->error);
}

/* NLMSG_DONE ends a dump; a dumpit that failed says so in its payload. */
static int on_done(struct iov_exchange *ex, struct nlmsghdr *nlh)
{
	int err = 0;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		parse_extack(ex, nlh, sizeof(int));
	}
	return finish(ex, err < 0 ? err : 0);
}

static int keep(struct iov_exchange *ex, struct nlmsghdr *nlh)
{
	struct iov_reply *r = ex->reply;
	struct nlmsghdr **msgs;

	if (!r || nlh->nlmsg_type != family)
		return NL_SKIP;
	if (r->count == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 16;
		msgs = realloc(r->msgs, r->alloc * sizeof(*msgs));
		if (!msgs)
			return finish(ex, -ENOMEM);
		r->msgs = msgs;
	}
	r->msgs[r->count] = malloc(nlh->nlmsg_len);
	if (!r->msgs[r->count])
		return finish(ex, -ENOMEM);
	memcpy(r->msgs[r->count++], nlh, nlh->nlmsg_len);
	return NL_SKIP;
}

static int on_message(struct nl_msg *msg, void *arg)
{
	struct iov_exchange *ex = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (ex->done || nlh->nlmsg_seq != ex->seq)
		return NL_SKIP;	/* left over from an earlier request */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ex->interrupted = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return NL_SKIP;
	case NLMSG_ERROR:
		return on_ack(ex, nlh);
	case NLMSG_DONE:
		return on_done(ex, nlh);
	case NLMSG_OVERRUN:
		return finish(ex, -EOVERFLOW);
	default:
		return keep(ex, nlh);
	}
}

/* Send msg and read until its ack, error or dump end; 0 or -1 (printed). */
static int exchange(struct nl_msg *msg, struct iov_exchange *ex)
{
	int err;

	err = nl_send_auto(sock, msg);
	ex->seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (err < 0)
		return error("cannot send to the kernel: %s", nl_geterror(err));
	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, on_message, ex);
	while (!ex->done) {
		err = nl_recvmsgs(sock, cb);
		if (err < 0 && !ex->done)
			return error("cannot read from the kernel: %s",
				     nl_geterror(err));
	}
	return 0;
}

static int report(const struct iov_exchange *ex)
{
	if (ex->error && ex->extack[0])
		return error("%s (%s)", ex->extack, strerror(-ex->error));
	if (ex->error)
		return error("%s", strerror(-ex->error));
	if (ex->extack[0])
		fprintf(stderr, "Warning: %s\n", ex->extack);
	return 0;
}

static bool is_change_msg(struct nl_msg *msg)
{
	return is_change(genlmsg_hdr(nlmsg_hdr(msg))->cmd);
}

int iov_request(struct nl_msg *msg, struct iov_reply *reply)
{
	struct iov_exchange ex = { .reply = reply };

	if (change_hook && is_change_msg(msg))
		return change_hook(msg);
	if (exchange(msg, &ex))
		return -1;
	return report(&ex);
}

int iov_request_refusal(struct nl_msg *msg, struct iov_refusal *refusal)
{
	struct iov_exchange ex = { 0 };

	memset(refusal, 0, sizeof(*refusal));
	if (exchange(msg, &ex))
		return -1;
	if (!ex.error)
		return report(&ex);	/* a warning, if any */
	refusal->error = ex.error;
	refusal->bad_attr = ex.bad_attr;
	snprintf(refusal->msg, sizeof(refusal->msg), "%s", ex.extack);
	return 1;
}

int iov_dump(uint8_t cmd, struct iov_reply *reply)
{
	struct iov_exchange ex;
	struct nl_msg *msg;
	int try;

	for (try = 0; try < IOV_DUMP_TRIES; try++) {
		iov_reply_free(reply);
		msg = iov_msg_new(cmd, NLM_F_DUMP);
		if (!msg)
			return -1;
		ex = (struct iov_exchange){ .reply = reply };
		if (exchange(msg, &ex) || report(&ex))
			return -1;
		if (!ex.interrupted)
			return 0;
	}
	iov_reply_free(reply);
	return error("the graph kept changing during the dump, gave up after %d tries",
		     IOV_DUMP_TRIES);
}

void iov_reply_free(struct iov_reply *reply)
{
	size_t i;

	for (i = 0; i < reply->count; i++)
		free(reply->msgs[i]);
	free(reply->msgs);
	*reply = (struct iov_reply){ 0 };
}

int iov_reply_show(struct iov_reply *reply, int (*show)(struct nlmsghdr *nlh))
{
	int err = 0;
	size_t i;

	if (opts.json)
		json_open_array(NULL);
	for (i = 0; i < reply->count && !err; i++)
		err = show(reply->msgs[i]);
	if (opts.json)
		json_close_array();
	iov_reply_free(reply);
	return err;
}

/*
 * Events come on the same socket, with sequence number 0 and no request
 * behind them: a callback of their own hands each to the caller's handler.
 */
struct iov_listener {
	int (*handler)(struct nlmsghdr *nlh);
	bool failed;
};

static int resolve_group(const char *family_name, const char *group_name)
{
	int group = genl_ctrl_resolve_grp(sock, family_name, group_name);

	if (group < 0)
		return error("cannot find the \"%s\" group of \"%s\": %s",
			     group_name, family_name, nl_geterror(group));
	return group;
}

int iov_events_join(void)
{
	int events, notify, err;

	/*
	 * Look both groups up before joining either: a socket in a group can
	 * hear an event before the reply to a lookup, and libnl takes the
	 * first message for the reply. nlctrl's notifications say when the
	 * family (iovisor.ko) goes away.
	 */
	if (iov_nl_open())
		return -1;
	events = resolve_group(IOV_GENL_NAME, IOV_GENL_MCGRP_EVENTS);
	notify = events < 0 ? events : resolve_group("nlctrl", "notify");
	if (notify < 0)
		return -1;
	err = nl_socket_add_memberships(sock, events, notify, 0);
	if (err < 0)
		return error("cannot join the iovisor events and nlctrl notify groups: %s",
			     nl_geterror(err));
	/* Read only what poll() said is there, so a signal is never missed. */
	err = nl_socket_set_nonblocking(sock);
	if (err < 0)
		return error("cannot make the netlink socket non-blocking: %s",
			     nl_geterror(err));
	return nl_socket_get_fd(sock);
}

static bool family_gone(struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *ghdr = nlmsg_data(nlh);

	if (nlh->nlmsg_type != GENL_ID_CTRL || ghdr->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return false;
	return !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), IOV_GENL_NAME);
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct iov_listener *l = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (family_gone(nlh)) {
		error("the iovisor kernel module was unloaded");
		l->failed = true;
		return NL_STOP;
	}
	if (nlh->nlmsg_type != family)
		return NL_SKIP;
	if (l->handler(nlh)) {
		l->failed = true;
		return NL_STOP;
	}
	return NL_SKIP;
}

int iov_events_read(int (*handler)(struct nlmsghdr *nlh))
{
	struct iov_listener l = { .handler = handler };
	int err;

	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, on_event, &l);
	err = nl_recvmsgs(sock, cb);
	if (l.failed)
		return -1;
	if (err == -NLE_AGAIN)
		return 0;
	/* ENOBUFS: the kernel dropped events the socket had no room for. */
	if (err == -NLE_NOMEM) {
		fprintf(stderr, "Warning: events were lost: the receive buffer overflowed\n");
		return 0;
	}
	if (err < 0)
		return error("cannot read events: %s", nl_geterror(err));
	return 0;
}

static struct nla_policy attr_policy[IOV_ATTR_MAX + 1] = {
	[IOV_ATTR_GENERATION]	= { .type = NLA_U64 },
	[IOV_ATTR_MODULE_ID]	= { .type = NLA_U32 },
	[IOV_ATTR_MODULE_NAME]	= { .type = NLA_STRING },
	[IOV_ATTR_PROG_ID]	= { .type = NLA_U32 },
	[IOV_ATTR_PROG_TAG]	= { .type = NLA_UNSPEC, .minlen = 8 },
	[IOV_ATTR_NUM_PORTS]	= { .type = NLA_U32 },
	[IOV_ATTR_STATS]	= { .type = NLA_NESTED },
	[IOV_ATTR_PORTS]	= { .type = NLA_NESTED },
	[IOV_ATTR_LINK_A]	= { .type = NLA_NESTED },
	[IOV_ATTR_LINK_B]	= { .type = NLA_NESTED },
	[IOV_ATTR_HOP_BUDGET]	= { .type = NLA_U32 },
	[IOV_ATTR_CAUSE]	= { .type = NLA_U32 },
};

static struct nla_policy port_policy[IOV_PORT_MAX + 1] = {
	[IOV_PORT_INDEX]	= { .type = NLA_U32 },
	[IOV_PORT_PEER]		= { .type = NLA_NESTED },
	[IOV_PORT_STATS]	= { .type = NLA_NESTED },
};

static struct nla_policy end_policy[IOV_END_MAX + 1] = {
	[IOV_END_MODULE_ID]	= { .type = NLA_U32 },
	[IOV_END_MODULE_NAME]	= { .type = NLA_STRING },
	[IOV_END_PORT]		= { .type = NLA_U32 },
	[IOV_END_IFINDEX]	= { .type = NLA_U32 },
	[IOV_END_IFNAME]	= { .type = NLA_STRING },
	[IOV_END_STATS]		= { .type = NLA_NESTED },
};

static struct nla_policy stats_policy[IOV_STATS_MAX + 1] = {
	[IOV_STATS_PACKETS ... IOV_STATS_ERR_PASS] = { .type = NLA_U64 },
};

static int parse_failed(const char *what, int err)
{
	return error("malformed %s from the kernel: %s", what, nl_geterror(err));
}

int iov_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	int err = genlmsg_parse(nlh, 0, tb, IOV_ATTR_MAX, attr_policy);

	return err < 0 ? parse_failed("message", err) : 0;
}

int iov_parse_port(struct nlattr *nest, struct nlattr **tb)
{
	int err = nla_parse_nested(tb, IOV_PORT_MAX, nest, port_policy);

	return err < 0 ? parse_failed("port", err) : 0;
}

int iov_parse_end(struct nlattr *nest, struct nlattr **tb)
{
	int err = nla_parse_nested(tb, IOV_END_MAX, nest, end_policy);

	return err < 0 ? parse_failed("link end", err) : 0;
}

int iov_parse_stats(struct nlattr *nest, struct nlattr **tb)
{
	int err = nla_parse_nested(tb, IOV_STATS_MAX, nest, stats_policy);

	return err < 0 ? parse_failed("counters", err) : 0;
}
