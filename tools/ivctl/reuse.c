// SPDX-License-Identifier: GPL-2.0
/*
 * Map reuse. The old maps are opened by id through the program the kernel
 * module reports (modmaps.c); libbpf then loads the new program against
 * them (bpf_map__reuse_fd) instead of creating its own.
 *
 * The program id is read before the maps: if the module's program changes
 * in between, the maps may come from a newer program than the id names, and
 * the swap, which expects that id, is refused. Only a module that went back
 * to a program it ran before could fool this, and then the maps are those
 * of the program it just ran.
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ivctl.h"
#include "module.h"
#include "reuse.h"

int map_reuse_open(const struct obj_ref *module, struct map_reuse *r)
{
	memset(r, 0, sizeof(*r));
	if (module_prog_id(module, &r->prog_id))
		return -1;
	return mod_maps_open(module, &r->old);
}

/* The old map called like map (cut as the kernel cuts names), if one only. */
static struct mod_map *old_map(struct map_reuse *r, const struct bpf_map *map,
			       bool *ambiguous)
{
	const char *name = bpf_map__name(map);
	size_t len = strnlen(name, BPF_OBJ_NAME_LEN - 1);
	struct mod_map *found = NULL;
	uint32_t i;

	*ambiguous = false;
	for (i = 0; i < r->old.count; i++) {
		struct mod_map *m = &r->old.maps[i];

		if (strlen(m->info.name) != len || strncmp(m->info.name, name, len))
			continue;
		if (found)
			*ambiguous = true;
		found = m;
	}
	return *ambiguous ? NULL : found;
}

static bool same_definition(const struct bpf_map *map,
			    const struct bpf_map_info *old)
{
	return bpf_map__type(map) == old->type &&
	       bpf_map__key_size(map) == old->key_size &&
	       bpf_map__value_size(map) == old->value_size &&
	       bpf_map__max_entries(map) == old->max_entries &&
	       bpf_map__map_flags(map) == old->map_flags;
}

static int keep(struct map_reuse *r, struct bpf_map *map, struct mod_map *old)
{
	char **kept;
	int err;

	err = bpf_map__reuse_fd(map, old->fd);
	if (err)
		return error("cannot reuse map %s (id %u): %s", old->info.name,
			     old->info.id, strerror(-err));
	kept = realloc(r->kept, (r->nkept + 1) * sizeof(*kept));
	if (!kept)
		return error("out of memory");
	r->kept = kept;
	r->kept[r->nkept] = strdup(bpf_map__name(map));
	if (!r->kept[r->nkept])
		return error("out of memory");
	r->nkept++;
	return 0;
}

int map_reuse_prepare(struct bpf_object *obj, void *ctx)
{
	struct map_reuse *r = ctx;
	struct mod_map *old;
	struct bpf_map *map;
	bool ambiguous;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__is_internal(map))
			continue;
		old = old_map(r, map, &ambiguous);
		if (ambiguous && !r->quiet)
			fprintf(stderr, "Warning: module %s has two maps called \"%s\": the new program gets a fresh one\n",
				r->old.module, bpf_map__name(map));
		if (!old)
			continue;
		if (!same_definition(map, &old->info)) {
			if (!r->quiet)
				fprintf(stderr, "Warning: map %s of module %s changed its definition: the new program gets a fresh one\n",
					bpf_map__name(map), r->old.module);
			continue;
		}
		if (keep(r, map, old))
			return -1;
	}
	return 0;
}

bool map_reuse_kept(const struct map_reuse *r, const struct bpf_map *map)
{
	uint32_t i;

	for (i = 0; i < r->nkept; i++)
		if (!strcmp(r->kept[i], bpf_map__name(map)))
			return true;
	return false;
}

void map_reuse_close(struct map_reuse *r)
{
	uint32_t i;

	mod_maps_close(&r->old);
	for (i = 0; i < r->nkept; i++)
		free(r->kept[i]);
	free(r->kept);
	r->kept = NULL;
	r->nkept = 0;
}
