// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing keys and values from the command line. Everything is checked
 * before anything is written to the map: a bad word anywhere fails the whole
 * command, with a message that names the field by its path ("value.mac",
 * "key.addr", "value.ports[2]").
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "btfwalk.h"
#include "ivctl.h"
#include "layout.h"

struct parser {
	const struct btf *btf;
	char **argv;
	int argc;
	int i;
	uint8_t *buf;
	char path[256];
};

static int parse_type(struct parser *p, uint32_t id, uint32_t bit_off,
		      uint32_t bitfield, bool top);

static const char *peek_word(const struct parser *p)
{
	return p->i < p->argc ? p->argv[p->i] : NULL;
}

static const char *next_word(struct parser *p)
{
	return p->i < p->argc ? p->argv[p->i++] : NULL;
}

static int need_word(struct parser *p, const char **w)
{
	*w = next_word(p);
	if (!*w)
		return error("%s needs a value", p->path);
	return 0;
}

/* Append to the path for the messages of what is parsed next. */
static size_t path_push(struct parser *p, const char *fmt, ...)
{
	size_t len = strlen(p->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->path + len, sizeof(p->path) - len, fmt, ap);
	va_end(ap);
	return len;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A number that fits bits bits; two's complement in *raw. */
static int parse_integer(const struct parser *p, const char *w, uint32_t bits,
			 bool is_signed, uint64_t *raw)
{
	uint64_t mag, max;
	bool neg;
	int err;

	err = parse_number(w, &mag, &neg);
	if (err == -1)
		return error("%s: \"%s\" is not a number", p->path, w);
	if (!is_signed) {
		max = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
		if (err || (neg && mag) || mag > max)
			return error("%s: %s is out of range (0 to %llu)", p->path,
				     w, (unsigned long long)max);
		*raw = mag;
		return 0;
	}
	max = 1ull << (bits - 1);	/* the magnitude of the minimum */
	if (err || (neg ? mag > max : mag >= max))
		return error("%s: %s is out of range (%lld to %lld)", p->path, w,
			     (long long)(0 - max), (long long)(max - 1));
	*raw = neg ? 0 - mag : mag;
	return 0;
}

static int not_enumerator(const struct parser *p, const struct btf_type *t,
			  const char *w)
{
	char names[512] = "";
	size_t used = 0;
	int i;

	for (i = 0; i < btf_vlen(t) && used < sizeof(names); i++)
		used += snprintf(names + used, sizeof(names) - used, " %s",
				 btf__name_by_offset(p->btf, btf_is_enum64(t) ?
						     btf_enum64(t)[i].name_off :
						     btf_enum(t)[i].name_off));
	return error("%s: \"%s\" is neither a number nor one of:%s", p->path, w,
		     names);
}

static bool is_bool(const struct btf_type *t)
{
	return btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL);
}

static int parse_bool(const struct parser *p, const char *w, uint64_t *raw)
{
	if (!strcmp(w, "true") || !strcmp(w, "1"))
		*raw = 1;
	else if (!strcmp(w, "false") || !strcmp(w, "0"))
		*raw = 0;
	else
		return error("%s: \"%s\" is not true or false", p->path, w);
	return 0;
}

static int parse_int(struct parser *p, const struct btf_resolved *r,
		     uint32_t bit_off, uint32_t bitfield)
{
	struct btf_int in;
	const char *w;
	uint64_t raw;

	if (need_word(p, &w))
		return -1;
	btf_int_of(r, bit_off, bitfield, &in);
	if (btf_is_any_enum(r->t) && !btf_enum_value(p->btf, r->t, w, &raw))
		;	/* an enumerator by name */
	else if (is_bool(r->t) && parse_bool(p, w, &raw))
		return -1;
	else if (btf_is_any_enum(r->t) && !isdigit((unsigned char)w[w[0] == '-']))
		return not_enumerator(p, r->t, w);
	else if (!is_bool(r->t) && parse_integer(p, w, in.bits, in.is_signed, &raw))
		return -1;
	btf_int_put(p->buf, &in, raw);
	return 0;
}

static int parse_mac(struct parser *p, uint32_t bit_off)
{
	uint8_t mac[6];
	const char *w, *s;
	int i, hi, lo;

	if (need_word(p, &w))
		return -1;
	for (i = 0, s = w; i < 6; i++) {
		hi = hex_digit(*s++);
		if (hi < 0)
			goto bad;
		lo = hex_digit(*s);
		mac[i] = lo < 0 ? hi : 16 * hi + lo;
		s += lo >= 0;
		if (*s != (i < 5 ? ':' : '\0'))
			goto bad;
		s++;
	}
	memcpy(p->buf + bit_off / 8, mac, sizeof(mac));
	return 0;
bad:
	return error("%s: \"%s\" is not a MAC address (like 02:00:00:00:00:01)",
		     p->path, w);
}

static int parse_ip4(struct parser *p, uint32_t bit_off)
{
	const char *w;

	if (need_word(p, &w))
		return -1;
	if (inet_pton(AF_INET, w, p->buf + bit_off / 8) != 1)
		return error("%s: \"%s\" is not an IPv4 address (like 10.0.0.1)",
			     p->path, w);
	return 0;
}

/* A string, with \xNN for any byte; "" is the empty one. */
static int parse_chars(struct parser *p, uint32_t bit_off, uint32_t n)
{
	uint8_t *out = p->buf + bit_off / 8;
	const char *w, *s;
	uint32_t len = 0;
	int c;

	if (need_word(p, &w))
		return -1;
	if (!strcmp(w, "\"\""))
		return 0;
	for (s = w; *s; len++) {
		c = (unsigned char)*s++;
		if (c == '\\' && s[0] == 'x' && hex_digit(s[1]) >= 0 &&
		    hex_digit(s[2]) >= 0) {
			c = 16 * hex_digit(s[1]) + hex_digit(s[2]);
			s += 3;
		}
		if (len == n)
			return error("%s: \"%s\" is longer than %u bytes", p->path,
				     w, n);
		out[len] = c;
	}
	return 0;
}

static int parse_array(struct parser *p, const struct btf_type *t,
		       uint32_t bit_off)
{
	const struct btf_array *a = btf_array(t);
	uint32_t i, elem_bits = 8 * btf__resolve_size(p->btf, a->type);
	const char *w = next_word(p);
	size_t len;
	int err;

	if (!w || strcmp(w, "["))
		return error("%s: an array is written [ ELEMENT ... ], up to %u elements",
			     p->path, a->nelems);
	for (i = 0;; i++) {
		w = peek_word(p);
		if (!w)
			return error("%s: \"[\" without \"]\"", p->path);
		if (!strcmp(w, "]"))
			break;
		if (i == a->nelems)
			return error("%s: more than %u elements", p->path, a->nelems);
		len = path_push(p, "[%u]", i);
		err = parse_type(p, a->type, bit_off + i * elem_bits, 0, false);
		p->path[len] = '\0';
		if (err)
			return -1;
	}
	p->i++;
	return 0;
}

/* The field called name, looking into anonymous members as C does. */
static int find_field(const struct btf *btf, const struct btf_type *t,
		      const char *name, struct btf_field *found)
{
	struct btf_resolved r;
	struct btf_field f;
	int i;

	for (i = 0; i < btf_field_count(t); i++) {
		btf_field_at(btf, t, i, &f);
		if (btf_field_is_inline(btf, &f)) {
			btf_resolve(btf, f.type, &r);
			if (find_field(btf, r.t, name, found))
				continue;
			found->bit_off += f.bit_off;
			return 0;
		}
		if (!strcmp(f.name, name)) {
			*found = f;
			return 0;
		}
	}
	return -1;
}

static void list_fields(const struct btf *btf, const struct btf_type *t,
			char *buf, size_t len)
{
	struct btf_resolved r;
	struct btf_field f;
	size_t used;
	int i;

	for (i = 0; i < btf_field_count(t); i++) {
		btf_field_at(btf, t, i, &f);
		used = strlen(buf);
		if (btf_field_is_inline(btf, &f)) {
			btf_resolve(btf, f.type, &r);
			list_fields(btf, r.t, buf, len);
		} else if (used < len) {
			snprintf(buf + used, len - used, "%s%s", used ? " " : "", f.name);
		}
	}
}

static int unknown_field(const struct parser *p, const struct btf_type *t,
			 const char *name)
{
	char fields[512] = "";

	list_fields(p->btf, t, fields, sizeof(fields));
	return error("%s: no field \"%s\" (the fields are: %s)", p->path, name,
		     fields);
}

/* "FIELD VALUE ..." at the top, where the struct is all there is; braced below. */
static int parse_struct(struct parser *p, const struct btf_type *t,
			uint32_t bit_off, bool top)
{
	bool braced = !top || (peek_word(p) && !strcmp(peek_word(p), "{"));
	struct btf_field f;
	const char *w;
	size_t len;
	int err;

	if (braced && (!(w = next_word(p)) || strcmp(w, "{")))
		return error("%s: a struct is written { FIELD VALUE ... }", p->path);
	while ((w = next_word(p))) {
		if (braced && !strcmp(w, "}"))
			return 0;
		if (find_field(p->btf, t, w, &f))
			return unknown_field(p, t, w);
		len = path_push(p, ".%s", w);
		err = parse_type(p, f.type, bit_off + f.bit_off, f.bits, false);
		p->path[len] = '\0';
		if (err)
			return -1;
	}
	if (braced)
		return error("%s: \"{\" without \"}\"", p->path);
	return 0;
}

static int parse_type(struct parser *p, uint32_t id, uint32_t bit_off,
		      uint32_t bitfield, bool top)
{
	struct btf_resolved r;

	btf_resolve(p->btf, id, &r);	/* layout_init checked every type */
	if (r.form == FORM_MAC)
		return parse_mac(p, bit_off);
	if (r.form == FORM_IP4)
		return parse_ip4(p, bit_off);
	if (btf_is_integer(r.t))
		return parse_int(p, &r, bit_off, bitfield);
	if (btf_is_array(r.t) && btf_is_string(p->btf, r.t))
		return parse_chars(p, bit_off, btf_array(r.t)->nelems);
	if (btf_is_array(r.t))
		return parse_array(p, r.t, bit_off);
	return parse_struct(p, r.t, bit_off, top);
}

/* "hex BYTE ...": exactly size bytes, each one or two hex digits. */
static int parse_hex(struct parser *p, uint32_t size)
{
	const char *w;
	uint32_t n = 0;
	int hi, lo;

	p->i++;	/* "hex" */
	while ((w = next_word(p))) {
		hi = hex_digit(w[0]);
		lo = hi < 0 ? -1 : hex_digit(w[1]);
		if (hi < 0 || (w[1] && (lo < 0 || w[2])))
			return error("%s: \"%s\" is not a byte in hex", p->path, w);
		if (n == size)
			return error("%s: more than %u bytes", p->path, size);
		p->buf[n++] = w[1] ? 16 * hi + lo : hi;
	}
	if (n < size)
		return error("%s: %u bytes given, it has %u", p->path, n, size);
	return 0;
}

static int parse_index(struct parser *p, uint32_t size)
{
	struct btf_int in = { .bits = 8 * size };
	const char *w;
	uint64_t raw;

	if (need_word(p, &w) || parse_integer(p, w, in.bits, false, &raw))
		return -1;
	btf_int_put(p->buf, &in, raw);
	return 0;
}

int layout_parse(const struct layout *l, const char *what, int argc,
		 char **argv, void *buf)
{
	struct parser p = { .btf = l->btf, .argc = argc, .argv = argv, .buf = buf };
	int err;

	memset(buf, 0, l->size);
	snprintf(p.path, sizeof(p.path), "%s", what);
	if (argc > 0 && !strcmp(argv[0], "hex"))
		return parse_hex(&p, l->size);
	if (l->kind == LAYOUT_HEX)
		return error("%s: the map has no type information ivctl can use: write hex BYTE ... (%u bytes)",
			     what, l->size);
	if (l->kind == LAYOUT_INDEX)
		err = parse_index(&p, l->size);
	else
		err = parse_type(&p, l->type_id, 0, 0, true);
	if (!err && p.i < argc)
		return error("%s: unexpected \"%s\"", what, argv[p.i]);
	return err;
}
