// SPDX-License-Identifier: GPL-2.0
/*
 * Building IOV_CMD_BATCH. The kernel points at the operation it refused
 * with the extack bad-attribute offset (the op's nest, or an attribute in
 * it), counted from the start of the request: the offsets of every op's
 * nest are kept to turn that back into a label.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/genl.h>

#include "ivctl.h"
#include "nl.h"
#include "txn.h"

/*
 * A batch is one message. The kernel takes one up to the socket's send
 * buffer; 128 KiB holds well over a thousand operations.
 */
#define TXN_MSG_SIZE (128 * 1024)

struct txn_op {
	uint32_t start, end;	/* the op nest, as offsets in the message */
	char *label;
	int fd;			/* the program fd it took, or -1 */
};

static struct {
	struct nl_msg *msg;
	struct nlattr *ops_nest;
	struct txn_op *ops;
	size_t count, alloc;
	char *label;
	bool failed;		/* an op did not fit: refuse to commit */
} txn;

static uint32_t msg_offset(const void *p)
{
	return (const char *)p - (const char *)nlmsg_hdr(txn.msg);
}

static struct txn_op *op_new(void)
{
	struct txn_op *ops;

	if (txn.count == txn.alloc) {
		txn.alloc = txn.alloc ? 2 * txn.alloc : 16;
		ops = realloc(txn.ops, txn.alloc * sizeof(*ops));
		if (!ops)
			return NULL;
		txn.ops = ops;
	}
	memset(&txn.ops[txn.count], 0, sizeof(*txn.ops));
	txn.ops[txn.count].fd = -1;
	txn.ops[txn.count].label = strdup(txn.label ? txn.label : "");
	if (!txn.ops[txn.count].label)
		return NULL;
	return &txn.ops[txn.count++];
}

/* Copy one attribute of a request into the op; a program fd is duplicated. */
static int copy_attr(struct nlattr *a, struct txn_op *op)
{
	int fd;

	if (nla_type(a) != IOV_ATTR_PROG_FD)
		return nla_put(txn.msg, a->nla_type, nla_len(a), nla_data(a));
	fd = fcntl(nla_get_s32(a), F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	op->fd = fd;
	return nla_put_s32(txn.msg, IOV_ATTR_PROG_FD, fd);
}

/* The change hook: req becomes one IOV_ATTR_OP of the batch. */
static int take(struct nl_msg *req)
{
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(req));
	struct nlattr *nest, *a;
	struct txn_op *op;
	int rem, err = 0;

	op = op_new();
	nest = op ? nla_nest_start(txn.msg, IOV_ATTR_OP) : NULL;
	if (!nest) {
		err = -1;
		goto out;
	}
	op->start = msg_offset(nest);
	err = nla_put_u32(txn.msg, IOV_ATTR_OP_CMD, g->cmd);
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		if (!err)
			err = copy_attr(a, op);
	nla_nest_end(txn.msg, nest);
	op->end = nlmsg_hdr(txn.msg)->nlmsg_len;
out:
	nlmsg_free(req);
	if (err) {
		txn.failed = true;
		return error("the batch is too big (over %d KiB)", TXN_MSG_SIZE / 1024);
	}
	return 0;
}

int txn_begin(void)
{
	memset(&txn, 0, sizeof(txn));
	/* libnl sizes messages by a global default: only this one is big. */
	nlmsg_set_default_size(TXN_MSG_SIZE);
	txn.msg = iov_msg_new(IOV_CMD_BATCH, 0);
	nlmsg_set_default_size(getpagesize());
	if (!txn.msg)
		return -1;
	txn.ops_nest = nla_nest_start(txn.msg, IOV_ATTR_OPS);
	if (!txn.ops_nest) {
		txn_abort();
		return error("out of memory");
	}
	iov_set_change_hook(take);
	return 0;
}

void txn_label(const char *label)
{
	free(txn.label);
	txn.label = strdup(label);
}

size_t txn_count(void)
{
	return txn.count;
}

static const struct txn_op *op_at(uint32_t offset)
{
	size_t i;

	for (i = 0; offset && i < txn.count; i++)
		if (offset >= txn.ops[i].start && offset < txn.ops[i].end)
			return &txn.ops[i];
	return NULL;
}

static int refused(const struct iov_refusal *r)
{
	const struct txn_op *op = op_at(r->bad_attr);
	const char *why = r->msg[0] ? r->msg : strerror(-r->error);

	if (op && r->msg[0])
		error("%s: %s (%s); nothing was changed", op->label, why,
		      strerror(-r->error));
	else if (op)
		error("%s: %s; nothing was changed", op->label, why);
	else if (r->msg[0])
		error("%s (%s); nothing was changed", why, strerror(-r->error));
	else
		error("%s; nothing was changed", why);
	return -1;
}

int txn_commit(void)
{
	struct iov_refusal r;
	struct nl_msg *msg = txn.msg;
	int err;

	iov_set_change_hook(NULL);
	if (txn.failed) {
		txn_abort();
		return -1;
	}
	nla_nest_end(msg, txn.ops_nest);
	txn.msg = NULL;
	err = iov_request_refusal(msg, &r);
	if (err > 0)
		err = refused(&r);
	txn_abort();
	return err;
}

void txn_abort(void)
{
	size_t i;

	iov_set_change_hook(NULL);
	for (i = 0; i < txn.count; i++) {
		if (txn.ops[i].fd >= 0)
			close(txn.ops[i].fd);
		free(txn.ops[i].label);
	}
	free(txn.ops);
	free(txn.label);
	nlmsg_free(txn.msg);
	memset(&txn, 0, sizeof(txn));
}
