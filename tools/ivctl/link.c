// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl link: join module ports to each other or to interfaces.
 *
 * Text output repeats the add grammar ("sw:0 dev eth0"), so what `show`
 * prints can be fed back to `add`.
 */
#include <string.h>

#include "end.h"
#include "ivctl.h"
#include "json.h"
#include "nl.h"
#include "stats.h"

static void link_usage(FILE *f)
{
	fputs("Usage: ivctl link add END END\n"
	      "       ivctl link del END\n"
	      "       ivctl link show\n"
	      "       ivctl link help\n"
	      "where  END := { NAME:PORT | id ID:PORT | dev IFNAME }\n"
	      "       (one END of a link at least is a module port)\n",
	      f);
}

/* Parse exactly count ENDs, nothing after them. */
static int parse_ends(int argc, char **argv, struct iov_end *ends, int count)
{
	int i = 0, n;

	for (n = 0; n < count; n++, i++) {
		if (i >= argc)
			return usage_error(link_usage, "%s END is required",
					   n ? "a second" : "an");
		if (end_parse(link_usage, argc, argv, &i, &ends[n]))
			return -1;
	}
	if (i < argc)
		return usage_error(link_usage, "unknown argument \"%s\"", argv[i]);
	return 0;
}

static int send_link(uint8_t cmd, const struct iov_end *a,
		     const struct iov_end *b)
{
	struct nl_msg *msg = iov_msg_new(cmd, 0);

	if (!msg)
		return -1;
	if (end_put(msg, IOV_ATTR_LINK_A, a) ||
	    (b && end_put(msg, IOV_ATTR_LINK_B, b))) {
		nlmsg_free(msg);
		return -1;
	}
	return iov_request(msg, NULL);
}

static int link_add(int argc, char **argv)
{
	struct iov_end ends[2];

	if (parse_ends(argc, argv, ends, 2))
		return -1;
	if (ends[0].is_dev && ends[1].is_dev)
		return usage_error(link_usage, "one end must be a module port");
	/* The kernel wants the module end first; users may write either. */
	if (ends[0].is_dev)
		return send_link(IOV_CMD_LINK_NEW, &ends[1], &ends[0]);
	return send_link(IOV_CMD_LINK_NEW, &ends[0], &ends[1]);
}

static int link_del(int argc, char **argv)
{
	struct iov_end end;

	if (parse_ends(argc, argv, &end, 1))
		return -1;
	return send_link(IOV_CMD_LINK_DEL, &end, NULL);
}

static void end_stats_text(const struct iov_end *end)
{
	char name[END_TEXT_LEN], prefix[END_TEXT_LEN + 2];

	if (!end->has_stats)
		return;
	end_format(end, name, sizeof(name));
	snprintf(prefix, sizeof(prefix), "\t%s ", name);
	stats_print(prefix, &end->stats);
}

static void link_text(const struct iov_end *a, const struct iov_end *b)
{
	char ta[END_TEXT_LEN], tb[END_TEXT_LEN];

	end_format(a, ta, sizeof(ta));
	end_format(b, tb, sizeof(tb));
	printf("%s %s\n", ta, tb);
	if (!opts.stats)
		return;
	end_stats_text(a);
	end_stats_text(b);
}

static int link_show_one(struct nlmsghdr *nlh)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1];
	struct iov_end a, b;

	if (iov_parse(nlh, tb))
		return -1;
	if (!tb[IOV_ATTR_LINK_A] || !tb[IOV_ATTR_LINK_B])
		return error("malformed link from the kernel: an end is missing");
	if (end_read(tb[IOV_ATTR_LINK_A], &a) || end_read(tb[IOV_ATTR_LINK_B], &b))
		return -1;
	if (!opts.json) {
		link_text(&a, &b);
		return 0;
	}
	json_open_object(NULL);
	end_json("a", &a);
	end_json("b", &b);
	json_close_object();
	return 0;
}

static int link_show(int argc, char **argv)
{
	struct iov_reply reply = { 0 };

	if (argc)
		return usage_error(link_usage, "unknown argument \"%s\"", argv[0]);
	if (iov_dump(IOV_CMD_LINK_GET, &reply))
		return -1;
	return iov_reply_show(&reply, link_show_one);
}

static const struct ivctl_cmd link_cmds[] = {
	{ "add",	link_add },
	{ "delete",	link_del },
	{ "show",	link_show },
	{ "list",	link_show },
	{ "ls",		link_show },
	{ NULL,		NULL },
};

const struct ivctl_object link_object = {
	.name	= "link",
	.cmds	= link_cmds,
	.dflt	= link_show,
	.usage	= link_usage,
};
