/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking the BTF of a map's key and value: what a type really is under its
 * typedefs and qualifiers, the fields of a struct, and integer fields read
 * and written at any bit offset.
 */
#ifndef IVCTL_BTFWALK_H
#define IVCTL_BTFWALK_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/btf.h>

/* How a value is written, chosen by a typedef name (iomodules/iov_types.h). */
enum btf_form {
	FORM_PLAIN,	/* as its type says */
	FORM_MAC,	/* iov_mac_t: "02:00:00:00:00:01" */
	FORM_IP4,	/* iov_ip4_t: "10.0.0.1", network order in the map */
	FORM_BE,	/* iov_be16_t, __be16, __be32, __be64: a number, network order */
};

struct btf_resolved {
	uint32_t id;
	const struct btf_type *t;	/* no typedef, no qualifier */
	enum btf_form form;		/* of the outermost typedef that has one */
};

/* 0, or -1 for a broken type id. */
int btf_resolve(const struct btf *btf, uint32_t id, struct btf_resolved *r);

/* A member of a struct or union, or a variable of a DATASEC. */
struct btf_field {
	const char *name;	/* "" for an anonymous struct or union */
	uint32_t type;
	uint32_t bit_off;	/* from the start of the container */
	uint32_t bits;		/* bitfield width; 0 if not a bitfield */
};

bool btf_has_fields(const struct btf_type *t);
int btf_field_count(const struct btf_type *t);
void btf_field_at(const struct btf *btf, const struct btf_type *t, int idx,
		  struct btf_field *f);

/* A struct or union member without a name, whose fields are its parent's. */
bool btf_field_is_inline(const struct btf *btf, const struct btf_field *f);

/* An array of char: a string. */
bool btf_is_string(const struct btf *btf, const struct btf_type *array);

/* INT, ENUM, ENUM64 or PTR. */
bool btf_is_integer(const struct btf_type *t);
bool btf_integer_signed(const struct btf_type *t);

/* Where an integer field lives and how it is stored. */
struct btf_int {
	uint32_t bit_off;
	uint32_t bits;		/* its width: 8 * size, or the bitfield's */
	bool bitfield;
	bool is_signed;
	bool big_endian;
};

void btf_int_of(const struct btf_resolved *r, uint32_t bit_off,
		uint32_t bitfield, struct btf_int *in);

/* The raw value, zero-extended. */
uint64_t btf_int_get(const uint8_t *base, const struct btf_int *in);
int64_t btf_int_sext(uint64_t raw, uint32_t bits);
/* Store the low in->bits bits of v. */
void btf_int_put(uint8_t *base, const struct btf_int *in, uint64_t v);

/* The enumerator of value v, or NULL. */
const char *btf_enum_name(const struct btf *btf, const struct btf_type *t,
			  uint64_t v);
/* The value of enumerator name; 0, or -1 if there is none. */
int btf_enum_value(const struct btf *btf, const struct btf_type *t,
		   const char *name, uint64_t *v);

#endif /* IVCTL_BTFWALK_H */
