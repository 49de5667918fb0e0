// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl map: show and edit the maps of an IO module.
 *
 * A module's maps are found by name through its program, so users never
 * need map ids or pins. Keys and values are read and written by the map's
 * BTF (layout.h); the text `show` prints is what `update` takes. Every word
 * is checked before the map is touched: a command that fails changed
 * nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ivctl.h"
#include "json.h"
#include "layout.h"
#include "modmaps.h"

/* Nested lists and structs are written [ ... ] and { ... }. */
#define OPENERS "[{"
#define CLOSERS "]}"

struct typed_map {
	const struct mod_map *m;
	struct btf *btf;	/* NULL without BTF */
	struct layout key, value;
	bool is_array;		/* entries always exist, indexed by number */
	int ncpus;		/* copies of a value: 1, or one per CPU */
	size_t stride;		/* bytes from one copy to the next */
};

/* `map update|delete MODULE MAP key KEY [ value VALUE ]`, split up. */
struct entry_cmd {
	struct obj_ref module, map;
	char **key;
	int key_words;
	char **value;
	int value_words;
};

static void map_usage(FILE *f)
{
	fputs("Usage: ivctl map show MODULE [ MAP ]\n"
	      "       ivctl map update MODULE MAP key KEY value VALUE\n"
	      "       ivctl map delete MODULE MAP key KEY\n"
	      "       ivctl map help\n"
	      "where  MODULE := { NAME | name NAME | id ID }\n"
	      "       MAP := { NAME | name NAME | id ID }\n"
	      "       KEY, VALUE := { DATA | FIELD DATA ... | hex BYTE ... }\n"
	      "       DATA := { NUMBER | MAC | IPV4 | STRING | [ DATA ... ] |\n"
	      "                 { FIELD DATA ... } }\n",
	      f);
}

static bool is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The maps that hold plain keys and values; others hold fds, or nothing. */
static bool is_editable(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LPM_TRIE ||
	       is_percpu(type);
}

static const char *type_name(enum bpf_map_type type)
{
	const char *name = libbpf_bpf_map_type_str(type);

	return name ? name : "unknown";
}

static int typed_map_open(const struct mod_map *m, struct typed_map *tm)
{
	const struct bpf_map_info *info = &m->info;

	memset(tm, 0, sizeof(*tm));
	tm->m = m;
	if (!is_editable(info->type))
		return error("map %s is a %s map; ivctl reads hash, array and lpm_trie maps",
			     info->name, type_name(info->type));
	/* A map whose BTF is missing or will not load is still usable, in hex. */
	if (info->btf_id)
		tm->btf = btf__load_from_kernel_by_id(info->btf_id);
	tm->is_array = info->type == BPF_MAP_TYPE_ARRAY ||
		       info->type == BPF_MAP_TYPE_PERCPU_ARRAY;
	layout_init(&tm->key, tm->btf, info->btf_key_type_id, info->key_size,
		    tm->is_array);
	layout_init(&tm->value, tm->btf, info->btf_value_type_id,
		    info->value_size, false);
	tm->ncpus = 1;
	tm->stride = info->value_size;
	if (is_percpu(info->type)) {
		tm->ncpus = libbpf_num_possible_cpus();
		if (tm->ncpus < 1)
			return error("cannot count the possible CPUs");
		tm->stride = (info->value_size + 7) & ~7u;	/* the kernel's round_up(, 8) */
	}
	return 0;
}

static void typed_map_close(struct typed_map *tm)
{
	btf__free(tm->btf);
	tm->btf = NULL;
}

static bool value_is_zero(const struct typed_map *tm, const uint8_t *val)
{
	uint32_t i;
	int cpu;

	for (cpu = 0; cpu < tm->ncpus; cpu++)
		for (i = 0; i < tm->m->info.value_size; i++)
			if (val[cpu * tm->stride + i])
				return false;
	return true;
}

static void show_entry(const struct typed_map *tm, const uint8_t *key,
		       const uint8_t *val)
{
	struct stored k = { .data = key, .stride = 0, .ncpus = 1 };
	struct stored v = { .data = val, .stride = tm->stride, .ncpus = tm->ncpus };

	if (opts.json) {
		json_open_object(NULL);
		layout_print(&tm->key, "key", &k);
		layout_print(&tm->value, "value", &v);
		json_close_object();
		return;
	}
	text_word("key");
	layout_print(&tm->key, NULL, &k);
	text_word("value");
	layout_print(&tm->value, NULL, &v);
	text_end_line();
}

/*
 * Walk the keys. A hash walk restarts from the first key when the current
 * one is deleted under it (the switch ages entries out), so stop after as
 * many entries as the map can hold rather than go round for ever.
 */
static int show_entries(const struct typed_map *tm, uint8_t *key,
			uint8_t *next, uint8_t *val)
{
	const struct bpf_map_info *info = &tm->m->info;
	uint32_t n;
	int err;

	err = bpf_map_get_next_key(tm->m->fd, NULL, next);
	for (n = 0; !err && n < info->max_entries; n++) {
		err = bpf_map_lookup_elem(tm->m->fd, next, val);
		if (err && err != -ENOENT)
			return error("cannot read map %s: %s", info->name, strerror(-err));
		if (!err && !(tm->is_array && value_is_zero(tm, val)))
			show_entry(tm, next, val);
		memcpy(key, next, info->key_size);
		err = bpf_map_get_next_key(tm->m->fd, key, next);
	}
	if (err && err != -ENOENT)
		return error("cannot read map %s: %s", info->name, strerror(-err));
	return 0;
}

static int show_map(const struct mod_map *m)
{
	uint8_t *key = NULL, *next = NULL, *val = NULL;
	struct typed_map tm;
	int err = -1;

	if (typed_map_open(m, &tm))
		goto out;
	key = malloc(m->info.key_size);
	next = malloc(m->info.key_size);
	val = malloc(tm.stride * tm.ncpus);
	if (!key || !next || !val) {
		error("out of memory");
		goto out;
	}
	if (opts.json)
		json_open_array(NULL);
	err = show_entries(&tm, key, next, val);
	if (opts.json)
		json_close_array();
out:
	free(key);
	free(next);
	free(val);
	typed_map_close(&tm);
	return err;
}

static void list_map(const struct mod_map *m)
{
	const struct bpf_map_info *info = &m->info;
	char key[128], value[128];
	struct typed_map tm;

	/* Maps ivctl cannot edit are listed all the same, without types. */
	strcpy(key, "-");
	strcpy(value, "-");
	if (is_editable(info->type) && !typed_map_open(m, &tm)) {
		layout_name(&tm.key, key, sizeof(key));
		layout_name(&tm.value, value, sizeof(value));
		typed_map_close(&tm);
	}
	if (!opts.json) {
		printf("%s id %u type %s max_entries %u key %s value %s\n",
		       info->name, info->id, type_name(info->type),
		       info->max_entries, key, value);
		return;
	}
	json_open_object(NULL);
	json_string("name", info->name);
	json_u64("id", info->id);
	json_string("type", type_name(info->type));
	json_u64("max_entries", info->max_entries);
	json_u64("key_size", info->key_size);
	json_u64("value_size", info->value_size);
	json_string("key_type", key);
	json_string("value_type", value);
	json_close_object();
}

static void list_maps(const struct mod_maps *maps)
{
	uint32_t i;

	if (opts.json)
		json_open_array(NULL);
	for (i = 0; i < maps->count; i++)
		list_map(&maps->maps[i]);
	if (opts.json)
		json_close_array();
}

static int map_show(int argc, char **argv)
{
	struct obj_ref module, ref;
	struct mod_maps maps;
	struct mod_map *m;
	int i = 0, err;

	if (obj_ref_parse(map_usage, "module", argc, argv, &i, &module))
		return -1;
	if (++i < argc && obj_ref_parse(map_usage, "map", argc, argv, &i, &ref))
		return -1;
	if (i + 1 < argc)
		return usage_error(map_usage, "unknown argument \"%s\"", argv[i + 1]);
	if (mod_maps_open(&module, &maps))
		return -1;
	if (i == argc) {
		list_maps(&maps);
		err = 0;
	} else {
		m = mod_maps_find(&maps, &ref);
		err = m ? show_map(m) : -1;
	}
	mod_maps_close(&maps);
	return err;
}

/* The words up to stop, which only counts outside [ ] and { }. */
static int words_until(int argc, char **argv, const char *stop)
{
	int i, depth = 0;

	for (i = 0; i < argc; i++) {
		if (!depth && stop && !strcmp(argv[i], stop))
			break;
		if (argv[i][0] && !argv[i][1] && strchr(OPENERS, argv[i][0]))
			depth++;
		else if (argv[i][0] && !argv[i][1] && strchr(CLOSERS, argv[i][0]))
			depth--;
	}
	return i;
}

static int parse_entry_cmd(int argc, char **argv, bool with_value,
			   struct entry_cmd *c)
{
	int i = 0;

	memset(c, 0, sizeof(*c));
	if (obj_ref_parse(map_usage, "module", argc, argv, &i, &c->module) ||
	    (++i, obj_ref_parse(map_usage, "map", argc, argv, &i, &c->map)))
		return -1;
	if (++i == argc)
		return usage_error(map_usage, "\"key\" is required");
	if (strcmp(argv[i], "key"))
		return usage_error(map_usage, "\"key\" is required, not \"%s\"", argv[i]);
	i++;
	c->key = argv + i;
	c->key_words = words_until(argc - i, argv + i, with_value ? "value" : NULL);
	if (!c->key_words)
		return usage_error(map_usage, "\"key\" needs a value");
	if (!with_value)
		return 0;
	i += c->key_words;
	if (i == argc)
		return usage_error(map_usage, "\"value\" is required");
	c->value = argv + i + 1;
	c->value_words = argc - i - 1;
	if (!c->value_words)
		return usage_error(map_usage, "\"value\" needs a value");
	return 0;
}

/* Checks the kernel would make with a less helpful message. */
static int check_key(const struct typed_map *tm, const uint8_t *key)
{
	const struct bpf_map_info *info = &tm->m->info;
	uint32_t index, prefixlen;

	if (tm->is_array) {
		memcpy(&index, key, sizeof(index));
		if (index >= info->max_entries)
			return error("key: %u is out of range: map %s has %u entries (0 to %u)",
				     index, info->name, info->max_entries,
				     info->max_entries - 1);
	}
	if (info->type == BPF_MAP_TYPE_LPM_TRIE && info->key_size > 4) {
		memcpy(&prefixlen, key, sizeof(prefixlen));
		if (prefixlen > 8 * (info->key_size - 4))
			return error("key: prefix length %u is longer than the %u bits of the address",
				     prefixlen, 8 * (info->key_size - 4));
	}
	return 0;
}

static int change_failed(const struct typed_map *tm, const char *verb, int err)
{
	const struct bpf_map_info *info = &tm->m->info;

	if (err == -E2BIG)
		return error("cannot %s map %s: it is full (max_entries %u)", verb,
			     info->name, info->max_entries);
	if (err == -ENOENT)
		return error("cannot %s map %s: no entry has that key", verb,
			     info->name);
	if (err == -EPERM)
		return error("cannot %s map %s: it is read-only", verb, info->name);
	return error("cannot %s map %s: %s", verb, info->name, strerror(-err));
}

/*
 * Run fn on the map the command names with its key (and value, the same on
 * every CPU) parsed; nothing is written unless everything parsed.
 */
static int with_entry(const struct entry_cmd *c,
		      int (*fn)(const struct typed_map *tm, const uint8_t *key,
				const uint8_t *val))
{
	uint8_t *key = NULL, *val = NULL;
	struct typed_map tm = { 0 };
	struct mod_maps maps;
	struct mod_map *m;
	int err = -1;

	if (mod_maps_open(&c->module, &maps))
		return -1;
	m = mod_maps_find(&maps, &c->map);
	if (!m || typed_map_open(m, &tm))
		goto out;
	key = malloc(m->info.key_size);
	val = calloc(tm.ncpus, tm.stride);
	if (!key || !val) {
		error("out of memory");
		goto out;
	}
	if (layout_parse(&tm.key, "key", c->key_words, c->key, key) ||
	    check_key(&tm, key))
		goto out;
	if (c->value && layout_parse(&tm.value, "value", c->value_words, c->value, val))
		goto out;
	/* Per-CPU: the value goes to CPU 0 and the others hold zero, so that
	 * `map show` (which sums integers, and takes the rest from CPU 0)
	 * shows what was written. */
	err = fn(&tm, key, val);
out:
	free(key);
	free(val);
	typed_map_close(&tm);
	mod_maps_close(&maps);
	return err;
}

static int update_entry(const struct typed_map *tm, const uint8_t *key,
			const uint8_t *val)
{
	int err = bpf_map_update_elem(tm->m->fd, key, val, BPF_ANY);

	return err ? change_failed(tm, "update", err) : 0;
}

/* An array's entries cannot go: deleting one sets it to zero, as it began. */
static int delete_entry(const struct typed_map *tm, const uint8_t *key,
			const uint8_t *zero)
{
	int err;

	if (tm->is_array)
		err = bpf_map_update_elem(tm->m->fd, key, zero, BPF_EXIST);
	else
		err = bpf_map_delete_elem(tm->m->fd, key);
	return err ? change_failed(tm, "delete from", err) : 0;
}

static int map_update(int argc, char **argv)
{
	struct entry_cmd c;

	if (parse_entry_cmd(argc, argv, true, &c))
		return -1;
	return with_entry(&c, update_entry);
}

static int map_delete(int argc, char **argv)
{
	struct entry_cmd c;

	if (parse_entry_cmd(argc, argv, false, &c))
		return -1;
	return with_entry(&c, delete_entry);
}

static const struct ivctl_cmd map_cmds[] = {
	{ "show",	map_show },
	{ "update",	map_update },
	{ "delete",	map_delete },
	{ "list",	map_show },
	{ "ls",		map_show },
	{ NULL,		NULL },
};

const struct ivctl_object map_object = {
	.name	= "map",
	.cmds	= map_cmds,
	.dflt	= map_show,
	.usage	= map_usage,
};
