// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions, hot swaps and owned modules at the netlink API, as a
 * controller uses them: a batch is all or nothing and expects its
 * generation; a swap may expect the program it replaces; a module made with
 * IOV_ATTR_OWNED goes when the socket that made it closes, unless pinned.
 *
 * Each test runs in a fresh network namespace of its own (the harness forks
 * one process per test), with a veth pair iov0/iov1 to link.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "nl_expect.h"

FIXTURE(txn) {
	struct nl nl;
	int prog_fd;			/* returns IOV_PASS */
	int other_fd;			/* returns IOV_DROP */
	struct graph_state before;
};

FIXTURE_SETUP(txn)
{
	int err;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, sh("ip link set lo up && "
			"ip link add name iov0 type veth peer name iov1 && "
			"ip link set iov0 up"));
	err = nl_open(&self->nl);
	ASSERT_EQ(0, err) TH_LOG("generic netlink family \"%s\": %s (is iovisor.ko loaded?)",
				 IOV_GENL_NAME, strerror(-err));
	self->prog_fd = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, IOV_PASS);
	self->other_fd = prog_load_ret(BPF_PROG_TYPE_SCHED_CLS, IOV_DROP);
	ASSERT_LE(0, self->prog_fd);
	ASSERT_LE(0, self->other_fd);
}

FIXTURE_TEARDOWN(txn)
{
	close(self->prog_fd);
	close(self->other_fd);
	nl_close(&self->nl);
}


/* ---- batches, built op by op ---- */

static void batch_init(struct nl *nl, struct msg *m)
{
	msg_init(m, nl->family, IOV_CMD_BATCH, NLM_F_ACK);
	nest_start(m, IOV_ATTR_OPS);
}

static void op_module_new(struct msg *m, const char *name, int fd, uint32_t ports)
{
	nest_start(m, IOV_ATTR_OP);
	put_u32(m, IOV_ATTR_OP_CMD, IOV_CMD_MODULE_NEW);
	put_str(m, IOV_ATTR_MODULE_NAME, name);
	put_u32(m, IOV_ATTR_PROG_FD, fd);
	put_u32(m, IOV_ATTR_NUM_PORTS, ports);
	nest_end(m);
}

static void op_link_ports(struct msg *m, const char *a, uint32_t pa,
			  const char *b, uint32_t pb)
{
	nest_start(m, IOV_ATTR_OP);
	put_u32(m, IOV_ATTR_OP_CMD, IOV_CMD_LINK_NEW);
	put_end_port(m, IOV_ATTR_LINK_A, a, pa);
	put_end_port(m, IOV_ATTR_LINK_B, b, pb);
	nest_end(m);
}

static void op_link_dev(struct msg *m, const char *a, uint32_t pa, const char *dev)
{
	nest_start(m, IOV_ATTR_OP);
	put_u32(m, IOV_ATTR_OP_CMD, IOV_CMD_LINK_NEW);
	put_end_port(m, IOV_ATTR_LINK_A, a, pa);
	put_end_dev(m, IOV_ATTR_LINK_B, dev);
	nest_end(m);
}

/* Close the ops and send, with what the whole request carries. */
static int batch_send(struct nl *nl, struct msg *m, struct ack *ack)
{
	nest_end(m);
	return nl_call(nl, m, NULL, NULL, ack);
}

/* Two modules and a link between them: a good batch of three. */
static void good_batch(struct nl *nl, struct msg *m, int fd)
{
	batch_init(nl, m);
	op_module_new(m, "a", fd, 2);
	op_module_new(m, "b", fd, 2);
	op_link_ports(m, "a", 0, "b", 0);
}

TEST_F(txn, batch_commits_every_op_with_one_generation)
{
	struct graph_state after;
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	good_batch(&self->nl, &m, self->prog_fd);
	op_link_dev(&m, "a", 1, "iov0");
	ASSERT_EQ(0, batch_send(&self->nl, &m, &ack)) TH_LOG("BATCH: %s", ack.msg);
	ASSERT_EQ(0, graph_state(&self->nl, &after));
	EXPECT_EQ(self->before.generation + 1, after.generation);
	EXPECT_EQ(self->before.modules + 2, after.modules);
	EXPECT_EQ(self->before.links + 2, after.links);
}

TEST_F(txn, batch_failing_at_its_third_op_changes_nothing)
{
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	batch_init(&self->nl, &m);
	op_module_new(&m, "a", self->prog_fd, 2);
	op_module_new(&m, "b", self->prog_fd, 2);
	op_link_ports(&m, "a", 7, "b", 0);		/* a has 2 ports */
	op_link_dev(&m, "a", 1, "iov0");
	batch_send(&self->nl, &m, &ack);
	EXPECT_REFUSED(ERANGE, ack);
}

TEST_F(txn, batch_op_seeing_what_an_earlier_one_removed_is_refused)
{
	struct ack ack;
	struct msg m;

	ASSERT_EQ(0, module_new(&self->nl, "a", self->prog_fd, 1, &ack)) TH_LOG("%s", ack.msg);
	SNAPSHOT();
	batch_init(&self->nl, &m);
	nest_start(&m, IOV_ATTR_OP);
	put_u32(&m, IOV_ATTR_OP_CMD, IOV_CMD_MODULE_DEL);
	put_str(&m, IOV_ATTR_MODULE_NAME, "a");
	nest_end(&m);
	op_link_dev(&m, "a", 0, "iov0");		/* a is gone by now */
	batch_send(&self->nl, &m, &ack);
	EXPECT_REFUSED(ENOENT, ack);
}

TEST_F(txn, batch_expecting_a_past_generation_is_estale)
{
	struct ack ack;
	struct msg m;

	ASSERT_EQ(0, module_new(&self->nl, "x", self->prog_fd, 1, &ack)) TH_LOG("%s", ack.msg);
	SNAPSHOT();
	good_batch(&self->nl, &m, self->prog_fd);
	nest_end(&m);
	put_u64(&m, IOV_ATTR_GENERATION, self->before.generation - 1);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(ESTALE, ack);
}

TEST_F(txn, batch_expecting_the_current_generation_commits)
{
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	good_batch(&self->nl, &m, self->prog_fd);
	nest_end(&m);
	put_u64(&m, IOV_ATTR_GENERATION, self->before.generation);
	ASSERT_EQ(0, nl_call(&self->nl, &m, NULL, NULL, &ack)) TH_LOG("%s", ack.msg);
}

TEST_F(txn, batch_dry_run_succeeds_and_changes_nothing)
{
	struct graph_state after;
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	good_batch(&self->nl, &m, self->prog_fd);
	nest_end(&m);
	put_flag(&m, IOV_ATTR_DRY_RUN);
	ASSERT_EQ(0, nl_call(&self->nl, &m, NULL, NULL, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, graph_state(&self->nl, &after));
	EXPECT_EQ(self->before.generation, after.generation);
	EXPECT_EQ(self->before.modules, after.modules);
	EXPECT_EQ(self->before.links, after.links);
}

TEST_F(txn, batch_dry_run_of_a_bad_batch_is_refused_as_the_real_one)
{
	struct ack ack;
	struct msg m;

	SNAPSHOT();
	batch_init(&self->nl, &m);
	op_module_new(&m, "a", self->prog_fd, 1);
	op_module_new(&m, "a", self->prog_fd, 1);
	nest_end(&m);
	put_flag(&m, IOV_ATTR_DRY_RUN);
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EEXIST, ack);
}

/* ---- hot swap ---- */

static int module_set(struct nl *nl, const char *name, int fd, uint32_t expect,
		      struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_SET, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, name);
	put_u32(&m, IOV_ATTR_PROG_FD, fd);
	if (expect)
		put_u32(&m, IOV_ATTR_EXPECT_PROG_ID, expect);
	return nl_call(nl, &m, NULL, NULL, ack);
}

TEST_F(txn, swap_keeps_ports_and_links)
{
	struct iov_mod_info *mi = calloc(1, sizeof(*mi));
	struct ack ack;

	ASSERT_NE(NULL, mi);
	ASSERT_EQ(0, module_new(&self->nl, "m", self->prog_fd, 2, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, link_dev(&self->nl, "m", 1, "iov0", &ack)) TH_LOG("%s", ack.msg);
	SNAPSHOT();
	ASSERT_EQ(0, module_set(&self->nl, "m", self->other_fd,
				prog_id_of(self->prog_fd), &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, iov_get_module(&self->nl, "m", 0, mi));
	EXPECT_EQ(prog_id_of(self->other_fd), mi->prog_id);
	EXPECT_EQ(2U, mi->nports);
	EXPECT_TRUE(mi->ports[1].peer.present);
	EXPECT_EQ(self->before.generation + 1, mi->generation);
	free(mi);
}

TEST_F(txn, swap_expecting_another_program_is_estale)
{
	struct iov_mod_info *mi = calloc(1, sizeof(*mi));
	struct ack ack;

	ASSERT_NE(NULL, mi);
	ASSERT_EQ(0, module_new(&self->nl, "m", self->prog_fd, 1, &ack)) TH_LOG("%s", ack.msg);
	SNAPSHOT();
	module_set(&self->nl, "m", self->other_fd, prog_id_of(self->other_fd), &ack);
	EXPECT_REFUSED(ESTALE, ack);
	ASSERT_EQ(0, iov_get_module(&self->nl, "m", 0, mi));
	EXPECT_EQ(prog_id_of(self->prog_fd), mi->prog_id);
	free(mi);
}

TEST_F(txn, swap_without_program_or_pin_is_einval)
{
	struct ack ack;
	struct msg m;

	ASSERT_EQ(0, module_new(&self->nl, "m", self->prog_fd, 1, &ack)) TH_LOG("%s", ack.msg);
	SNAPSHOT();
	msg_init(&m, self->nl.family, IOV_CMD_MODULE_SET, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, "m");
	nl_call(&self->nl, &m, NULL, NULL, &ack);
	EXPECT_REFUSED(EINVAL, ack);
}

/* ---- owned modules ---- */

static int module_new_owned(struct nl *nl, const char *name, int fd, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, name);
	put_u32(&m, IOV_ATTR_PROG_FD, fd);
	put_flag(&m, IOV_ATTR_OWNED);
	return nl_call(nl, &m, NULL, NULL, ack);
}

static int module_pin(struct nl *nl, const char *name, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_SET, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, name);
	put_flag(&m, IOV_ATTR_PIN);
	return nl_call(nl, &m, NULL, NULL, ack);
}

/* Does module name exist, as seen through nl? */
static bool module_exists(struct nl *nl, const char *name, bool *owned)
{
	struct iov_mod_info *mi = calloc(1, sizeof(*mi));
	bool found = mi && !iov_get_module(nl, name, 0, mi);

	if (found && owned)
		*owned = mi->owned;
	free(mi);
	return found;
}

TEST_F(txn, owned_module_goes_when_its_socket_closes)
{
	bool owned = false;
	struct nl controller;
	struct ack ack;

	ASSERT_EQ(0, nl_open(&controller));
	ASSERT_EQ(0, module_new_owned(&controller, "ctl", self->prog_fd, &ack))
		TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, link_dev(&controller, "ctl", 0, "iov0", &ack)) TH_LOG("%s", ack.msg);
	ASSERT_TRUE(module_exists(&self->nl, "ctl", &owned));
	EXPECT_TRUE(owned);
	SNAPSHOT();
	nl_close(&controller);		/* the owner goes: its module goes too */
	EXPECT_FALSE(module_exists(&self->nl, "ctl", NULL));
	struct graph_state after;
	ASSERT_EQ(0, graph_state(&self->nl, &after));
	EXPECT_EQ(self->before.modules - 1, after.modules);
	EXPECT_EQ(self->before.links - 1, after.links);
}

TEST_F(txn, owned_module_stays_with_another_socket_closing)
{
	struct nl controller, bystander;
	struct ack ack;

	ASSERT_EQ(0, nl_open(&controller));
	ASSERT_EQ(0, nl_open(&bystander));
	ASSERT_EQ(0, module_new_owned(&controller, "ctl", self->prog_fd, &ack))
		TH_LOG("%s", ack.msg);
	nl_close(&bystander);
	EXPECT_TRUE(module_exists(&self->nl, "ctl", NULL));
	nl_close(&controller);
	EXPECT_FALSE(module_exists(&self->nl, "ctl", NULL));
}

TEST_F(txn, pinned_owned_module_stays_when_its_socket_closes)
{
	bool owned = true;
	struct nl controller;
	struct ack ack;

	ASSERT_EQ(0, nl_open(&controller));
	ASSERT_EQ(0, module_new_owned(&controller, "ctl", self->prog_fd, &ack))
		TH_LOG("%s", ack.msg);
	/* Anyone with CAP_NET_ADMIN may pin it: here, ivctl's own socket. */
	ASSERT_EQ(0, module_pin(&self->nl, "ctl", &ack)) TH_LOG("%s", ack.msg);
	nl_close(&controller);
	ASSERT_TRUE(module_exists(&self->nl, "ctl", &owned));
	EXPECT_FALSE(owned);
}

TEST_F(txn, owned_modules_of_a_socket_go_together)
{
	struct nl controller;
	struct ack ack;

	ASSERT_EQ(0, nl_open(&controller));
	ASSERT_EQ(0, module_new_owned(&controller, "c1", self->prog_fd, &ack))
		TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, module_new_owned(&controller, "c2", self->prog_fd, &ack))
		TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, link_ports(&controller, "c1", 0, "c2", 0, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, module_new(&controller, "plain", self->prog_fd, 1, &ack))
		TH_LOG("%s", ack.msg);
	nl_close(&controller);
	EXPECT_FALSE(module_exists(&self->nl, "c1", NULL));
	EXPECT_FALSE(module_exists(&self->nl, "c2", NULL));
	EXPECT_TRUE(module_exists(&self->nl, "plain", NULL));
}

TEST_HARNESS_MAIN
