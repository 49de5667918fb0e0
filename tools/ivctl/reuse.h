/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keeping a module's state across a program replacement: the replacement
 * takes over the running program's maps, matched by name, so what the old
 * program learned (a switch's MAC table) is what the new one starts with.
 *
 * Only maps the program declares are taken over; libbpf's own maps for
 * global data (.rodata, .data, .bss) belong to the build. A map whose
 * definition changed (type, key or value size, max_entries, flags) cannot
 * hold the old entries: the new program gets a fresh one, with a warning.
 */
#ifndef IVCTL_REUSE_H
#define IVCTL_REUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "modmaps.h"

struct bpf_map;
struct bpf_object;

struct map_reuse {
	uint32_t prog_id;	/* the program the maps were taken from */
	struct mod_maps old;
	char **kept;		/* names of the new object's maps that reuse one */
	uint32_t nkept;
	bool quiet;		/* no warning for a map that cannot be kept */
};

/*
 * The maps of the program module runs now, and its id, to be used as the
 * expected program of the swap: if the module changes its program in
 * between, the kernel refuses the swap rather than let the new program
 * run on a stale copy of the state. 0 or -1 (printed).
 */
int map_reuse_open(const struct obj_ref *module, struct map_reuse *r);

/* An iov_prog_spec.prepare: reuse the old maps in obj; ctx is the map_reuse. */
int map_reuse_prepare(struct bpf_object *obj, void *ctx);

/* Did map take over an old one? */
bool map_reuse_kept(const struct map_reuse *r, const struct bpf_map *map);

void map_reuse_close(struct map_reuse *r);

#endif /* IVCTL_REUSE_H */
