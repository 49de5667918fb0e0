// SPDX-License-Identifier: GPL-2.0
/*
 * Link ends. "dev" and "id" are keywords only as words of their own, so a
 * module may still be called "dev" ("dev:0" is its port 0).
 */
#include <string.h>

#include <netlink/attr.h>

#include "end.h"
#include "ivctl.h"
#include "json.h"
#include "nl.h"

/* "NAME:PORT" or, after "id", "ID:PORT"; split at the last ':'. */
static int parse_port_ref(void (*usage)(FILE *f), char *arg, bool by_id,
			  struct iov_end *end)
{
	char *colon = strrchr(arg, ':');

	if (!colon || colon == arg)
		return usage_error(usage, "\"%s\" is not %s:PORT", arg,
				   by_id ? "ID" : "NAME");
	*colon = '\0';
	if (parse_u32(colon + 1, &end->port))
		return usage_error(usage, "invalid port \"%s\"", colon + 1);
	if (!by_id) {
		end->module = arg;
		return 0;
	}
	end->has_id = true;
	if (parse_u32(arg, &end->module_id))
		return usage_error(usage, "invalid module id \"%s\"", arg);
	return 0;
}

int end_parse(void (*usage)(FILE *f), int argc, char **argv, int *i,
	      struct iov_end *end)
{
	memset(end, 0, sizeof(*end));
	if (!strcmp(argv[*i], "dev")) {
		NEXT_ARG(usage, *i, argc, argv);
		end->is_dev = true;
		end->ifname = argv[*i];
		return 0;
	}
	if (!strcmp(argv[*i], "id")) {
		NEXT_ARG(usage, *i, argc, argv);
		return parse_port_ref(usage, argv[*i], true, end);
	}
	return parse_port_ref(usage, argv[*i], false, end);
}

static int put_fields(struct nl_msg *msg, const struct iov_end *end)
{
	if (end->is_dev)
		return nla_put_string(msg, IOV_END_IFNAME, end->ifname);
	if (end->has_id && nla_put_u32(msg, IOV_END_MODULE_ID, end->module_id))
		return -1;
	if (end->module && nla_put_string(msg, IOV_END_MODULE_NAME, end->module))
		return -1;
	return nla_put_u32(msg, IOV_END_PORT, end->port);
}

int end_put(struct nl_msg *msg, int attr, const struct iov_end *end)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest || put_fields(msg, end) < 0)
		return error("request too big");
	nla_nest_end(msg, nest);
	return 0;
}

int end_read(struct nlattr *nest, struct iov_end *end)
{
	struct nlattr *tb[IOV_END_MAX + 1];

	memset(end, 0, sizeof(*end));
	if (iov_parse_end(nest, tb))
		return -1;
	end->is_dev = tb[IOV_END_IFINDEX] || tb[IOV_END_IFNAME];
	if (tb[IOV_END_IFINDEX])
		end->ifindex = nla_get_u32(tb[IOV_END_IFINDEX]);
	if (tb[IOV_END_IFNAME])
		end->ifname = nla_get_string(tb[IOV_END_IFNAME]);
	if (tb[IOV_END_MODULE_NAME])
		end->module = nla_get_string(tb[IOV_END_MODULE_NAME]);
	end->has_id = tb[IOV_END_MODULE_ID];
	if (end->has_id)
		end->module_id = nla_get_u32(tb[IOV_END_MODULE_ID]);
	if (tb[IOV_END_PORT])
		end->port = nla_get_u32(tb[IOV_END_PORT]);
	end->has_stats = tb[IOV_END_STATS];
	return stats_parse(tb[IOV_END_STATS], &end->stats);
}

void end_format(const struct iov_end *end, char *buf, size_t len)
{
	if (end->is_dev && end->ifname)
		snprintf(buf, len, "dev %s", end->ifname);
	else if (end->is_dev)
		snprintf(buf, len, "ifindex %u", end->ifindex);
	else if (end->module)
		snprintf(buf, len, "%s:%u", end->module, end->port);
	else
		snprintf(buf, len, "id %u:%u", end->module_id, end->port);
}

void end_json(const char *key, const struct iov_end *end)
{
	json_open_object(key);
	if (end->is_dev) {
		if (end->ifname)
			json_string("dev", end->ifname);
		json_u64("ifindex", end->ifindex);
	} else {
		if (end->module)
			json_string("module", end->module);
		json_u64("module_id", end->module_id);
		json_u64("port", end->port);
		if (opts.stats && end->has_stats)
			stats_json("stats", &end->stats);
	}
	json_close_object();
}
