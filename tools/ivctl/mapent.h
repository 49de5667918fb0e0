/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map entries in topology files: each one a line of `ivctl map update`'s
 * words after the map's name, "key KEY value VALUE", read and written by the
 * map's BTF as `ivctl map` does (layout.h). `ivctl apply` writes them into
 * the maps it creates; `ivctl dump` lists the entries a module holds.
 */
#ifndef IVCTL_MAPENT_H
#define IVCTL_MAPENT_H

#include <stdbool.h>
#include <stddef.h>

#include <bpf/bpf.h>

#include "layout.h"

struct entry_map {
	int fd;				/* borrowed */
	struct bpf_map_info info;
	struct btf *btf;
	struct layout key, value;
	bool is_array;
	int ncpus;
	size_t stride;
};

/*
 * Entries `dump` writes: those of hash, array and LPM maps the program
 * declares. Per-CPU maps are left out (their values are counters, one per
 * CPU, that no single entry restores), and so is libbpf's global data.
 */
bool entry_map_dumped(const struct bpf_map_info *info);

/* 0, or -1 (printed) if ivctl cannot read or write such a map. */
int entry_map_open(int fd, struct entry_map *m);
void entry_map_close(struct entry_map *m);

/*
 * Parse entry ("key ... value ..."), and write it unless check_only. where
 * names it in messages ("topo.yaml:12"). As `map update` does, a per-CPU
 * map gets the value on CPU 0 and zeroes elsewhere. 0 or -1 (printed).
 */
int entry_map_put(struct entry_map *m, const char *entry, const char *where,
		  bool check_only);

/* Every entry, as text; arrays skip entries that are all zero. 0 or -1. */
int entry_map_list(struct entry_map *m, char ***entries, size_t *count);

#endif /* IVCTL_MAPENT_H */
