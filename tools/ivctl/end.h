/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link ends (enum iov_end_attr): a module port or a network interface.
 *   END := { NAME:PORT | id ID:PORT | dev IFNAME }
 */
#ifndef IVCTL_END_H
#define IVCTL_END_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <netlink/msg.h>

#include "stats.h"

struct iov_end {
	bool is_dev;
	const char *module;	/* module ends: name, or NULL if by id only */
	bool has_id;
	uint32_t module_id;
	uint32_t port;
	const char *ifname;	/* interface ends */
	uint32_t ifindex;
	bool has_stats;		/* replies: counters of a module end */
	struct iov_stats stats;
};

/*
 * Parse the END starting at argv[*i] and leave *i on its last word. May
 * write a NUL over the ':' of NAME:PORT. 0 or -1 (printed with usage).
 */
int end_parse(void (*usage)(FILE *f), int argc, char **argv, int *i,
	      struct iov_end *end);

/* Put end as the nested attribute attr of a request; 0 or -1 (printed). */
int end_put(struct nl_msg *msg, int attr, const struct iov_end *end);

/* Read an end from a reply; strings point into the message. 0 or -1. */
int end_read(struct nlattr *nest, struct iov_end *end);

/* Text, as the END grammar spells it: "sw:0", "dev eth0". */
#define END_TEXT_LEN 64
void end_format(const struct iov_end *end, char *buf, size_t len);

/* JSON object named key; counters only with -s. */
void end_json(const char *key, const struct iov_end *end);

#endif /* IVCTL_END_H */
