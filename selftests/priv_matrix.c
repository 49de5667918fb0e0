// SPDX-License-Identifier: GPL-2.0
/*
 * Who may change a graph, and who may only read it, as the uapi header
 * says: commands that change state need CAP_NET_ADMIN in the user namespace
 * that owns the network namespace; reads are open to everyone.
 *
 * - nobody (uid 65534, no capabilities) gets EPERM for every change command
 *   (MODULE_NEW, owned or not, MODULE_DEL, MODULE_SET to swap or to pin,
 *   LINK_NEW, LINK_DEL, GRAPH_SET, BATCH, empty or not), dry runs included,
 *   and the graph does not move; nobody can read all of it (MODULE_GET by
 *   name, by id and as a dump, LINK_GET, GRAPH_GET);
 * - a socket root opened, used by nobody, and a socket nobody opened, used
 *   by root, change nothing either: netlink checks both who opened the
 *   socket and who sends on it;
 * - root in a user namespace of its own (unshare(CLONE_NEWUSER |
 *   CLONE_NEWNET), uid_map written) manages the graph of its own netns with
 *   every change command, using programs loaded before the unshare (bpf()
 *   is not allowed in a user namespace); the genl sockets it opened before
 *   the unshare, in the test's netns and in the initial one, get EPERM for
 *   every change there, and can still read.
 *
 * Each test runs in a network namespace of its own (owned by the initial
 * user namespace), with veth pairs iov0/iov1 and iov2/iov3, and a module m0
 * of two ports, m0:0 linked to iov0.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "nl_lib.h"

/* ---- the change requests, each one that root could make ----------------- */

enum change {
	CH_MODULE_NEW,
	CH_MODULE_NEW_OWNED,
	CH_MODULE_DEL,
	CH_MODULE_SET_PROG,
	CH_MODULE_SET_PIN,
	CH_LINK_NEW,
	CH_LINK_DEL,
	CH_GRAPH_SET,
	CH_BATCH,
	CH_BATCH_EMPTY,
	NCHANGES
};

static const char *const change_names[NCHANGES] = {
	"MODULE_NEW", "MODULE_NEW owned", "MODULE_DEL", "MODULE_SET (swap)",
	"MODULE_SET (pin)", "LINK_NEW", "LINK_DEL", "GRAPH_SET", "BATCH",
	"BATCH (no ops)",
};

/* Where a change request points: a module with two ports (mod:0 linked to
 * a device), and a device that is free. */
struct target {
	const char *mod;
	const char *free_dev;
	int prog_fd;
};

static void build_change(struct msg *m, uint16_t family, enum change c,
			 const struct target *t, bool dry_run)
{
	static const uint8_t cmd[NCHANGES] = {
		IOV_CMD_MODULE_NEW, IOV_CMD_MODULE_NEW, IOV_CMD_MODULE_DEL,
		IOV_CMD_MODULE_SET, IOV_CMD_MODULE_SET, IOV_CMD_LINK_NEW,
		IOV_CMD_LINK_DEL, IOV_CMD_GRAPH_SET, IOV_CMD_BATCH, IOV_CMD_BATCH,
	};

	msg_init(m, family, cmd[c], NLM_F_ACK);
	switch (c) {
	case CH_MODULE_NEW:
	case CH_MODULE_NEW_OWNED:
		put_str(m, IOV_ATTR_MODULE_NAME, "intruder");
		put_u32(m, IOV_ATTR_PROG_FD, t->prog_fd);
		put_u32(m, IOV_ATTR_NUM_PORTS, 1);
		if (c == CH_MODULE_NEW_OWNED)
			put_flag(m, IOV_ATTR_OWNED);
		break;
	case CH_MODULE_DEL:
		put_str(m, IOV_ATTR_MODULE_NAME, t->mod);
		break;
	case CH_MODULE_SET_PROG:
		put_str(m, IOV_ATTR_MODULE_NAME, t->mod);
		put_u32(m, IOV_ATTR_PROG_FD, t->prog_fd);
		break;
	case CH_MODULE_SET_PIN:
		put_str(m, IOV_ATTR_MODULE_NAME, t->mod);
		put_flag(m, IOV_ATTR_PIN);
		break;
	case CH_LINK_NEW:
		put_end_port(m, IOV_ATTR_LINK_A, t->mod, 1);
		put_end_dev(m, IOV_ATTR_LINK_B, t->free_dev);
		break;
	case CH_LINK_DEL:
		put_end_port(m, IOV_ATTR_LINK_A, t->mod, 0);
		break;
	case CH_GRAPH_SET:
		put_u32(m, IOV_ATTR_HOP_BUDGET, 8);
		break;
	case CH_BATCH:
		nest_start(m, IOV_ATTR_OPS);
		nest_start(m, IOV_ATTR_OP);
		put_u32(m, IOV_ATTR_OP_CMD, IOV_CMD_GRAPH_SET);
		put_u32(m, IOV_ATTR_HOP_BUDGET, 9);
		nest_end(m);
		nest_start(m, IOV_ATTR_OP);
		put_u32(m, IOV_ATTR_OP_CMD, IOV_CMD_MODULE_DEL);
		put_str(m, IOV_ATTR_MODULE_NAME, t->mod);
		nest_end(m);
		nest_end(m);
		break;
	case CH_BATCH_EMPTY:
		nest_start(m, IOV_ATTR_OPS);
		nest_end(m);
		break;
	default:
		break;
	}
	if (dry_run)
		put_flag(m, IOV_ATTR_DRY_RUN);
}

/*
 * Every change request, with and without DRY_RUN, is refused with EPERM on
 * this socket. Returns the number that were not, each reported.
 */
static int all_changes_refused(struct nl *nl, const struct target *t, const char *who)
{
	int fails = 0;

	for (int dry = 0; dry < 2; dry++) {
		for (int c = 0; c < NCHANGES; c++) {
			struct ack ack;
			struct msg m;

			build_change(&m, nl->family, c, t, dry);
			nl_call(nl, &m, NULL, NULL, &ack);
			if (ack.error == -EPERM)
				continue;
			fprintf(stderr, "# %s: %s%s: expected EPERM, got %s (%s)\n", who,
				change_names[c], dry ? " (dry run)" : "",
				ack.error ? strerror(-ack.error) : "success", ack.msg);
			fails++;
		}
	}
	return fails;
}

struct reads {
	int modules, links;
	bool got_mod_by_name, got_mod_by_id, got_graph;
	uint32_t mod_id;
};

/*
 * Every read works on this socket and shows what is there: want_mod with a
 * link from its port 0, and want_modules and want_links in all. Returns the
 * number of failures, each reported.
 */
static int all_reads_work(struct nl *nl, const char *want_mod, int want_modules,
			  int want_links, const char *who)
{
	struct iov_mod_info *mi = malloc(sizeof(*mi));
	uint64_t gen;
	int fails = 0, err, n;

	if (!mi)
		return 1;
	err = iov_get_module(nl, want_mod, 0, mi);
	if (err || strcmp(mi->name, want_mod) || !mi->ports[0].peer.present) {
		fprintf(stderr, "# %s: MODULE_GET %s by name: %s\n", who, want_mod,
			err ? strerror(-err) : "not the module, or its port 0 unlinked");
		fails++;
	} else {
		uint32_t id = mi->id;

		err = iov_get_module(nl, NULL, id, mi);
		if (err || strcmp(mi->name, want_mod)) {
			fprintf(stderr, "# %s: MODULE_GET id %u: %s\n", who, id,
				err ? strerror(-err) : "another module");
			fails++;
		}
	}
	n = nl_dump_count(nl, IOV_CMD_MODULE_GET);
	if (n != want_modules) {
		fprintf(stderr, "# %s: MODULE_GET dump: %d modules (%s), expected %d\n", who, n,
			n < 0 ? strerror(-n) : "-", want_modules);
		fails++;
	}
	n = nl_dump_count(nl, IOV_CMD_LINK_GET);
	if (n != want_links) {
		fprintf(stderr, "# %s: LINK_GET dump: %d links (%s), expected %d\n", who, n,
			n < 0 ? strerror(-n) : "-", want_links);
		fails++;
	}
	err = iov_get_graph(nl, &gen, NULL);
	if (err || !gen) {
		fprintf(stderr, "# %s: GRAPH_GET: %s\n", who, err ? strerror(-err) : "generation 0");
		fails++;
	}
	free(mi);
	return fails;
}

/* Run fn in a child; its exit status is the number of failed checks. */
#define IN_CHILD(fn, ...) ({							\
	int __st;								\
	pid_t __pid;								\
	fflush(stdout);								\
	fflush(stderr);								\
	__pid = fork();								\
	ASSERT_LE(0, __pid);							\
	if (__pid == 0)								\
		_exit(fn(__VA_ARGS__));						\
	ASSERT_EQ(__pid, waitpid(__pid, &__st, 0));				\
	ASSERT_TRUE(WIFEXITED(__st));						\
	WEXITSTATUS(__st);							\
})

/* ---- the fixture -------------------------------------------------------- */

FIXTURE(priv) {
	struct nl nl;
	int prog_fd;			/* SCHED_CLS, returns PASS */
	int prog_fd2;			/* SCHED_CLS, returns DROP */
	struct graph_state before;
	struct target t;
};

FIXTURE_SETUP(priv)
{
	struct ack ack;
	int err;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, sh("ip link set lo up && "
			"ip link add name iov0 type veth peer name iov1 && "
			"ip link add name iov2 type veth peer name iov3 && "
			"ip link set iov0 up && ip link set iov2 up"));
	err = nl_open(&self->nl);
	ASSERT_EQ(0, err) TH_LOG("generic netlink family \"%s\": %s (is iovisor.ko loaded?)",
				 IOV_GENL_NAME, strerror(-err));
	self->prog_fd = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, IOV_PASS);
	ASSERT_LE(0, self->prog_fd) TH_LOG("BPF_PROG_LOAD sched_cls: %s", strerror(errno));
	self->prog_fd2 = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, IOV_DROP);
	ASSERT_LE(0, self->prog_fd2) TH_LOG("BPF_PROG_LOAD sched_cls: %s", strerror(errno));
	ASSERT_EQ(0, module_new(&self->nl, "m0", self->prog_fd, 2, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, link_dev(&self->nl, "m0", 0, "iov0", &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, graph_state(&self->nl, &self->before));
	self->t = (struct target){ .mod = "m0", .free_dev = "iov2", .prog_fd = self->prog_fd2 };
}

FIXTURE_TEARDOWN(priv)
{
	close(self->prog_fd);
	close(self->prog_fd2);
	nl_close(&self->nl);
}

/* The graph of the test's netns is as the fixture made it. */
#define EXPECT_GRAPH_UNCHANGED() do {						\
	struct graph_state __after;						\
	ASSERT_EQ(0, graph_state(&self->nl, &__after));				\
	EXPECT_EQ(self->before.generation, __after.generation)			\
		TH_LOG("the graph generation moved");				\
	EXPECT_EQ(self->before.modules, __after.modules);			\
	EXPECT_EQ(self->before.links, __after.links);				\
} while (0)

/* ---- nobody ------------------------------------------------------------- */

static int nobody_checks(const struct target *t)
{
	struct nl nl;
	int err;

	err = drop_privileges();
	if (err) {
		fprintf(stderr, "# drop privileges: %s\n", strerror(-err));
		return 100;
	}
	err = nl_open(&nl);
	if (err) {
		fprintf(stderr, "# nobody: family lookup: %s\n", strerror(-err));
		return 100;
	}
	return all_changes_refused(&nl, t, "nobody") + all_reads_work(&nl, "m0", 1, 1, "nobody");
}

TEST_F(priv, nobody_reads_everything_and_changes_nothing)
{
	int fails = IN_CHILD(nobody_checks, &self->t);

	EXPECT_EQ(0, fails) TH_LOG("%d checks failed as nobody", fails);
	EXPECT_GRAPH_UNCHANGED();
}

/* A socket root opened, in the hands of nobody. */
static int nobody_with_roots_socket(struct nl *root_nl, const struct target *t)
{
	int err = drop_privileges();

	if (err) {
		fprintf(stderr, "# drop privileges: %s\n", strerror(-err));
		return 100;
	}
	return all_changes_refused(root_nl, t, "nobody on root's socket") +
	       all_reads_work(root_nl, "m0", 1, 1, "nobody on root's socket");
}

TEST_F(priv, nobody_on_a_socket_root_opened_changes_nothing)
{
	int fails = IN_CHILD(nobody_with_roots_socket, &self->nl, &self->t);

	EXPECT_EQ(0, fails) TH_LOG("%d checks failed", fails);
	EXPECT_GRAPH_UNCHANGED();
}

/* A socket nobody opened, passed to root: the opener counts too. */
static int open_as_nobody(int sv)
{
	struct nl nl;
	char c = 0;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	if (drop_privileges() || nl_open(&nl))
		return 100;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &nl.fd, sizeof(int));
	return sendmsg(sv, &mh, 0) == 1 ? 0 : 100;
}

TEST_F(priv, root_on_a_socket_nobody_opened_changes_nothing)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct nl nobodys;
	int sv[2], fails;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, IN_CHILD(open_as_nobody, sv[1]));
	ASSERT_EQ(1, recvmsg(sv[0], &mh, 0));
	ASSERT_NE(NULL, CMSG_FIRSTHDR(&mh));
	memset(&nobodys, 0, sizeof(nobodys));
	memcpy(&nobodys.fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	nobodys.family = self->nl.family;
	nobodys.seq = 1000;

	fails = all_changes_refused(&nobodys, &self->t, "root on nobody's socket") +
		all_reads_work(&nobodys, "m0", 1, 1, "root on nobody's socket");
	EXPECT_EQ(0, fails) TH_LOG("%d checks failed", fails);
	EXPECT_GRAPH_UNCHANGED();
	close(nobodys.fd);
	close(sv[0]);
	close(sv[1]);
}

/* ---- root in a user namespace -------------------------------------------- */

static int write_map(const char *file, const char *map)
{
	int err = write_file(file, map);

	if (err)
		fprintf(stderr, "# write %s: %s\n", file, strerror(-err));
	return err;
}

/*
 * unshare(CLONE_NEWUSER | CLONE_NEWNET). The kernel refuses a new user
 * namespace to a chrooted process, and the test VM runs everything chrooted
 * into its overlay root: then step out to the root of the mount namespace
 * (PID 1's), make the user namespace there along with a mount namespace it
 * owns, and go back into the root we came from, held open by a fd.
 */
static int unshare_userns(void)
{
	int back;

	if (!unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return 0;
	if (errno != EPERM)
		return -errno;
	back = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (back < 0 || chroot("/proc/1/root") || chdir("/") ||
	    unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) ||
	    fchdir(back) || chroot(".") || chdir("/"))
		return -errno;
	close(back);
	return 0;
}

/* One change on nl that must succeed. */
static int must(struct nl *nl, struct msg *m, const char *what)
{
	struct ack ack;

	if (!nl_call(nl, m, NULL, NULL, &ack))
		return 0;
	fprintf(stderr, "# userns root: %s: %s (%s)\n", what, strerror(-ack.error), ack.msg);
	return 1;
}

/*
 * In a child of the test: the programs are loaded and the sockets opened
 * before the unshare. Returns the number of failed checks.
 */
static int userns_root(int prog_fd, int prog_fd2, struct nl *test_nl)
{
	struct target test_target = { .mod = "m0", .free_dev = "iov2", .prog_fd = prog_fd2 };
	struct nl init_nl, own;
	struct msg m;
	int fails = 0, fd, err;

	/* A socket in the initial netns, opened while still there. */
	fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "# open /proc/1/ns/net: %s\n", strerror(errno));
		return 100;
	}
	{
		int here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		if (here < 0 || setns(fd, CLONE_NEWNET) || nl_open(&init_nl) ||
		    setns(here, CLONE_NEWNET)) {
			fprintf(stderr, "# a socket in the initial netns: %s\n", strerror(errno));
			return 100;
		}
		close(here);
		close(fd);
	}

	err = unshare_userns();
	if (err) {
		fprintf(stderr, "# unshare(CLONE_NEWUSER | CLONE_NEWNET): %s\n", strerror(-err));
		return 100;
	}
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_map("/proc/self/uid_map", "0 0 1") ||
	    write_map("/proc/self/gid_map", "0 0 1"))
		return 100;

	/* As documented: no bpf() here, hence the programs loaded before. */
	fd = prog_load(BPF_PROG_TYPE_SCHED_CLS);
	if (fd >= 0) {
		fprintf(stderr, "# note: BPF_PROG_LOAD works in this user namespace\n");
		close(fd);
	}

	if (sh("ip link set lo up && ip link add name u0 type veth peer name u1 && "
	       "ip link add name u2 type veth peer name u3 && "
	       "ip link set u0 up && ip link set u2 up")) {
		fprintf(stderr, "# userns root: cannot make veths in its own netns\n");
		return 100;
	}
	err = nl_open(&own);
	if (err) {
		fprintf(stderr, "# userns root: family lookup in its netns: %s\n", strerror(-err));
		return 100;
	}

	/* Its own graph: every change command works. */
	msg_init(&m, own.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "um");
	put_u32(&m, IOV_ATTR_PROG_FD, prog_fd);
	put_u32(&m, IOV_ATTR_NUM_PORTS, 2);
	fails += must(&own, &m, "MODULE_NEW um");
	msg_init(&m, own.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "uo");
	put_u32(&m, IOV_ATTR_PROG_FD, prog_fd);
	put_flag(&m, IOV_ATTR_OWNED);
	fails += must(&own, &m, "MODULE_NEW uo owned");
	msg_init(&m, own.family, IOV_CMD_MODULE_SET, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "uo");
	put_flag(&m, IOV_ATTR_PIN);
	fails += must(&own, &m, "MODULE_SET uo pin");
	msg_init(&m, own.family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, "um", 0);
	put_end_dev(&m, IOV_ATTR_LINK_B, "u0");
	fails += must(&own, &m, "LINK_NEW um:0 dev u0");
	msg_init(&m, own.family, IOV_CMD_MODULE_SET, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "um");
	put_u32(&m, IOV_ATTR_PROG_FD, prog_fd2);
	fails += must(&own, &m, "MODULE_SET um (swap)");
	msg_init(&m, own.family, IOV_CMD_GRAPH_SET, NLM_F_ACK);
	put_u32(&m, IOV_ATTR_HOP_BUDGET, 7);
	fails += must(&own, &m, "GRAPH_SET 7");
	msg_init(&m, own.family, IOV_CMD_BATCH, NLM_F_ACK);
	nest_start(&m, IOV_ATTR_OPS);
	nest_start(&m, IOV_ATTR_OP);
	put_u32(&m, IOV_ATTR_OP_CMD, IOV_CMD_LINK_NEW);
	put_end_port(&m, IOV_ATTR_LINK_A, "um", 1);
	put_end_port(&m, IOV_ATTR_LINK_B, "uo", 0);
	nest_end(&m);
	nest_start(&m, IOV_ATTR_OP);
	put_u32(&m, IOV_ATTR_OP_CMD, IOV_CMD_GRAPH_SET);
	put_u32(&m, IOV_ATTR_HOP_BUDGET, 6);
	nest_end(&m);
	nest_end(&m);
	fails += must(&own, &m, "BATCH link um:1 uo:0, graph set 6");
	fails += all_reads_work(&own, "um", 2, 2, "userns root, own netns");

	/* The sockets from before the unshare: reads only. */
	fails += all_changes_refused(test_nl, &test_target, "userns root, the test's netns");
	fails += all_reads_work(test_nl, "m0", 1, 1, "userns root, the test's netns");
	test_target.mod = "nosuch";	/* nothing to break in the real graph */
	test_target.free_dev = "lo";
	fails += all_changes_refused(&init_nl, &test_target, "userns root, the initial netns");

	/* And it takes its own graph down again. */
	msg_init(&m, own.family, IOV_CMD_LINK_DEL, NLM_F_ACK);
	put_end_dev(&m, IOV_ATTR_LINK_A, "u0");
	fails += must(&own, &m, "LINK_DEL dev u0");
	if (module_del(&own, "um", NULL)) {
		fprintf(stderr, "# userns root: MODULE_DEL um failed\n");
		fails++;
	}
	if (module_del(&own, "uo", NULL)) {
		fprintf(stderr, "# userns root: MODULE_DEL uo failed\n");
		fails++;
	}
	if (nl_dump_count(&own, IOV_CMD_MODULE_GET) != 0) {
		fprintf(stderr, "# userns root: modules left in its graph\n");
		fails++;
	}
	nl_close(&own);
	nl_close(&init_nl);
	return fails;
}

TEST_F(priv, userns_root_manages_its_own_netns_and_nothing_else)
{
	struct graph_state init_before, init_after;
	struct nl init_nl;
	int fails, here, fd;

	/* The initial netns's graph, to see it does not move. */
	here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, here);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setns(fd, CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&init_nl));
	ASSERT_EQ(0, setns(here, CLONE_NEWNET));
	close(fd);
	close(here);
	ASSERT_EQ(0, graph_state(&init_nl, &init_before));

	fails = IN_CHILD(userns_root, self->prog_fd, self->prog_fd2, &self->nl);
	EXPECT_EQ(0, fails) TH_LOG("%d checks failed as root in a user namespace", fails);
	EXPECT_GRAPH_UNCHANGED();
	ASSERT_EQ(0, graph_state(&init_nl, &init_after));
	EXPECT_EQ(init_before.generation, init_after.generation)
		TH_LOG("the initial netns's graph moved");
	EXPECT_EQ(init_before.modules, init_after.modules);
	nl_close(&init_nl);
}

TEST_HARNESS_MAIN
