/* SPDX-License-Identifier: GPL-2.0 */
/* Loading an IO module's program from an ELF object with libbpf. */
#ifndef IVCTL_BPFLOAD_H
#define IVCTL_BPFLOAD_H

/* The ELF section ivctl looks for when none is named. */
#define IOV_ELF_SECTION "iov"

struct bpf_object;

struct iov_prog_spec {
	const char *path;	/* the ELF object */
	const char *sec;	/* pick the program by section name ... */
	const char *prog;	/* ... or by function name; else the default */
	const char *pin_maps;	/* pin the object's maps in this bpffs dir */
	/* If set, called between open and load (module replace reuses maps). */
	int (*prepare)(struct bpf_object *obj, void *ctx);
	void *prepare_ctx;
};

struct iov_prog {
	struct bpf_object *obj;
	struct bpf_program *prog;	/* the chosen one */
	int fd;			/* the loaded program, owned by obj */
};

/*
 * Open spec->path, load the chosen program as BPF_PROG_TYPE_SCHED_CLS (the
 * verifier's log goes to stderr if it refuses) and pin the maps if asked.
 * 0 or -1 (printed).
 */
int iov_prog_load(const struct iov_prog_spec *spec, struct iov_prog *prog);

/* Undo the pinning when the kernel module refused the program. */
void iov_prog_unpin(const struct iov_prog_spec *spec, struct iov_prog *prog);

/* Close the object; the kernel module keeps its own program reference. */
void iov_prog_close(struct iov_prog *prog);

#endif /* IVCTL_BPFLOAD_H */
