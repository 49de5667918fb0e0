// SPDX-License-Identifier: GPL-2.0
/*
 * The running graph as a topology, and what topologies have in common.
 *
 * Modules, links and the graph come in three requests; the generation read
 * before and after them must match, or the graph moved in between and they
 * are read again. The generation is what `apply` then expects.
 */
#include <stdlib.h>
#include <string.h>

#include "end.h"
#include "ivctl.h"
#include "mapent.h"
#include "modmaps.h"
#include "nl.h"
#include "source.h"
#include "topo.h"

#define RUNNING_TRIES 5

struct topo_module *topo_find(const struct topo *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nmods; i++)
		if (!strcmp(t->mods[i].name, name))
			return &t->mods[i];
	return NULL;
}

/* Module ends first; of two, the smaller; "dev X" sorts after "NAME:P". */
int topo_link_set(struct topo_link *l, const char *a, const char *b)
{
	bool a_dev = !strncmp(a, "dev ", 4), b_dev = !strncmp(b, "dev ", 4);

	if (a_dev > b_dev || (a_dev == b_dev && strcmp(a, b) > 0)) {
		const char *tmp = a;

		a = b;
		b = tmp;
	}
	l->a = strdup(a);
	l->b = strdup(b);
	return l->a && l->b ? 0 : error("out of memory");
}

bool topo_has_link(const struct topo *t, const struct topo_link *l)
{
	size_t i;

	for (i = 0; i < t->nlinks; i++)
		if (!strcmp(t->links[i].a, l->a) && !strcmp(t->links[i].b, l->b))
			return true;
	return false;
}

static void module_free(struct topo_module *mod)
{
	size_t i, j;

	for (i = 0; i < mod->nmaps; i++) {
		for (j = 0; j < mod->maps[i].count; j++)
			free(mod->maps[i].entries[j]);
		free(mod->maps[i].entries);
		free(mod->maps[i].lines);
		free(mod->maps[i].name);
	}
	free(mod->maps);
	free(mod->name);
	free(mod->obj);
	free(mod->sec);
	free(mod->prog);
	free(mod->source);
}

void topo_free(struct topo *t)
{
	size_t i;

	for (i = 0; i < t->nmods; i++)
		module_free(&t->mods[i]);
	for (i = 0; i < t->nlinks; i++) {
		free(t->links[i].a);
		free(t->links[i].b);
	}
	free(t->mods);
	free(t->links);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}

static int graph_get(uint64_t *generation, uint32_t *hops)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1];
	struct iov_reply reply = { 0 };
	struct nl_msg *msg = iov_msg_new(IOV_CMD_GRAPH_GET, 0);
	int err = -1;

	if (!msg || iov_request(msg, &reply))
		goto out;
	if (reply.count != 1 || iov_parse(reply.msgs[0], tb))
		goto out;
	if (!tb[IOV_ATTR_GENERATION] || !tb[IOV_ATTR_HOP_BUDGET]) {
		error("malformed graph from the kernel");
		goto out;
	}
	*generation = nla_get_u64(tb[IOV_ATTR_GENERATION]);
	*hops = nla_get_u32(tb[IOV_ATTR_HOP_BUDGET]);
	err = 0;
out:
	iov_reply_free(&reply);
	return err;
}

/* obj, sec and prog from the module's source, when ivctl wrote it. */
static int module_from_source(struct topo_module *mod)
{
	struct source_parts parts;

	if (!mod->source || source_parse(mod->source, &parts))
		return 0;
	mod->obj = parts.obj;
	mod->sec = parts.sec;
	mod->prog = parts.prog;
	return 0;
}

static int module_read(struct nlmsghdr *nlh, struct topo_module *mod)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1];

	if (iov_parse(nlh, tb))
		return -1;
	if (!tb[IOV_ATTR_MODULE_NAME] || !tb[IOV_ATTR_MODULE_ID] ||
	    !tb[IOV_ATTR_PROG_ID] || !tb[IOV_ATTR_NUM_PORTS])
		return error("malformed module from the kernel");
	mod->name = strdup(nla_get_string(tb[IOV_ATTR_MODULE_NAME]));
	mod->id = nla_get_u32(tb[IOV_ATTR_MODULE_ID]);
	mod->prog_id = nla_get_u32(tb[IOV_ATTR_PROG_ID]);
	mod->ports = nla_get_u32(tb[IOV_ATTR_NUM_PORTS]);
	if (tb[IOV_ATTR_PROG_TAG])
		memcpy(mod->tag, nla_data(tb[IOV_ATTR_PROG_TAG]), sizeof(mod->tag));
	/* The source attribute is newer than ivctl's attribute policy. */
	if (tb[IOV_ATTR_SOURCE])
		mod->source = strndup(nla_data(tb[IOV_ATTR_SOURCE]),
				      nla_len(tb[IOV_ATTR_SOURCE]));
	mod->owned = tb[IOV_ATTR_OWNED];
	if (!mod->name || (tb[IOV_ATTR_SOURCE] && !mod->source))
		return error("out of memory");
	return module_from_source(mod);
}

static int modules_read(struct topo *t)
{
	struct iov_reply reply = { 0 };
	size_t i;
	int err = -1;

	if (iov_dump(IOV_CMD_MODULE_GET, &reply))
		return -1;
	t->mods = calloc(reply.count ? reply.count : 1, sizeof(*t->mods));
	if (!t->mods) {
		error("out of memory");
		goto out;
	}
	for (i = 0; i < reply.count; i++, t->nmods++)
		if (module_read(reply.msgs[i], &t->mods[i]))
			goto out;
	err = 0;
out:
	iov_reply_free(&reply);
	return err;
}

static int link_read(struct nlmsghdr *nlh, struct topo_link *l)
{
	struct nlattr *tb[IOV_ATTR_MAX + 1];
	char a[END_TEXT_LEN], b[END_TEXT_LEN];
	struct iov_end ea, eb;

	if (iov_parse(nlh, tb))
		return -1;
	if (!tb[IOV_ATTR_LINK_A] || !tb[IOV_ATTR_LINK_B])
		return error("malformed link from the kernel: an end is missing");
	if (end_read(tb[IOV_ATTR_LINK_A], &ea) || end_read(tb[IOV_ATTR_LINK_B], &eb))
		return -1;
	end_format(&ea, a, sizeof(a));
	end_format(&eb, b, sizeof(b));
	return topo_link_set(l, a, b);
}

static int links_read(struct topo *t)
{
	struct iov_reply reply = { 0 };
	size_t i;
	int err = -1;

	if (iov_dump(IOV_CMD_LINK_GET, &reply))
		return -1;
	t->links = calloc(reply.count ? reply.count : 1, sizeof(*t->links));
	if (!t->links) {
		error("out of memory");
		goto out;
	}
	for (i = 0; i < reply.count; i++, t->nlinks++)
		if (link_read(reply.msgs[i], &t->links[i]))
			goto out;
	err = 0;
out:
	iov_reply_free(&reply);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct topo_module *)a)->name,
		      ((const struct topo_module *)b)->name);
}

static int by_ends(const void *a, const void *b)
{
	const struct topo_link *la = a, *lb = b;

	return strcmp(la->a, lb->a) ?: strcmp(la->b, lb->b);
}

int topo_running(struct topo *t)
{
	uint64_t after;
	uint32_t hops;
	int try;

	for (try = 0; try < RUNNING_TRIES; try++) {
		memset(t, 0, sizeof(*t));
		if (graph_get(&t->generation, &t->hops) || modules_read(t) ||
		    links_read(t) || graph_get(&after, &hops))
			goto fail;
		if (after == t->generation) {
			/* Sorted: two dumps of one graph are the same text. */
			qsort(t->mods, t->nmods, sizeof(*t->mods), by_name);
			qsort(t->links, t->nlinks, sizeof(*t->links), by_ends);
			return 0;
		}
		topo_free(t);
	}
	return error("the graph kept changing while it was read, gave up after %d tries",
		     RUNNING_TRIES);
fail:
	topo_free(t);
	return -1;
}

static int module_maps(struct topo_module *mod)
{
	struct obj_ref ref = { .name = mod->name };
	struct entry_map em = { 0 };
	struct mod_maps maps;
	struct topo_map *tm;
	uint32_t i;
	int err = 0;

	if (mod_maps_open(&ref, &maps))
		return -1;
	mod->maps = calloc(maps.count ? maps.count : 1, sizeof(*mod->maps));
	if (!mod->maps)
		err = error("out of memory");
	for (i = 0; !err && i < maps.count; i++) {
		if (!entry_map_dumped(&maps.maps[i].info))
			continue;
		tm = &mod->maps[mod->nmaps++];
		tm->name = strdup(maps.maps[i].info.name);
		err = tm->name ? 0 : error("out of memory");
		err = err ?: entry_map_open(maps.maps[i].fd, &em);
		if (!err)
			err = entry_map_list(&em, &tm->entries, &tm->count);
		entry_map_close(&em);
	}
	mod_maps_close(&maps);
	return err;
}

int topo_running_maps(struct topo *t)
{
	size_t i;

	/* A module without obj cannot carry entries in a file (topo.h). */
	for (i = 0; i < t->nmods; i++)
		if (t->mods[i].obj && module_maps(&t->mods[i]))
			return -1;
	return 0;
}
