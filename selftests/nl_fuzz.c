// SPDX-License-Identifier: GPL-2.0
/*
 * nl_fuzz: throw random and mutated-valid generic netlink messages at every
 * iovisor command, from several processes at once, while packets flow
 * through whatever graph results and devices come and go; then check that
 * the module still holds together.
 *
 *   nl_fuzz [-n COUNT] [-s SEED] [-j WORKERS] [-T] [-v]
 *
 *   -n COUNT    messages to send in all (env IOVISOR_FUZZ_COUNT; default
 *               60000, under a minute under TCG; the debug lane,
 *               make check-debug, runs a million or more)
 *   -s SEED     the seed, decimal or 0x-hex (env IOVISOR_FUZZ_SEED; default
 *               from the clock). Printed at the start: the same seed gives
 *               every worker the same message stream. With -j 1 and -T the
 *               whole run is replayed exactly.
 *   -j WORKERS  concurrent senders, each a process with its own socket
 *               (env IOVISOR_FUZZ_WORKERS; default 4)
 *   -T          no traffic and no device churn (env IOVISOR_FUZZ_TRAFFIC=0)
 *   -v          print every message sent, in hex, and its answer
 *
 * What is sent: requests for every command (and some that do not exist),
 * built from pools of real and made-up names, ids, ports, interfaces and
 * fds of every kind (closed, /dev/null, a socket, a pipe, a BPF map, a
 * SOCKET_FILTER program, SCHED_CLS programs with every verdict, huge and
 * negative numbers), extreme values, random attributes with random
 * lengths, types and nesting, batches of random operations, each then
 * possibly mutated (bits flipped, lengths broken, truncated, extended). One
 * worker mostly deletes what the others make; workers now and then close
 * their socket, which deletes the modules it owns. Meanwhile pktgen injects
 * packets into four dummy devices, linked at the start to a small graph the
 * fuzzers then swap, relink and delete like any other; another process
 * deletes, recreates, renames, flaps devices and moves one to another netns
 * and back; a listener hears every event, so that the kernel builds them
 * (it builds none without one), and checks each (attributes its command
 * carries, generations never going back) and, once everything is deleted,
 * that as many modules and links were announced gone as added.
 *
 * Then one sender alone sends a tenth of the messages, each checked against
 * the graph generation: a refused request or a dry run leaves it, a request
 * that succeeds moves it by exactly one.
 *
 * It passes if the kernel answered every message (within 30 s), with no
 * errno outside what the API can give, and afterwards (iov_graph_check() in
 * nl_lib.c), under traffic and without: the dumps work, every module listed
 * can be fetched by name and id, the link dump matches the module ports,
 * every counter set adds up (packets == pass + drop + out + flood +
 * err_verdict) and module totals are the sums of their ports; no module is
 * still owned, every sender's socket being closed; everything can be
 * deleted; each device can be linked again (its rx handler was released);
 * a fresh graph, hot-swapped under traffic, counts the packets and adds up;
 * and every BPF program the test loaded is freed once its fds are closed.
 * run_tests.sh then checks the kernel log and that iovisor.ko unloads.
 *
 * Refusals without an extack message are counted; one of each errno is
 * shown unless generic netlink itself made it (no such command, a dump of a
 * command without one, a header cut short).
 *
 * Runs in a network namespace of its own; prints the messages sent, the
 * answers by errno, successes and answer times by command, the events heard
 * and the packets counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "nl_lib.h"

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

#define MAX_WORKERS	16
#define MAX_ERRNO	150
#define NCMD		16		/* genl commands we count by, 0..15 */
#define TIMEOUT_S	30
#define HIST		8		/* messages kept per worker for a report */

/* ---- configuration and what the workers share ---------------------------- */

static uint64_t opt_count = 60000;
static uint64_t opt_seed;
static int opt_workers = 4;
static bool opt_traffic = true;
static bool opt_verbose;

/* Counters, one set per worker plus one for the checked phase; in shared memory. */
struct wstats {
	uint64_t sent;
	uint64_t by_errno[MAX_ERRNO + 1];	/* index -error; MAX_ERRNO: other */
	uint64_t ok_by_cmd[NCMD];
	uint64_t no_extack[MAX_ERRNO + 1];
	uint64_t no_extack_shown[MAX_ERRNO + 1];
	uint64_t reopen;
	uint64_t problems;
	uint64_t unexpected;
	uint64_t gen_checked;
	uint64_t ns_by_cmd[NCMD];		/* time waiting for answers */
	uint64_t n_by_cmd[NCMD];
	uint64_t max_ns;
	uint8_t max_cmd;
	int max_err;
};

struct shared {
	volatile int stop;			/* the device churner stops */
	volatile int stop_events;		/* the event listener stops */
	volatile int listening;			/* it has joined the group */
	uint64_t churn_ops;
	uint64_t events, events_by_cmd[NCMD], events_lost, events_bad;
	struct wstats w[MAX_WORKERS + 1];
};

static struct shared *shm;

/* Pools every worker draws from, made before the fork. */
#define NNAMES 8
static const char *const names[NNAMES] = { "m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7" };

static const char *const ifnames[] = {
	"fzd0", "fzd1", "fzd2", "fzd3", "fzd4", "fzd5", "fzd6",	/* dummies; fzd6 down */
	"fzbr",		/* a bridge: linkable, its port fzd7 is not */
	"fzd7", "lo", "fztun", "nosuch0", "fzd4x",	/* fzd4 is renamed now and then */
};
#define NIFNAMES (int)(sizeof(ifnames) / sizeof(ifnames[0]))
/* pktgen sends into these. */
static const char *const traffic_devs[] = { "fzd0", "fzd1", "fzd2", "fzd3" };

enum { FD_CLS_PASS, FD_CLS_DROP, FD_CLS_OUT0, FD_CLS_OUT1, FD_CLS_OUT_BIG,
       FD_CLS_FLOOD, FD_CLS_BAD, FD_CLS_NEG, NCLS,
       FD_SOCKFILTER = NCLS, FD_MAP, FD_DEVNULL, FD_SOCKET, FD_PIPE, FD_CLOSED,
       NFDS };
static int fds[NFDS];
static uint32_t prog_ids[NFDS];
static const int32_t cls_ret[NCLS] = {
	[FD_CLS_PASS] = IOV_PASS, [FD_CLS_DROP] = IOV_DROP,
	[FD_CLS_OUT0] = IOV_OUT(0), [FD_CLS_OUT1] = IOV_OUT(1),
	[FD_CLS_OUT_BIG] = IOV_OUT(300), [FD_CLS_FLOOD] = IOV_FLOOD,
	[FD_CLS_BAD] = 7, [FD_CLS_NEG] = -1,
};

/* What the API may answer; anything else is a finding. */
static bool errno_expected(int e)
{
	switch (e) {
	case 0: case EINVAL: case ENOENT: case EEXIST: case EBADF: case ERANGE:
	case EBUSY: case ENODEV: case EOPNOTSUPP: case ELOOP: case ENOLINK:
	case ESTALE: case EMSGSIZE:
		return true;
	}
	return false;
}

/* ---- randomness ------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct fz {
	uint64_t rng;
	int idx;			/* worker index; opt_workers: the checked phase */
	bool deleter;			/* mostly deletes */
	struct nl nl;
	struct wstats *st;
	uint32_t ids[32];		/* module ids seen in dumps */
	int nids;
	uint32_t progs_seen[32];	/* program ids seen in dumps */
	int nprogs;
	uint64_t gen;			/* last generation seen */
	int ifindex[NIFNAMES];
	/* the last messages, for a report */
	struct { uint32_t len; char buf[MSG_BUF]; } hist[HIST];
	unsigned int nhist;
	/* what the generator did to the message it built */
	bool mutated, dry_run, change, read;
	uint8_t cmd;
};

static uint64_t rnd64(struct fz *f)
{
	return splitmix(&f->rng);
}

static uint32_t rnd(struct fz *f, uint32_t n)
{
	return n ? (uint32_t)(rnd64(f) % n) : 0;
}

static bool chance(struct fz *f, int percent)
{
	return rnd(f, 100) < (uint32_t)percent;
}

/* ---- values ------------------------------------------------------------------ */

static uint32_t extreme_u32(struct fz *f)
{
	static const uint32_t v[] = { 0, 1, 2, 255, 256, 257, 0x7fff, 0x8000, 0xffff,
				      0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };

	return chance(f, 70) ? v[rnd(f, sizeof(v) / sizeof(v[0]))] : (uint32_t)rnd64(f);
}

static uint32_t gen_port(struct fz *f)
{
	if (chance(f, 85))
		return rnd(f, 4);
	if (chance(f, 50))
		return rnd(f, IOV_PORTS_MAX + 2);
	return extreme_u32(f);
}

static uint32_t gen_nports(struct fz *f)
{
	if (chance(f, 80))
		return 1 + rnd(f, 4);
	if (chance(f, 50))
		return rnd(f, IOV_PORTS_MAX + 2);
	return extreme_u32(f);
}

static int32_t gen_fd(struct fz *f)
{
	int r = rnd(f, 100);

	if (r < 70)
		return fds[rnd(f, NCLS)];
	if (r < 90)
		return fds[NCLS + rnd(f, NFDS - NCLS)];
	switch (rnd(f, 7)) {
	case 0: return -1;
	case 1: return 0;
	case 2: return INT32_MAX;
	case 3: return INT32_MIN;
	case 4: return 1 << 20;
	case 5: return f->nl.fd;	/* the netlink socket itself */
	default: return (int32_t)rnd64(f);
	}
}

static uint32_t gen_prog_id(struct fz *f)
{
	if (f->nprogs && chance(f, 50))
		return f->progs_seen[rnd(f, f->nprogs)];
	if (chance(f, 70))
		return prog_ids[rnd(f, NCLS)];
	return extreme_u32(f);
}

static uint32_t gen_module_id(struct fz *f)
{
	if (f->nids && chance(f, 80))
		return f->ids[rnd(f, f->nids)];
	if (chance(f, 50))
		return rnd(f, 64);
	return extreme_u32(f);
}

static uint32_t gen_ifindex(struct fz *f)
{
	if (chance(f, 85))
		return f->ifindex[rnd(f, NIFNAMES)];
	return chance(f, 50) ? rnd(f, 64) : extreme_u32(f);
}

static void rnd_bytes(struct fz *f, char *b, int n)
{
	for (int i = 0; i < n; i++)
		b[i] = (char)rnd64(f);
}

/* A string attribute: usually s, else broken in some way. */
static void put_string(struct fz *f, struct msg *m, uint16_t type, const char *s, int maxlen)
{
	char b[400];
	int n;

	if (chance(f, 90)) {
		put_str(m, type, s);
		return;
	}
	switch (rnd(f, 7)) {
	case 0:		/* no NUL */
		put(m, type, s, strlen(s));
		break;
	case 1:		/* empty, no NUL either */
		put(m, type, NULL, 0);
		break;
	case 2:		/* exactly the longest allowed, then one more */
	case 3:
		n = maxlen - 1 + (int)rnd(f, 3);
		if (n > (int)sizeof(b) - 1)
			n = sizeof(b) - 1;
		memset(b, 'a' + rnd(f, 26), n);
		b[n] = 0;
		put(m, type, b, n + 1);
		break;
	case 4:		/* random bytes, NUL at the end */
		n = rnd(f, maxlen + 8);
		rnd_bytes(f, b, n);
		b[n] = 0;
		put(m, type, b, n + 1);
		break;
	case 5:		/* an embedded NUL */
		n = snprintf(b, sizeof(b), "%s", s);
		b[n] = 0;
		b[n + 1] = 'x';
		b[n + 2] = 0;
		put(m, type, b, n + 3);
		break;
	default:	/* a u32 where a string goes */
		put_u32(m, type, (uint32_t)rnd64(f));
	}
}

static void gen_name(struct fz *f, char *b, size_t size)
{
	static const char *const odd[] = { "", "a:b", "a b", "-", ".", "..", "_",
					   "\xc3\xa9t\xc3\xa9", "m0\n", "M0", "m00" };
	int n;

	if (chance(f, 88)) {
		snprintf(b, size, "%s", names[rnd(f, NNAMES)]);
		return;
	}
	if (chance(f, 50)) {
		snprintf(b, size, "%s", odd[rnd(f, sizeof(odd) / sizeof(odd[0]))]);
		return;
	}
	n = rnd(f, IOV_NAME_LEN + 2);
	if (n >= (int)size)
		n = size - 1;
	for (int i = 0; i < n; i++)
		b[i] = "abcxyz0189_.-"[rnd(f, 13)];
	b[n] = 0;
}

/* A random attribute of a random type, length and content; maybe nested. */
static void put_random_attr(struct fz *f, struct msg *m, int depth)
{
	uint16_t type = chance(f, 80) ? rnd(f, IOV_ATTR_MAX + 3) : (uint16_t)rnd64(f);
	char b[64];
	int n;

	if (msg_room(m) < 400)
		return;
	if (depth < 4 && m->depth < 6 && chance(f, 20)) {
		nest_start(m, type & NLA_TYPE_MASK);
		if (chance(f, 30))
			m->nest[m->depth - 1]->nla_type &= ~NLA_F_NESTED;
		for (int i = rnd(f, 4); i > 0 && msg_room(m) > 200; i--)
			put_random_attr(f, m, depth + 1);
		nest_end(m);
		return;
	}
	n = rnd(f, 100) < 60 ? (int)(4 * rnd(f, 3)) : (int)rnd(f, sizeof(b));
	rnd_bytes(f, b, n);
	put(m, type, b, n);
}

static void put_end(struct fz *f, struct msg *m, uint16_t type)
{
	char name[64];
	int r = rnd(f, 100);

	nest_start(m, type);
	if (chance(f, 3))
		m->nest[m->depth - 1]->nla_type &= ~NLA_F_NESTED;
	if (r < 50) {			/* a module port */
		if (chance(f, 80)) {
			gen_name(f, name, sizeof(name));
			put_string(f, m, IOV_END_MODULE_NAME, name, IOV_NAME_LEN);
		} else {
			put_u32(m, IOV_END_MODULE_ID, gen_module_id(f));
		}
		if (chance(f, 92))
			put_u32(m, IOV_END_PORT, gen_port(f));
	} else if (r < 88) {		/* a device */
		if (chance(f, 60))
			put_string(f, m, IOV_END_IFNAME, ifnames[rnd(f, NIFNAMES)], IFNAMSIZ);
		else
			put_u32(m, IOV_END_IFINDEX, gen_ifindex(f));
	} else if (r < 93) {		/* both */
		put_str(m, IOV_END_MODULE_NAME, names[rnd(f, NNAMES)]);
		put_u32(m, IOV_END_PORT, gen_port(f));
		put_str(m, IOV_END_IFNAME, ifnames[rnd(f, NIFNAMES)]);
		if (chance(f, 50))
			put_u32(m, IOV_END_IFINDEX, gen_ifindex(f));
	} else if (r < 96) {		/* nothing */
	} else {			/* anything */
		for (int i = rnd(f, 4); i > 0; i--)
			put_random_attr(f, m, 1);
	}
	if (chance(f, 3))		/* replies only: refused in requests */
		put_u32(m, chance(f, 50) ? IOV_END_STATS : __IOV_END_MAX, 0);
	nest_end(m);
}

static void put_module_ref(struct fz *f, struct msg *m)
{
	char name[64];
	int r = rnd(f, 100);

	/* By name, by id, or both (the name wins). */
	if (r < 70 || r >= 95) {
		gen_name(f, name, sizeof(name));
		put_string(f, m, IOV_ATTR_MODULE_NAME, name, IOV_NAME_LEN);
	}
	if (r >= 70)
		put_u32(m, IOV_ATTR_MODULE_ID, gen_module_id(f));
}

static void put_source(struct fz *f, struct msg *m)
{
	char b[IOV_SOURCE_LEN + 8];
	int n = chance(f, 70) ? (int)rnd(f, 40) : (int)(IOV_SOURCE_LEN - 2 + rnd(f, 4));

	memset(b, 's', n);
	b[n] = 0;
	memcpy(b, "/src/", n < 5 ? n : 5);
	put_string(f, m, IOV_ATTR_SOURCE, b, IOV_SOURCE_LEN);
}

/* The attributes of one command (top level, or inside a batch's op). */
static void fill_cmd(struct fz *f, struct msg *m, uint8_t cmd, bool in_batch)
{
	switch (cmd) {
	case IOV_CMD_MODULE_NEW: {
		char name[64];

		if (chance(f, 95)) {
			gen_name(f, name, sizeof(name));
			put_string(f, m, IOV_ATTR_MODULE_NAME, name, IOV_NAME_LEN);
		}
		if (chance(f, 93))
			put_u32(m, IOV_ATTR_PROG_FD, gen_fd(f));
		if (chance(f, 85))
			put_u32(m, IOV_ATTR_NUM_PORTS, gen_nports(f));
		if (chance(f, 20))
			put_source(f, m);
		if (chance(f, 15))
			put_flag(m, IOV_ATTR_OWNED);
		if (chance(f, 3))
			put_flag(m, IOV_ATTR_PIN);
		break;
	}
	case IOV_CMD_MODULE_DEL:
		if (chance(f, 95))
			put_module_ref(f, m);
		break;
	case IOV_CMD_MODULE_SET:
		if (chance(f, 95))
			put_module_ref(f, m);
		if (chance(f, 80))
			put_u32(m, IOV_ATTR_PROG_FD, gen_fd(f));
		if (chance(f, 25))
			put_u32(m, IOV_ATTR_EXPECT_PROG_ID, gen_prog_id(f));
		if (chance(f, 15))
			put_source(f, m);
		if (chance(f, 25))
			put_flag(m, IOV_ATTR_PIN);
		if (chance(f, 4))
			put_u32(m, IOV_ATTR_NUM_PORTS, gen_nports(f));
		if (chance(f, 3))
			put_flag(m, IOV_ATTR_OWNED);
		break;
	case IOV_CMD_LINK_NEW:
		if (chance(f, 96))
			put_end(f, m, IOV_ATTR_LINK_A);
		if (chance(f, 93))
			put_end(f, m, IOV_ATTR_LINK_B);
		break;
	case IOV_CMD_LINK_DEL:
		if (chance(f, 96))
			put_end(f, m, IOV_ATTR_LINK_A);
		if (chance(f, 5))
			put_end(f, m, IOV_ATTR_LINK_B);
		break;
	case IOV_CMD_GRAPH_SET:
		if (chance(f, 95))
			put_u32(m, IOV_ATTR_HOP_BUDGET,
				chance(f, 80) ? 1 + rnd(f, IOV_HOP_BUDGET_MAX) : extreme_u32(f));
		break;
	case IOV_CMD_MODULE_GET:
		if (chance(f, 80))
			put_module_ref(f, m);
		break;
	default:
		break;
	}
	if (!in_batch || chance(f, 3)) {
		if (chance(f, 10)) {
			uint64_t g = f->gen + rnd(f, 3);

			if (chance(f, 20))
				g = chance(f, 50) ? 0 : UINT64_MAX;
			put_u64(m, IOV_ATTR_GENERATION, g);
		}
		if (chance(f, 10)) {
			put_flag(m, IOV_ATTR_DRY_RUN);
			f->dry_run = !in_batch;
		}
	}
	if (chance(f, 4))
		put_random_attr(f, m, 0);
}

static uint8_t gen_change_cmd(struct fz *f)
{
	if (f->deleter) {
		int r = rnd(f, 100);

		if (r < 35)
			return IOV_CMD_MODULE_DEL;
		if (r < 55)
			return IOV_CMD_LINK_DEL;
		if (r < 75)
			return IOV_CMD_MODULE_NEW;
		if (r < 90)
			return IOV_CMD_LINK_NEW;
	}
	/* More additions than removals, so that there is a graph to work on. */
	switch (rnd(f, 10)) {
	case 0: case 1: case 2: return IOV_CMD_MODULE_NEW;
	case 3: case 4: case 5: return IOV_CMD_LINK_NEW;
	case 6: return IOV_CMD_MODULE_SET;
	case 7: return IOV_CMD_LINK_DEL;
	case 8: return IOV_CMD_MODULE_DEL;
	default: return IOV_CMD_GRAPH_SET;
	}
}

static void gen_batch(struct fz *f, struct msg *m)
{
	int n = chance(f, 10) ? 0 : 1 + rnd(f, chance(f, 80) ? 6 : 24);

	nest_start(m, IOV_ATTR_OPS);
	for (int i = 0; i < n && msg_room(m) > 1200; i++) {
		uint8_t cmd;

		if (chance(f, 3)) {		/* not an op at all */
			put_random_attr(f, m, 2);
			continue;
		}
		nest_start(m, IOV_ATTR_OP);
		if (chance(f, 92))
			cmd = gen_change_cmd(f);
		else
			cmd = chance(f, 50) ? rnd(f, NCMD) : (uint8_t)rnd64(f);
		if (chance(f, 97))
			put_u32(m, IOV_ATTR_OP_CMD, chance(f, 98) ? cmd : extreme_u32(f));
		fill_cmd(f, m, cmd, true);
		nest_end(m);
	}
	nest_end(m);
	if (chance(f, 10)) {
		put_u64(m, IOV_ATTR_GENERATION, f->gen + rnd(f, 2));
	}
	if (chance(f, 10)) {
		put_flag(m, IOV_ATTR_DRY_RUN);
		f->dry_run = true;
	}
}

/* A nest of nests, deeper than any policy goes. */
static void gen_deep(struct fz *f, struct msg *m)
{
	int depth = 2 + rnd(f, 7);
	uint16_t types[] = { IOV_ATTR_OPS, IOV_ATTR_OP, IOV_ATTR_LINK_A, IOV_ATTR_PORTS,
			     IOV_ATTR_PORT, IOV_ATTR_STATS };

	for (int i = 0; i < depth; i++)
		nest_start(m, types[rnd(f, sizeof(types) / sizeof(types[0]))]);
	put_u32(m, rnd(f, IOV_ATTR_MAX + 1), (uint32_t)rnd64(f));
	for (int i = 0; i < depth; i++)
		nest_end(m);
}

/* Break a built message in a few ways; its netlink header stays valid. */
static void mutate(struct fz *f, struct msg *m)
{
	uint32_t len = m->nlh->nlmsg_len;
	uint32_t min = chance(f, 85) ? NLMSG_LENGTH(GENL_HDRLEN) : NLMSG_HDRLEN;

	f->mutated = true;
	for (int k = 1 + rnd(f, 3); k > 0; k--) {
		switch (rnd(f, 6)) {
		case 0:		/* flip bits */
			if (len > min)
				m->buf[min + rnd(f, len - min)] ^= 1 << rnd(f, 8);
			break;
		case 1: {	/* break an attribute's length */
			uint32_t off = NLMSG_LENGTH(GENL_HDRLEN);
			struct nlattr *a;
			int hops = rnd(f, 6);

			while (off + NLA_HDRLEN <= len) {
				a = (struct nlattr *)(m->buf + off);
				if (!hops-- || a->nla_len < NLA_HDRLEN) {
					a->nla_len = chance(f, 50) ? rnd(f, 12) :
						     a->nla_len + rnd(f, 64) - 32;
					break;
				}
				/* sometimes step inside a nest */
				if ((a->nla_type & NLA_F_NESTED) && chance(f, 50))
					off += NLA_HDRLEN;
				else
					off += NLA_ALIGN(a->nla_len);
			}
			break;
		}
		case 2:		/* truncate */
			if (len > min)
				len = min + rnd(f, len - min);
			break;
		case 3: {	/* append garbage */
			uint32_t n = rnd(f, 64);

			if (len + n < MSG_BUF) {
				rnd_bytes(f, m->buf + len, n);
				len += n;
			}
			break;
		}
		case 4:		/* the generic netlink header */
			if (chance(f, 50))
				((struct genlmsghdr *)NLMSG_DATA(m->nlh))->cmd = rnd(f, NCMD);
			else
				((struct genlmsghdr *)NLMSG_DATA(m->nlh))->version = rnd(f, 4);
			break;
		default: {	/* the type bits of an attribute */
			uint32_t off = NLMSG_LENGTH(GENL_HDRLEN) + 4 * rnd(f, 32);

			if (off + NLA_HDRLEN <= len)
				((struct nlattr *)(m->buf + off))->nla_type ^=
					chance(f, 50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
		}
		}
	}
	m->nlh->nlmsg_len = len;
}

/* The message, as sent, has this attribute at its top level. */
static bool msg_has_attr(const struct msg *m, uint16_t type)
{
	const struct nlattr *a;
	int rem;

	if (m->nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return false;
	for (a = attr_first(m->nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem))
		if (attr_type(a) == type)
			return true;
	return false;
}

/* Build the next message. */
static void gen_msg(struct fz *f, struct msg *m)
{
	uint16_t flags = NLM_F_ACK;
	int r = rnd(f, 100);
	uint8_t cmd;

	f->mutated = f->dry_run = f->change = f->read = false;
	if (chance(f, 3))
		flags |= NLM_F_DUMP;
	if (chance(f, 3))
		flags |= NLM_F_ECHO | NLM_F_EXCL | NLM_F_CREATE;

	if (r < 8) {			/* a read */
		static const uint8_t reads[] = { IOV_CMD_MODULE_GET, IOV_CMD_MODULE_GET,
						 IOV_CMD_LINK_GET, IOV_CMD_GRAPH_GET };

		cmd = reads[rnd(f, 4)];
		if (cmd != IOV_CMD_GRAPH_GET && chance(f, 60))
			flags |= NLM_F_DUMP;
		msg_init(m, f->nl.family, cmd, flags);
		fill_cmd(f, m, cmd, false);
		f->read = true;
	} else if (r < 20) {		/* a batch */
		cmd = IOV_CMD_BATCH;
		msg_init(m, f->nl.family, cmd, flags);
		gen_batch(f, m);
		f->change = true;
	} else if (r < 25) {		/* anything at all */
		cmd = chance(f, 80) ? rnd(f, NCMD) : (uint8_t)rnd64(f);
		msg_init(m, f->nl.family, cmd, flags);
		if (chance(f, 20))
			gen_deep(f, m);
		for (int i = rnd(f, 8); i > 0 && msg_room(m) > 600; i--)
			put_random_attr(f, m, 0);
		f->mutated = true;		/* no expectations */
	} else {			/* one change */
		cmd = gen_change_cmd(f);
		msg_init(m, f->nl.family, cmd, flags);
		fill_cmd(f, m, cmd, false);
		f->change = true;
	}
	f->cmd = cmd;
	if (flags & NLM_F_DUMP)
		f->mutated = true;		/* a dump of a doit: refused, no expectations */
	if (chance(f, 18))
		mutate(f, m);
	/* A random attribute may be a valid DRY_RUN flag too. */
	f->dry_run = msg_has_attr(m, IOV_ATTR_DRY_RUN);
}

/* ---- sending and counting ---------------------------------------------------- */

static void hexdump(const char *tag, const void *buf, uint32_t len)
{
	const uint8_t *b = buf;

	fprintf(stderr, "# %s (%u bytes):", tag, len);
	for (uint32_t i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n#   ", b[i]);
	fprintf(stderr, "\n");
}

static void report_history(struct fz *f)
{
	unsigned int n = f->nhist < HIST ? f->nhist : HIST;

	fprintf(stderr, "# worker %d: the last %u messages it sent, oldest first:\n", f->idx, n);
	for (unsigned int i = f->nhist - n; i < f->nhist; i++)
		hexdump("message", f->hist[i % HIST].buf, f->hist[i % HIST].len);
}

static void ids_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct fz *f = arg;
	const struct nlattr *a;
	int rem;

	if (nlh->nlmsg_type != f->nl.family)
		return;
	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem)) {
		if (attr_type(a) == IOV_ATTR_MODULE_ID)
			f->ids[f->nids < 32 ? (uint32_t)f->nids++ : rnd(f, 32)] = attr_u32(a);
		else if (attr_type(a) == IOV_ATTR_PROG_ID)
			f->progs_seen[f->nprogs < 32 ? (uint32_t)f->nprogs++ : rnd(f, 32)] = attr_u32(a);
		else if (attr_type(a) == IOV_ATTR_GENERATION)
			f->gen = attr_u64(a);
	}
}

/*
 * Send the message and count its answer. Returns the error, or 1 if the
 * kernel did not answer at all (a problem in itself).
 */
static int send_counted(struct fz *f, struct msg *m)
{
	struct timespec t0, t1;
	struct ack ack;
	uint64_t ns;
	int err, e;

	memcpy(f->hist[f->nhist % HIST].buf, m->buf, m->nlh->nlmsg_len);
	f->hist[f->nhist % HIST].len = m->nlh->nlmsg_len;
	f->nhist++;
	if (opt_verbose)
		hexdump("send", m->buf, m->nlh->nlmsg_len);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = nl_call(&f->nl, m, ids_cb, f, &ack);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1000000000ULL + t1.tv_nsec - t0.tv_nsec;
	if (f->cmd < NCMD) {
		f->st->ns_by_cmd[f->cmd] += ns;
		f->st->n_by_cmd[f->cmd]++;
	}
	if (ns > f->st->max_ns) {
		f->st->max_ns = ns;
		f->st->max_cmd = f->cmd;
		f->st->max_err = err;
	}
	f->st->sent++;
	if (opt_verbose)
		fprintf(stderr, "# answer: %d %s%s\n", err, err ? strerror(-err) : "",
			ack.has_msg ? ack.msg : "");
	if (err == -EAGAIN || err == -EWOULDBLOCK) {
		fprintf(stderr, "# worker %d: no answer within %d s to message %" PRIu64 "\n",
			f->idx, TIMEOUT_S, f->st->sent);
		report_history(f);
		f->st->problems++;
		return 1;
	}
	e = -err;
	if (e < 0 || e >= MAX_ERRNO)
		e = MAX_ERRNO;
	f->st->by_errno[e]++;
	if (!err && f->cmd < NCMD)
		f->st->ok_by_cmd[f->cmd]++;
	if (err && !ack.has_msg) {
		const struct genlmsghdr *g = NLMSG_DATA(m->nlh);

		f->st->no_extack[e]++;
		/*
		 * The API promises a message with every refusal. Generic
		 * netlink itself refuses some requests before iovisor sees
		 * them (no such command, a dump of a command without one, a
		 * header cut short): show one of the others per errno.
		 */
		if (m->nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN) &&
		    g->cmd >= IOV_CMD_MODULE_NEW && g->cmd <= IOV_CMD_MAX &&
		    !(m->nlh->nlmsg_flags & NLM_F_DUMP) && !f->st->no_extack_shown[e]++) {
			fprintf(stderr, "# worker %d: refused with %s (cmd %u) without an extack message:\n",
				f->idx, strerrorname_np(-err) ?: "?", g->cmd);
			hexdump("the message", m->buf, m->nlh->nlmsg_len);
		}
	}
	if (!errno_expected(-err)) {
		f->st->unexpected++;
		if (f->st->unexpected <= 3) {
			fprintf(stderr, "# worker %d: unexpected errno %d (%s) for cmd %u: %s\n",
				f->idx, -err, strerror(-err), f->cmd, ack.msg);
			hexdump("the message", m->buf, m->nlh->nlmsg_len);
		}
	}
	return err;
}

static int fz_open(struct fz *f)
{
	int err = nl_open(&f->nl);

	if (!err)
		err = nl_set_timeout(&f->nl, TIMEOUT_S);
	return err;
}

/*
 * The current index of each name, 0 if none. From a link dump: looking a
 * missing name up with if_nametoindex() makes the kernel try to modprobe
 * "netdev-NAME", which takes a second under emulation.
 */
static void refresh_ifindex(struct fz *f)
{
	struct if_nameindex *all = if_nameindex(), *p;

	for (int i = 0; i < NIFNAMES; i++) {
		f->ifindex[i] = 0;
		for (p = all; p && p->if_index; p++)
			if (!strcmp(p->if_name, ifnames[i]))
				f->ifindex[i] = p->if_index;
	}
	if_freenameindex(all);
}

static void worker_init(struct fz *f, int idx)
{
	uint64_t s = opt_seed + 0x1000003ULL * (idx + 1);

	memset(f, 0, sizeof(*f));
	f->idx = idx;
	f->rng = splitmix(&s);
	f->st = &shm->w[idx];
	f->deleter = idx == 1;
	refresh_ifindex(f);
}

/* One concurrent sender: its share of the messages. */
static int worker(int idx, uint64_t count)
{
	struct fz *f = malloc(sizeof(*f));
	struct msg *m = malloc(sizeof(*m));
	int err;

	if (!f || !m)
		return 1;
	worker_init(f, idx);
	err = fz_open(f);
	if (err) {
		fprintf(stderr, "# worker %d: genl socket: %s\n", idx, strerror(-err));
		return 1;
	}
	for (uint64_t i = 0; i < count; i++) {
		gen_msg(f, m);
		if (send_counted(f, m) == 1)
			break;
		if (chance(f, 1)) {		/* owned modules go with the socket */
			nl_close(&f->nl);
			f->st->reopen++;
			err = fz_open(f);
			if (err) {
				fprintf(stderr, "# worker %d: reopen: %s\n", idx, strerror(-err));
				f->st->problems++;
				break;
			}
		}
		if (chance(f, 2))
			refresh_ifindex(f);
	}
	nl_close(&f->nl);
	return 0;
}

/* On long runs (the debug lane's million), say how far a phase is once a minute. */
#define PROGRESS_S 60

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress(const char *phase, uint64_t done, uint64_t total,
		     const struct timespec *t0, double *next)
{
	double s = since(t0);

	if (s < *next)
		return;
	*next = s + PROGRESS_S;
	printf("# %s phase: %" PRIu64 " of %" PRIu64 " messages in %.0f s (%.0f/s)\n",
	       phase, done, total, s, s > 0 ? done / s : 0);
}

/* Wait for the concurrent senders. Returns the number that failed. */
static int wait_workers(const pid_t *pids, uint64_t total, const struct timespec *t0)
{
	bool done[MAX_WORKERS] = { false };
	int left = opt_workers, failed = 0, status;
	double next = PROGRESS_S;

	while (left) {
		uint64_t sent = 0;

		for (int w = 0; w < opt_workers; w++) {
			pid_t r;

			sent += shm->w[w].sent;
			if (done[w])
				continue;
			r = waitpid(pids[w], &status, WNOHANG);
			if (r == 0)
				continue;
			done[w] = true;
			left--;
			if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
				fprintf(stderr, "# worker %d failed (status 0x%x)\n", w, status);
				failed++;
			}
		}
		if (left) {
			progress("concurrent", sent, total, t0, &next);
			usleep(100000);
		}
	}
	return failed;
}

/*
 * The checked phase: one sender alone, each message bracketed by the
 * generation. Returns the number of problems.
 */
static int checked_phase(uint64_t count)
{
	struct fz *f = malloc(sizeof(*f));
	struct msg *m = malloc(sizeof(*m));
	int problems = 0, err;
	double next = PROGRESS_S;
	struct timespec t0;

	if (!f || !m)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	worker_init(f, opt_workers);
	f->deleter = false;
	err = fz_open(f);
	if (err) {
		fprintf(stderr, "# checked phase: genl socket: %s\n", strerror(-err));
		return 1;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t g0, g1;

		if (i % 256 == 0)
			progress("checked", i, count, &t0, &next);
		if (iov_get_graph(&f->nl, &g0, NULL)) {
			problems++;
			break;
		}
		f->gen = g0;
		gen_msg(f, m);
		/* Owned modules would go with a closed socket: none here. */
		err = send_counted(f, m);
		if (err == 1) {
			problems++;
			break;
		}
		if (iov_get_graph(&f->nl, &g1, NULL)) {
			problems++;
			break;
		}
		f->st->gen_checked++;
		/*
		 * Refused: nothing changed. Read or dry run, as built (a
		 * mutation may have made it something else): nothing changed.
		 */
		if (g1 != g0 && (err || (!f->mutated && (f->read || f->dry_run)))) {
			problems++;
			if (problems <= 3) {
				fprintf(stderr, "# checked phase: a %s (cmd %u, %s) moved the generation %" PRIu64 " -> %" PRIu64 "\n",
					err ? "refused request" : f->read ? "read" : "dry run",
					f->cmd, err ? strerror(-err) : "ok", g0, g1);
				hexdump("the message", m->buf, m->nlh->nlmsg_len);
			}
		} else if (!err && f->change && !f->dry_run && !f->mutated && g1 != g0 + 1) {
			problems++;
			if (problems <= 3) {
				fprintf(stderr, "# checked phase: a change that succeeded (cmd %u) moved the generation %" PRIu64 " -> %" PRIu64 ", not by one\n",
					f->cmd, g0, g1);
				hexdump("the message", m->buf, m->nlh->nlmsg_len);
			}
		}
	}
	nl_close(&f->nl);
	free(f);
	free(m);
	return problems;
}

/* ---- the environment ---------------------------------------------------------- */

/* pktgen injects into the traffic devices, a few hundred packets a second each. */
static struct pktgen pg;
static uint64_t injected;		/* packets pktgen sent, in all */

static int pktgen_start(void)
{
	return pktgen_run(&pg, traffic_devs, sizeof(traffic_devs) / sizeof(traffic_devs[0]),
			  3000000);
}

static void pktgen_stop(void)
{
	injected += pktgen_halt(&pg);
}

/*
 * Listen to the events every change announces, so that the kernel builds
 * them (it builds none without a listener), and check each: a known
 * command, the generation, never going back, and what the command carries.
 */
static int listener(void)
{
	static char buf[RECV_BUF];
	uint64_t last_gen = 0;
	int size = 8 << 20;
	struct nl nl;
	int err;

	err = nl_open(&nl);
	if (!err)
		err = nl_join_group(&nl, IOV_GENL_MCGRP_EVENTS);
	if (err) {
		fprintf(stderr, "# event listener: %s\n", strerror(-err));
		return 1;
	}
	setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	nl_set_timeout(&nl, 1);
	shm->listening = 1;
	for (;;) {
		ssize_t n = recv(nl.fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *nlh;

		if (n < 0) {
			if (errno == ENOBUFS)
				shm->events_lost++;
			else if (shm->stop_events)	/* told to stop, and drained */
				break;
			continue;
		}
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			const struct genlmsghdr *g = NLMSG_DATA(nlh);
			bool has_gen = false, has_cause = false, has_a = false, has_b = false;
			bool has_id = false, has_name = false, has_hops = false;
			const struct nlattr *a;
			uint64_t gen = 0;
			int rem;

			if (nlh->nlmsg_type != nl.family)
				continue;
			shm->events++;
			shm->events_by_cmd[g->cmd < NCMD ? g->cmd : 0]++;
			for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem)) {
				switch (attr_type(a)) {
				case IOV_ATTR_GENERATION: has_gen = true; gen = attr_u64(a); break;
				case IOV_ATTR_CAUSE: has_cause = true; break;
				case IOV_ATTR_LINK_A: has_a = true; break;
				case IOV_ATTR_LINK_B: has_b = true; break;
				case IOV_ATTR_MODULE_ID: has_id = true; break;
				case IOV_ATTR_MODULE_NAME: has_name = true; break;
				case IOV_ATTR_HOP_BUDGET: has_hops = true; break;
				}
			}
			switch (g->cmd) {
			case IOV_CMD_MODULE_NEW: case IOV_CMD_MODULE_DEL: case IOV_CMD_MODULE_SET:
				err = !has_id || !has_name;
				break;
			case IOV_CMD_LINK_NEW:
				err = !has_a || !has_b || has_cause;
				break;
			case IOV_CMD_LINK_DEL:
				err = !has_a || !has_b || !has_cause;
				break;
			case IOV_CMD_GRAPH_SET:
				err = !has_hops;
				break;
			default:
				err = 1;
			}
			if (!has_gen || gen < last_gen || err) {
				if (shm->events_bad++ < 3)
					fprintf(stderr, "# event cmd %u: generation %" PRIu64 " after %" PRIu64 "%s%s\n",
						g->cmd, gen, last_gen, has_gen ? "" : " (none)",
						err ? ", attributes missing for its command" : "");
			}
			if (has_gen && gen > last_gen)
				last_gen = gen;
		}
	}
	nl_close(&nl);
	return 0;
}

static pid_t sink_pid = -1;		/* sits in another netns */

/* Devices come and go, are renamed, flap, leave: until told to stop. */
static int churner(pid_t home)
{
	uint64_t s = opt_seed ^ 0xc4c4c4c4ULL;

	while (!shm->stop) {
		switch (splitmix(&s) % 6) {
		case 4:		/* to another netns and back */
			if (sink_pid > 0)
				sh("ip link set fzd6 netns %d 2>/dev/null && "
				   "nsenter -t %d -n ip link set fzd6 netns %d", sink_pid, sink_pid, home);
			break;
		case 0:
			sh("ip link del fzd5 2>/dev/null; ip link add fzd5 type dummy 2>/dev/null && "
			   "ip link set fzd5 up");
			break;
		case 1:
			sh("ip link set fzd4 name fzd4x 2>/dev/null && ip link set fzd4x name fzd4");
			break;
		case 2:
			sh("ip link set fzd3 down && ip link set fzd3 up");
			break;
		case 3:
			sh("ip link set fzd4 mtu %d 2>/dev/null", 1000 + (int)(splitmix(&s) % 600));
			break;
		default:
			usleep(100000);
		}
		__atomic_add_fetch(&shm->churn_ops, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static int setup_netns(void)
{
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "# unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	if (sh("ip link set lo up && "
	       "for i in 0 1 2 3 4 5 6 7; do ip link add fzd$i type dummy || exit 1; done && "
	       "for i in 0 1 2 3 4 5; do ip link set fzd$i up || exit 1; done && "
	       "ip link add fzbr type bridge && ip link set fzd7 master fzbr && "
	       "ip link set fzbr up && ip link set fzd7 up")) {
		fprintf(stderr, "# could not make the devices\n");
		return -1;
	}
	/* A device that is not Ethernet, if this kernel has tun. */
	sh("ip tuntap add dev fztun mode tun 2>/dev/null && ip link set fztun up");
	return 0;
}

/*
 * A graph the fuzzers did not make, carrying pktgen's packets: they find
 * its modules by id in their dumps, and swap, relink and delete them.
 *   fzd0 - tr0 (flood, 4 ports); fzd1 - tr1 (out 1) :1 - tr0:1;
 *   fzd2 - tr2 (pass); fzd3 - tr3 (out 0) :1 - tr0:2
 */
static int setup_traffic_graph(struct nl *nl)
{
	struct ack ack;
	int err;

	err = module_new(nl, "tr0", fds[FD_CLS_FLOOD], 4, &ack) ?:
	      module_new(nl, "tr1", fds[FD_CLS_OUT1], 2, &ack) ?:
	      module_new(nl, "tr2", fds[FD_CLS_PASS], 1, &ack) ?:
	      module_new(nl, "tr3", fds[FD_CLS_OUT0], 2, &ack) ?:
	      link_dev(nl, "tr0", 0, "fzd0", &ack) ?:
	      link_dev(nl, "tr1", 0, "fzd1", &ack) ?:
	      link_dev(nl, "tr2", 0, "fzd2", &ack) ?:
	      link_dev(nl, "tr3", 0, "fzd3", &ack) ?:
	      link_ports(nl, "tr1", 1, "tr0", 1, &ack) ?:
	      link_ports(nl, "tr3", 1, "tr0", 2, &ack);
	if (err)
		fprintf(stderr, "# the traffic graph: %s (%s)\n", strerror(-err), ack.msg);
	return err;
}

static int setup_fds(void)
{
	int sv[2];

	for (int i = 0; i < NCLS; i++) {
		fds[i] = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, cls_ret[i]);
		if (fds[i] < 0) {
			fprintf(stderr, "# BPF_PROG_LOAD sched_cls: %s\n", strerror(errno));
			return -1;
		}
	}
	fds[FD_SOCKFILTER] = prog_load(BPF_PROG_TYPE_SOCKET_FILTER);
	fds[FD_MAP] = map_create();
	fds[FD_DEVNULL] = open("/dev/null", O_RDONLY);
	fds[FD_SOCKET] = socket(AF_INET, SOCK_DGRAM, 0);
	if (pipe(sv))
		return -1;
	fds[FD_PIPE] = sv[0];
	close(sv[1]);
	/* A number that is no fd, and that no socket the workers open takes. */
	fds[FD_CLOSED] = 1000;
	if (fcntl(fds[FD_CLOSED], F_GETFD) != -1)
		close(fds[FD_CLOSED]);
	for (int i = 0; i < FD_CLOSED; i++) {
		if (fds[i] < 0) {
			fprintf(stderr, "# fd %d: %s\n", i, strerror(errno));
			return -1;
		}
		if (i < FD_MAP)
			prog_ids[i] = prog_id_of(fds[i]);
	}
	return 0;
}

/* ---- after the storm ------------------------------------------------------------ */

static void print_report(uint64_t checked_count)
{
	struct wstats t = {};
	static const char *const cmd_names[NCMD] = {
		"UNSPEC", "MODULE_NEW", "MODULE_DEL", "MODULE_GET", "LINK_NEW", "LINK_DEL",
		"LINK_GET", "GRAPH_GET", "GRAPH_SET", "MODULE_SET", "BATCH",
	};

	for (int w = 0; w <= opt_workers; w++) {
		t.sent += shm->w[w].sent;
		t.reopen += shm->w[w].reopen;
		t.unexpected += shm->w[w].unexpected;
		t.gen_checked += shm->w[w].gen_checked;
		for (int e = 0; e <= MAX_ERRNO; e++) {
			t.by_errno[e] += shm->w[w].by_errno[e];
			t.no_extack[e] += shm->w[w].no_extack[e];
		}
		for (int c = 0; c < NCMD; c++) {
			t.ok_by_cmd[c] += shm->w[w].ok_by_cmd[c];
			t.ns_by_cmd[c] += shm->w[w].ns_by_cmd[c];
			t.n_by_cmd[c] += shm->w[w].n_by_cmd[c];
		}
		if (shm->w[w].max_ns > t.max_ns) {
			t.max_ns = shm->w[w].max_ns;
			t.max_cmd = shm->w[w].max_cmd;
			t.max_err = shm->w[w].max_err;
		}
	}
	printf("# messages sent: %" PRIu64 " (%d concurrent senders, then %" PRIu64 " checked alone), seed 0x%" PRIx64 "\n",
	       t.sent, opt_workers, checked_count, opt_seed);
	printf("# sockets closed and reopened: %" PRIu64 ", device changes: %" PRIu64 ", packets injected by pktgen: %" PRIu64 "\n",
	       t.reopen, shm->churn_ops, injected);
	printf("# events heard: %" PRIu64 " (module new %" PRIu64 ", del %" PRIu64 ", set %" PRIu64 "; link new %" PRIu64 ", del %" PRIu64 "; graph set %" PRIu64 "), %" PRIu64 " overruns, %" PRIu64 " malformed\n",
	       shm->events, shm->events_by_cmd[IOV_CMD_MODULE_NEW], shm->events_by_cmd[IOV_CMD_MODULE_DEL],
	       shm->events_by_cmd[IOV_CMD_MODULE_SET], shm->events_by_cmd[IOV_CMD_LINK_NEW],
	       shm->events_by_cmd[IOV_CMD_LINK_DEL], shm->events_by_cmd[IOV_CMD_GRAPH_SET],
	       shm->events_lost, shm->events_bad);
	printf("# answers by errno (refusals without an extack message):\n");
	for (int e = 0; e <= MAX_ERRNO; e++) {
		if (!t.by_errno[e])
			continue;
		printf("#   %-12s %-28s %10" PRIu64, e == MAX_ERRNO ? "other" : e ? strerrorname_np(e) : "0 (ok)",
		       e == MAX_ERRNO ? "" : e ? strerror(e) : "", t.by_errno[e]);
		if (t.no_extack[e])
			printf("  (%" PRIu64 " without extack)", t.no_extack[e]);
		printf("%s\n", errno_expected(e) ? "" : "  UNEXPECTED");
	}
	printf("# successes by command:");
	for (int c = 0; c < NCMD; c++)
		if (t.ok_by_cmd[c])
			printf(" %s %" PRIu64, cmd_names[c] ? cmd_names[c] : "?", t.ok_by_cmd[c]);
	printf("\n# mean answer time by command (ms):");
	for (int c = 0; c < NCMD; c++)
		if (t.n_by_cmd[c])
			printf(" %s %.1f", cmd_names[c] ? cmd_names[c] : "?",
			       t.ns_by_cmd[c] / 1e6 / t.n_by_cmd[c]);
	printf("\n# slowest answer: %.1f ms (cmd %u, error %d)\n", t.max_ns / 1e6,
	       t.max_cmd, t.max_err);
	fflush(stdout);
}

static void print_check(const char *what, const struct iov_check *chk)
{
	printf("# %s: %d modules, %d links (%d to devices), %" PRIu64 " packets counted (pass %" PRIu64 " drop %" PRIu64 " out %" PRIu64 " flood %" PRIu64 " err_verdict %" PRIu64 " err_port %" PRIu64 " err_hops %" PRIu64 " err_tx %" PRIu64 " err_pass %" PRIu64 ")\n",
	       what, chk->modules, chk->links, chk->dev_links, chk->packets,
	       chk->stats[IOV_STATS_PASS], chk->stats[IOV_STATS_DROP], chk->stats[IOV_STATS_OUT],
	       chk->stats[IOV_STATS_FLOOD], chk->stats[IOV_STATS_ERR_VERDICT],
	       chk->stats[IOV_STATS_ERR_PORT], chk->stats[IOV_STATS_ERR_HOPS],
	       chk->stats[IOV_STATS_ERR_TX], chk->stats[IOV_STATS_ERR_PASS]);
}

/* Each device can be linked again: the graph let go of its rx handler. */
static int check_devices_free(struct nl *nl)
{
	static const char *const devs[] = { "fzd0", "fzd1", "fzd2", "fzd3", "fzd4", "fzd5",
					     "fzd6", "fzbr" };
	int problems = 0, n = sizeof(devs) / sizeof(devs[0]);
	struct ack ack;

	if (module_new(nl, "final", fds[FD_CLS_PASS], n, &ack)) {
		fprintf(stderr, "# MODULE_NEW final: %s (%s)\n", strerror(-ack.error), ack.msg);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (link_dev(nl, "final", i, devs[i], &ack)) {
			fprintf(stderr, "# LINK_NEW final:%d %s on a cleared graph: %s (%s)\n",
				i, devs[i], strerror(-ack.error), ack.msg);
			problems++;
		}
	}
	if (module_del(nl, "final", &ack)) {
		fprintf(stderr, "# MODULE_DEL final: %s (%s)\n", strerror(-ack.error), ack.msg);
		problems++;
	}
	return problems;
}

/*
 * The generation moves with changes, and only with them: while one socket
 * owns a module, another socket that owns nothing opening, reading and
 * closing changes nothing; the owner closing deletes its module, one change.
 */
static int check_idle_close(struct nl *nl)
{
	struct nl owner, idle;
	uint64_t g0, g1, g2;
	int problems = 0;
	struct ack ack;
	struct msg m;

	if (nl_open(&owner) || nl_open(&idle))
		return 1;
	msg_init(&m, owner.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "owned0");
	put_u32(&m, IOV_ATTR_PROG_FD, fds[FD_CLS_PASS]);
	put_flag(&m, IOV_ATTR_OWNED);
	if (nl_call(&owner, &m, NULL, NULL, &ack)) {
		fprintf(stderr, "# MODULE_NEW owned0 owned: %s (%s)\n", strerror(-ack.error), ack.msg);
		return 1;
	}
	if (iov_get_graph(nl, &g0, NULL) || iov_get_graph(&idle, NULL, NULL))
		return 1;
	nl_close(&idle);
	if (iov_get_graph(nl, &g1, NULL))
		return 1;
	if (g1 != g0) {
		fprintf(stderr, "# a socket that owned nothing closed, nothing changed, and the generation moved %" PRIu64 " -> %" PRIu64 " (a module owned by another socket exists)\n",
			g0, g1);
		problems++;
	}
	nl_close(&owner);
	if (iov_get_graph(nl, &g2, NULL) || nl_dump_count(nl, IOV_CMD_MODULE_GET) != 0) {
		fprintf(stderr, "# the owner closed and its module is still there\n");
		problems++;
	} else if (g2 != g1 + 1) {
		fprintf(stderr, "# the owner closed, its module went, and the generation moved %" PRIu64 " -> %" PRIu64 ", not by one\n",
			g1, g2);
		problems++;
	}
	return problems;
}

/* Every program this test loaded is freed once nothing holds it. */
static int check_progs_freed(void)
{
	int problems = 0;

	for (int i = 0; i < FD_CLOSED; i++)
		close(fds[i]);
	for (int i = 0; i < FD_MAP; i++) {
		int tries = 200;

		while (prog_ids[i] && prog_id_exists(prog_ids[i]) && --tries)
			usleep(50000);
		if (!tries) {
			fprintf(stderr, "# BPF program %u (fd kind %d) is still loaded 10 s after every module and fd went: a reference leak\n",
				prog_ids[i], i);
			problems++;
		}
	}
	return problems;
}

static uint64_t parse_u64(const char *s)
{
	return strtoull(s, NULL, 0);
}

int main(int argc, char **argv)
{
	uint64_t concurrent, checked, per;
	int opt, problems = 0, status;
	struct iov_check chk = {};
	pid_t pids[MAX_WORKERS], churn_pid = -1, listen_pid;
	struct nl nl;
	const char *env;
	struct timespec t0;

	if ((env = getenv("IOVISOR_FUZZ_COUNT")) && *env)
		opt_count = parse_u64(env);
	if ((env = getenv("IOVISOR_FUZZ_SEED")) && *env)
		opt_seed = parse_u64(env);
	else
		opt_seed = (uint64_t)time(NULL) * 1000003ULL ^ (uint64_t)getpid() << 32;
	if ((env = getenv("IOVISOR_FUZZ_WORKERS")) && *env)
		opt_workers = atoi(env);
	if ((env = getenv("IOVISOR_FUZZ_TRAFFIC")) && *env)
		opt_traffic = atoi(env) != 0;
	while ((opt = getopt(argc, argv, "n:s:j:Tv")) != -1) {
		switch (opt) {
		case 'n': opt_count = parse_u64(optarg); break;
		case 's': opt_seed = parse_u64(optarg); break;
		case 'j': opt_workers = atoi(optarg); break;
		case 'T': opt_traffic = false; break;
		case 'v': opt_verbose = true; break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-s SEED] [-j WORKERS] [-T] [-v]\n", argv[0]);
			return KSFT_FAIL;
		}
	}
	if (opt_workers < 1)
		opt_workers = 1;
	if (opt_workers > MAX_WORKERS)
		opt_workers = MAX_WORKERS;
	checked = opt_count / 10;
	concurrent = opt_count - checked;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# nl_fuzz: seed 0x%" PRIx64 " (replay: IOVISOR_FUZZ_SEED=0x%" PRIx64 "), %" PRIu64 " messages, %d senders, traffic %s\n",
	       opt_seed, opt_seed, opt_count, opt_workers, opt_traffic ? "on" : "off");

	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return KSFT_FAIL;
	if (setup_netns())
		return KSFT_FAIL;
	/* Before the fds: the check that programs are freed closes them all. */
	listen_pid = fork();
	if (listen_pid == 0)
		_exit(listener());
	if (setup_fds())
		return KSFT_FAIL;
	for (int i = 0; i < 1000 && !shm->listening; i++)
		usleep(10000);
	if (nl_open(&nl)) {
		fprintf(stderr, "# generic netlink family %s: not found (is iovisor.ko loaded?)\n",
			IOV_GENL_NAME);
		return KSFT_FAIL;
	}
	nl_set_timeout(&nl, TIMEOUT_S);
	if (setup_traffic_graph(&nl))
		return KSFT_FAIL;
	if (opt_traffic) {
		if (pktgen_start()) {
			fprintf(stderr, "# pktgen is not available: no traffic\n");
			opt_traffic = false;
		}
		pid_t home = getpid();

		sink_pid = fork();
		if (sink_pid == 0) {
			if (unshare(CLONE_NEWNET))
				_exit(1);
			pause();
			_exit(0);
		}
		churn_pid = fork();
		if (churn_pid == 0)
			_exit(churner(home));
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	per = concurrent / opt_workers;
	for (int w = 0; w < opt_workers; w++) {
		uint64_t n = per + (w == 0 ? concurrent % opt_workers : 0);

		pids[w] = fork();
		if (pids[w] < 0) {
			perror("fork");
			return KSFT_FAIL;
		}
		if (pids[w] == 0)
			_exit(worker(w, n));
	}
	problems += wait_workers(pids, concurrent, &t0);
	shm->stop = 1;
	if (churn_pid > 0)
		waitpid(churn_pid, NULL, 0);
	if (sink_pid > 0) {
		sh("nsenter -t %d -n ip link set fzd6 netns %d 2>/dev/null", sink_pid, getpid());
		kill(sink_pid, SIGKILL);
		waitpid(sink_pid, NULL, 0);
	}
	printf("# concurrent phase: %.1f s\n", since(&t0));

	/* The devices are back as they were made, for the checks. */
	sh("ip link set fzd4x name fzd4 2>/dev/null; ip link set fzd3 up; "
	   "ip link add fzd5 type dummy 2>/dev/null; ip link set fzd5 up");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	problems += checked_phase(checked);
	printf("# checked phase: %.1f s\n", since(&t0));

	/* What the fuzzers left: consistent with packets flowing, then without. */
	if (iov_graph_check(&nl, &chk)) {
		fprintf(stderr, "# the graph is inconsistent under traffic (%d problems)\n", chk.problems);
		problems += chk.problems;
	}
	pktgen_stop();
	usleep(200000);
	chk.quiet_traffic = true;
	if (iov_graph_check(&nl, &chk)) {
		fprintf(stderr, "# the graph is inconsistent (%d problems)\n", chk.problems);
		problems += chk.problems;
	}
	print_check("graph after fuzzing", &chk);
	/* Every socket that sent OWNED is closed now: its modules went with it. */
	if (chk.owned) {
		fprintf(stderr, "# %d modules are still owned after every sender's socket closed\n",
			chk.owned);
		problems++;
	}
	problems += iov_graph_clear(&nl);
	problems += check_devices_free(&nl);

	/*
	 * A known graph under traffic, its programs swapped all along: the
	 * counters must add up and show the packets.
	 */
	if (opt_traffic && !setup_traffic_graph(&nl) && !pktgen_start()) {
		for (int i = 0; i < 20; i++) {
			struct ack ack;
			char name[8];

			usleep(100000);
			snprintf(name, sizeof(name), "tr%d", i % 4);
			if (module_set_prog(&nl, name, fds[i % 2 ? FD_CLS_FLOOD : FD_CLS_OUT1], &ack)) {
				fprintf(stderr, "# MODULE_SET %s: %s (%s)\n", name,
					strerror(-ack.error), ack.msg);
				problems++;
			}
		}
		pktgen_stop();
		usleep(200000);
		if (iov_graph_check(&nl, &chk)) {
			fprintf(stderr, "# the traffic graph is inconsistent (%d problems)\n", chk.problems);
			problems += chk.problems;
		}
		print_check("traffic graph, hot-swapped 20 times", &chk);
		if (!chk.packets) {
			fprintf(stderr, "# no packet reached the traffic graph\n");
			problems++;
		}
		problems += iov_graph_clear(&nl);
	}
	if (nl_dump_count(&nl, IOV_CMD_MODULE_GET) != 0) {
		fprintf(stderr, "# modules left after the final delete\n");
		problems++;
	}
	problems += check_idle_close(&nl);
	graph_set(&nl, IOV_HOP_BUDGET_DEFAULT, NULL);
	nl_close(&nl);
	problems += check_progs_freed();

	shm->stop_events = 1;
	if (waitpid(listen_pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		problems++;
	problems += shm->events_bad;
	/* Everything was deleted: whatever was announced added was announced gone. */
	if (!shm->events_lost &&
	    (shm->events_by_cmd[IOV_CMD_MODULE_NEW] != shm->events_by_cmd[IOV_CMD_MODULE_DEL] ||
	     shm->events_by_cmd[IOV_CMD_LINK_NEW] != shm->events_by_cmd[IOV_CMD_LINK_DEL])) {
		fprintf(stderr, "# with everything deleted, events announced %" PRIu64 " modules and %" PRIu64 " links added but %" PRIu64 " and %" PRIu64 " deleted\n",
			shm->events_by_cmd[IOV_CMD_MODULE_NEW], shm->events_by_cmd[IOV_CMD_LINK_NEW],
			shm->events_by_cmd[IOV_CMD_MODULE_DEL], shm->events_by_cmd[IOV_CMD_LINK_DEL]);
		problems++;
	}
	print_report(checked);
	for (int w = 0; w <= opt_workers; w++)
		problems += shm->w[w].problems + shm->w[w].unexpected;
	if (problems) {
		printf("# FAIL: nl_fuzz: %d problems (seed 0x%" PRIx64 ")\n", problems, opt_seed);
		return KSFT_FAIL;
	}
	printf("# PASS: nl_fuzz\n");
	return KSFT_PASS;
}
