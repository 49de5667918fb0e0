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
#include <grp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/iovisor.h>

#include "kselftest_harness.h"

#define MSG_BUF		8192
#define RECV_BUF	(64 * 1024)
#define EXTACK_LEN	256

struct nl {
	int fd;
	uint32_t seq;
	uint16_t family;
};

/* A request being built; nests are closed in LIFO order. */
struct msg {
	union {
		char buf[MSG_BUF];
		struct nlmsghdr align;
	};
	struct nlmsghdr *nlh;
	struct nlattr *nest[8];
	int depth;
};

/* The kernel's answer to one request. */
struct ack {
	int error;			/* 0 or -errno */
	bool has_msg;			/* NLMSGERR_ATTR_MSG present */
	char msg[EXTACK_LEN];
};

/* What must not move when a request is refused. */
struct graph_state {
	uint64_t generation;
	int modules;
	int links;
};

typedef void (*reply_cb)(const struct nlmsghdr *nlh, void *arg);

/* ---- building requests ------------------------------------------------ */

static void msg_init(struct msg *m, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh = &m->align;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 2 : IOV_GENL_VERSION;
}

static struct nlattr *msg_tail(struct msg *m)
{
	return (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));
}

static void put(struct msg *m, uint16_t type, const void *data, int len)
{
	struct nlattr *a = msg_tail(m);

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > MSG_BUF)
		abort();
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static void nest_start(struct msg *m, uint16_t type)
{
	struct nlattr *a = msg_tail(m);

	a->nla_type = type | NLA_F_NESTED;
	a->nla_len = NLA_HDRLEN;
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN;
	m->nest[m->depth++] = a;
}

static void nest_end(struct msg *m)
{
	struct nlattr *a = m->nest[--m->depth];

	a->nla_len = m->buf + m->nlh->nlmsg_len - (char *)a;
}

/* An end naming a module port. */
static void put_end_port(struct msg *m, uint16_t type, const char *mod, uint32_t port)
{
	nest_start(m, type);
	put_str(m, IOV_END_MODULE_NAME, mod);
	put_u32(m, IOV_END_PORT, port);
	nest_end(m);
}

/* An end naming an interface. */
static void put_end_dev(struct msg *m, uint16_t type, const char *ifname)
{
	nest_start(m, type);
	put_str(m, IOV_END_IFNAME, ifname);
	nest_end(m);
}

/* ---- talking to the kernel -------------------------------------------- */

static const struct nlattr *attr_first(const struct nlmsghdr *nlh, int *rem)
{
	*rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
}

#define attr_ok(a, rem) ((rem) >= (int)NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && \
			 (a)->nla_len <= (rem))
#define attr_next(a, rem) ((rem) -= NLA_ALIGN((a)->nla_len), \
			   (const struct nlattr *)((const char *)(a) + NLA_ALIGN((a)->nla_len)))
#define attr_type(a) ((a)->nla_type & NLA_TYPE_MASK)
#define attr_data(a) ((const void *)((const char *)(a) + NLA_HDRLEN))

static void parse_ack(const struct nlmsghdr *nlh, struct ack *ack)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *a;
	int off, rem;

	ack->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLA_ALIGN(off);
	rem = (int)nlh->nlmsg_len - off;
	for (a = (const void *)((const char *)nlh + off); attr_ok(a, rem); a = attr_next(a, rem)) {
		if (attr_type(a) != NLMSGERR_ATTR_MSG)
			continue;
		ack->has_msg = true;
		snprintf(ack->msg, sizeof(ack->msg), "%.*s",
			 (int)(a->nla_len - NLA_HDRLEN), (const char *)attr_data(a));
	}
}

/*
 * Send one request and read everything the kernel answers to it: replies go
 * to cb, the final NLMSG_ERROR (an ack) or NLMSG_DONE (end of a dump) fills
 * ack. Returns ack->error, or -errno if the socket itself failed.
 */
static int nl_call(struct nl *nl, struct msg *m, reply_cb cb, void *arg, struct ack *ack)
{
	static char buf[RECV_BUF];
	uint32_t seq = ++nl->seq;
	struct ack ignored;

	if (!ack)
		ack = &ignored;
	memset(ack, 0, sizeof(*ack));
	m->nlh->nlmsg_seq = seq;
	if (send(nl->fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		return ack->error = -errno;

	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);

		if (n < 0)
			return ack->error = -errno;
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_ack(nlh, ack);
				return ack->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					ack->error = *(const int *)NLMSG_DATA(nlh);
				return ack->error;
			}
			if (cb)
				cb(nlh, arg);
		}
	}
}

static void family_id_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;
	int rem;

	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem))
		if (attr_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)arg = *(const uint16_t *)attr_data(a);
}

/* Open a generic netlink socket with extended acks and find the family. */
static int nl_open(struct nl *nl)
{
	int one = 1;
	struct msg m;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		return -errno;
	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	put_str(&m, CTRL_ATTR_FAMILY_NAME, IOV_GENL_NAME);
	if (nl_call(nl, &m, family_id_cb, &nl->family, NULL))
		return -ENOENT;
	return nl->family ? 0 : -ENOENT;
}

static void count_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct { int n; bool intr; } *c = arg;

	c->n++;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		c->intr = true;
}

/* How many objects a dump of cmd returns; -errno if it fails. */
static int nl_dump_count(struct nl *nl, uint8_t cmd)
{
	for (int tries = 0; tries < 10; tries++) {
		struct { int n; bool intr; } c = {};
		struct msg m;
		int err;

		msg_init(&m, nl->family, cmd, NLM_F_DUMP);
		err = nl_call(nl, &m, count_cb, &c, NULL);
		if (err)
			return err;
		if (!c.intr)
			return c.n;
	}
	return -EAGAIN;
}

static void generation_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;
	int rem;

	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem))
		if (attr_type(a) == IOV_ATTR_GENERATION)
			memcpy(arg, attr_data(a), sizeof(uint64_t));
}

static int graph_state(struct nl *nl, struct graph_state *s)
{
	struct msg m;
	int err;

	memset(s, 0, sizeof(*s));
	s->generation = UINT64_MAX;
	msg_init(&m, nl->family, IOV_CMD_GRAPH_GET, NLM_F_ACK);
	err = nl_call(nl, &m, generation_cb, &s->generation, NULL);
	if (err)
		return err;
	s->modules = nl_dump_count(nl, IOV_CMD_MODULE_GET);
	s->links = nl_dump_count(nl, IOV_CMD_LINK_GET);
	return s->modules < 0 ? s->modules : s->links < 0 ? s->links : 0;
}

/* ---- requests the tests use to build a graph --------------------------- */

static int module_new(struct nl *nl, const char *name, int prog_fd, uint32_t nports,
		      struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, name);
	put_u32(&m, IOV_ATTR_PROG_FD, prog_fd);
	put_u32(&m, IOV_ATTR_NUM_PORTS, nports);
	return nl_call(nl, &m, NULL, NULL, ack);
}

static int link_dev(struct nl *nl, const char *mod, uint32_t port, const char *ifname,
		    struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, mod, port);
	put_end_dev(&m, IOV_ATTR_LINK_B, ifname);
	return nl_call(nl, &m, NULL, NULL, ack);
}

static int link_ports(struct nl *nl, const char *a, uint32_t pa, const char *b,
		      uint32_t pb, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, a, pa);
	put_end_port(&m, IOV_ATTR_LINK_B, b, pb);
	return nl_call(nl, &m, NULL, NULL, ack);
}

/* ---- the environment ---------------------------------------------------- */

/* A minimal program of the given type: r0 = 0; exit. */
static int prog_load(enum bpf_prog_type type)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (uintptr_t)"GPL";
	return syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Become nobody, with no capabilities left in any set. */
static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -errno;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

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

/* Remember the graph as it is, to compare after a refused request. */
#define SNAPSHOT() ASSERT_EQ(0, graph_state(&self->nl, &self->before))

/*
 * The request was refused with -err, said why in an extack message, and
 * left the graph exactly as it was.
 */
#define EXPECT_REFUSED(err, ack) do {						\
	struct graph_state __after;						\
	EXPECT_EQ(-(err), (ack).error) TH_LOG("expected %s, got %s (%s)",	\
		strerror(err), strerror(-(ack).error), (ack).msg);		\
	EXPECT_TRUE((ack).has_msg) TH_LOG("refused without an extack message"); \
	if ((ack).has_msg)							\
		TH_LOG("extack: %s", (ack).msg);				\
	ASSERT_EQ(0, graph_state(&self->nl, &__after));				\
	EXPECT_EQ(self->before.generation, __after.generation)			\
		TH_LOG("the graph generation moved");				\
	EXPECT_EQ(self->before.modules, __after.modules)			\
		TH_LOG("the module count changed");				\
	EXPECT_EQ(self->before.links, __after.links)				\
		TH_LOG("the link count changed");				\
} while (0)

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
