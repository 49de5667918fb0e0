// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl: configure iovisor, the IO module hypervisor.
 *
 * The grammar follows iproute2: `ivctl [OPTIONS] OBJECT COMMAND [ARGS]`, with
 * objects and commands abbreviable. This file holds option parsing, the
 * object table and the dispatch; each object lives in its own file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iovisor.h>

#include "ivctl.h"

struct ivctl_opts opts;

static const struct ivctl_object *const objects[] = {
	&module_object,
	&link_object,
	&graph_object,
	&map_object,
	&monitor_object,
	&batch_object,
	&apply_object,
	&dump_object,
};

static void usage(FILE *f)
{
	fputs("Usage: ivctl [ OPTIONS ] OBJECT { COMMAND | help }\n"
	      "       ivctl [ OPTIONS ] { batch FILE | apply FILE | dump }\n"
	      "       ivctl [ -V | -h ]\n"
	      "where  OBJECT := { module | link | graph | map | monitor }\n"
	      "       OPTIONS := { -j[son] | -s[tats] | -v[erbose] | --dry-run |\n"
	      "                    -g[eneration] GEN | -V[ersion] | -h[elp] }\n",
	      f);
}

bool matches(const char *arg, const char *word)
{
	size_t len = strlen(arg);

	return len > 0 && len <= strlen(word) && !strncmp(arg, word, len);
}

static void verror(const char *fmt, va_list ap)
{
	fputs("Error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return -1;
}

int usage_error(void (*usage)(FILE *f), const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	usage(stderr);
	return -1;
}

/* Base 10 unless "0x": a leading zero does not make "010" octal. */
int parse_number(const char *s, uint64_t *val, bool *negative)
{
	unsigned long long v;
	int base = 10;
	char *end;

	*negative = s[0] == '-';
	if (*negative)
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull would take spaces, a sign or an empty string. */
	if (!isxdigit((unsigned char)s[0]) || (base == 10 && !isdigit((unsigned char)s[0])))
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end)
		return -1;
	if (errno)
		return -2;
	*val = v;
	return 0;
}

int parse_u32(const char *s, uint32_t *val)
{
	bool negative;
	uint64_t v;

	if (parse_number(s, &v, &negative) || negative || v > UINT32_MAX)
		return -1;
	*val = v;
	return 0;
}

int obj_ref_parse(void (*usage)(FILE *f), const char *what, int argc,
		  char **argv, int *i, struct obj_ref *ref)
{
	memset(ref, 0, sizeof(*ref));
	if (*i >= argc)
		return usage_error(usage, "a %s is required", what);
	if (strcmp(argv[*i], "id") && strcmp(argv[*i], "name")) {
		ref->name = argv[*i];
		return 0;
	}
	ref->by_id = argv[*i][0] == 'i';
	NEXT_ARG(usage, *i, argc, argv);
	if (!ref->by_id)
		ref->name = argv[*i];
	else if (parse_u32(argv[*i], &ref->id))
		return usage_error(usage, "invalid %s id \"%s\"", what, argv[*i]);
	return 0;
}

void obj_ref_format(const struct obj_ref *ref, char *buf, size_t len)
{
	if (ref->by_id)
		snprintf(buf, len, "id %u", ref->id);
	else
		snprintf(buf, len, "%s", ref->name);
}

/* -g GEN: the generation every change expects. */
static int parse_generation(int argc, char **argv, int i)
{
	bool negative;

	if (i + 1 >= argc)
		return usage_error(usage, "\"%s\" needs a generation", argv[i]);
	if (parse_number(argv[i + 1], &opts.generation, &negative) || negative)
		return usage_error(usage, "invalid generation \"%s\"", argv[i + 1]);
	opts.has_generation = true;
	return 2;
}

/*
 * Recognise the option at argv[i]; "--json" works as well as "-json" and
 * "-j". The number of words it took (an option with a value takes two), 0
 * if it is none, or -1 (printed).
 */
static int parse_option(int argc, char **argv, int i)
{
	const char *arg = argv[i];
	const char *opt = arg + 1 + (arg[1] == '-');

	if (matches(opt, "json")) {
		opts.json = true;
	} else if (matches(opt, "stats") || matches(opt, "statistics")) {
		opts.stats = true;
	} else if (matches(opt, "verbose")) {
		opts.verbose = true;
	} else if (matches(opt, "dry-run")) {
		opts.dry_run = true;
	} else if (matches(opt, "generation")) {
		return parse_generation(argc, argv, i);
	} else if (matches(opt, "Version")) {
		printf("ivctl %s (iovisor generic netlink v%d)\n",
		       IVCTL_VERSION, IOV_GENL_VERSION);
		exit(0);
	} else if (matches(opt, "help")) {
		usage(stdout);
		exit(0);
	} else {
		return 0;
	}
	return 1;
}

/*
 * Options may also follow the command (`ivctl link show -s`): take out the
 * exact spellings before "--". Anything else stays an argument, so a typo
 * fails as an unknown argument of its command. The new count, or -1.
 */
static int strip_late_options(int argc, char **argv)
{
	int i, n = 0, took;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (++i < argc)
				argv[n++] = argv[i];
			break;
		}
		took = argv[i][0] == '-' && argv[i][1] ? parse_option(argc, argv, i) : 0;
		if (took < 0)
			return -1;
		if (took) {
			i += took - 1;
			continue;
		}
		argv[n++] = argv[i];
	}
	return n;
}

static int run_object(const struct ivctl_object *obj, int argc, char **argv)
{
	const struct ivctl_cmd *cmd;

	if (argc && matches(argv[0], "help")) {
		obj->usage(stdout);
		return 0;
	}
	if (argc == 0 || !obj->cmds)
		return obj->dflt(argc, argv);
	for (cmd = obj->cmds; cmd->name; cmd++)
		if (matches(argv[0], cmd->name))
			return cmd->run(argc - 1, argv + 1);
	return usage_error(obj->usage, "unknown command \"%s\" for object \"%s\"",
			   argv[0], obj->name);
}

int ivctl_run(int argc, char **argv)
{
	size_t i;
	int n;

	if (matches(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (matches(argv[0], objects[i]->name)) {
			n = strip_late_options(argc - 1, argv + 1);
			return n < 0 ? -1 : run_object(objects[i], n, argv + 1);
		}
	return usage_error(usage, "unknown object \"%s\"", argv[0]);
}

int main(int argc, char **argv)
{
	int took;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (!strcmp(argv[0], "--")) {
			argc--;
			argv++;
			break;
		}
		took = parse_option(argc, argv, 0);
		if (!took)
			usage_error(usage, "unknown option \"%s\"", argv[0]);
		if (took <= 0)
			return 1;
		argc -= took;
		argv += took;
	}
	if (argc == 0) {
		usage(stderr);
		return 1;
	}
	return ivctl_run(argc, argv) ? 1 : 0;
}
