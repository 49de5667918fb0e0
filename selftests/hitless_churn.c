// SPDX-License-Identifier: GPL-2.0
/*
 * hitless_churn SWAPS BATCHES [SECONDS]: change a live graph the way a
 * busy controller does, for hitless_proof.sh, which keeps traffic flowing
 * through it. The changes are spread over SECONDS (default 0: as fast as
 * the kernel takes them), so that plenty of packets meet every one.
 *
 * The graph it expects: module "e" with 2 ports, its port 1 linked to port 0
 * of "sinkA"; "sinkB" with a free port 0; no module "scratch".
 *
 * Hot swaps: e's program alternates between one that forwards (OUT(1)) and
 * one that passes (PASS), each swap expecting the program it replaces.
 * Transactions, one after every SWAPS / BATCHES swaps, alternately:
 *   link del e:1, link add e:1 sinkB:0, module add scratch,
 *     link add scratch:0 sinkA:0
 *   module del scratch, link del e:1, link add e:1 sinkA:0
 * each expecting the generation it was built against. The link out of e:1
 * is taken down and put up again in every one: only if the batch is atomic
 * does no packet ever find e:1 unlinked (err_port stays 0).
 *
 * Prints what it did and how fast; exits 1 at the first refusal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nl_lib.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep until t0 + at, if that is still ahead. */
static void pace(double t0, double at)
{
	double left = t0 + at - now();
	struct timespec ts;

	if (left <= 0)
		return;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static int swap(struct nl *nl, int fd, uint32_t expect)
{
	struct ack ack;
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_SET, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "e");
	put_u32(&m, IOV_ATTR_PROG_FD, fd);
	put_u32(&m, IOV_ATTR_EXPECT_PROG_ID, expect);
	if (nl_call(nl, &m, NULL, NULL, &ack)) {
		fprintf(stderr, "swap refused: %s (%s)\n", strerror(-ack.error), ack.msg);
		return -1;
	}
	return 0;
}

static void op_begin(struct msg *m, uint32_t cmd)
{
	nest_start(m, IOV_ATTR_OP);
	put_u32(m, IOV_ATTR_OP_CMD, cmd);
}

static void op_link(struct msg *m, uint32_t cmd, const char *a, const char *b)
{
	op_begin(m, cmd);
	put_end_port(m, IOV_ATTR_LINK_A, a, a[0] == 'e');
	if (b)
		put_end_port(m, IOV_ATTR_LINK_B, b, 0);
	nest_end(m);
}

/* Batch k: even ones move e:1 to sinkB and add scratch, odd ones undo it. */
static int batch(struct nl *nl, int k, int scratch_fd)
{
	uint64_t gen;
	uint32_t hops;
	struct ack ack;
	struct msg m;

	if (iov_get_graph(nl, &gen, &hops)) {
		fprintf(stderr, "cannot read the graph\n");
		return -1;
	}
	msg_init(&m, nl->family, IOV_CMD_BATCH, NLM_F_ACK);
	put_u64(&m, IOV_ATTR_GENERATION, gen);
	nest_start(&m, IOV_ATTR_OPS);
	if (k % 2 == 0) {
		op_link(&m, IOV_CMD_LINK_DEL, "e", NULL);
		op_link(&m, IOV_CMD_LINK_NEW, "e", "sinkB");
		op_begin(&m, IOV_CMD_MODULE_NEW);
		put_str(&m, IOV_ATTR_MODULE_NAME, "scratch");
		put_u32(&m, IOV_ATTR_PROG_FD, scratch_fd);
		nest_end(&m);
		op_link(&m, IOV_CMD_LINK_NEW, "scratch", "sinkA");
	} else {
		op_begin(&m, IOV_CMD_MODULE_DEL);
		put_str(&m, IOV_ATTR_MODULE_NAME, "scratch");
		nest_end(&m);
		op_link(&m, IOV_CMD_LINK_DEL, "e", NULL);
		op_link(&m, IOV_CMD_LINK_NEW, "e", "sinkA");
	}
	nest_end(&m);
	if (nl_call(nl, &m, NULL, NULL, &ack)) {
		fprintf(stderr, "batch %d refused: %s (%s)\n", k, strerror(-ack.error), ack.msg);
		return -1;
	}
	return 0;
}

/* How many packets e has run so far; 0 if it cannot say. */
static uint64_t e_packets(struct nl *nl)
{
	struct iov_mod_info *mi = calloc(1, sizeof(*mi));
	uint64_t n = 0;

	if (mi && !iov_get_module(nl, "e", 0, mi))
		n = mi->stats[IOV_STATS_PACKETS];
	free(mi);
	return n;
}

int main(int argc, char **argv)
{
	int swaps, batches, every, fds[2], i, k = 0, err;
	double t0, swap_time = 0, batch_time = 0, t, seconds = 0;
	uint64_t packets;
	uint32_t ids[2];
	struct nl nl;

	if (argc < 3 || argc > 4 || (swaps = atoi(argv[1])) < 1 ||
	    (batches = atoi(argv[2])) < 1 || (argc == 4 && (seconds = atof(argv[3])) < 0)) {
		fprintf(stderr, "usage: %s SWAPS BATCHES [SECONDS]\n", argv[0]);
		return 2;
	}
	err = nl_open(&nl);
	if (err) {
		fprintf(stderr, "iovisor netlink: %s\n", strerror(-err));
		return 1;
	}
	fds[0] = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, IOV_OUT(1));
	fds[1] = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, IOV_PASS);
	if (fds[0] < 0 || fds[1] < 0) {
		fprintf(stderr, "cannot load the programs: %s\n", strerror(errno));
		return 1;
	}
	ids[0] = prog_id_of(fds[0]);
	ids[1] = prog_id_of(fds[1]);
	every = swaps / batches ? swaps / batches : 1;

	/* The first swap expects whatever e runs now: take it with no check. */
	if (module_set_prog(&nl, "e", fds[0], NULL))
		return 1;
	packets = e_packets(&nl);
	t0 = now();
	for (i = 1; i <= swaps; i++) {
		pace(t0, seconds * (i - 1) / swaps);
		t = now();
		if (swap(&nl, fds[i % 2], ids[(i - 1) % 2]))
			return 1;
		swap_time += now() - t;
		if (i % every == 0 && k < batches) {
			t = now();
			if (batch(&nl, k++, fds[1]))
				return 1;
			batch_time += now() - t;
		}
	}
	while (k < batches) {
		t = now();
		if (batch(&nl, k++, fds[1]))
			return 1;
		batch_time += now() - t;
	}
	t = now() - t0;
	packets = e_packets(&nl) - packets;
	printf("swaps %d in %.2f s (%.0f/s), batches %d in %.2f s (%.0f/s); "
	       "%llu packets through e in those %.2f s\n",
	       swaps, swap_time, swaps / swap_time, batches, batch_time,
	       batches / batch_time, (unsigned long long)packets, t);
	return 0;
}
