// SPDX-License-Identifier: GPL-2.0
/*
 * ELF loading. The program type is forced to SCHED_CLS whatever the section
 * says, since that is the only type the kernel module runs; only the chosen
 * program is loaded, so an object may carry other programs (say, a tc
 * version of the same code) that would not verify as IO modules.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpfload.h"
#include "ivctl.h"

/* libbpf's warnings carry the verifier log; its chatter stays quiet. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* libbpf has errno values of its own (bad ELF ...) that strerror lacks. */
static const char *bpf_strerror(int err)
{
	static char buf[128];

	libbpf_strerror(err, buf, sizeof(buf));
	return buf;
}

static bool is_chosen(struct bpf_program *p, const struct iov_prog_spec *spec)
{
	if (spec->sec)
		return !strcmp(bpf_program__section_name(p), spec->sec);
	return !strcmp(bpf_program__name(p), spec->prog);
}

/* By sec or prog if given; else the first in IOV_ELF_SECTION, else the first. */
static struct bpf_program *choose(struct bpf_object *obj,
				  const struct iov_prog_spec *spec)
{
	struct bpf_program *p, *first = NULL;

	bpf_object__for_each_program(p, obj) {
		if (spec->sec || spec->prog) {
			if (is_chosen(p, spec))
				return p;
			continue;
		}
		if (!strcmp(bpf_program__section_name(p), IOV_ELF_SECTION))
			return p;
		if (!first)
			first = p;
	}
	return first;
}

static int no_program(const struct iov_prog_spec *spec)
{
	if (spec->sec)
		return error("%s: no program in section \"%s\"", spec->path,
			     spec->sec);
	if (spec->prog)
		return error("%s: no program \"%s\"", spec->path, spec->prog);
	return error("%s: no program", spec->path);
}

static int load(struct bpf_object *obj, struct bpf_program *chosen,
		const struct iov_prog_spec *spec)
{
	struct bpf_program *p;
	int err;

	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == chosen);
	bpf_program__set_type(chosen, BPF_PROG_TYPE_SCHED_CLS);
	err = bpf_object__load(obj);
	if (err == -EACCES)
		return error("%s: the verifier refused program \"%s\" (its log is above)",
			     spec->path, bpf_program__name(chosen));
	if (err)
		return error("%s: cannot load program \"%s\": %s", spec->path,
			     bpf_program__name(chosen), bpf_strerror(err));
	if (!spec->pin_maps)
		return 0;
	err = bpf_object__pin_maps(obj, spec->pin_maps);
	if (err)
		return error("%s: cannot pin maps in %s: %s", spec->path,
			     spec->pin_maps, bpf_strerror(err));
	return 0;
}

int iov_prog_load(const struct iov_prog_spec *spec, struct iov_prog *prog)
{
	struct bpf_program *chosen;

	libbpf_set_print(print_libbpf);
	prog->prog = NULL;
	prog->fd = -1;
	prog->obj = bpf_object__open_file(spec->path, NULL);
	if (!prog->obj)
		return error("cannot open %s: %s", spec->path, bpf_strerror(errno));
	chosen = choose(prog->obj, spec);
	if (!chosen) {
		no_program(spec);
		goto fail;
	}
	if (spec->prepare && spec->prepare(prog->obj, spec->prepare_ctx))
		goto fail;
	if (load(prog->obj, chosen, spec))
		goto fail;
	prog->prog = chosen;
	prog->fd = bpf_program__fd(chosen);
	return 0;
fail:
	iov_prog_close(prog);
	return -1;
}

void iov_prog_unpin(const struct iov_prog_spec *spec, struct iov_prog *prog)
{
	if (!spec->pin_maps)
		return;
	bpf_object__unpin_maps(prog->obj, spec->pin_maps);
	rmdir(spec->pin_maps);	/* libbpf made it; fails harmlessly if not empty */
}

void iov_prog_close(struct iov_prog *prog)
{
	bpf_object__close(prog->obj);
	prog->obj = NULL;
	prog->prog = NULL;
	prog->fd = -1;
}
