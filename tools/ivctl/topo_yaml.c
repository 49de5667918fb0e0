// SPDX-License-Identifier: GPL-2.0
/*
 * Topology files in YAML (libyaml): read as a document tree and checked
 * key by key, so that a typo is an error with its line rather than a
 * setting silently ignored; written as a stream of events, so that libyaml
 * quotes whatever needs quoting.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "end.h"
#include "ivctl.h"
#include "topo.h"
#include "words.h"

struct reader {
	const char *path;
	yaml_document_t doc;
};

static int line_of(const yaml_node_t *n)
{
	return n->start_mark.line + 1;
}

static int bad(const struct reader *r, const yaml_node_t *n, const char *fmt,
	       const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return error("%s:%d: %s", r->path, line_of(n), msg);
}

static yaml_node_t *node(struct reader *r, int id)
{
	return yaml_document_get_node(&r->doc, id);
}

static bool is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!s[0] || !strcmp(s, "~") || !strcmp(s, "null"));
}

static int scalar(struct reader *r, yaml_node_t *n, const char *what,
		  const char **val)
{
	*val = "";
	if (n->type != YAML_SCALAR_NODE)
		return bad(r, n, "%s must be a single value", what);
	*val = (const char *)n->data.scalar.value;
	return 0;
}

static int dup_scalar(struct reader *r, yaml_node_t *n, const char *what,
		      char **val)
{
	const char *s;

	if (scalar(r, n, what, &s))
		return -1;
	*val = strdup(s);
	return *val ? 0 : error("out of memory");
}

static int u32_scalar(struct reader *r, yaml_node_t *n, const char *what,
		      uint32_t *val)
{
	const char *s;

	if (scalar(r, n, what, &s))
		return -1;
	if (parse_u32(s, val))
		return bad(r, n, "%s must be a whole number", what);
	return 0;
}

/* A mapping, or null for an empty one; *pairs NULL then. */
static int mapping(struct reader *r, yaml_node_t *n, const char *what,
		   yaml_node_pair_t **start, yaml_node_pair_t **end)
{
	*start = *end = NULL;
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return bad(r, n, "%s must be a mapping (KEY: VALUE lines)", what);
	*start = n->data.mapping.pairs.start;
	*end = n->data.mapping.pairs.top;
	return 0;
}

static int sequence(struct reader *r, yaml_node_t *n, const char *what,
		    yaml_node_item_t **start, yaml_node_item_t **end)
{
	*start = *end = NULL;
	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(r, n, "%s must be a list (\"- ITEM\" lines)", what);
	*start = n->data.sequence.items.start;
	*end = n->data.sequence.items.top;
	return 0;
}

static int read_entries(struct reader *r, yaml_node_t *n, struct topo_map *m)
{
	yaml_node_item_t *it, *end;
	size_t count;

	if (sequence(r, n, "a map's entries", &it, &end))
		return -1;
	count = end - it;
	m->entries = calloc(count ? count : 1, sizeof(*m->entries));
	m->lines = calloc(count ? count : 1, sizeof(*m->lines));
	if (!m->entries || !m->lines)
		return error("out of memory");
	for (; it < end; it++) {
		yaml_node_t *e = node(r, *it);

		m->lines[m->count] = line_of(e);
		if (dup_scalar(r, e, "an entry (\"key KEY value VALUE\")",
			       &m->entries[m->count]))
			return -1;
		m->count++;
	}
	return 0;
}

static int read_maps(struct reader *r, yaml_node_t *n, struct topo_module *mod)
{
	yaml_node_pair_t *p, *end;
	size_t i;

	if (mapping(r, n, "maps", &p, &end))
		return -1;
	mod->maps = calloc(end - p ? end - p : 1, sizeof(*mod->maps));
	if (!mod->maps)
		return error("out of memory");
	for (; p < end; p++) {
		struct topo_map *m = &mod->maps[mod->nmaps];
		yaml_node_t *k = node(r, p->key);

		if (dup_scalar(r, k, "a map name", &m->name))
			return -1;
		mod->nmaps++;
		for (i = 0; i + 1 < mod->nmaps; i++)
			if (!strcmp(mod->maps[i].name, m->name))
				return bad(r, k, "map %s is given twice", m->name);
		if (read_entries(r, node(r, p->value), m))
			return -1;
	}
	return 0;
}

static int read_module_key(struct reader *r, const char *key, yaml_node_t *v,
			   struct topo_module *mod)
{
	if (!strcmp(key, "obj"))
		return dup_scalar(r, v, "obj", &mod->obj);
	if (!strcmp(key, "sec"))
		return dup_scalar(r, v, "sec", &mod->sec);
	if (!strcmp(key, "prog"))
		return dup_scalar(r, v, "prog", &mod->prog);
	if (!strcmp(key, "ports"))
		return u32_scalar(r, v, "ports", &mod->ports);
	if (!strcmp(key, "maps"))
		return read_maps(r, v, mod);
	return bad(r, v, "unknown module key \"%s\" (obj, sec, prog, ports, maps)", key);
}

static int read_module(struct reader *r, yaml_node_t *n, struct topo_module *mod)
{
	yaml_node_pair_t *p, *end;
	const char *key;

	mod->ports = 1;
	if (mapping(r, n, "a module", &p, &end))
		return -1;
	for (; p < end; p++)
		if (scalar(r, node(r, p->key), "a key", &key) ||
		    read_module_key(r, key, node(r, p->value), mod))
			return -1;
	if (mod->sec && mod->prog)
		return bad(r, n, "module %s: sec and prog exclude each other", mod->name);
	if (!mod->obj && (mod->sec || mod->prog || mod->nmaps))
		return bad(r, n, "module %s: sec, prog and maps need an obj", mod->name);
	return 0;
}

static int read_modules(struct reader *r, yaml_node_t *n, struct topo *t)
{
	yaml_node_pair_t *p, *end;

	if (mapping(r, n, "modules", &p, &end))
		return -1;
	t->mods = calloc(end - p ? end - p : 1, sizeof(*t->mods));
	if (!t->mods)
		return error("out of memory");
	for (; p < end; p++) {
		struct topo_module *mod = &t->mods[t->nmods];
		yaml_node_t *k = node(r, p->key);

		if (dup_scalar(r, k, "a module name", &mod->name))
			return -1;
		mod->line = line_of(k);
		if (topo_find(t, mod->name))
			return bad(r, k, "module %s is given twice", mod->name);
		t->nmods++;
		if (read_module(r, node(r, p->value), mod))
			return -1;
	}
	return 0;
}

/* end_parse's usage: the file's line says enough. */
static void no_usage(FILE *f)
{
	(void)f;
}

/* Two ENDs, as `link add` takes them; module ends by name only. */
static int read_link(struct reader *r, yaml_node_t *n, struct topo_link *l)
{
	char where[300], text[2][END_TEXT_LEN];
	struct iov_end ends[2];
	const char *s;
	struct words w;
	int i = 0, k, err = -1;

	if (scalar(r, n, "a link (\"END END\")", &s))
		return -1;
	snprintf(where, sizeof(where), "%s:%d", r->path, line_of(n));
	if (words_split(s, where, &w))
		return -1;
	for (k = 0; k < 2; k++, i++) {
		if (i >= w.argc || !strcmp(w.argv[i], "id")) {
			bad(r, n, "a link is END END, each NAME:PORT or dev IFNAME: \"%s\"", s);
			goto out;
		}
		if (end_parse(no_usage, w.argc, w.argv, &i, &ends[k])) {
			bad(r, n, "in link \"%s\"", s);
			goto out;
		}
		end_format(&ends[k], text[k], sizeof(text[k]));
	}
	if (i < w.argc) {
		bad(r, n, "a link is END END, each NAME:PORT or dev IFNAME: \"%s\"", s);
		goto out;
	}
	if (ends[0].is_dev && ends[1].is_dev) {
		bad(r, n, "one end of a link must be a module port: \"%s\"", s);
		goto out;
	}
	err = topo_link_set(l, text[0], text[1]);
out:
	words_free(&w);
	return err;
}

static int read_links(struct reader *r, yaml_node_t *n, struct topo *t)
{
	yaml_node_item_t *it, *end;

	if (sequence(r, n, "links", &it, &end))
		return -1;
	t->links = calloc(end - it ? end - it : 1, sizeof(*t->links));
	if (!t->links)
		return error("out of memory");
	for (; it < end; it++) {
		struct topo_link *l = &t->links[t->nlinks];
		yaml_node_t *ln = node(r, *it);

		l->line = line_of(ln);
		if (read_link(r, ln, l))
			return -1;
		if (topo_has_link(t, l))
			return bad(r, ln, "link \"%s\" is given twice", (const char *)ln->data.scalar.value);
		t->nlinks++;
	}
	return 0;
}

static int read_top(struct reader *r, struct topo *t)
{
	yaml_node_t *root = yaml_document_get_root_node(&r->doc);
	yaml_node_pair_t *p, *end, *q;
	const char *key, *other;
	int err;

	if (!root)
		return 0;	/* an empty file: an empty graph */
	if (mapping(r, root, "a topology", &p, &end))
		return -1;
	for (; p < end; p++) {
		yaml_node_t *k = node(r, p->key), *v = node(r, p->value);

		if (scalar(r, k, "a key", &key))
			return -1;
		for (q = root->data.mapping.pairs.start; q < p; q++)
			if (!scalar(r, node(r, q->key), "a key", &other) &&
			    !strcmp(key, other))
				return bad(r, k, "\"%s\" is given twice", key);
		if (!strcmp(key, "hops"))
			err = u32_scalar(r, v, "hops", &t->hops) ?:
			      (t->hops ? 0 : bad(r, v, "hops must be 1 or more%s", ""));
		else if (!strcmp(key, "modules"))
			err = read_modules(r, v, t);
		else if (!strcmp(key, "links"))
			err = read_links(r, v, t);
		else
			err = bad(r, k, "unknown key \"%s\" (hops, modules, links)", key);
		if (err)
			return -1;
	}
	return 0;
}

static int set_dir(const char *path, struct topo *t)
{
	char *copy;

	if (!strcmp(path, "-")) {
		t->dir = strdup(".");
	} else {
		copy = strdup(path);
		t->dir = copy ? strdup(dirname(copy)) : NULL;
		free(copy);
	}
	return t->dir ? 0 : error("out of memory");
}

int topo_read(const char *path, struct topo *t)
{
	struct reader r = { .path = strcmp(path, "-") ? path : "<stdin>" };
	yaml_parser_t parser;
	FILE *f;
	int err;

	memset(t, 0, sizeof(*t));
	if (set_dir(path, t))
		return -1;
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		return error("cannot open %s: %m", path);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &r.doc)) {
		err = error("%s:%zu: %s", r.path, parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "not YAML");
	} else {
		err = read_top(&r, t);
		yaml_document_delete(&r.doc);
	}
	yaml_parser_delete(&parser);
	if (f != stdin)
		fclose(f);
	return err;
}

/* ---- writing ---- */

static int emit(yaml_emitter_t *e, yaml_event_t *ev, int ok)
{
	if (!ok || !yaml_emitter_emit(e, ev))
		return error("cannot write YAML: %s", e->problem ? e->problem : "out of memory");
	return 0;
}

static int put_str(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
			(yaml_char_t *)s, strlen(s), 1, 1, YAML_ANY_SCALAR_STYLE));
}

static int put_u32(yaml_emitter_t *e, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	return put_str(e, buf);
}

static int open_map(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			YAML_BLOCK_MAPPING_STYLE));
}

static int close_map(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

static int open_seq(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
			YAML_BLOCK_SEQUENCE_STYLE));
}

static int close_seq(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_sequence_end_event_initialize(&ev));
}

static int write_maps(yaml_emitter_t *e, const struct topo_module *mod)
{
	size_t i, j;
	int err;

	err = put_str(e, "maps") ?: open_map(e);
	for (i = 0; !err && i < mod->nmaps; i++) {
		if (!mod->maps[i].count)
			continue;
		err = put_str(e, mod->maps[i].name) ?: open_seq(e);
		for (j = 0; !err && j < mod->maps[i].count; j++)
			err = put_str(e, mod->maps[i].entries[j]);
		err = err ?: close_seq(e);
	}
	return err ?: close_map(e);
}

static bool has_entries(const struct topo_module *mod)
{
	size_t i;

	for (i = 0; i < mod->nmaps; i++)
		if (mod->maps[i].count)
			return true;
	return false;
}

static int write_module(yaml_emitter_t *e, const struct topo_module *mod)
{
	int err = put_str(e, mod->name) ?: open_map(e);

	if (!err && mod->obj)
		err = put_str(e, "obj") ?: put_str(e, mod->obj);
	if (!err && mod->sec)
		err = put_str(e, "sec") ?: put_str(e, mod->sec);
	if (!err && mod->prog)
		err = put_str(e, "prog") ?: put_str(e, mod->prog);
	err = err ?: put_str(e, "ports") ?: put_u32(e, mod->ports);
	if (!err && has_entries(mod))
		err = write_maps(e, mod);
	return err ?: close_map(e);
}

static int write_links(yaml_emitter_t *e, const struct topo *t)
{
	char text[2 * END_TEXT_LEN + 2];
	size_t i;
	int err;

	err = put_str(e, "links") ?: open_seq(e);
	for (i = 0; !err && i < t->nlinks; i++) {
		snprintf(text, sizeof(text), "%s %s", t->links[i].a, t->links[i].b);
		err = put_str(e, text);
	}
	return err ?: close_seq(e);
}

static int write_doc(yaml_emitter_t *e, const struct topo *t)
{
	yaml_event_t ev;
	size_t i;
	int err;

	err = emit(e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING)) ?:
	      emit(e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1)) ?:
	      open_map(e);
	if (!err && t->hops)
		err = put_str(e, "hops") ?: put_u32(e, t->hops);
	err = err ?: put_str(e, "modules") ?: open_map(e);
	for (i = 0; !err && i < t->nmods; i++)
		err = write_module(e, &t->mods[i]);
	err = err ?: close_map(e) ?: write_links(e, t) ?: close_map(e) ?:
	      emit(e, &ev, yaml_document_end_event_initialize(&ev, 1)) ?:
	      emit(e, &ev, yaml_stream_end_event_initialize(&ev));
	return err;
}

int topo_write(const struct topo *t)
{
	yaml_emitter_t e;
	int err;

	yaml_emitter_initialize(&e);
	yaml_emitter_set_output_file(&e, stdout);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	err = write_doc(&e, t);
	yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	return err;
}
