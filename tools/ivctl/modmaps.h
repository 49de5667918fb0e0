/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps of an IO module: the maps its BPF program uses, found through
 * the program id the kernel module reports and opened by id.
 */
#ifndef IVCTL_MODMAPS_H
#define IVCTL_MODMAPS_H

#include <stdint.h>

#include <bpf/bpf.h>

#include "ivctl.h"

struct mod_map {
	int fd;
	struct bpf_map_info info;
};

struct mod_maps {
	char module[64];	/* as the user named it, for messages */
	struct mod_map *maps;
	uint32_t count;
};

/* Open every map of the module; 0 or -1 (printed). */
int mod_maps_open(const struct obj_ref *module, struct mod_maps *maps);
void mod_maps_close(struct mod_maps *maps);

/*
 * The map called ref->name (as the kernel keeps it: cut to 15 bytes) or
 * with id ref->id; NULL (printed) if there is none or more than one.
 */
struct mod_map *mod_maps_find(const struct mod_maps *maps,
			      const struct obj_ref *ref);

#endif /* IVCTL_MODMAPS_H */
