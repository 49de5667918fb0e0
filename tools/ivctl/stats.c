// SPDX-License-Identifier: GPL-2.0
/*
 * Counters. Their names are the uapi names in lower case, the same in text
 * and JSON, so scripts can move between the two.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "nl.h"
#include "stats.h"

static const char *const stat_names[IOV_STATS_MAX + 1] = {
	[IOV_STATS_PACKETS]	= "packets",
	[IOV_STATS_BYTES]	= "bytes",
	[IOV_STATS_PASS]	= "pass",
	[IOV_STATS_DROP]	= "drop",
	[IOV_STATS_OUT]		= "out",
	[IOV_STATS_FLOOD]	= "flood",
	[IOV_STATS_ERR_VERDICT]	= "err_verdict",
	[IOV_STATS_ERR_PORT]	= "err_port",
	[IOV_STATS_ERR_HOPS]	= "err_hops",
	[IOV_STATS_ERR_NOMEM]	= "err_nomem",
	[IOV_STATS_ERR_TX]	= "err_tx",
	[IOV_STATS_ERR_PASS]	= "err_pass",
};

int stats_parse(struct nlattr *nest, struct iov_stats *stats)
{
	struct nlattr *tb[IOV_STATS_MAX + 1];
	int i;

	memset(stats, 0, sizeof(*stats));
	if (!nest)
		return 0;
	if (iov_parse_stats(nest, tb))
		return -1;
	for (i = 0; i <= IOV_STATS_MAX; i++)
		if (tb[i] && stat_names[i])
			stats->val[i] = nla_get_u64(tb[i]);
	return 0;
}

void stats_print(const char *prefix, const struct iov_stats *stats)
{
	bool errors = false;
	int i;

	printf("%s", prefix);
	for (i = IOV_STATS_PACKETS; i <= IOV_STATS_FLOOD; i++)
		printf("%s%s %llu", i == IOV_STATS_PACKETS ? "" : " ",
		       stat_names[i], (unsigned long long)stats->val[i]);
	putchar('\n');
	for (i = IOV_STATS_ERR_VERDICT; i <= IOV_STATS_MAX; i++) {
		if (!stats->val[i])
			continue;
		printf("%s%s %llu", errors ? " " : prefix, stat_names[i],
		       (unsigned long long)stats->val[i]);
		errors = true;
	}
	if (errors)
		putchar('\n');
}

void stats_json(const char *key, const struct iov_stats *stats)
{
	int i;

	json_open_object(key);
	for (i = 0; i <= IOV_STATS_MAX; i++)
		if (stat_names[i])
			json_u64(stat_names[i], stats->val[i]);
	json_close_object();
}
