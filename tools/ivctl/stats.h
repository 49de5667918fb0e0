/* SPDX-License-Identifier: GPL-2.0 */
/* The framework's counters (enum iov_stats_attr), parsed and shown. */
#ifndef IVCTL_STATS_H
#define IVCTL_STATS_H

#include <stdint.h>

#include <netlink/attr.h>

#include <linux/iovisor.h>

struct iov_stats {
	uint64_t val[IOV_STATS_MAX + 1];	/* absent counters read 0 */
};

/* 0 or -1 (printed). */
int stats_parse(struct nlattr *nest, struct iov_stats *stats);

/*
 * Text: "packets N bytes N pass N drop N out N flood N", then the err_
 * counters that are not zero on a second line; each line starts with
 * prefix.
 */
void stats_print(const char *prefix, const struct iov_stats *stats);

/* JSON: an object named key with every counter. */
void stats_json(const char *key, const struct iov_stats *stats);

#endif /* IVCTL_STATS_H */
