// SPDX-License-Identifier: GPL-2.0
/*
 * churn_traffic: the graph changes as fast as several writers can change
 * it while pktgen pushes packets into it, and nothing breaks.
 *
 *   churn_traffic [-n OPS] [-s SEED] [-j WRITERS]
 *
 *   -n OPS      requests in all (env IOVISOR_CHURN_OPS; default 10000,
 *               under a minute under TCG)
 *   -s SEED     decimal or 0x-hex (env IOVISOR_CHURN_SEED; default from the
 *               clock), printed at the start
 *   -j WRITERS  concurrent writers, each a process with its own socket
 *               (env IOVISOR_CHURN_WRITERS; default 3)
 *   env IOVISOR_CHURN_DELAY_NS: pktgen's gap between packets, per device
 *               (default 500000: up to 2000 packets a second each; at least
 *               10000, as with none pktgen serves one device per thread)
 *
 * In a network namespace of its own, pktgen injects packets (xmit_mode
 * netif_receive) into six dummy devices. ct0..ct3 are linked to edge
 * modules e0..e3, which stay; ct4 and ct5 are linked and unlinked by the
 * writers. The writers add modules c0..c11 (pass, drop, out 0, out 1 or
 * flood programs, 2 to 4 ports), hot-swap the programs of every module
 * (IOV_CMD_MODULE_SET, sometimes with the program id they expect), link and
 * unlink module ports, edges and devices, delete modules, set the hop
 * budget, and send batches of all that; each writer its own socket. A reader
 * dumps the graph all along and checks that each dump the kernel does not
 * flag NLM_F_DUMP_INTR is one snapshot (peers point back), that every
 * module's counters add up (as nearly as counters read while counting can:
 * exactly once traffic stops) and that no packet ever met a verdict it could
 * not know (every program returns a valid one, old or new: err_verdict
 * stays 0). Each edge must have counted exactly the packets pktgen put
 * into its device, swaps and graph replacements notwithstanding.
 *
 * Then, with pktgen stopped: the whole graph is consistent (see
 * iov_graph_check() in nl_lib.c), the edges counted packets, everything is
 * deleted, every device links again (its rx handler was released), every
 * program is freed once its fds are closed. Prints the requests made, what
 * they got, and the packets seen.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "nl_lib.h"

#define KSFT_PASS	0
#define KSFT_FAIL	1

#define MAX_WRITERS	8
#define MAX_ERRNO	150
#define NPOOL		12		/* churned modules c0..c11 */
#define NEDGE		4		/* edge modules e0..e3, on ct0..ct3 */
#define TIMEOUT_S	30

static uint64_t opt_ops = 10000;
static uint64_t opt_seed;
static int opt_writers = 3;
static unsigned long opt_delay_ns = 500000;	/* between packets, per device */

enum { P_PASS, P_DROP, P_OUT0, P_OUT1, P_FLOOD, NPROGS };
static const int32_t prog_ret[NPROGS] = {
	IOV_PASS, IOV_DROP, IOV_OUT(0), IOV_OUT(1), IOV_FLOOD,
};
static int progs[NPROGS];
static uint32_t prog_ids[NPROGS];

static const char *const devs[] = { "ct0", "ct1", "ct2", "ct3", "ct4", "ct5" };
#define NDEVS	6

struct shared {
	volatile int stop_reader;
	uint64_t requests, ok, batched_ops, unexpected, no_answer;
	uint64_t by_errno[MAX_ERRNO + 1];
	uint64_t ok_by_cmd[IOV_CMD_MAX + 1];
	uint64_t dumps, reader_problems;
};
static struct shared *shm;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct writer {
	uint64_t rng;
	int idx;
	struct nl nl;
};

static uint32_t rnd(struct writer *w, uint32_t n)
{
	return (uint32_t)(splitmix(&w->rng) % n);
}

static void pool_name(struct writer *w, char *b, size_t n)
{
	snprintf(b, n, "c%u", rnd(w, NPOOL));
}

/* An end that a module port can be linked to or unlinked by. */
static void put_any_end(struct writer *w, struct msg *m, uint16_t type, bool dev_ok)
{
	char name[8];
	uint32_t r = rnd(w, 100);

	if (r < 25) {				/* an edge's inner port */
		snprintf(name, sizeof(name), "e%u", rnd(w, NEDGE));
		put_end_port(m, type, name, 1);
	} else if (r < 85 || !dev_ok) {		/* a churned module's port */
		pool_name(w, name, sizeof(name));
		put_end_port(m, type, name, rnd(w, 4));
	} else {				/* a device the writers own */
		put_end_dev(m, type, devs[4 + rnd(w, 2)]);
	}
}

/* The current program of a module, for MODULE_SET's expectation; 0 if none. */
static uint32_t current_prog(struct writer *w, const char *name)
{
	struct iov_mod_info *mi = malloc(sizeof(*mi));
	uint32_t id = 0;

	if (mi && !iov_get_module(&w->nl, name, 0, mi))
		id = mi->prog_id;
	free(mi);
	return id;
}

/* The attributes of one operation, at the top level or in a batch. */
static uint8_t fill_op(struct writer *w, struct msg *m, bool in_batch)
{
	uint32_t r = rnd(w, 100);
	char name[8];

	if (r < 20) {
		pool_name(w, name, sizeof(name));
		put_str(m, IOV_ATTR_MODULE_NAME, name);
		put_u32(m, IOV_ATTR_PROG_FD, progs[rnd(w, NPROGS)]);
		put_u32(m, IOV_ATTR_NUM_PORTS, 2 + rnd(w, 3));
		return IOV_CMD_MODULE_NEW;
	}
	if (r < 38) {				/* hot swap, edges included */
		if (rnd(w, 3))
			pool_name(w, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "e%u", rnd(w, NEDGE));
		put_str(m, IOV_ATTR_MODULE_NAME, name);
		put_u32(m, IOV_ATTR_PROG_FD, progs[rnd(w, NPROGS)]);
		if (!in_batch && !rnd(w, 4))
			put_u32(m, IOV_ATTR_EXPECT_PROG_ID, current_prog(w, name) ?: 1);
		return IOV_CMD_MODULE_SET;
	}
	if (r < 65) {
		put_any_end(w, m, IOV_ATTR_LINK_A, false);
		put_any_end(w, m, IOV_ATTR_LINK_B, true);
		return IOV_CMD_LINK_NEW;
	}
	if (r < 83) {
		put_any_end(w, m, IOV_ATTR_LINK_A, true);
		return IOV_CMD_LINK_DEL;
	}
	if (r < 95) {
		pool_name(w, name, sizeof(name));
		put_str(m, IOV_ATTR_MODULE_NAME, name);
		return IOV_CMD_MODULE_DEL;
	}
	put_u32(m, IOV_ATTR_HOP_BUDGET, 4 + rnd(w, 61));
	return IOV_CMD_GRAPH_SET;
}

static bool errno_expected(int e)
{
	switch (e) {
	case 0:
	case EEXIST:		/* a module of that name exists */
	case ENOENT:		/* no module of that name */
	case EBUSY:		/* an end is linked */
	case ENOLINK:		/* not linked */
	case ERANGE:		/* the module has fewer ports */
	case ELOOP:		/* a port to itself */
	case ESTALE:		/* another program runs now */
		return true;
	}
	return false;
}

static void one_request(struct writer *w)
{
	struct msg m;
	struct ack ack;
	uint8_t cmd;
	int err, e;

	if (rnd(w, 100) < 12) {
		int n = 2 + rnd(w, 4);

		msg_init(&m, w->nl.family, IOV_CMD_BATCH, NLM_F_ACK);
		nest_start(&m, IOV_ATTR_OPS);
		for (int i = 0; i < n; i++) {
			struct nlattr *op = msg_tail(&m);

			nest_start(&m, IOV_ATTR_OP);
			put_u32(&m, IOV_ATTR_OP_CMD, 0);	/* set below */
			cmd = fill_op(w, &m, true);
			*(uint32_t *)((char *)op + 2 * NLA_HDRLEN) = cmd;
			nest_end(&m);
		}
		nest_end(&m);
		cmd = IOV_CMD_BATCH;
		__atomic_add_fetch(&shm->batched_ops, n, __ATOMIC_RELAXED);
	} else {
		msg_init(&m, w->nl.family, 0, NLM_F_ACK);
		cmd = fill_op(w, &m, false);
		((struct genlmsghdr *)NLMSG_DATA(m.nlh))->cmd = cmd;
	}
	err = nl_call(&w->nl, &m, NULL, NULL, &ack);
	__atomic_add_fetch(&shm->requests, 1, __ATOMIC_RELAXED);
	if (err == -EAGAIN) {
		fprintf(stderr, "# writer %d: no answer within %d s (cmd %u)\n", w->idx,
			TIMEOUT_S, cmd);
		__atomic_add_fetch(&shm->no_answer, 1, __ATOMIC_RELAXED);
		return;
	}
	e = -err;
	__atomic_add_fetch(&shm->by_errno[e >= 0 && e < MAX_ERRNO ? e : MAX_ERRNO], 1,
			   __ATOMIC_RELAXED);
	if (!err)
		__atomic_add_fetch(&shm->ok_by_cmd[cmd], 1, __ATOMIC_RELAXED);
	if (!errno_expected(e) &&
	    __atomic_add_fetch(&shm->unexpected, 1, __ATOMIC_RELAXED) <= 5)
		fprintf(stderr, "# writer %d: cmd %u refused with %s: %s\n", w->idx, cmd,
			strerror(e), ack.msg);
}

static int writer(int idx, uint64_t n)
{
	struct writer w = { .idx = idx };
	uint64_t s = opt_seed + 0x100000001ULL * (idx + 1);
	int err;

	w.rng = splitmix(&s);
	err = nl_open(&w.nl);
	if (!err)
		err = nl_set_timeout(&w.nl, TIMEOUT_S);
	if (err) {
		fprintf(stderr, "# writer %d: %s\n", idx, strerror(-err));
		return 1;
	}
	while (n--)
		one_request(&w);
	nl_close(&w.nl);
	return 0;
}

/* Each module's counters add up, in every dump, while everything moves. */
static int reader(void)
{
	struct iov_mod_info *mods;
	struct nl nl;
	char why[160];
	int n, err;

	if (nl_open(&nl))
		return 1;
	nl_set_timeout(&nl, TIMEOUT_S);
	while (!shm->stop_reader) {
		err = iov_dump_modules(&nl, &mods, &n);
		if (err == -EAGAIN)	/* interrupted by changes 20 times in a row */
			continue;
		shm->dumps++;
		if (err) {
			fprintf(stderr, "# reader: MODULE_GET dump: %s\n", strerror(-err));
			shm->reader_problems++;
			continue;
		}
		if (iov_dump_consistent(mods, n, why, sizeof(why)) && shm->reader_problems++ < 5)
			fprintf(stderr, "# reader: a dump not flagged NLM_F_DUMP_INTR is no snapshot: %s\n",
				why);
		for (int i = 0; i < n; i++) {
			struct iov_mod_info *mi = &mods[i];
			const uint64_t *s = mi->stats;

			if (mi->problems) {
				if (shm->reader_problems++ < 5)
					fprintf(stderr, "# reader: module %s: %s\n", mi->name, mi->problem);
				continue;
			}
			if (!iov_stats_add_up(s, false, mi->nports) || s[IOV_STATS_ERR_VERDICT]) {
				if (shm->reader_problems++ < 5)
					fprintf(stderr, "# reader: module %s: packets %" PRIu64 ", pass %" PRIu64 " drop %" PRIu64 " out %" PRIu64 " flood %" PRIu64 " err_verdict %" PRIu64 "\n",
						mi->name, s[IOV_STATS_PACKETS], s[IOV_STATS_PASS],
						s[IOV_STATS_DROP], s[IOV_STATS_OUT],
						s[IOV_STATS_FLOOD], s[IOV_STATS_ERR_VERDICT]);
			}
		}
		free(mods);
		if (nl_dump_count(&nl, IOV_CMD_LINK_GET) < 0 && shm->reader_problems++ < 5)
			fprintf(stderr, "# reader: LINK_GET dump failed\n");
	}
	nl_close(&nl);
	return 0;
}

static int setup(struct nl *nl)
{
	struct ack ack;
	char name[8];
	int err;

	if (unshare(CLONE_NEWNET)) {
		perror("# unshare(CLONE_NEWNET)");
		return -1;
	}
	if (sh("ip link set lo up && for i in 0 1 2 3 4 5; do "
	       "ip link add ct$i type dummy && ip link set ct$i up || exit 1; done")) {
		fprintf(stderr, "# could not make the devices\n");
		return -1;
	}
	for (int i = 0; i < NPROGS; i++) {
		progs[i] = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, prog_ret[i]);
		if (progs[i] < 0) {
			perror("# BPF_PROG_LOAD");
			return -1;
		}
		prog_ids[i] = prog_id_of(progs[i]);
	}
	err = nl_open(nl);
	if (err) {
		fprintf(stderr, "# generic netlink family %s: %s (is iovisor.ko loaded?)\n",
			IOV_GENL_NAME, strerror(-err));
		return -1;
	}
	nl_set_timeout(nl, TIMEOUT_S);
	for (int i = 0; i < NEDGE; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		if (module_new(nl, name, progs[P_OUT1], 2, &ack) ||
		    link_dev(nl, name, 0, devs[i], &ack)) {
			fprintf(stderr, "# edge %s: %s (%s)\n", name, strerror(-ack.error), ack.msg);
			return -1;
		}
	}
	return 0;
}

/* Each device links again: the graph let go of its rx handler. */
static int devices_free(struct nl *nl)
{
	int problems = 0;
	struct ack ack;

	if (module_new(nl, "final", progs[P_PASS], NDEVS, &ack)) {
		fprintf(stderr, "# MODULE_NEW final: %s (%s)\n", strerror(-ack.error), ack.msg);
		return 1;
	}
	for (int i = 0; i < NDEVS; i++) {
		if (link_dev(nl, "final", i, devs[i], &ack)) {
			fprintf(stderr, "# LINK_NEW final:%d %s on an empty graph: %s (%s)\n", i,
				devs[i], strerror(-ack.error), ack.msg);
			problems++;
		}
	}
	if (module_del(nl, "final", &ack)) {
		fprintf(stderr, "# MODULE_DEL final: %s (%s)\n", strerror(-ack.error), ack.msg);
		problems++;
	}
	return problems;
}

static int progs_freed(void)
{
	int problems = 0;

	for (int i = 0; i < NPROGS; i++)
		close(progs[i]);
	for (int i = 0; i < NPROGS; i++) {
		int tries = 200;

		while (prog_id_exists(prog_ids[i]) && --tries)
			usleep(50000);
		if (!tries) {
			fprintf(stderr, "# BPF program %u still loaded 10 s after its modules and fds went\n",
				prog_ids[i]);
			problems++;
		}
	}
	return problems;
}

int main(int argc, char **argv)
{
	struct iov_check chk = { .quiet_traffic = true };
	uint64_t edge_packets = 0, injected;
	pid_t pids[MAX_WRITERS], reader_pid;
	struct timespec t0, t1;
	struct iov_mod_info *mi;
	int opt, problems = 0, status;
	struct pktgen pg;
	const char *env;
	struct nl nl;
	double secs;

	if ((env = getenv("IOVISOR_CHURN_OPS")) && *env)
		opt_ops = strtoull(env, NULL, 0);
	if ((env = getenv("IOVISOR_CHURN_SEED")) && *env)
		opt_seed = strtoull(env, NULL, 0);
	else
		opt_seed = (uint64_t)time(NULL) * 1000003ULL ^ (uint64_t)getpid() << 32;
	if ((env = getenv("IOVISOR_CHURN_WRITERS")) && *env)
		opt_writers = atoi(env);
	if ((env = getenv("IOVISOR_CHURN_DELAY_NS")) && *env)
		opt_delay_ns = strtoul(env, NULL, 0);
	/* With no delay, pktgen only ever serves one device per thread. */
	if (opt_delay_ns < 10000)
		opt_delay_ns = 10000;
	while ((opt = getopt(argc, argv, "n:s:j:")) != -1) {
		switch (opt) {
		case 'n': opt_ops = strtoull(optarg, NULL, 0); break;
		case 's': opt_seed = strtoull(optarg, NULL, 0); break;
		case 'j': opt_writers = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-n OPS] [-s SEED] [-j WRITERS]\n", argv[0]);
			return KSFT_FAIL;
		}
	}
	if (opt_writers < 1)
		opt_writers = 1;
	if (opt_writers > MAX_WRITERS)
		opt_writers = MAX_WRITERS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# churn_traffic: seed 0x%" PRIx64 " (IOVISOR_CHURN_SEED), %" PRIu64 " requests, %d writers\n",
	       opt_seed, opt_ops, opt_writers);

	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED || setup(&nl))
		return KSFT_FAIL;
	/* Up to 2000 packets a second into each device: traffic that matters. */
	if (pktgen_run(&pg, devs, NDEVS, opt_delay_ns)) {
		fprintf(stderr, "# FAIL: pktgen is not available\n");
		return KSFT_FAIL;
	}
	usleep(300000);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	reader_pid = fork();
	if (reader_pid == 0)
		_exit(reader());
	for (int i = 0; i < opt_writers; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(writer(i, opt_ops / opt_writers + (i == 0 ? opt_ops % opt_writers : 0)));
	}
	for (int i = 0; i < opt_writers; i++) {
		if (pids[i] < 0 || waitpid(pids[i], &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "# writer %d failed\n", i);
			problems++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	shm->stop_reader = 1;
	waitpid(reader_pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		problems++;
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	injected = pktgen_halt(&pg);
	usleep(200000);
	if (iov_graph_check(&nl, &chk))
		problems += chk.problems;
	if (chk.stats[IOV_STATS_ERR_VERDICT]) {
		fprintf(stderr, "# %" PRIu64 " packets met an unknown verdict: a program half swapped?\n",
			chk.stats[IOV_STATS_ERR_VERDICT]);
		problems++;
	}
	mi = malloc(sizeof(*mi));
	for (int i = 0; mi && i < NEDGE; i++) {
		char name[8];

		snprintf(name, sizeof(name), "e%d", i);
		if (iov_get_module(&nl, name, 0, mi)) {
			fprintf(stderr, "# edge %s is gone: nobody deletes it\n", name);
			problems++;
			continue;
		}
		edge_packets += mi->stats[IOV_STATS_PACKETS];
		/*
		 * The edge stayed linked to its device throughout: it ran on
		 * every packet pktgen put there, whatever program it had and
		 * whatever graph was current.
		 */
		if (mi->ports[0].stats[IOV_STATS_PACKETS] != pg.sent[i]) {
			fprintf(stderr, "# edge %s counted %" PRIu64 " packets in by %s, pktgen sent %" PRIu64 "\n",
				name, mi->ports[0].stats[IOV_STATS_PACKETS], devs[i], pg.sent[i]);
			problems++;
		}
	}
	free(mi);

	printf("# requests: %" PRIu64 " in %.1f s (%.0f/s) by %d writers, %" PRIu64 " succeeded; %" PRIu64 " operations in batches\n",
	       shm->requests, secs, shm->requests / secs, opt_writers,
	       shm->by_errno[0], shm->batched_ops);
	printf("# succeeded: module new %" PRIu64 ", set (hot swap) %" PRIu64 ", del %" PRIu64 "; link new %" PRIu64 ", del %" PRIu64 "; graph set %" PRIu64 "; batch %" PRIu64 "\n",
	       shm->ok_by_cmd[IOV_CMD_MODULE_NEW], shm->ok_by_cmd[IOV_CMD_MODULE_SET],
	       shm->ok_by_cmd[IOV_CMD_MODULE_DEL], shm->ok_by_cmd[IOV_CMD_LINK_NEW],
	       shm->ok_by_cmd[IOV_CMD_LINK_DEL], shm->ok_by_cmd[IOV_CMD_GRAPH_SET],
	       shm->ok_by_cmd[IOV_CMD_BATCH]);
	printf("# refused:");
	for (int e = 1; e <= MAX_ERRNO; e++)
		if (shm->by_errno[e])
			printf(" %s %" PRIu64, e < MAX_ERRNO ? strerrorname_np(e) : "other",
			       shm->by_errno[e]);
	printf("\n# reader: %" PRIu64 " module dumps checked while it all moved\n", shm->dumps);
	printf("# packets: %" PRIu64 " injected by pktgen (%" PRIu64 " into the edges' devices), %" PRIu64 " seen by the edges, %" PRIu64 " program runs counted in the %d modules left (out %" PRIu64 " flood %" PRIu64 " pass %" PRIu64 " drop %" PRIu64 " err_port %" PRIu64 " err_hops %" PRIu64 ")\n",
	       injected, pg.sent[0] + pg.sent[1] + pg.sent[2] + pg.sent[3], edge_packets, chk.packets, chk.modules, chk.stats[IOV_STATS_OUT],
	       chk.stats[IOV_STATS_FLOOD], chk.stats[IOV_STATS_PASS], chk.stats[IOV_STATS_DROP],
	       chk.stats[IOV_STATS_ERR_PORT], chk.stats[IOV_STATS_ERR_HOPS]);
	if (!injected || !edge_packets) {
		fprintf(stderr, "# no traffic went through the graph\n");
		problems++;
	}

	/* A clean teardown. */
	problems += iov_graph_clear(&nl);
	problems += devices_free(&nl);
	graph_set(&nl, IOV_HOP_BUDGET_DEFAULT, NULL);
	nl_close(&nl);
	problems += progs_freed();

	problems += shm->unexpected + shm->no_answer + shm->reader_problems;
	if (problems) {
		printf("# FAIL: churn_traffic: %d problems (seed 0x%" PRIx64 ")\n", problems, opt_seed);
		return KSFT_FAIL;
	}
	printf("# PASS: churn_traffic\n");
	return KSFT_PASS;
}
