/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ivctl: what the subsystem files share. Every command returns 0 on success
 * or -1 after it has told the user why on stderr; main turns that into the
 * exit status (0 or 1).
 */
#ifndef IVCTL_H
#define IVCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct ivctl_opts {
	bool json;	/* -j: JSON on stdout instead of text */
	bool stats;	/* -s: add counters to show commands */
	bool verbose;	/* -v: say what apply and replace do */
	bool dry_run;	/* --dry-run: changes are checked, not made */
	bool has_generation;	/* -g GEN: changes expect the graph at GEN */
	uint64_t generation;
};
extern struct ivctl_opts opts;

struct ivctl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
};

/* An object of the grammar: `ivctl OBJECT COMMAND args`. */
struct ivctl_object {
	const char *name;
	const struct ivctl_cmd *cmds;	/* in abbreviation priority order;
					 * NULL: dflt takes every argument */
	int (*dflt)(int argc, char **argv);	/* run when no command is given */
	void (*usage)(FILE *f);
};

extern const struct ivctl_object module_object;
extern const struct ivctl_object link_object;
extern const struct ivctl_object graph_object;
extern const struct ivctl_object map_object;
extern const struct ivctl_object monitor_object;
extern const struct ivctl_object batch_object;
extern const struct ivctl_object apply_object;
extern const struct ivctl_object dump_object;

/* Run one command line, OBJECT COMMAND ARGS, as main does (ivctl batch). */
int ivctl_run(int argc, char **argv);

/* Is arg a non-empty prefix of word? How `ivctl mod sh` finds its way. */
bool matches(const char *arg, const char *word);

/* "Error: <fmt>" and the usage on stderr; returns -1. */
int usage_error(void (*usage)(FILE *f), const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "Error: <fmt>" on stderr; returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A whole decimal (or 0x hex) number that fits; no sign, no junk. */
int parse_u32(const char *s, uint32_t *val);

/*
 * A whole number, decimal or 0x hex, maybe with a leading '-'; *negative
 * tells whether it had one (then *val is its magnitude). Returns 0; -1
 * for junk or an empty string; -2 for a magnitude past 64 bits.
 */
int parse_number(const char *s, uint64_t *val, bool *negative);

/*
 * An object named by the user: REF := { NAME | name NAME | id ID }.
 * "name" lets an object be called "id" or "name".
 */
struct obj_ref {
	const char *name;
	bool by_id;
	uint32_t id;
};

/*
 * Parse the REF at argv[*i] and leave *i on its last word; what says what
 * it refers to in messages ("module", "map"). 0 or -1 (printed with usage).
 */
int obj_ref_parse(void (*usage)(FILE *f), const char *what, int argc,
		  char **argv, int *i, struct obj_ref *ref);

/* The REF as the user wrote it: "sw" or "id 3". */
void obj_ref_format(const struct obj_ref *ref, char *buf, size_t len);

/* Step to the value of keyword argv[*i]; fails if there is none. */
#define NEXT_ARG(usage, i, argc, argv)					\
	do {								\
		if (++(i) >= (argc))					\
			return usage_error(usage, "\"%s\" needs a value", \
					   (argv)[(i) - 1]);		\
	} while (0)

#endif /* IVCTL_H */
