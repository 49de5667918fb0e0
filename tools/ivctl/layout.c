// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing a layout. ivctl shows a map by its BTF only when it knows how to
 * write every field in it; a map with one field it does not (a float, a
 * 128-bit integer, an old-style bitfield) is shown as hex as a whole rather
 * than with a hole in it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "btfwalk.h"
#include "layout.h"

/* Nesting deeper than this is either absurd or a loop in broken BTF. */
#define LAYOUT_DEPTH_MAX 16

static bool int_known(const struct btf_type *t, uint32_t bitfield)
{
	uint32_t size = t->size;

	if (btf_is_ptr(t))
		return !bitfield;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	if (bitfield)
		return bitfield <= 8 * size;
	/* Old-style bitfields keep their width in the INT itself. */
	return !btf_is_int(t) ||
	       (btf_int_offset(t) == 0 && btf_int_bits(t) == 8 * size);
}

static bool known(const struct btf *btf, uint32_t id, uint32_t bitfield,
		  int depth)
{
	struct btf_resolved r;
	struct btf_field f;
	int i;

	if (depth > LAYOUT_DEPTH_MAX || btf_resolve(btf, id, &r))
		return false;
	if (r.form != FORM_PLAIN && !bitfield)
		return true;
	if (btf_is_integer(r.t))
		return int_known(r.t, bitfield);
	if (bitfield)
		return false;
	if (btf_is_array(r.t))
		return btf_is_string(btf, r.t) ||
		       known(btf, btf_array(r.t)->type, 0, depth + 1);
	if (!btf_has_fields(r.t))
		return false;
	for (i = 0; i < btf_field_count(r.t); i++) {
		btf_field_at(btf, r.t, i, &f);
		if (!known(btf, f.type, f.bits, depth + 1))
			return false;
	}
	return true;
}

void layout_init(struct layout *l, const struct btf *btf, uint32_t type_id,
		 uint32_t size, bool is_index)
{
	l->btf = btf;
	l->type_id = type_id;
	l->size = size;
	if (btf && type_id && btf__resolve_size(btf, type_id) == size &&
	    known(btf, type_id, 0, 0))
		l->kind = LAYOUT_BTF;
	else if (is_index && (size == 1 || size == 2 || size == 4 || size == 8))
		l->kind = LAYOUT_INDEX;
	else
		l->kind = LAYOUT_HEX;
}

static const char *kind_word(const struct btf_type *t)
{
	if (btf_is_struct(t))
		return "struct";
	if (btf_is_union(t))
		return "union";
	if (btf_is_any_enum(t))
		return "enum";
	if (btf_is_datasec(t))
		return "section";
	return "";
}

void layout_name(const struct layout *l, char *buf, size_t len)
{
	const struct btf_type *t;
	const char *name;

	if (l->kind == LAYOUT_INDEX) {
		snprintf(buf, len, "u%u", 8 * l->size);
		return;
	}
	if (l->kind == LAYOUT_HEX) {
		snprintf(buf, len, "hex");
		return;
	}
	/* The name the program's source uses: the typedef, not what is under it. */
	t = btf__type_by_id(l->btf, l->type_id);
	while (btf_is_mod(t))
		t = btf__type_by_id(l->btf, t->type);
	name = btf__name_by_offset(l->btf, t->name_off);
	if (!name || !name[0])
		name = "(anon)";
	if (btf_is_typedef(t) || btf_is_int(t))
		snprintf(buf, len, "%s", name);
	else if (btf_is_array(t))
		snprintf(buf, len, "array[%u]", btf_array(t)->nelems);
	else
		snprintf(buf, len, "%s %s", kind_word(t), name);
}

static bool line_started;

void text_word(const char *fmt, ...)
{
	va_list ap;

	if (line_started)
		putchar(' ');
	line_started = true;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void text_end_line(void)
{
	putchar('\n');
	line_started = false;
}
