// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a module's maps. Opening a program or a map by id takes
 * CAP_SYS_ADMIN (or CAP_BPF), so reading maps does too, unlike the rest of
 * `show`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modmaps.h"
#include "module.h"

static int open_failed(const char *what, uint32_t id, int err)
{
	if (err == -EPERM || err == -EACCES)
		return error("cannot open %s %u: %s (it takes CAP_SYS_ADMIN or CAP_BPF)",
			     what, id, strerror(-err));
	return error("cannot open %s %u: %s", what, id, strerror(-err));
}

/* The ids of the maps the program uses, in *ids (malloc'd). */
static int prog_map_ids(int prog_fd, uint32_t prog_id, uint32_t **ids,
			uint32_t *count)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info), n;
	int err;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	n = info.nr_map_ids;
	*ids = calloc(n ? n : 1, sizeof(**ids));
	if (!err && !*ids)
		return error("out of memory");
	if (!err && n) {
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		info.nr_map_ids = n;
		info.map_ids = (uintptr_t)*ids;
		err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	}
	if (err)
		return error("cannot read program %u: %s", prog_id, strerror(-err));
	/* A program's maps are fixed when it loads: n is still right. */
	*count = n;
	return 0;
}

static int open_map(uint32_t id, struct mod_map *m)
{
	uint32_t len = sizeof(m->info);
	int err;

	memset(&m->info, 0, sizeof(m->info));
	m->fd = bpf_map_get_fd_by_id(id);
	if (m->fd < 0)
		return open_failed("map", id, m->fd);
	err = bpf_obj_get_info_by_fd(m->fd, &m->info, &len);
	if (err)
		return error("cannot read map %u: %s", id, strerror(-err));
	return 0;
}

static int open_maps(int prog_fd, uint32_t prog_id, struct mod_maps *maps)
{
	uint32_t *ids, i;
	int err = -1;

	if (prog_map_ids(prog_fd, prog_id, &ids, &maps->count))
		goto out;
	maps->maps = calloc(maps->count ? maps->count : 1, sizeof(*maps->maps));
	if (!maps->maps) {
		error("out of memory");
		goto out;
	}
	for (i = 0; i < maps->count; i++)
		maps->maps[i].fd = -1;
	for (i = 0; i < maps->count; i++)
		if (open_map(ids[i], &maps->maps[i]))
			goto out;
	err = 0;
out:
	free(ids);
	return err;
}

int mod_maps_open(const struct obj_ref *module, struct mod_maps *maps)
{
	uint32_t prog_id;
	int prog_fd, err;

	memset(maps, 0, sizeof(*maps));
	obj_ref_format(module, maps->module, sizeof(maps->module));
	if (module_prog_id(module, &prog_id))
		return -1;
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return open_failed("program", prog_id, prog_fd);
	err = open_maps(prog_fd, prog_id, maps);
	close(prog_fd);
	if (err)
		mod_maps_close(maps);
	return err;
}

void mod_maps_close(struct mod_maps *maps)
{
	uint32_t i;

	for (i = 0; i < maps->count && maps->maps; i++)
		if (maps->maps[i].fd >= 0)
			close(maps->maps[i].fd);
	free(maps->maps);
	maps->maps = NULL;
	maps->count = 0;
}

static bool name_matches(const struct mod_map *m, const char *name)
{
	/* The kernel keeps BPF_OBJ_NAME_LEN - 1 bytes of a map's name. */
	size_t len = strnlen(name, BPF_OBJ_NAME_LEN - 1);

	return strlen(m->info.name) == len && !strncmp(m->info.name, name, len);
}

static void list_names(const struct mod_maps *maps, char *buf, size_t len)
{
	size_t used = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < maps->count && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? " " : "",
				 maps->maps[i].info.name);
}

struct mod_map *mod_maps_find(const struct mod_maps *maps,
			      const struct obj_ref *ref)
{
	struct mod_map *found = NULL, *m;
	char names[512];
	uint32_t i;

	for (i = 0; i < maps->count; i++) {
		m = &maps->maps[i];
		if (ref->by_id ? m->info.id != ref->id : !name_matches(m, ref->name))
			continue;
		if (found) {
			error("module %s has two maps called \"%s\" (ids %u and %u): name one by id",
			      maps->module, ref->name, found->info.id, m->info.id);
			return NULL;
		}
		found = m;
	}
	if (found)
		return found;
	list_names(maps, names, sizeof(names));
	if (ref->by_id)
		error("module %s has no map with id %u (its maps: %s)", maps->module,
		      ref->id, maps->count ? names : "none");
	else
		error("module %s has no map \"%s\" (its maps: %s)", maps->module,
		      ref->name, maps->count ? names : "none");
	return NULL;
}
