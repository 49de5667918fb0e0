// SPDX-License-Identifier: GPL-2.0
/*
 * BTF walking. Bitfields are read bit by bit in little-endian order, which
 * is how clang lays them out on the little-endian machines iovisor runs on;
 * whole integers are copied in host order (or network order for FORM_BE).
 */
#include <endian.h>
#include <string.h>

#include "btfwalk.h"

/* A typedef chain deeper than this is a loop in broken BTF. */
#define BTF_CHAIN_MAX 32

static enum btf_form form_of(const char *name)
{
	if (!strcmp(name, "iov_mac_t"))
		return FORM_MAC;
	if (!strcmp(name, "iov_ip4_t"))
		return FORM_IP4;
	if (!strcmp(name, "iov_be16_t") || !strcmp(name, "__be16") ||
	    !strcmp(name, "__be32") || !strcmp(name, "__be64"))
		return FORM_BE;
	return FORM_PLAIN;
}

/* A form applies only to the type it was made for. */
static bool form_fits(enum btf_form form, const struct btf_type *t)
{
	switch (form) {
	case FORM_MAC:
		return t->size == 6 && (btf_is_struct(t) || btf_is_array(t));
	case FORM_IP4:
		return btf_is_int(t) && t->size == 4;
	case FORM_BE:
		return btf_is_int(t) && (t->size == 2 || t->size == 4 || t->size == 8);
	default:
		return true;
	}
}

int btf_resolve(const struct btf *btf, uint32_t id, struct btf_resolved *r)
{
	const struct btf_type *t;
	int depth;

	r->form = FORM_PLAIN;
	for (depth = 0; depth < BTF_CHAIN_MAX; depth++) {
		t = btf__type_by_id(btf, id);
		if (!t)
			return -1;
		if (btf_is_typedef(t) && r->form == FORM_PLAIN)
			r->form = form_of(btf__name_by_offset(btf, t->name_off));
		if (!btf_is_typedef(t) && !btf_is_mod(t))
			break;
		id = t->type;
	}
	if (depth == BTF_CHAIN_MAX || id == 0)
		return -1;
	r->id = id;
	r->t = t;
	if (!form_fits(r->form, t))
		r->form = FORM_PLAIN;
	return 0;
}

bool btf_has_fields(const struct btf_type *t)
{
	return btf_is_composite(t) || btf_is_datasec(t);
}

int btf_field_count(const struct btf_type *t)
{
	return btf_vlen(t);
}

void btf_field_at(const struct btf *btf, const struct btf_type *t, int idx,
		  struct btf_field *f)
{
	const struct btf_var_secinfo *vsi;
	const struct btf_type *var;

	if (btf_is_datasec(t)) {
		vsi = btf_var_secinfos(t) + idx;
		var = btf__type_by_id(btf, vsi->type);
		f->name = var ? btf__name_by_offset(btf, var->name_off) : "";
		f->type = var ? var->type : 0;
		f->bit_off = vsi->offset * 8;
		f->bits = 0;
		return;
	}
	f->name = btf__name_by_offset(btf, btf_members(t)[idx].name_off);
	f->type = btf_members(t)[idx].type;
	f->bit_off = btf_member_bit_offset(t, idx);
	f->bits = btf_member_bitfield_size(t, idx);
	if (!f->name)
		f->name = "";
}

bool btf_field_is_inline(const struct btf *btf, const struct btf_field *f)
{
	struct btf_resolved r;

	return !f->name[0] && !btf_resolve(btf, f->type, &r) &&
	       btf_is_composite(r.t);
}

bool btf_is_string(const struct btf *btf, const struct btf_type *array)
{
	const struct btf_type *elem;
	struct btf_resolved r;
	const char *name;

	if (btf_resolve(btf, btf_array(array)->type, &r))
		return false;
	elem = r.t;
	if (!btf_is_int(elem) || elem->size != 1)
		return false;
	name = btf__name_by_offset(btf, elem->name_off);
	return (btf_int_encoding(elem) & BTF_INT_CHAR) ||
	       (name && !strcmp(name, "char"));
}

bool btf_is_integer(const struct btf_type *t)
{
	return btf_is_int(t) || btf_is_any_enum(t) || btf_is_ptr(t);
}

bool btf_integer_signed(const struct btf_type *t)
{
	if (btf_is_int(t))
		return btf_int_encoding(t) & BTF_INT_SIGNED;
	if (btf_is_any_enum(t))
		return btf_kflag(t);
	return false;
}

void btf_int_of(const struct btf_resolved *r, uint32_t bit_off,
		uint32_t bitfield, struct btf_int *in)
{
	/* A PTR has no size of its own in BTF. */
	uint32_t size = btf_is_ptr(r->t) ? sizeof(void *) : r->t->size;

	in->bit_off = bit_off;
	in->bitfield = bitfield != 0;
	in->bits = bitfield ? bitfield : 8 * size;
	in->is_signed = btf_integer_signed(r->t);
	in->big_endian = r->form == FORM_BE;
}

static uint64_t bits_get(const uint8_t *base, uint32_t off, uint32_t bits)
{
	uint64_t v = 0;
	uint32_t k;

	for (k = 0; k < bits; k++)
		if (base[(off + k) / 8] & (1u << ((off + k) % 8)))
			v |= 1ull << k;
	return v;
}

static void bits_put(uint8_t *base, uint32_t off, uint32_t bits, uint64_t v)
{
	uint32_t k;

	for (k = 0; k < bits; k++) {
		uint8_t mask = 1u << ((off + k) % 8);

		if (v & (1ull << k))
			base[(off + k) / 8] |= mask;
		else
			base[(off + k) / 8] &= ~mask;
	}
}

uint64_t btf_int_get(const uint8_t *base, const struct btf_int *in)
{
	const uint8_t *p = base + in->bit_off / 8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	if (in->bitfield)
		return bits_get(base, in->bit_off, in->bits);
	switch (in->bits) {
	case 8:
		return *p;
	case 16:
		memcpy(&u16, p, 2);
		return in->big_endian ? be16toh(u16) : u16;
	case 32:
		memcpy(&u32, p, 4);
		return in->big_endian ? be32toh(u32) : u32;
	default:
		memcpy(&u64, p, 8);
		return in->big_endian ? be64toh(u64) : u64;
	}
}

int64_t btf_int_sext(uint64_t raw, uint32_t bits)
{
	if (bits >= 64)
		return (int64_t)raw;
	if (raw & (1ull << (bits - 1)))
		raw |= ~0ull << bits;
	return (int64_t)raw;
}

void btf_int_put(uint8_t *base, const struct btf_int *in, uint64_t v)
{
	uint8_t *p = base + in->bit_off / 8;
	uint16_t u16;
	uint32_t u32;

	if (in->bitfield) {
		bits_put(base, in->bit_off, in->bits, v);
		return;
	}
	switch (in->bits) {
	case 8:
		*p = v;
		break;
	case 16:
		u16 = in->big_endian ? htobe16(v) : v;
		memcpy(p, &u16, 2);
		break;
	case 32:
		u32 = in->big_endian ? htobe32(v) : v;
		memcpy(p, &u32, 4);
		break;
	default:
		v = in->big_endian ? htobe64(v) : v;
		memcpy(p, &v, 8);
		break;
	}
}

static uint64_t enum_value_at(const struct btf_type *t, int i)
{
	if (btf_is_enum64(t))
		return btf_enum64_value(btf_enum64(t) + i);
	return btf_kflag(t) ? (uint64_t)(int64_t)btf_enum(t)[i].val
			    : (uint32_t)btf_enum(t)[i].val;
}

static uint32_t enum_name_off(const struct btf_type *t, int i)
{
	return btf_is_enum64(t) ? btf_enum64(t)[i].name_off : btf_enum(t)[i].name_off;
}

const char *btf_enum_name(const struct btf *btf, const struct btf_type *t,
			  uint64_t v)
{
	uint64_t mask = t->size >= 8 ? ~0ull : (1ull << (8 * t->size)) - 1;
	int i;

	for (i = 0; i < btf_vlen(t); i++)
		if ((enum_value_at(t, i) & mask) == (v & mask))
			return btf__name_by_offset(btf, enum_name_off(t, i));
	return NULL;
}

int btf_enum_value(const struct btf *btf, const struct btf_type *t,
		   const char *name, uint64_t *v)
{
	const char *n;
	int i;

	for (i = 0; i < btf_vlen(t); i++) {
		n = btf__name_by_offset(btf, enum_name_off(t, i));
		if (n && !strcmp(n, name)) {
			*v = enum_value_at(t, i);
			return 0;
		}
	}
	return -1;
}
