/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOV_ATTR_SOURCE as ivctl writes it: where a module's program came from,
 * in the words of `module add`, "obj /abs/path.bpf.o sec iov" or
 * "obj /abs/path.bpf.o prog NAME". The kernel keeps it and never reads it;
 * `ivctl dump` turns it back into a topology file and `ivctl apply` compares
 * it to decide whether a module needs its program replaced.
 */
#ifndef IVCTL_SOURCE_H
#define IVCTL_SOURCE_H

#include <stddef.h>

#include <linux/iovisor.h>

#include "bpfload.h"

/*
 * The source of prog, loaded from spec: the object's absolute path and the
 * section of the chosen program (or its name if spec chose by name). 0, or
 * -1 with a warning when it does not fit IOV_SOURCE_LEN: the module is then
 * made without one.
 */
int source_of(const struct iov_prog_spec *spec, const struct iov_prog *prog,
	      char buf[IOV_SOURCE_LEN]);

/* The parts of a source; NULL for what it lacks. 0, or -1 if it is not ours. */
struct source_parts {
	char *obj;
	char *sec;
	char *prog;
};
int source_parse(const char *source, struct source_parts *parts);
void source_parts_free(struct source_parts *parts);

#endif /* IVCTL_SOURCE_H */
