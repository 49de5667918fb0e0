// SPDX-License-Identifier: GPL-2.0
/*
 * Module sources. The path comes first and may hold blanks, so a source is
 * read from its end: the last " sec " or " prog " starts the choice of
 * program (section and function names have no blanks).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ivctl.h"
#include "source.h"

int source_of(const struct iov_prog_spec *spec, const struct iov_prog *prog,
	      char buf[IOV_SOURCE_LEN])
{
	char path[PATH_MAX];
	int n;

	buf[0] = '\0';
	if (!realpath(spec->path, path)) {
		fprintf(stderr, "Warning: cannot resolve %s: the module gets no source\n",
			spec->path);
		return -1;
	}
	if (spec->prog)
		n = snprintf(buf, IOV_SOURCE_LEN, "obj %s prog %s", path,
			     bpf_program__name(prog->prog));
	else
		n = snprintf(buf, IOV_SOURCE_LEN, "obj %s sec %s", path,
			     bpf_program__section_name(prog->prog));
	if (n >= IOV_SOURCE_LEN) {
		buf[0] = '\0';
		fprintf(stderr, "Warning: the path %s is too long to keep: the module gets no source\n",
			path);
		return -1;
	}
	return 0;
}

/* The last " KEY " in s, or NULL. */
static char *last_key(char *s, const char *key)
{
	char *hit = NULL, *p = s;

	while ((p = strstr(p, key))) {
		hit = p;
		p++;
	}
	return hit;
}

int source_parse(const char *source, struct source_parts *parts)
{
	char *copy, *sec, *prog, *cut;

	memset(parts, 0, sizeof(*parts));
	if (strncmp(source, "obj ", 4) || !source[4])
		return -1;
	copy = strdup(source + 4);
	if (!copy)
		return -1;
	sec = last_key(copy, " sec ");
	prog = last_key(copy, " prog ");
	cut = sec > prog ? sec : prog;
	if (cut) {
		*cut = '\0';
		if (cut == sec)
			parts->sec = strdup(cut + strlen(" sec "));
		else
			parts->prog = strdup(cut + strlen(" prog "));
	}
	parts->obj = copy;
	if (!copy[0] || (cut && !parts->sec && !parts->prog)) {
		source_parts_free(parts);
		return -1;
	}
	return 0;
}

void source_parts_free(struct source_parts *parts)
{
	free(parts->obj);
	free(parts->sec);
	free(parts->prog);
	memset(parts, 0, sizeof(*parts));
}
