// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl module replace: load a new program and swap it into a module in one
 * step (IOV_CMD_MODULE_SET). Ports, links and counters stay, and by default
 * the state too: the new program is loaded against the maps of the one it
 * replaces (reuse.h), and the swap expects that program, so that it never
 * lands on a module whose state has moved to another program meanwhile.
 *
 * ivctl module pin: keep a module that belongs to a netlink socket (one a
 * controller made with IOV_ATTR_OWNED) when that socket closes. ivctl itself
 * never makes owned modules: it exits at once, and they would go with it.
 */
#include <string.h>

#include "bpfload.h"
#include "ivctl.h"
#include "nl.h"
#include "reuse.h"
#include "source.h"
#include "swap.h"

struct replace_args {
	struct obj_ref module;
	struct iov_prog_spec prog;
	uint32_t expect;	/* 0: none given */
	bool fresh_maps;
};

void swap_usage(FILE *f)
{
	fputs("       ivctl module replace MODULE obj FILE [ sec SECTION | prog PROGNAME ]\n"
	      "                            [ expect-prog ID ] [ keep-maps | fresh-maps ]\n"
	      "       ivctl module pin MODULE\n",
	      f);
}

static void usage(FILE *f)
{
	fputs("Usage:\n", f);
	swap_usage(f);
	fputs("where  MODULE := { NAME | name NAME | id ID }\n", f);
}

static int parse_replace_keyword(int argc, char **argv, int *i,
				 struct replace_args *a)
{
	const char *key = argv[*i];

	if (!strcmp(key, "keep-maps") || !strcmp(key, "fresh-maps")) {
		a->fresh_maps = key[0] == 'f';
		return 0;
	}
	NEXT_ARG(usage, *i, argc, argv);
	if (!strcmp(key, "obj") || !strcmp(key, "object"))
		a->prog.path = argv[*i];
	else if (!strcmp(key, "sec") || !strcmp(key, "section"))
		a->prog.sec = argv[*i];
	else if (!strcmp(key, "prog"))
		a->prog.prog = argv[*i];
	else if (!strcmp(key, "expect-prog")) {
		if (parse_u32(argv[*i], &a->expect) || !a->expect)
			return usage_error(usage, "invalid program id \"%s\"", argv[*i]);
	} else
		return usage_error(usage, "unknown argument \"%s\"", key);
	return 0;
}

static int parse_replace(int argc, char **argv, struct replace_args *a)
{
	int i = 0;

	memset(a, 0, sizeof(*a));
	if (obj_ref_parse(usage, "module", argc, argv, &i, &a->module))
		return -1;
	for (i++; i < argc; i++)
		if (parse_replace_keyword(argc, argv, &i, a))
			return -1;
	if (!a->prog.path)
		return usage_error(usage, "\"obj FILE\" is required");
	if (a->prog.sec && a->prog.prog)
		return usage_error(usage, "\"sec\" and \"prog\" exclude each other");
	return 0;
}

static int put_module_ref(struct nl_msg *msg, const struct obj_ref *ref)
{
	if (ref->by_id)
		return nla_put_u32(msg, IOV_ATTR_MODULE_ID, ref->id);
	return nla_put_string(msg, IOV_ATTR_MODULE_NAME, ref->name);
}

static int send_replace(const struct replace_args *a, int prog_fd,
			uint32_t expect, const char *source)
{
	struct nl_msg *msg = iov_msg_new(IOV_CMD_MODULE_SET, 0);

	if (!msg)
		return -1;
	if (put_module_ref(msg, &a->module) < 0 ||
	    nla_put_s32(msg, IOV_ATTR_PROG_FD, prog_fd) < 0 ||
	    (expect && nla_put_u32(msg, IOV_ATTR_EXPECT_PROG_ID, expect) < 0) ||
	    (source[0] && nla_put_string(msg, IOV_ATTR_SOURCE, source) < 0)) {
		nlmsg_free(msg);
		return error("request too big");
	}
	return iov_request(msg, NULL);
}

/* With -v: which maps the new program took over. */
static void tell_kept(const struct replace_args *a, const struct map_reuse *r)
{
	char name[64];
	uint32_t i;

	if (!opts.verbose)
		return;
	obj_ref_format(&a->module, name, sizeof(name));
	fprintf(stderr, "%s: program %u's maps kept:", name, r->prog_id);
	for (i = 0; i < r->nkept; i++)
		fprintf(stderr, " %s", r->kept[i]);
	fprintf(stderr, "%s\n", r->nkept ? "" : " none");
}

int module_replace(int argc, char **argv)
{
	struct replace_args a;
	struct map_reuse reuse = { 0 };
	char source[IOV_SOURCE_LEN];
	struct iov_prog prog;
	uint32_t expect;
	int err = -1;

	if (parse_replace(argc, argv, &a))
		return -1;
	expect = a.expect;
	if (!a.fresh_maps) {
		if (map_reuse_open(&a.module, &reuse))
			goto out;
		/* The state comes from that program: swap only while it runs. */
		if (!expect)
			expect = reuse.prog_id;
		a.prog.prepare = map_reuse_prepare;
		a.prog.prepare_ctx = &reuse;
	}
	if (iov_prog_load(&a.prog, &prog))
		goto out;
	if (!a.fresh_maps)
		tell_kept(&a, &reuse);
	source_of(&a.prog, &prog, source);
	err = send_replace(&a, prog.fd, expect, source);
	iov_prog_close(&prog);
out:
	map_reuse_close(&reuse);
	return err;
}

int module_pin(int argc, char **argv)
{
	struct nl_msg *msg;
	struct obj_ref ref;
	int i = 0;

	if (obj_ref_parse(usage, "module", argc, argv, &i, &ref))
		return -1;
	if (++i < argc)
		return usage_error(usage, "unknown argument \"%s\"", argv[i]);
	msg = iov_msg_new(IOV_CMD_MODULE_SET, 0);
	if (!msg)
		return -1;
	if (put_module_ref(msg, &ref) < 0 || nla_put_flag(msg, IOV_ATTR_PIN) < 0) {
		nlmsg_free(msg);
		return error("request too big");
	}
	return iov_request(msg, NULL);
}
