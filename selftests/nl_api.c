// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink API refuses every bad request with the errno the uapi
 * header promises, an extack message, and no change to the graph.
 *
 * Requests are built by hand on a raw NETLINK_GENERIC socket, so that the
 * test controls every attribute (missing, unknown, out of range) and sees the
 * kernel's answer unfiltered by any library. Each test runs in a fresh
 * network namespace of its own (the harness forks one process per test), with
 * two veth pairs, iov0/iov1 and iov2/iov3, to link.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "nl_expect.h"

/* ---- the fixture -------------------------------------------------------- */

FIXTURE(iov) {
	struct nl nl;
	int prog_fd;			/* a SCHED_CLS program, fit for a module */
	struct graph_state before;
};

FIXTURE_SETUP(iov)
{
	int err;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, sh("ip link set lo up && "
			"ip link add name iov0 type veth peer name iov1 && "
			"ip link add name iov2 type veth peer name iov3 && "
			"ip link set iov0 up && ip link set iov2 up"));
	err = nl_open(&self->nl);
	ASSERT_EQ(0, err) TH_LOG("generic netlink family \"%s\": %s (is iovisor.ko loaded?)",
				 IOV_GENL_NAME, strerror(-err));
	self->prog_fd = prog_load(BPF_PROG_TYPE_SCHED_CLS);
	ASSERT_LE(0, self->prog_fd) TH_LOG("BPF_PROG_LOAD sched_cls: %s", strerror(errno));
}

FIXTURE_TEARDOWN(iov)
{
	if (self->prog_fd >= 0)
		close(self->prog_fd);
	close(self->nl.fd);
}

#define ADD_MODULE(name, nports) do {						\
	struct ack __a;								\
	ASSERT_EQ(0, module_new(&self->nl, name, self->prog_fd, nports, &__a))	\
		TH_LOG("MODULE_NEW %s: %s", name, __a.msg);			\
} while (0)

#define ADD_DEV_LINK(mod, port, ifname) do {					\
	struct ack __a;								\
	ASSERT_EQ(0, link_dev(&self->nl, mod, port, ifname, &__a))		\
		TH_LOG("LINK_NEW %s:%d %s: %s", mod, port, ifname, __a.msg);	\
} while (0)

/* ---- the good path, so that the refusals below mean something ---------- */

/* Counts the messages that come before the ack. */
static void module_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	uint32_t *seen = arg;

	(void)nlh;
	(*seen)++;
}


/* The uapi header: MODULE_NEW's reply is the ack alone. */
TEST_F(iov, module_new_replies_with_the_ack_alone)
{
	uint32_t seen = 0;
	struct ack ack;
	struct msg m;

	msg_init(&m, self->nl.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "m");
	put_u32(&m, IOV_ATTR_PROG_FD, self->prog_fd);
	put_u32(&m, IOV_ATTR_NUM_PORTS, 2);
	ASSERT_EQ(0, nl_call(&self->nl, &m, module_reply_cb, &seen, &ack))
		TH_LOG("MODULE_NEW: %s", ack.msg);
	EXPECT_EQ(0U, seen);
}

TEST_F(iov, module_new_with_most_ports_adds_one_and_moves_generation)
{
	struct graph_state after;

	SNAPSHOT();
	ADD_MODULE("m", IOV_PORTS_MAX);
	ASSERT_EQ(0, graph_state(&self->nl, &after));
	EXPECT_EQ(self->before.modules + 1, after.modules);
	EXPECT_LT(self->before.generation, after.generation);
}

/* ---- MODULE_NEW --------------------------------------------------------- */

TEST_F(iov, module_new_bad_fd_is_ebadf)
{
	struct ack ack;
	int fd = dup(self->prog_fd);

	ASSERT_LE(0, fd);
	close(fd);				/* a number that is no fd now */
	SNAPSHOT();
	module_new(&self->nl, "m", fd, 1, &ack);
	EXPECT_REFUSED(EBADF, ack);
}

TEST_F(iov, module_new_non_bpf_fd_is_einval)
{
	struct ack ack;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	SNAPSHOT();
	module_new(&self->nl, "m", fd, 1, &ack);
	EXPECT_REFUSED(EINVAL, ack);
	close(fd);
}

TEST_F(iov, module_new_socket_filter_prog_is_einval)
{
	struct ack ack;
	int fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER);

	ASSERT_LE(0, fd) TH_LOG("BPF_PROG_LOAD socket_filter: %s", strerror(errno));
	SNAPSHOT();
	module_new(&self->nl, "m", fd, 1, &ack);
	EXPECT_REFUSED(EINVAL, ack);
	close(fd);
}

TEST_F(iov, module_new_without_prog_fd_is_einval)
{
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "m");
	put_u32(&m, IOV_ATTR_NUM_PORTS, 1);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

TEST_F(iov, module_new_without_name_is_einval)
{
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_u32(&m, IOV_ATTR_PROG_FD, self->prog_fd);
	put_u32(&m, IOV_ATTR_NUM_PORTS, 1);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

TEST_F(iov, module_new_unknown_attribute_is_einval)
{
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "m");
	put_u32(&m, IOV_ATTR_PROG_FD, self->prog_fd);
	put_u32(&m, IOV_ATTR_NUM_PORTS, 1);
	put_u32(&m, __IOV_ATTR_MAX, 0);		/* one past the last known */
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

TEST_F(iov, module_new_zero_ports_is_erange)
{
	struct ack ack;

	SNAPSHOT();
	module_new(&self->nl, "m", self->prog_fd, 0, &ack);
	EXPECT_REFUSED(ERANGE, ack);
}

TEST_F(iov, module_new_too_many_ports_is_erange)
{
	struct ack ack;

	SNAPSHOT();
	module_new(&self->nl, "m", self->prog_fd, IOV_PORTS_MAX + 1, &ack);
	EXPECT_REFUSED(ERANGE, ack);
}

TEST_F(iov, module_new_duplicate_name_is_eexist)
{
	struct ack ack;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	module_new(&self->nl, "m", self->prog_fd, 1, &ack);
	EXPECT_REFUSED(EEXIST, ack);
}

TEST_F(iov, module_new_name_with_colon_is_einval)
{
	struct ack ack;

	SNAPSHOT();
	module_new(&self->nl, "a:b", self->prog_fd, 1, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

TEST_F(iov, module_new_empty_name_is_einval)
{
	struct ack ack;

	SNAPSHOT();
	module_new(&self->nl, "", self->prog_fd, 1, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

TEST_F(iov, module_new_name_too_long_is_einval)
{
	char name[IOV_NAME_LEN + 1];
	struct ack ack;

	memset(name, 'x', IOV_NAME_LEN);	/* one more than fits with its NUL */
	name[IOV_NAME_LEN] = '\0';
	SNAPSHOT();
	module_new(&self->nl, name, self->prog_fd, 1, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

/* ---- MODULE_DEL --------------------------------------------------------- */

TEST_F(iov, module_del_unknown_name_is_enoent)
{
	struct ack ack;
	struct msg m;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_MODULE_DEL, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "nosuch");
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(ENOENT, ack);
}

TEST_F(iov, module_del_unknown_id_is_enoent)
{
	struct ack ack;
	struct msg m;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_MODULE_DEL, NLM_F_ACK);
	put_u32(&m, IOV_ATTR_MODULE_ID, 0x7fffffff);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(ENOENT, ack);
}

TEST_F(iov, module_del_without_name_or_id_is_einval)
{
	struct ack ack;
	struct msg m;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_MODULE_DEL, NLM_F_ACK);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

/* ---- LINK_NEW ----------------------------------------------------------- */

TEST_F(iov, link_new_port_out_of_range_is_erange)
{
	struct ack ack;

	ADD_MODULE("m", 2);
	SNAPSHOT();
	link_dev(&self->nl, "m", 2, "iov0", &ack);
	EXPECT_REFUSED(ERANGE, ack);
}

TEST_F(iov, link_new_peer_port_out_of_range_is_erange)
{
	struct ack ack;

	ADD_MODULE("m", 2);
	ADD_MODULE("n", 2);
	SNAPSHOT();
	link_ports(&self->nl, "m", 0, "n", 2, &ack);
	EXPECT_REFUSED(ERANGE, ack);
}

TEST_F(iov, link_new_unknown_module_is_enoent)
{
	struct ack ack;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	link_dev(&self->nl, "nosuch", 0, "iov0", &ack);
	EXPECT_REFUSED(ENOENT, ack);
}

TEST_F(iov, link_new_without_b_end_is_einval)
{
	struct ack ack;
	struct msg m;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, "m", 0);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

TEST_F(iov, link_new_unknown_end_attribute_is_einval)
{
	struct ack ack;
	struct msg m;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, "m", 0);
	nest_start(&m, IOV_ATTR_LINK_B);
	put_str(&m, IOV_END_IFNAME, "iov0");
	put_u32(&m, __IOV_END_MAX, 0);		/* one past the last known */
	nest_end(&m);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

TEST_F(iov, link_new_bridge_port_is_ebusy)
{
	struct ack ack;

	ASSERT_EQ(0, sh("ip link add name br0 type bridge && ip link set iov0 master br0"));
	ADD_MODULE("m", 1);
	SNAPSHOT();
	link_dev(&self->nl, "m", 0, "iov0", &ack);
	EXPECT_REFUSED(EBUSY, ack);
}

TEST_F(iov, link_new_loopback_is_eopnotsupp)
{
	struct ack ack;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	link_dev(&self->nl, "m", 0, "lo", &ack);
	EXPECT_REFUSED(EOPNOTSUPP, ack);
}

TEST_F(iov, link_new_unknown_ifname_is_enodev)
{
	struct ack ack;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	link_dev(&self->nl, "m", 0, "nosuchdev0", &ack);
	EXPECT_REFUSED(ENODEV, ack);
}

TEST_F(iov, link_new_unknown_ifindex_is_enodev)
{
	struct ack ack;
	struct msg m;

	ADD_MODULE("m", 1);
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, "m", 0);
	nest_start(&m, IOV_ATTR_LINK_B);
	put_u32(&m, IOV_END_IFINDEX, 0x7fffffff);
	nest_end(&m);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(ENODEV, ack);
}

TEST_F(iov, link_new_port_already_linked_is_ebusy)
{
	struct ack ack;

	ADD_MODULE("m", 2);
	ADD_DEV_LINK("m", 0, "iov0");
	SNAPSHOT();
	link_dev(&self->nl, "m", 0, "iov2", &ack);
	EXPECT_REFUSED(EBUSY, ack);
}

TEST_F(iov, link_new_device_already_linked_is_ebusy)
{
	struct ack ack;

	ADD_MODULE("m", 2);
	ADD_DEV_LINK("m", 0, "iov0");
	SNAPSHOT();
	link_dev(&self->nl, "m", 1, "iov0", &ack);
	EXPECT_REFUSED(EBUSY, ack);
}

TEST_F(iov, link_new_peer_port_already_linked_is_ebusy)
{
	struct ack ack;

	ADD_MODULE("m", 2);
	ADD_MODULE("n", 2);
	ADD_DEV_LINK("n", 0, "iov0");
	SNAPSHOT();
	link_ports(&self->nl, "m", 0, "n", 0, &ack);
	EXPECT_REFUSED(EBUSY, ack);
}

TEST_F(iov, link_new_port_to_itself_is_eloop)
{
	struct ack ack;

	ADD_MODULE("m", 2);
	SNAPSHOT();
	link_ports(&self->nl, "m", 1, "m", 1, &ack);
	EXPECT_REFUSED(ELOOP, ack);
}

/* ---- LINK_DEL ----------------------------------------------------------- */

TEST_F(iov, link_del_unlinked_port_is_enolink)
{
	struct ack ack;
	struct msg m;

	ADD_MODULE("m", 2);
	ADD_DEV_LINK("m", 0, "iov0");
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_LINK_DEL, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, "m", 1);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(ENOLINK, ack);
}

/* ---- permissions -------------------------------------------------------- */

static int expect_eperm(struct nl *nl, struct msg *m, const char *what)
{
	struct ack ack;

	nl_call(nl, m, NULL, NULL, &ack);
	if (ack.error == -EPERM)
		return 0;
	fprintf(stderr, "# unprivileged %s: expected %s, got %s (%s)\n", what,
		strerror(EPERM), strerror(-ack.error), ack.msg);
	return 1;
}

/*
 * Runs in a child that gives up root and every capability: each command
 * that changes state is refused, reading still works. Returns the number of
 * checks that failed.
 */
static int unprivileged_checks(int prog_fd)
{
	struct nl nl;
	struct msg m;
	int fails = 0, n, err;

	err = drop_privileges();
	if (err) {
		fprintf(stderr, "# drop privileges: %s\n", strerror(-err));
		return 100;
	}
	err = nl_open(&nl);		/* opened unprivileged, sent unprivileged */
	if (err) {
		fprintf(stderr, "# unprivileged family lookup: %s\n", strerror(-err));
		return 100;
	}

	msg_init(&m, nl.family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "m1");
	put_u32(&m, IOV_ATTR_PROG_FD, prog_fd);
	put_u32(&m, IOV_ATTR_NUM_PORTS, 1);
	fails += expect_eperm(&nl, &m, "MODULE_NEW");

	msg_init(&m, nl.family, IOV_CMD_MODULE_DEL, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "m0");
	fails += expect_eperm(&nl, &m, "MODULE_DEL");

	msg_init(&m, nl.family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, "m0", 1);
	put_end_dev(&m, IOV_ATTR_LINK_B, "iov2");
	fails += expect_eperm(&nl, &m, "LINK_NEW");

	msg_init(&m, nl.family, IOV_CMD_LINK_DEL, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, "m0", 0);
	fails += expect_eperm(&nl, &m, "LINK_DEL");

	msg_init(&m, nl.family, IOV_CMD_GRAPH_SET, NLM_F_ACK);
	put_u32(&m, IOV_ATTR_HOP_BUDGET, 8);
	fails += expect_eperm(&nl, &m, "GRAPH_SET");

	n = nl_dump_count(&nl, IOV_CMD_MODULE_GET);
	if (n != 1) {
		fprintf(stderr, "# unprivileged MODULE_GET dump: expected 1 module, got %d\n", n);
		fails++;
	}
	n = nl_dump_count(&nl, IOV_CMD_LINK_GET);
	if (n != 1) {
		fprintf(stderr, "# unprivileged LINK_GET dump: expected 1 link, got %d\n", n);
		fails++;
	}
	return fails;
}

TEST_F(iov, unprivileged_caller_can_read_but_not_change)
{
	struct graph_state after;
	int status;
	pid_t pid;

	ADD_MODULE("m0", 2);
	ADD_DEV_LINK("m0", 0, "iov0");
	SNAPSHOT();

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_checks(self->prog_fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%d unprivileged checks failed",
						  WEXITSTATUS(status));

	ASSERT_EQ(0, graph_state(&self->nl, &after));
	EXPECT_EQ(self->before.generation, after.generation);
	EXPECT_EQ(self->before.modules, after.modules);
	EXPECT_EQ(self->before.links, after.links);
}

TEST_HARNESS_MAIN
