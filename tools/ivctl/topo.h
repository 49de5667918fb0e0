/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A topology: the modules of a graph with where their programs come from,
 * their ports and map entries, the links, and the hop budget. It is what a
 * topology file holds (`ivctl apply`), and what `ivctl dump` writes of the
 * running graph, in YAML:
 *
 *   hops: 32                    # the hop budget; left alone if absent
 *   modules:
 *     sw:                       # the module's name
 *       obj: switch.bpf.o       # relative to the file's directory
 *       sec: iov                # or prog: FUNCTION; else the default
 *       ports: 4                # 1 if absent
 *       maps:                   # entries written when the map is new
 *         config:
 *           - key 0 value age_sec 60
 *   links:
 *     - sw:0 dev veth0          # END END, as `ivctl link add` takes them
 *     - sw:1 r:0
 *
 * A module without obj stands for one whose program is managed elsewhere:
 * apply keeps whatever it runs.
 */
#ifndef IVCTL_TOPO_H
#define IVCTL_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct topo_map {
	char *name;
	char **entries;		/* "key ... value ..." */
	int *lines;		/* where each entry is in the file */
	size_t count;
};

struct topo_module {
	char *name;
	char *obj;		/* NULL: not managed here */
	char *sec, *prog;	/* at most one */
	uint32_t ports;
	struct topo_map *maps;
	size_t nmaps;
	int line;
	/* The running graph only. */
	uint32_t id, prog_id;
	uint8_t tag[8];
	char *source;
	bool owned;
};

/*
 * A link, its ends in the words of `link add`: "NAME:PORT" or "dev IFNAME",
 * a module end first, and of two module ends the smaller first, so that
 * one link has one spelling.
 */
struct topo_link {
	char *a, *b;
	int line;
};

struct topo {
	uint32_t hops;		/* 0: not given */
	struct topo_module *mods;
	size_t nmods;
	struct topo_link *links;
	size_t nlinks;
	uint64_t generation;	/* the running graph only */
	char *dir;		/* a file's directory, for relative objs */
};

/* Read a topology file ("-": stdin); 0 or -1 (printed, with the line). */
int topo_read(const char *path, struct topo *t);

/* Write t as a topology file on stdout; 0 or -1 (printed). */
int topo_write(const struct topo *t);

/* The running graph, all of it from one generation; 0 or -1 (printed). */
int topo_running(struct topo *t);

/* The running graph's map entries, as dump writes them; 0 or -1. */
int topo_running_maps(struct topo *t);

void topo_free(struct topo *t);

struct topo_module *topo_find(const struct topo *t, const char *name);

/* Set l's ends from two END texts, in their one spelling; 0 or -1. */
int topo_link_set(struct topo_link *l, const char *a, const char *b);

/* Is there a link like l in t? */
bool topo_has_link(const struct topo *t, const struct topo_link *l);

#endif /* IVCTL_TOPO_H */
