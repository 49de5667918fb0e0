// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl batch FILE: several changes, one transaction. Each line is a change
 * command in ivctl's own words, without "ivctl":
 *
 *   module add sw obj switch.bpf.o ports 4
 *   link add sw:0 dev veth0
 *   module replace r obj router-v2.bpf.o
 *   graph set hops 16
 *
 * Every line is parsed and turned into its request first (programs loaded,
 * maps taken over), then all go to the kernel in one IOV_CMD_BATCH, checked
 * in order against what the lines before leave, and committed with one
 * graph swap, or none is. A refusal names the line.
 */
#include <stdlib.h>
#include <string.h>

#include "ivctl.h"
#include "txn.h"
#include "words.h"

/* The commands a batch may hold: those that change the graph. */
static const struct {
	const char *object;
	const char *cmds[4];
} changes[] = {
	{ "module",	{ "add", "delete", "replace", "pin" } },
	{ "link",	{ "add", "delete" } },
	{ "graph",	{ "set" } },
};

static void batch_usage(FILE *f)
{
	fputs("Usage: ivctl [ --dry-run ] [ -g GEN ] batch { FILE | - }\n"
	      "where  each line of FILE is one of\n"
	      "         module { add | del | replace | pin } ...\n"
	      "         link { add | del } ...\n"
	      "         graph set hops N\n"
	      "       as ivctl takes them; '#' starts a comment\n",
	      f);
}

static bool is_change(const struct words *w)
{
	size_t i, j;

	if (w->argc < 2)
		return false;
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		if (!matches(w->argv[0], changes[i].object))
			continue;
		for (j = 0; j < 4 && changes[i].cmds[j]; j++)
			if (matches(w->argv[1], changes[i].cmds[j]))
				return true;
	}
	return false;
}

/* Take one line into the batch; 0 or -1 (printed). */
static int batch_line(const char *file, int n, const char *line)
{
	char where[512], label[1024];
	size_t before = txn_count();
	struct words w;
	int err = 0;

	snprintf(where, sizeof(where), "%s:%d", file, n);
	if (words_split(line, where, &w))
		return -1;
	if (!w.argc)
		goto out;
	snprintf(label, sizeof(label), "%s: %.*s", where,
		 (int)strcspn(line, "\r\n"), line);
	txn_label(label);
	if (!is_change(&w))
		err = error("%s: not a change a batch can hold", label);
	else if (ivctl_run(w.argc, w.argv))
		err = error("%s: the line above is wrong; nothing was changed", where);
	else if (txn_count() != before + 1)
		err = error("%s: not a change a batch can hold", label);
out:
	words_free(&w);
	return err;
}

static int batch_lines(const char *file, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0, err = 0;

	while (!err && getline(&line, &cap, f) >= 0)
		err = batch_line(file, ++n, line);
	free(line);
	if (!err && ferror(f))
		err = error("cannot read %s", file);
	return err;
}

static int batch(int argc, char **argv)
{
	const char *file;
	FILE *f;
	int err;

	if (argc != 1)
		return usage_error(batch_usage, argc ? "one FILE only" :
				   "a FILE (or - for stdin) is required");
	file = strcmp(argv[0], "-") ? argv[0] : "<stdin>";
	f = strcmp(argv[0], "-") ? fopen(argv[0], "r") : stdin;
	if (!f)
		return error("cannot open %s: %m", argv[0]);
	err = txn_begin() ?: batch_lines(file, f);
	if (f != stdin)
		fclose(f);
	if (err) {
		txn_abort();
		return -1;
	}
	if (!txn_count()) {
		txn_abort();
		return 0;	/* nothing asked, nothing to change */
	}
	return txn_commit();
}

const struct ivctl_object batch_object = {
	.name	= "batch",
	.dflt	= batch,
	.usage	= batch_usage,
};
