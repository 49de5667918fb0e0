// SPDX-License-Identifier: GPL-2.0
/*
 * Map entries as text. Printing goes through layout_print(), which writes
 * its words to stdout: an entry is caught by pointing stdout at a memory
 * stream for the time it takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ivctl.h"
#include "mapent.h"
#include "words.h"

static bool is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_plain(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LPM_TRIE;
}

bool entry_map_dumped(const struct bpf_map_info *info)
{
	/* libbpf names its global data maps "<obj>.rodata" and the like. */
	return is_plain(info->type) && !strchr(info->name, '.');
}

int entry_map_open(int fd, struct entry_map *m)
{
	uint32_t len = sizeof(m->info);
	int err;

	memset(m, 0, sizeof(*m));
	m->fd = fd;
	err = bpf_obj_get_info_by_fd(fd, &m->info, &len);
	if (err)
		return error("cannot read a map: %s", strerror(-err));
	if (!is_plain(m->info.type) && !is_percpu(m->info.type))
		return error("map %s: ivctl writes entries of hash, array and lpm_trie maps only",
			     m->info.name);
	if (m->info.btf_id)
		m->btf = btf__load_from_kernel_by_id(m->info.btf_id);
	m->is_array = m->info.type == BPF_MAP_TYPE_ARRAY ||
		      m->info.type == BPF_MAP_TYPE_PERCPU_ARRAY;
	layout_init(&m->key, m->btf, m->info.btf_key_type_id, m->info.key_size,
		    m->is_array);
	layout_init(&m->value, m->btf, m->info.btf_value_type_id,
		    m->info.value_size, false);
	m->ncpus = 1;
	m->stride = m->info.value_size;
	if (is_percpu(m->info.type)) {
		m->ncpus = libbpf_num_possible_cpus();
		if (m->ncpus < 1)
			return error("cannot count the possible CPUs");
		m->stride = (m->info.value_size + 7) & ~7u;
	}
	return 0;
}

void entry_map_close(struct entry_map *m)
{
	btf__free(m->btf);
	m->btf = NULL;
}

/* "key K... value V...": the index of "value", outside [ ] and { }. */
static int value_word(const struct words *w)
{
	int i, depth = 0;

	for (i = 1; i < w->argc; i++) {
		const char *s = w->argv[i];

		if (!depth && !strcmp(s, "value"))
			return i;
		if (s[0] && !s[1] && strchr("[{", s[0]))
			depth++;
		else if (s[0] && !s[1] && strchr("]}", s[0]))
			depth--;
	}
	return -1;
}

static int parse_entry(struct entry_map *m, const struct words *w,
		       const char *where, uint8_t *key, uint8_t *val)
{
	int v = value_word(w);
	uint32_t index;

	if (w->argc < 1 || strcmp(w->argv[0], "key") || v < 2 || v + 1 >= w->argc)
		return error("%s: an entry is \"key KEY value VALUE\"", where);
	if (layout_parse(&m->key, "key", v - 1, w->argv + 1, key) ||
	    layout_parse(&m->value, "value", w->argc - v - 1, w->argv + v + 1, val))
		return error("%s: in the entry above, for map %s", where, m->info.name);
	if (m->is_array) {
		memcpy(&index, key, sizeof(index));
		if (index >= m->info.max_entries)
			return error("%s: key %u is out of range: map %s has %u entries",
				     where, index, m->info.name, m->info.max_entries);
	}
	return 0;
}

int entry_map_put(struct entry_map *m, const char *entry, const char *where,
		  bool check_only)
{
	uint8_t *key = malloc(m->info.key_size);
	uint8_t *val = calloc(m->ncpus, m->stride);
	struct words w;
	int err = -1;

	if (!key || !val) {
		error("out of memory");
		goto out;
	}
	if (words_split(entry, where, &w))
		goto out;
	err = parse_entry(m, &w, where, key, val);
	words_free(&w);
	if (err || check_only)
		goto out;
	err = bpf_map_update_elem(m->fd, key, val, BPF_ANY);
	if (err)
		err = error("%s: cannot update map %s: %s", where, m->info.name,
			    strerror(-err));
out:
	free(key);
	free(val);
	return err;
}

/* The entry as the words layout_print() writes, caught from stdout. */
static char *entry_text(struct entry_map *m, const uint8_t *key,
			const uint8_t *val)
{
	struct stored k = { .data = key, .stride = 0, .ncpus = 1 };
	struct stored v = { .data = val, .stride = m->stride, .ncpus = m->ncpus };
	FILE *saved = stdout, *mem;
	bool json = opts.json;
	char *text = NULL;
	size_t len;

	fflush(stdout);
	mem = open_memstream(&text, &len);
	if (!mem)
		return NULL;
	stdout = mem;
	opts.json = false;
	text_word("key");
	layout_print(&m->key, NULL, &k);
	text_word("value");
	layout_print(&m->value, NULL, &v);
	text_end_line();
	opts.json = json;
	stdout = saved;
	fclose(mem);
	if (text && len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

static bool all_zero(const struct entry_map *m, const uint8_t *val)
{
	size_t i;

	for (i = 0; i < m->stride * m->ncpus; i++)
		if (val[i])
			return false;
	return true;
}

static int push_text(char ***entries, size_t *count, char *text)
{
	char **more;

	if (!text)
		return error("out of memory");
	more = realloc(*entries, (*count + 1) * sizeof(*more));
	if (!more) {
		free(text);
		return error("out of memory");
	}
	*entries = more;
	(*entries)[(*count)++] = text;
	return 0;
}

/*
 * A hash walk restarts when the key under it goes (the switch ages entries
 * out): stop after as many entries as the map holds.
 */
int entry_map_list(struct entry_map *m, char ***entries, size_t *count)
{
	uint8_t *key = malloc(m->info.key_size), *next = malloc(m->info.key_size);
	uint8_t *val = calloc(m->ncpus, m->stride);
	uint32_t n;
	int err = -1;

	*entries = NULL;
	*count = 0;
	if (!key || !next || !val) {
		error("out of memory");
		goto out;
	}
	err = bpf_map_get_next_key(m->fd, NULL, next);
	for (n = 0; !err && n < m->info.max_entries; n++) {
		err = bpf_map_lookup_elem(m->fd, next, val);
		if (!err && !(m->is_array && all_zero(m, val)) &&
		    push_text(entries, count, entry_text(m, next, val))) {
			err = -1;
			goto out;
		}
		if (err && err != -ENOENT)
			break;
		memcpy(key, next, m->info.key_size);
		err = bpf_map_get_next_key(m->fd, key, next);
	}
	if (err == -ENOENT)
		err = 0;
	if (err)
		err = error("cannot read map %s: %s", m->info.name, strerror(-err));
out:
	free(key);
	free(next);
	free(val);
	return err;
}
