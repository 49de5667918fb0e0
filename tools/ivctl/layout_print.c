// SPDX-License-Identifier: GPL-2.0
/*
 * Printing keys and values. Per-CPU values are shown as one: the integer
 * fields summed over the CPUs (what a counter means), every other field
 * (addresses, strings, enums, flags) as CPU 0 holds it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "btfwalk.h"
#include "ivctl.h"
#include "json.h"
#include "layout.h"

struct printer {
	const struct btf *btf;
	const struct stored *v;
};

static void print_type(const struct printer *p, const char *key, uint32_t id,
		       uint32_t bit_off, uint32_t bitfield, bool top);

/* Only plain numbers add up; an enum or a bool of two CPUs does not. */
static bool summed(const struct btf_resolved *r)
{
	return (btf_is_int(r->t) && !(btf_int_encoding(r->t) & BTF_INT_BOOL)) ||
	       r->form == FORM_BE;
}

static void print_number(const char *key, uint64_t raw, bool is_signed)
{
	if (opts.json && is_signed)
		json_s64(key, (int64_t)raw);
	else if (opts.json)
		json_u64(key, raw);
	else if (is_signed)
		text_word("%lld", (long long)(int64_t)raw);
	else
		text_word("%llu", (unsigned long long)raw);
}

static void print_int(const struct printer *p, const char *key,
		      const struct btf_resolved *r, uint32_t bit_off,
		      uint32_t bitfield)
{
	const char *name;
	struct btf_int in;
	uint64_t raw, sum = 0;
	int cpu, ncpus = summed(r) ? p->v->ncpus : 1;

	btf_int_of(r, bit_off, bitfield, &in);
	for (cpu = 0; cpu < ncpus; cpu++) {
		raw = btf_int_get(p->v->data + cpu * p->v->stride, &in);
		sum += in.is_signed ? (uint64_t)btf_int_sext(raw, in.bits) : raw;
	}
	name = btf_is_any_enum(r->t) ? btf_enum_name(p->btf, r->t, sum) : NULL;
	if (name && opts.json)
		json_string(key, name);
	else if (name)
		text_word("%s", name);
	else
		print_number(key, sum, in.is_signed);
}

static void print_string(const char *key, const char *str)
{
	if (opts.json)
		json_string(key, str);
	else
		text_word("%s", str);
}

static void print_mac(const char *key, const uint8_t *m)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	print_string(key, buf);
}

static void print_ip4(const char *key, const uint8_t *a)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, a, buf, sizeof(buf));
	print_string(key, buf);
}

/*
 * Text escapes what would not survive as one shell word (\xNN, as the
 * parser takes it back); JSON escapes by its own rules.
 */
static void print_chars(const char *key, const uint8_t *s, uint32_t n)
{
	char buf[4 * n + 3], *o = buf;
	uint32_t i;

	for (i = 0; i < n && s[i]; i++) {
		if (opts.json || (isgraph(s[i]) && s[i] != '\\' && s[i] != '"'))
			*o++ = s[i];
		else
			o += sprintf(o, "\\x%02x", s[i]);
	}
	*o = '\0';
	if (!opts.json && o == buf)
		strcpy(buf, "\"\"");	/* an empty string is still a word */
	print_string(key, buf);
}

static void print_array(const struct printer *p, const char *key,
			const struct btf_type *t, uint32_t bit_off)
{
	const struct btf_array *a = btf_array(t);
	uint32_t i, elem_bits = 8 * btf__resolve_size(p->btf, a->type);

	if (btf_is_string(p->btf, t)) {
		print_chars(key, p->v->data + bit_off / 8, a->nelems);
		return;
	}
	if (opts.json)
		json_open_array(key);
	else
		text_word("[");
	for (i = 0; i < a->nelems; i++)
		print_type(p, NULL, a->type, bit_off + i * elem_bits, 0, false);
	if (opts.json)
		json_close_array();
	else
		text_word("]");
}

/* The fields of t, an anonymous member's inline as in C. */
static void print_fields(const struct printer *p, const struct btf_type *t,
			 uint32_t bit_off)
{
	struct btf_resolved r;
	struct btf_field f;
	int i;

	for (i = 0; i < btf_field_count(t); i++) {
		btf_field_at(p->btf, t, i, &f);
		if (btf_field_is_inline(p->btf, &f)) {
			btf_resolve(p->btf, f.type, &r);
			print_fields(p, r.t, bit_off + f.bit_off);
			continue;
		}
		if (!opts.json)
			text_word("%s", f.name);
		print_type(p, f.name, f.type, bit_off + f.bit_off, f.bits, false);
	}
}

/* A struct at the top is bare "FIELD VALUE ..."; nested it is braced. */
static void print_struct(const struct printer *p, const char *key,
			 const struct btf_type *t, uint32_t bit_off, bool top)
{
	if (opts.json)
		json_open_object(key);
	else if (!top)
		text_word("{");
	print_fields(p, t, bit_off);
	if (opts.json)
		json_close_object();
	else if (!top)
		text_word("}");
}

static void print_type(const struct printer *p, const char *key, uint32_t id,
		       uint32_t bit_off, uint32_t bitfield, bool top)
{
	const uint8_t *at = p->v->data + bit_off / 8;
	struct btf_resolved r;

	btf_resolve(p->btf, id, &r);	/* layout_init checked every type */
	if (r.form == FORM_MAC)
		print_mac(key, at);
	else if (r.form == FORM_IP4)
		print_ip4(key, at);
	else if (btf_is_integer(r.t))
		print_int(p, key, &r, bit_off, bitfield);
	else if (btf_is_array(r.t))
		print_array(p, key, r.t, bit_off);
	else
		print_struct(p, key, r.t, bit_off, top);
}

static void print_hex(const char *key, const uint8_t *data, uint32_t size)
{
	char buf[3 * size + 1], *o = buf;
	uint32_t i;

	for (i = 0; i < size; i++)
		o += sprintf(o, i ? " %02x" : "%02x", data[i]);
	*o = '\0';
	if (opts.json) {
		json_string(key, buf);
		return;
	}
	text_word("hex");
	text_word("%s", buf);
}

/* Bytes cannot be summed: without BTF each CPU's copy is shown, in a list. */
static void print_hex_percpu(const struct layout *l, const char *key,
			     const struct stored *v)
{
	int cpu;

	if (opts.json)
		json_open_array(key);
	else
		text_word("[");
	for (cpu = 0; cpu < v->ncpus; cpu++)
		print_hex(NULL, v->data + cpu * v->stride, l->size);
	if (opts.json)
		json_close_array();
	else
		text_word("]");
}

void layout_print(const struct layout *l, const char *key,
		  const struct stored *v)
{
	struct printer p = { .btf = l->btf, .v = v };
	struct btf_int index = { .bits = 8 * l->size };

	switch (l->kind) {
	case LAYOUT_BTF:
		print_type(&p, key, l->type_id, 0, 0, true);
		break;
	case LAYOUT_INDEX:
		print_number(key, btf_int_get(v->data, &index), false);
		break;
	case LAYOUT_HEX:
		if (v->ncpus > 1)
			print_hex_percpu(l, key, v);
		else
			print_hex(key, v->data, l->size);
		break;
	}
}
