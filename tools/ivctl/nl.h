/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the iovisor generic netlink family. The socket is opened on
 * first use, so commands that fail on their arguments never touch netlink.
 */
#ifndef IVCTL_NL_H
#define IVCTL_NL_H

#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/iovisor.h>

/* Copies of the data messages a request brought back, in order. */
struct iov_reply {
	struct nlmsghdr **msgs;
	size_t count;
	size_t alloc;
};

/*
 * A request for cmd with the generic netlink header filled in, or NULL. A
 * request that changes the graph carries the global -g GEN and --dry-run.
 */
struct nl_msg *iov_msg_new(uint8_t cmd, int flags);

/*
 * While a hook is set, iov_request() hands it every change request instead
 * of sending it, and returns what it returns; the hook owns the message.
 * That is how a batch gathers the requests of ordinary commands (txn.h).
 */
void iov_set_change_hook(int (*hook)(struct nl_msg *msg));

/* A refusal as the kernel described it. */
struct iov_refusal {
	int error;		/* the negative errno */
	char msg[256];		/* its extack message, or "" */
	uint32_t bad_attr;	/* the offending attribute's offset in the
				 * request, from its netlink header; 0: none */
};

/*
 * Send msg (always freed) and wait for the ack. 0 if the kernel took it;
 * 1 if it refused, described in *refusal and not printed; -1 if the
 * exchange itself failed (printed).
 */
int iov_request_refusal(struct nl_msg *msg, struct iov_refusal *refusal);

/*
 * Send msg (always freed) and wait for the kernel's answer. Replies are
 * kept in reply unless it is NULL. On a refusal prints the kernel's extack
 * message and the errno text; returns 0 or -1.
 */
int iov_request(struct nl_msg *msg, struct iov_reply *reply);

/*
 * Dump every object of cmd into reply, again while the graph changed under
 * the dump (NLM_F_DUMP_INTR). Returns 0 or -1 (printed).
 */
int iov_dump(uint8_t cmd, struct iov_reply *reply);

void iov_reply_free(struct iov_reply *reply);

/*
 * Show every reply with show() (a JSON array of what it writes with -j),
 * then free them. 0 or -1 (printed).
 */
int iov_reply_show(struct iov_reply *reply, int (*show)(struct nlmsghdr *nlh));

/*
 * Join the events multicast group; the socket's fd, to poll, or -1
 * (printed). Events then arrive on the socket, which is non-blocking.
 */
int iov_events_join(void);

/*
 * Hand every event that has arrived to handler; never blocks. 0, or -1
 * (printed) if the socket failed, handler did or the family went away.
 */
int iov_events_read(int (*handler)(struct nlmsghdr *nlh));

/* The top-level attributes of a reply, validated; 0 or -1 (printed). */
int iov_parse(struct nlmsghdr *nlh, struct nlattr **tb);

/* Nested attributes by the policy of their kind; 0 or -1 (printed). */
int iov_parse_port(struct nlattr *nest, struct nlattr **tb);
int iov_parse_end(struct nlattr *nest, struct nlattr **tb);
int iov_parse_stats(struct nlattr *nest, struct nlattr **tb);

#endif /* IVCTL_NL_H */
