// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl apply FILE: make the running graph what a topology file says, in
 * one transaction; ivctl dump: write the running graph as such a file.
 *
 * The difference between the file and the graph becomes a plan:
 *   a module the graph lacks           module add
 *   one whose program differs          module replace (keeping its maps)
 *     (another tag, or another source)
 *   one whose port count differs       module del + module add
 *   a module the file lacks            module del
 *   links the same way, and the hop budget.
 * Each step is the request its command would send, and they all go in one
 * batch that expects the generation the graph was read at: if anything
 * changed the graph since, the kernel refuses the whole plan (ESTALE).
 *
 * Programs are loaded before the plan is made, to compare their tags with
 * what runs; a module the graph has loads against that module's maps, so
 * that a replacement keeps them. Map entries of the file are written into
 * the maps that are new, before the batch commits: a module starts its
 * life configured. Maps it keeps are left alone, and so are the maps of
 * modules that do not change: entries are a module's initial state, not a
 * setting apply enforces (`ivctl map` edits a running module).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bpfload.h"
#include "end.h"
#include "ivctl.h"
#include "mapent.h"
#include "nl.h"
#include "reuse.h"
#include "source.h"
#include "topo.h"
#include "txn.h"
#include "words.h"

enum mod_action { MOD_KEEP, MOD_ADD, MOD_REPLACE, MOD_RECREATE };

/* What becomes of one module of the file. */
struct mod_plan {
	struct topo_module *want;
	const struct topo_module *have;		/* NULL: not running */
	enum mod_action action;
	char path[PATH_MAX];
	struct iov_prog_spec spec;
	struct iov_prog prog;			/* loaded, unless no obj */
	struct map_reuse reuse;
	bool reusing;
	char source[IOV_SOURCE_LEN];
};

struct plan {
	const char *file;
	struct topo want, have;
	struct mod_plan *mods;			/* one per module of want */
	bool *have_gone;			/* per have module: deleted or made again */
	size_t steps;
};

static void apply_usage(FILE *f)
{
	fputs("Usage: ivctl [ --dry-run ] [ -v ] [ -g GEN ] apply FILE\n"
	      "       ivctl dump\n"
	      "where  FILE is a topology file in YAML (\"-\" reads stdin), as dump writes it\n",
	      f);
}

/* ---- loading and comparing programs ---- */

static int load(struct plan *p, struct mod_plan *mp)
{
	const struct topo_module *w = mp->want;

	if (w->obj[0] == '/')
		snprintf(mp->path, sizeof(mp->path), "%s", w->obj);
	else
		snprintf(mp->path, sizeof(mp->path), "%s/%s", p->want.dir, w->obj);
	mp->spec.path = mp->path;
	mp->spec.sec = w->sec;
	mp->spec.prog = w->prog;
	if (mp->have) {
		struct obj_ref ref = { .name = mp->have->name };

		if (map_reuse_open(&ref, &mp->reuse))
			return -1;
		mp->reusing = true;
		mp->spec.prepare = map_reuse_prepare;
		mp->spec.prepare_ctx = &mp->reuse;
	}
	if (iov_prog_load(&mp->spec, &mp->prog))
		return error("%s:%d: module %s: cannot load its program", p->file,
			     w->line, w->name);
	source_of(&mp->spec, &mp->prog, mp->source);
	return 0;
}

static int prog_tag(int fd, uint8_t tag[8])
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	int err = bpf_obj_get_info_by_fd(fd, &info, &len);

	if (err)
		return error("cannot read a loaded program: %s", strerror(-err));
	memcpy(tag, info.tag, 8);
	return 0;
}

static bool same_program(const struct mod_plan *mp)
{
	uint8_t tag[8];

	if (prog_tag(mp->prog.fd, tag))
		return false;
	return !memcmp(tag, mp->have->tag, sizeof(tag)) && mp->have->source &&
	       !strcmp(mp->have->source, mp->source);
}

static int plan_module(struct plan *p, struct mod_plan *mp)
{
	const struct topo_module *w = mp->want, *h = mp->have;

	if (!w->obj) {
		if (!h)
			return error("%s:%d: module %s is not running and has no obj to make it from",
				     p->file, w->line, w->name);
		if (h->ports != w->ports)
			return error("%s:%d: module %s has %u ports, not %u, and no obj to make it again from",
				     p->file, w->line, w->name, h->ports, w->ports);
		mp->action = MOD_KEEP;
		return 0;
	}
	if (load(p, mp))
		return -1;
	if (!h)
		mp->action = MOD_ADD;
	else if (h->ports != w->ports)
		mp->action = MOD_RECREATE;
	else if (!same_program(mp))
		mp->action = MOD_REPLACE;
	else
		mp->action = MOD_KEEP;
	return 0;
}

/* ---- map entries ---- */

/*
 * The map called name in obj. A map that took over an old one bears the
 * kernel's name for it, cut to BPF_OBJ_NAME_LEN - 1 bytes.
 */
static struct bpf_map *find_map(struct bpf_object *obj, const char *name)
{
	size_t cut = strnlen(name, BPF_OBJ_NAME_LEN - 1);
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *m = bpf_map__name(map);

		if (bpf_map__is_internal(map))
			continue;
		if (!strcmp(m, name) || (strlen(m) == cut && !strncmp(m, name, cut)))
			return map;
	}
	return NULL;
}

/* Check, or write, the file's entries into the maps mp's program made. */
static int module_entries(struct plan *p, struct mod_plan *mp, bool write)
{
	const struct topo_module *w = mp->want;
	char where[PATH_MAX + 32];
	struct entry_map em;
	struct bpf_map *map;
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < w->nmaps; i++) {
		const struct topo_map *tm = &w->maps[i];

		map = find_map(mp->prog.obj, tm->name);
		if (!map)
			return error("%s:%d: module %s has no map %s", p->file,
				     w->line, w->name, tm->name);
		if (mp->reusing && map_reuse_kept(&mp->reuse, map))
			continue;	/* its state goes on */
		if (entry_map_open(bpf_map__fd(map), &em))
			return -1;
		for (j = 0; !err && j < tm->count; j++) {
			snprintf(where, sizeof(where), "%s:%d", p->file, tm->lines[j]);
			err = entry_map_put(&em, tm->entries[j], where, !write);
		}
		entry_map_close(&em);
	}
	return err;
}

static int entries(struct plan *p, bool write)
{
	size_t i;

	for (i = 0; i < p->want.nmods; i++)
		if (p->mods[i].action != MOD_KEEP &&
		    module_entries(p, &p->mods[i], write))
			return -1;
	return 0;
}

/* ---- the plan's steps: printed, and taken into the batch ---- */

static void step_label(struct plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One step: its text labels the request that follows. */
static void step_label(struct plan *p, const char *fmt, ...)
{
	char text[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (opts.dry_run || opts.verbose)
		printf("%s\n", text);
	txn_label(text);
	p->steps++;
}

static int put_failed(struct nl_msg *msg)
{
	nlmsg_free(msg);
	return error("request too big");
}

static int module_request(uint8_t cmd, const struct mod_plan *mp)
{
	struct nl_msg *msg = iov_msg_new(cmd, 0);

	if (!msg)
		return -1;
	if (nla_put_string(msg, IOV_ATTR_MODULE_NAME, mp->want->name) < 0 ||
	    nla_put_s32(msg, IOV_ATTR_PROG_FD, mp->prog.fd) < 0 ||
	    (mp->source[0] && nla_put_string(msg, IOV_ATTR_SOURCE, mp->source) < 0) ||
	    (cmd == IOV_CMD_MODULE_NEW &&
	     nla_put_u32(msg, IOV_ATTR_NUM_PORTS, mp->want->ports) < 0) ||
	    (cmd == IOV_CMD_MODULE_SET &&
	     nla_put_u32(msg, IOV_ATTR_EXPECT_PROG_ID, mp->have->prog_id) < 0))
		return put_failed(msg);
	return iov_request(msg, NULL);
}

static int module_del(const char *name)
{
	struct nl_msg *msg = iov_msg_new(IOV_CMD_MODULE_DEL, 0);

	if (!msg)
		return -1;
	if (nla_put_string(msg, IOV_ATTR_MODULE_NAME, name) < 0)
		return put_failed(msg);
	return iov_request(msg, NULL);
}

static void no_usage(FILE *f)
{
	(void)f;
}

/* Put an END text ("sw:0", "dev veth0") as attr. */
static int put_end_text(struct nl_msg *msg, int attr, const char *text)
{
	struct iov_end end;
	struct words w;
	int i = 0, err;

	if (words_split(text, text, &w))
		return -1;
	err = end_parse(no_usage, w.argc, w.argv, &i, &end) ?:
	      end_put(msg, attr, &end);
	words_free(&w);
	return err;
}

static int link_request(uint8_t cmd, const struct topo_link *l)
{
	struct nl_msg *msg = iov_msg_new(cmd, 0);

	if (!msg)
		return -1;
	if (put_end_text(msg, IOV_ATTR_LINK_A, l->a) ||
	    (cmd == IOV_CMD_LINK_NEW && put_end_text(msg, IOV_ATTR_LINK_B, l->b))) {
		nlmsg_free(msg);
		return -1;
	}
	return iov_request(msg, NULL);
}

static int hops_request(uint32_t hops)
{
	struct nl_msg *msg = iov_msg_new(IOV_CMD_GRAPH_SET, 0);

	if (!msg)
		return -1;
	if (nla_put_u32(msg, IOV_ATTR_HOP_BUDGET, hops) < 0)
		return put_failed(msg);
	return iov_request(msg, NULL);
}

/* The module name of an END text, or NULL for a device. */
static bool end_module_is(const char *end, const char *name)
{
	size_t len = strlen(name);

	return strncmp(end, "dev ", 4) && !strncmp(end, name, len) && end[len] == ':';
}

static bool link_touches_gone(const struct plan *p, const struct topo_link *l)
{
	size_t i;

	for (i = 0; i < p->have.nmods; i++)
		if (p->have_gone[i] &&
		    (end_module_is(l->a, p->have.mods[i].name) ||
		     end_module_is(l->b, p->have.mods[i].name)))
			return true;
	return false;
}

static int unlink_steps(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->have.nlinks; i++) {
		const struct topo_link *l = &p->have.links[i];

		if (topo_has_link(&p->want, l) || link_touches_gone(p, l))
			continue;
		step_label(p, "link del %s", l->a);
		if (link_request(IOV_CMD_LINK_DEL, l))
			return -1;
	}
	return 0;
}

static int del_steps(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->have.nmods; i++) {
		if (!p->have_gone[i])
			continue;
		step_label(p, "module del %s", p->have.mods[i].name);
		if (module_del(p->have.mods[i].name))
			return -1;
	}
	return 0;
}

static void print_entries(const struct mod_plan *mp)
{
	const struct topo_module *w = mp->want;
	struct bpf_map *map;
	size_t i, j;

	if (!opts.dry_run && !opts.verbose)
		return;
	for (i = 0; i < w->nmaps; i++) {
		map = find_map(mp->prog.obj, w->maps[i].name);
		if (mp->reusing && map && map_reuse_kept(&mp->reuse, map)) {
			printf("# map %s of %s is kept: its entries in the file are not written\n",
			       w->maps[i].name, w->name);
			continue;
		}
		for (j = 0; j < w->maps[i].count; j++)
			printf("map update %s %s %s\n", w->name, w->maps[i].name,
			       w->maps[i].entries[j]);
	}
}

static void print_choice(char *buf, size_t len, const struct mod_plan *mp)
{
	if (mp->spec.prog)
		snprintf(buf, len, " prog %s", mp->spec.prog);
	else
		snprintf(buf, len, " sec %s", bpf_program__section_name(mp->prog.prog));
}

static int module_steps(struct plan *p)
{
	char choice[128];
	size_t i;

	for (i = 0; i < p->want.nmods; i++) {
		struct mod_plan *mp = &p->mods[i];
		const struct topo_module *w = mp->want;

		if (mp->action == MOD_KEEP)
			continue;
		print_choice(choice, sizeof(choice), mp);
		if (mp->action == MOD_REPLACE) {
			step_label(p, "module replace %s obj %s%s expect-prog %u",
				   w->name, mp->path, choice, mp->have->prog_id);
			if (module_request(IOV_CMD_MODULE_SET, mp))
				return -1;
		} else {
			step_label(p, "module add %s obj %s%s ports %u", w->name,
				   mp->path, choice, w->ports);
			if (module_request(IOV_CMD_MODULE_NEW, mp))
				return -1;
		}
		print_entries(mp);
	}
	return 0;
}

static int link_steps(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->want.nlinks; i++) {
		const struct topo_link *l = &p->want.links[i];

		if (topo_has_link(&p->have, l) && !link_touches_gone(p, l))
			continue;
		step_label(p, "link add %s %s", l->a, l->b);
		if (link_request(IOV_CMD_LINK_NEW, l))
			return -1;
	}
	if (p->want.hops && p->want.hops != p->have.hops) {
		step_label(p, "graph set hops %u", p->want.hops);
		if (hops_request(p->want.hops))
			return -1;
	}
	return 0;
}

/* Removals first, so that what they free is there for the additions. */
static int steps(struct plan *p)
{
	return unlink_steps(p) ?: del_steps(p) ?: module_steps(p) ?: link_steps(p);
}

/* ---- checks the kernel cannot make with the file's line numbers ---- */

static int check_link_end(const struct plan *p, const struct topo_link *l,
			  const char *end)
{
	size_t i;

	if (!strncmp(end, "dev ", 4))
		return 0;
	for (i = 0; i < p->want.nmods; i++)
		if (end_module_is(end, p->want.mods[i].name))
			return 0;
	return error("%s:%d: link %s %s: no module in the file is called like %s",
		     p->file, l->line, l->a, l->b, end);
}

static int check_links(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->want.nlinks; i++)
		if (check_link_end(p, &p->want.links[i], p->want.links[i].a) ||
		    check_link_end(p, &p->want.links[i], p->want.links[i].b))
			return -1;
	return 0;
}

/* ---- the whole ---- */

static int plan_make(struct plan *p)
{
	size_t i;

	p->mods = calloc(p->want.nmods + 1, sizeof(*p->mods));
	p->have_gone = calloc(p->have.nmods + 1, sizeof(*p->have_gone));
	if (!p->mods || !p->have_gone)
		return error("out of memory");
	if (check_links(p))
		return -1;
	for (i = 0; i < p->want.nmods; i++) {
		struct mod_plan *mp = &p->mods[i];

		mp->prog.fd = -1;
		mp->want = &p->want.mods[i];
		mp->have = topo_find(&p->have, mp->want->name);
		if (plan_module(p, mp))
			return -1;
		if (opts.verbose && mp->action == MOD_KEEP)
			printf("# module %s: unchanged\n", mp->want->name);
	}
	for (i = 0; i < p->have.nmods; i++) {
		struct topo_module *mine = topo_find(&p->want, p->have.mods[i].name);

		p->have_gone[i] = !mine ||
				  p->mods[mine - p->want.mods].action == MOD_RECREATE;
	}
	return entries(p, false);
}

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; p->mods && i < p->want.nmods; i++) {
		iov_prog_close(&p->mods[i].prog);
		if (p->mods[i].reusing)
			map_reuse_close(&p->mods[i].reuse);
	}
	free(p->mods);
	free(p->have_gone);
	topo_free(&p->want);
	topo_free(&p->have);
}

/* The batch expects the generation the plan was made against. */
static int expect_generation(const struct plan *p)
{
	if (opts.has_generation && opts.generation != p->have.generation)
		return error("the graph is at generation %llu, not %llu (Stale file handle); nothing was changed",
			     (unsigned long long)p->have.generation,
			     (unsigned long long)opts.generation);
	opts.has_generation = true;
	opts.generation = p->have.generation;
	return 0;
}

static int run_plan(struct plan *p)
{
	if (txn_begin())
		return -1;
	if (steps(p)) {
		txn_abort();
		return -1;
	}
	if (!p->steps) {
		txn_abort();
		if (opts.dry_run || opts.verbose)
			printf("# no change\n");
		return 0;
	}
	/* New maps get their entries now: the module starts configured. */
	if (!opts.dry_run && entries(p, true)) {
		txn_abort();
		return -1;
	}
	return txn_commit();
}

static int apply(int argc, char **argv)
{
	struct plan p = { 0 };
	int err;

	if (argc == 0)
		return usage_error(apply_usage, "a topology FILE is required");
	if (argc > 1)
		return usage_error(apply_usage, "unknown argument \"%s\"", argv[1]);
	p.file = strcmp(argv[0], "-") ? argv[0] : "<stdin>";
	err = topo_read(argv[0], &p.want) ?: topo_running(&p.have) ?:
	      expect_generation(&p) ?: plan_make(&p) ?: run_plan(&p);
	plan_free(&p);
	return err;
}

static int dump(int argc, char **argv)
{
	struct topo t;
	int err;

	if (argc)
		return usage_error(apply_usage, "unknown argument \"%s\"", argv[0]);
	if (topo_running(&t))
		return -1;
	err = topo_running_maps(&t);
	if (!err) {
		printf("# iovisor graph at generation %llu, written by ivctl dump\n",
		       (unsigned long long)t.generation);
		err = topo_write(&t);
	}
	topo_free(&t);
	return err;
}

const struct ivctl_object apply_object = {
	.name	= "apply",
	.dflt	= apply,
	.usage	= apply_usage,
};

const struct ivctl_object dump_object = {
	.name	= "dump",
	.dflt	= dump,
	.usage	= apply_usage,
};
