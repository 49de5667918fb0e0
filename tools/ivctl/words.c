// SPDX-License-Identifier: GPL-2.0
/* Splitting lines into words; see words.h for the rules. */
#include <stdlib.h>
#include <string.h>

#include "ivctl.h"
#include "words.h"

static int push(struct words *w, char *word)
{
	char **argv = realloc(w->argv, (w->argc + 2) * sizeof(*argv));

	if (!argv)
		return error("out of memory");
	w->argv = argv;
	w->argv[w->argc++] = word;
	w->argv[w->argc] = NULL;
	return 0;
}

/* Copy one word from *in to *out, without its quotes. */
static int one_word(const char **in, char **out, const char *where)
{
	const char *p = *in;
	char *o = *out, quote;

	while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
		if (*p != '"' && *p != '\'') {
			*o++ = *p++;
			continue;
		}
		quote = *p++;
		while (*p && *p != quote)
			*o++ = *p++;
		if (!*p)
			return error("%s: a %c quote is not closed", where, quote);
		p++;
	}
	*o++ = '\0';
	*in = p;
	*out = o;
	return 0;
}

int words_split(const char *line, const char *where, struct words *w)
{
	const char *p = line;
	char *o;

	memset(w, 0, sizeof(*w));
	w->buf = malloc(strlen(line) + 1);
	if (!w->buf || push(w, NULL))
		goto nomem;
	w->argc = 0;
	o = w->buf;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			return 0;
		if (push(w, o))
			goto fail;
		if (one_word(&p, &o, where))
			goto fail;
	}
nomem:
	error("out of memory");
fail:
	words_free(w);
	return -1;
}

void words_free(struct words *w)
{
	free(w->argv);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}
