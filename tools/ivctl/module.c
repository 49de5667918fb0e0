// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl module: add, delete and show IO modules.
 *
 * Limits (name length, port count) are the kernel's to enforce: ivctl only
 * checks the syntax, so the refusal users see is the kernel's own message.
 */
#include <string.h>

#include "bpfload.h"
#include "end.h"
#include "ivctl.h"
#include "json.h"
#include "module.h"
#include "nl.h"
#include "source.h"
#include "stats.h"
#include "swap.h"

struct module_add_args {
	const char *name;
	struct iov_prog_spec prog;
	uint32_t ports;
};

/* A port of a module, as IOV_CMD_MODULE_GET reports it. */
struct port_info {
	uint32_t index;
	bool linked;
	struct iov_end peer;
	struct iov_stats stats;
};

static void module_usage(FILE *f)
{
	fputs("Usage: ivctl module add NAME obj FILE [ sec SECTION | prog PROGNAME ]\n"
	      "                       [ ports N ] [ pinmaps DIR ]\n"
	      "       ivctl module del MODULE\n",
	      f);
	swap_usage(f);
	fputs("       ivctl module show [ MODULE ]\n"
	      "       ivctl module help\n"
	      "where  MODULE := { NAME | name NAME | id ID }\n",
	      f);
}

/* Exactly one MODULE, nothing after it. */
static int parse_module_ref(int argc, char **argv, struct obj_ref *ref)
{
	int i = 0;

	if (obj_ref_parse(module_usage, "module", argc, argv, &i, ref))
		return -1;
	if (++i < argc)
		return usage_error(module_usage, "unknown argument \"%s\"", argv[i]);
	return 0;
}

static int put_module_ref(struct nl_msg *msg, const struct obj_ref *ref)
{
	int err;

	if (ref->by_id)
		err = nla_put_u32(msg, IOV_ATTR_MODULE_ID, ref->id);
	else
		err = nla_put_string(msg, IOV_ATTR_MODULE_NAME, ref->name);
	if (err < 0) {
		nlmsg_free(msg);
		return error("request too big");
	}
	return 0;
}

static int parse_add_keyword(int argc, char **argv, int *i,
			     struct module_add_args *args)
{
	const char *key = argv[*i];

	NEXT_ARG(module_usage, *i, argc, argv);
	if (!strcmp(key, "obj") || !strcmp(key, "object"))
		args->prog.path = argv[*i];
	else if (!strcmp(key, "sec") || !strcmp(key, "section"))
		args->prog.sec = argv[*i];
	else if (!strcmp(key, "prog"))
		args->prog.prog = argv[*i];
	else if (!strcmp(key, "pinmaps"))
		args->prog.pin_maps = argv[*i];
	else if (!strcmp(key, "ports")) {
		if (parse_u32(argv[*i], &args->ports))
			return usage_error(module_usage, "invalid port count \"%s\"",
					   argv[*i]);
	} else
		return usage_error(module_usage, "unknown argument \"%s\"", key);
	return 0;
}

static int parse_add(int argc, char **argv, struct module_add_args *args)
{
	int i;

	memset(args, 0, sizeof(*args));
	args->ports = 1;
	if (argc < 1)
		return usage_error(module_usage, "a module name is required");
	args->name = argv[0];
	for (i = 1; i < argc; i++)
		if (parse_add_keyword(argc, argv, &i, args))
			return -1;
	if (!args->prog.path)
		return usage_error(module_usage, "\"obj FILE\" is required");
	if (args->prog.sec && args->prog.prog)
		return usage_error(module_usage, "\"sec\" and \"prog\" exclude each other");
	return 0;
}

/* The source goes with the module, for `ivctl dump` (source.h). */
static int send_module_new(const struct module_add_args *args, int prog_fd,
			   const char *source)
{
	struct nl_msg *msg = iov_msg_new(IOV_CMD_MODULE_NEW, 0);

	if (!msg)
		return -1;
	if (nla_put_string(msg, IOV_ATTR_MODULE_NAME, args->name) < 0 ||
	    nla_put_s32(msg, IOV_ATTR_PROG_FD, prog_fd) < 0 ||
	    nla_put_u32(msg, IOV_ATTR_NUM_PORTS, args->ports) < 0 ||
	    (source[0] && nla_put_string(msg, IOV_ATTR_SOURCE, source) < 0)) {
		nlmsg_free(msg);
		return error("request too big");
	}
	return iov_request(msg, NULL);
}

static int module_add(int argc, char **argv)
{
	char source[IOV_SOURCE_LEN];
	struct module_add_args args;
	struct iov_prog prog;
	int err;

	if (parse_add(argc, argv, &args) || iov_prog_load(&args.prog, &prog))
		return -1;
	source_of(&args.prog, &prog, source);
	err = send_module_new(&args, prog.fd, source);
	if (err)
		iov_prog_unpin(&args.prog, &prog);
	iov_prog_close(&prog);
	return err;
}

static int module_del(int argc, char **argv)
{
	struct obj_ref ref;
	struct nl_msg *msg;

	if (parse_module_ref(argc, argv, &ref))
		return -1;
	msg = iov_msg_new(IOV_CMD_MODULE_DEL, 0);
	if (!msg || put_module_ref(msg, &ref))
		return -1;
	return iov_request(msg, NULL);
}

static int port_read(struct nlattr *nest, struct port_info *port)
{
	struct nlattr *tb[IOV_PORT_MAX + 1];

	memset(port, 0, sizeof(*port));
	if (iov_parse_port(nest, tb))
		return -1;
	if (tb[IOV_PORT_INDEX])
		port->index = nla_get_u32(tb[IOV_PORT_INDEX]);
	port->linked = tb[IOV_PORT_PEER];
	if (port->linked && end_read(tb[IOV_PORT_PEER], &port->peer))
		return -1;
	return stats_parse(tb[IOV_PORT_STATS], &port->stats);
}

static void port_text(const struct port_info *port)
{
	char peer[END_TEXT_LEN];

	/* Without -s only what is linked: a switch may have 256 ports. */
	if (!port->linked && !opts.stats)
		return;

	printf("\tport %u", port->index);
	if (port->linked) {
		end_format(&port->peer, peer, sizeof(peer));
		printf(" peer %s", peer);
	}
	putchar('\n');
	if (opts.stats)
		stats_print("\t\t", &port->stats);
}

static void port_json(const struct port_info *port)
{
	json_open_object(NULL);
	json_u64("port", port->index);
	if (port->linked)
		end_json("peer", &port->peer);
	if (opts.stats)
		stats_json("stats", &port->stats);
	json_close_object();
}

static int ports_show(struct nlattr *ports)
{
	struct port_info port;
	struct nlattr *nest;
	int rem;

	if (opts.json)
		json_open_array("ports");
	if (ports) {
		nla_for_each_nested(nest, ports, rem) {
			if (nla_type(nest) != IOV_ATTR_PORT)
				continue;
			if (port_read(nest, &port))
				return -1;
			if (opts.json)
				port_json(&port);
			else
				port_text(&port);
		}
	}
	if (opts.json)
		json_close_array();
	return 0;
}

static uint32_t get_u32(struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static void tag_hex(struct nlattr *attr, char *buf)
{
	const unsigned char *tag = attr ? nla_data(attr) : NULL;
	int i;

	buf[0] = '\0';
	for (i = 0; tag && i < 8; i++)
		sprintf(buf + 2 * i, "%02x", tag[i]);
}

static void module_text(struct nlattr **tb, const struct iov_stats *stats)
{
	char tag[17];

	tag_hex(tb[IOV_ATTR_PROG_TAG], tag);
	printf("%u: %s ports %u prog_id %u tag %s\n",
	       get_u32(tb[IOV_ATTR_MODULE_ID]),
	       tb[IOV_ATTR_MODULE_NAME] ? nla_get_string(tb[IOV_ATTR_MODULE_NAME]) : "",
	       get_u32(tb[IOV_ATTR_NUM_PORTS]), get_u32(tb[IOV_ATTR_PROG_ID]),
	       tag);
	if (opts.stats)
		stats_print("\t", stats);
}

static void module_json(struct nlattr **tb, const struct iov_stats *stats)
{
	char tag[17];

	tag_hex(tb[IOV_ATTR_PROG_TAG], tag);
	json_u64("id", get_u32(tb[IOV_ATTR_MODULE_ID]));
	if (tb[IOV_ATTR_MODULE_NAME])
		json_string("name", nla_get_string(tb[IOV_ATTR_MODULE_NAME]));
	json_u64("num_ports", get_u32(tb[IOV_ATTR_NUM_PORTS]));
	json_u64("prog_id", get_u32(tb[IOV_ATTR_PROG_ID]));
	json_string("prog_tag", tag);
	if (tb[IOV_ATTR_GENERATION])
		json_u64("generation", nla_get_u64(tb[IOV_ATTR_GENERATION]));
	if (opts.stats)
		stats_json("stats", stats);
}

static int module_show_one(struct nlmsghdr *nlh)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1];
	struct iov_stats stats;
	int err;

	if (iov_parse(nlh, tb) || stats_parse(tb[IOV_ATTR_STATS], &stats))
		return -1;
	if (!opts.json) {
		module_text(tb, &stats);
		return ports_show(tb[IOV_ATTR_PORTS]);
	}
	json_open_object(NULL);
	module_json(tb, &stats);
	err = ports_show(tb[IOV_ATTR_PORTS]);
	json_close_object();
	return err;
}

static int module_get(const struct obj_ref *ref, struct iov_reply *reply)
{
	struct nl_msg *msg = iov_msg_new(IOV_CMD_MODULE_GET, 0);

	if (!msg || put_module_ref(msg, ref))
		return -1;
	return iov_request(msg, reply);
}

int module_prog_id(const struct obj_ref *ref, uint32_t *prog_id)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1];
	struct iov_reply reply = { 0 };
	int err = -1;

	if (module_get(ref, &reply))
		goto out;
	if (reply.count != 1) {
		error("malformed reply from the kernel: %zu messages", reply.count);
		goto out;
	}
	if (iov_parse(reply.msgs[0], tb))
		goto out;
	if (!tb[IOV_ATTR_PROG_ID]) {
		error("malformed module from the kernel: no program id");
		goto out;
	}
	*prog_id = nla_get_u32(tb[IOV_ATTR_PROG_ID]);
	err = 0;
out:
	iov_reply_free(&reply);
	return err;
}

static int module_show(int argc, char **argv)
{
	struct iov_reply reply = { 0 };
	struct obj_ref ref;
	int err;

	if (argc == 0)
		err = iov_dump(IOV_CMD_MODULE_GET, &reply);
	else
		err = parse_module_ref(argc, argv, &ref) ?: module_get(&ref, &reply);
	if (err) {
		iov_reply_free(&reply);
		return -1;
	}
	return iov_reply_show(&reply, module_show_one);
}

static const struct ivctl_cmd module_cmds[] = {
	{ "add",	module_add },
	{ "delete",	module_del },
	{ "replace",	module_replace },
	{ "pin",	module_pin },
	{ "show",	module_show },
	{ "list",	module_show },
	{ "ls",		module_show },
	{ NULL,		NULL },
};

const struct ivctl_object module_object = {
	.name	= "module",
	.cmds	= module_cmds,
	.dflt	= module_show,
	.usage	= module_usage,
};
