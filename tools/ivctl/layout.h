/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of a map's keys or values, and their text and JSON forms.
 *
 * With BTF every field has the form of its type: integers are numbers
 * (decimal or 0x hex in), the typedefs of iomodules/iov_types.h are a MAC,
 * an IPv4 address or a network-order number, char arrays are strings, other
 * arrays "[ ELEMENT ... ]", a struct "FIELD VALUE ..." (braced when nested:
 * "{ FIELD VALUE ... }"). The text form is what the parser reads back, so
 * `map show` prints what `map update` takes.
 *
 * Without BTF a key or value is "hex BYTE ...", except that an array's key
 * is always its index.
 */
#ifndef IVCTL_LAYOUT_H
#define IVCTL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

enum layout_kind {
	LAYOUT_BTF,	/* by type_id in btf */
	LAYOUT_INDEX,	/* an unsigned number: an array's index */
	LAYOUT_HEX,	/* raw bytes */
};

struct layout {
	enum layout_kind kind;
	const struct btf *btf;
	uint32_t type_id;
	uint32_t size;		/* bytes of one key or value */
};

/*
 * Choose the layout: BTF if btf has type_id and ivctl knows every type in
 * it, else an index if is_index, else hex.
 */
void layout_init(struct layout *l, const struct btf *btf, uint32_t type_id,
		 uint32_t size, bool is_index);

/* How the layout is called in `map show MODULE`: "struct route", "u32". */
void layout_name(const struct layout *l, char *buf, size_t len);

/*
 * Parse all of argv into buf (l->size bytes, zeroed here first). what
 * names it in messages ("key", "value"). 0 or -1 (printed).
 */
int layout_parse(const struct layout *l, const char *what, int argc,
		 char **argv, void *buf);

/*
 * A stored value: one copy, or one per CPU stride bytes apart (per-CPU
 * maps), whose integer fields are shown summed.
 */
struct stored {
	const uint8_t *data;
	size_t stride;
	int ncpus;
};

/* Print v: its text words, or the JSON member key (NULL in an array). */
void layout_print(const struct layout *l, const char *key,
		  const struct stored *v);

/* Text output: words separated by one space, lines ended by text_end_line. */
void text_word(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void text_end_line(void);

#endif /* IVCTL_LAYOUT_H */
