// SPDX-License-Identifier: GPL-2.0
/* ivctl graph: the namespace's graph as a whole, its generation and hop budget. */
#include <string.h>

#include "ivctl.h"
#include "json.h"
#include "nl.h"

static void graph_usage(FILE *f)
{
	fputs("Usage: ivctl graph show\n"
	      "       ivctl graph set hops N\n"
	      "       ivctl graph help\n",
	      f);
}

static int graph_show_one(struct nlmsghdr *nlh)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1];
	uint64_t generation = 0;
	uint32_t hops = 0;

	if (iov_parse(nlh, tb))
		return -1;
	if (tb[IOV_ATTR_GENERATION])
		generation = nla_get_u64(tb[IOV_ATTR_GENERATION]);
	if (tb[IOV_ATTR_HOP_BUDGET])
		hops = nla_get_u32(tb[IOV_ATTR_HOP_BUDGET]);
	if (!opts.json) {
		printf("generation %llu hops %u\n",
		       (unsigned long long)generation, hops);
		return 0;
	}
	json_open_object(NULL);
	json_u64("generation", generation);
	json_u64("hops", hops);
	json_close_object();
	return 0;
}

static int graph_show(int argc, char **argv)
{
	struct iov_reply reply = { 0 };
	struct nl_msg *msg;

	if (argc)
		return usage_error(graph_usage, "unknown argument \"%s\"", argv[0]);
	msg = iov_msg_new(IOV_CMD_GRAPH_GET, 0);
	if (!msg)
		return -1;
	if (iov_request(msg, &reply)) {
		iov_reply_free(&reply);
		return -1;
	}
	return iov_reply_show(&reply, graph_show_one);
}

static int parse_set(int argc, char **argv, uint32_t *hops)
{
	bool have_hops = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "hops"))
			return usage_error(graph_usage, "unknown argument \"%s\"", argv[i]);
		NEXT_ARG(graph_usage, i, argc, argv);
		if (parse_u32(argv[i], hops))
			return usage_error(graph_usage, "invalid hop budget \"%s\"", argv[i]);
		have_hops = true;
	}
	if (!have_hops)
		return usage_error(graph_usage, "nothing to set");
	return 0;
}

static int graph_set(int argc, char **argv)
{
	struct nl_msg *msg;
	uint32_t hops;

	if (parse_set(argc, argv, &hops))
		return -1;
	msg = iov_msg_new(IOV_CMD_GRAPH_SET, 0);
	if (!msg)
		return -1;
	if (nla_put_u32(msg, IOV_ATTR_HOP_BUDGET, hops) < 0) {
		nlmsg_free(msg);
		return error("request too big");
	}
	return iov_request(msg, NULL);
}

static const struct ivctl_cmd graph_cmds[] = {
	{ "show",	graph_show },
	{ "list",	graph_show },
	{ "set",	graph_set },
	{ NULL,		NULL },
};

const struct ivctl_object graph_object = {
	.name	= "graph",
	.cmds	= graph_cmds,
	.dflt	= graph_show,
	.usage	= graph_usage,
};
