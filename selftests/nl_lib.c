// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink helpers for the iovisor C selftests: see nl_lib.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "nl_lib.h"

/* ---- building requests ------------------------------------------------ */

void msg_init(struct msg *m, uint16_t type, uint8_t cmd, uint16_t flags)
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

struct nlattr *msg_tail(struct msg *m)
{
	return (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));
}

int msg_room(const struct msg *m)
{
	return MSG_BUF - (int)NLMSG_ALIGN(m->nlh->nlmsg_len) - (int)NLA_HDRLEN - 8;
}

void put(struct msg *m, uint16_t type, const void *data, int len)
{
	struct nlattr *a = msg_tail(m);

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > MSG_BUF)
		abort();
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	/* Padding is zero, as the kernel's own nla_put makes it. */
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

void put_u64(struct msg *m, uint16_t type, uint64_t v)
{
	put(m, type, &v, sizeof(v));
}

void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

void put_flag(struct msg *m, uint16_t type)
{
	put(m, type, NULL, 0);
}

void nest_start(struct msg *m, uint16_t type)
{
	struct nlattr *a = msg_tail(m);

	if (m->depth >= (int)(sizeof(m->nest) / sizeof(m->nest[0])) ||
	    NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN > MSG_BUF)
		abort();
	a->nla_type = type | NLA_F_NESTED;
	a->nla_len = NLA_HDRLEN;
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN;
	m->nest[m->depth++] = a;
}

void nest_end(struct msg *m)
{
	struct nlattr *a = m->nest[--m->depth];

	a->nla_len = m->buf + m->nlh->nlmsg_len - (char *)a;
}

void put_end_port(struct msg *m, uint16_t type, const char *mod, uint32_t port)
{
	nest_start(m, type);
	put_str(m, IOV_END_MODULE_NAME, mod);
	put_u32(m, IOV_END_PORT, port);
	nest_end(m);
}

void put_end_id_port(struct msg *m, uint16_t type, uint32_t id, uint32_t port)
{
	nest_start(m, type);
	put_u32(m, IOV_END_MODULE_ID, id);
	put_u32(m, IOV_END_PORT, port);
	nest_end(m);
}

void put_end_dev(struct msg *m, uint16_t type, const char *ifname)
{
	nest_start(m, type);
	put_str(m, IOV_END_IFNAME, ifname);
	nest_end(m);
}

/* ---- reading answers ---------------------------------------------------- */

const struct nlattr *attr_first(const struct nlmsghdr *nlh, int *rem)
{
	*rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
}

uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (attr_len(a) >= 4)
		memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

uint64_t attr_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (attr_len(a) >= 8)
		memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

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

int nl_call_raw(struct nl *nl, void *buf, uint32_t len, reply_cb cb, void *arg,
		struct ack *ack)
{
	static __thread char rbuf[RECV_BUF];
	struct nlmsghdr *req = buf;
	uint32_t seq = ++nl->seq;
	struct ack ignored;

	if (!ack)
		ack = &ignored;
	memset(ack, 0, sizeof(*ack));
	req->nlmsg_seq = seq;
	if (send(nl->fd, buf, len, 0) < 0)
		return ack->error = -errno;

	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n = recv(nl->fd, rbuf, sizeof(rbuf), 0);

		if (n < 0)
			return ack->error = -errno;
		for (nlh = (void *)rbuf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
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

int nl_call(struct nl *nl, struct msg *m, reply_cb cb, void *arg, struct ack *ack)
{
	return nl_call_raw(nl, m->buf, m->nlh->nlmsg_len, cb, arg, ack);
}

static void family_id_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;
	int rem;

	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem))
		if (attr_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)arg = *(const uint16_t *)attr_data(a);
}

struct group_lookup {
	const char *name;
	int id;
};

static void group_id_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct group_lookup *g = arg;
	const struct nlattr *a, *grp, *x;
	int rem, grem, xrem;

	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem)) {
		if (attr_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		nest_for_each(grp, a, grem) {
			const char *name = NULL;
			int id = -1;

			nest_for_each(x, grp, xrem) {
				if (attr_type(x) == CTRL_ATTR_MCAST_GRP_NAME)
					name = attr_data(x);
				else if (attr_type(x) == CTRL_ATTR_MCAST_GRP_ID)
					id = attr_u32(x);
			}
			if (name && !strcmp(name, g->name))
				g->id = id;
		}
	}
}

int nl_join_group(struct nl *nl, const char *group)
{
	struct group_lookup g = { .name = group, .id = -1 };
	struct msg m;
	int err;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	put_str(&m, CTRL_ATTR_FAMILY_NAME, IOV_GENL_NAME);
	err = nl_call(nl, &m, group_id_cb, &g, NULL);
	if (err)
		return err;
	if (g.id < 0)
		return -ENOENT;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g.id, sizeof(g.id)))
		return -errno;
	return 0;
}

int nl_open(struct nl *nl)
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

void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

int nl_set_timeout(struct nl *nl, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	return setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ? -errno : 0;
}

static void count_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct { int n; bool intr; } *c = arg;

	c->n++;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		c->intr = true;
}

int nl_dump_count(struct nl *nl, uint8_t cmd)
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

int graph_state(struct nl *nl, struct graph_state *s)
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

int module_new(struct nl *nl, const char *name, int prog_fd, uint32_t nports,
	       struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_NEW, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, name);
	put_u32(&m, IOV_ATTR_PROG_FD, prog_fd);
	put_u32(&m, IOV_ATTR_NUM_PORTS, nports);
	return nl_call(nl, &m, NULL, NULL, ack);
}

int module_del(struct nl *nl, const char *name, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_DEL, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, name);
	return nl_call(nl, &m, NULL, NULL, ack);
}

int module_del_id(struct nl *nl, uint32_t id, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_DEL, NLM_F_ACK);
	put_u32(&m, IOV_ATTR_MODULE_ID, id);
	return nl_call(nl, &m, NULL, NULL, ack);
}

int module_set_prog(struct nl *nl, const char *name, int prog_fd, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_MODULE_SET, NLM_F_ACK);
	put_str(&m, IOV_ATTR_MODULE_NAME, name);
	put_u32(&m, IOV_ATTR_PROG_FD, prog_fd);
	return nl_call(nl, &m, NULL, NULL, ack);
}

int link_dev(struct nl *nl, const char *mod, uint32_t port, const char *ifname,
	     struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, mod, port);
	put_end_dev(&m, IOV_ATTR_LINK_B, ifname);
	return nl_call(nl, &m, NULL, NULL, ack);
}

int link_ports(struct nl *nl, const char *a, uint32_t pa, const char *b,
	       uint32_t pb, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_LINK_NEW, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, a, pa);
	put_end_port(&m, IOV_ATTR_LINK_B, b, pb);
	return nl_call(nl, &m, NULL, NULL, ack);
}

int link_del(struct nl *nl, const char *mod, uint32_t port, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_LINK_DEL, NLM_F_ACK);
	put_end_port(&m, IOV_ATTR_LINK_A, mod, port);
	return nl_call(nl, &m, NULL, NULL, ack);
}

int graph_set(struct nl *nl, uint32_t hop_budget, struct ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, IOV_CMD_GRAPH_SET, NLM_F_ACK);
	put_u32(&m, IOV_ATTR_HOP_BUDGET, hop_budget);
	return nl_call(nl, &m, NULL, NULL, ack);
}

/* ---- the environment ---------------------------------------------------- */

int prog_load_ret(enum bpf_prog_type type, int32_t ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
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

int prog_load(enum bpf_prog_type type)
{
	return prog_load_ret(type, 0);
}

uint32_t prog_id_of(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)))
		return 0;
	return info.id;
}

bool prog_id_exists(uint32_t id)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = syscall(__NR_bpf, BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ENOENT;
}

int map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

int drop_privileges(void)
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

/* pktgen's control files take one command per write, newline-terminated. */
static int pktgen_cmd(const char *file, const char *fmt, ...)
{
	char path[128], cmd[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	strcat(cmd, "\n");
	snprintf(path, sizeof(path), "/proc/net/pktgen/%s", file);
	return write_file(path, cmd);
}

int pktgen_run(struct pktgen *pg, const char *const *devs, int ndevs, unsigned long delay_ns)
{
	memset(pg, 0, sizeof(*pg));
	pg->pid = -1;
	if (sh("modprobe pktgen 2>/dev/null") || access("/proc/net/pktgen/pgctrl", W_OK))
		return -1;
	if (ndevs > 16)
		ndevs = 16;
	for (int i = 0; i < ndevs; i++) {
		char thread[32];

		snprintf(thread, sizeof(thread), "kpktgend_%d", i % 2);
		if (access("/proc/net/pktgen/kpktgend_1", W_OK))
			snprintf(thread, sizeof(thread), "kpktgend_0");
		if (pktgen_cmd(thread, "add_device %s", devs[i]))
			return -1;
		snprintf(pg->devs[pg->ndevs++], IF_NAMESIZE, "%s", devs[i]);
		if (pktgen_cmd(devs[i], "count 0") || pktgen_cmd(devs[i], "pkt_size 60") ||
		    pktgen_cmd(devs[i], "xmit_mode netif_receive") ||
		    pktgen_cmd(devs[i], "dst_mac ff:ff:ff:ff:ff:ff") ||
		    pktgen_cmd(devs[i], "delay %lu", delay_ns))
			return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pg->pid = fork();
	if (pg->pid == 0) {
		pktgen_cmd("pgctrl", "start");
		_exit(0);
	}
	return pg->pid < 0 ? -1 : 0;
}

uint64_t pktgen_sofar(const char *dev)
{
	char path[128], line[256];
	unsigned long long n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/net/pktgen/%s", dev);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, " pkts-sofar: %llu", &n) == 1)
			break;
	fclose(fp);
	return n;
}

uint64_t pktgen_halt(struct pktgen *pg)
{
	uint64_t sent = 0;

	if (pg->pid <= 0)
		return 0;
	pktgen_cmd("pgctrl", "stop");
	waitpid(pg->pid, NULL, 0);
	pg->pid = -1;
	for (int i = 0; i < pg->ndevs; i++) {
		pg->sent[i] = pktgen_sofar(pg->devs[i]);
		sent += pg->sent[i];
	}
	pktgen_cmd("kpktgend_0", "rem_device_all");
	pktgen_cmd("kpktgend_1", "rem_device_all");
	return sent;
}

/* ---- the graph as dumps show it ------------------------------------------ */

static void mod_problem(struct iov_mod_info *mi, const char *what)
{
	if (!mi->problems++)
		snprintf(mi->problem, sizeof(mi->problem), "%s", what);
}

static void parse_stats(const struct nlattr *nest, uint64_t *stats, bool *has,
			struct iov_mod_info *mi)
{
	const struct nlattr *a;
	int rem;

	*has = true;
	nest_for_each(a, nest, rem) {
		int t = attr_type(a);

		if (t == IOV_STATS_PAD)
			continue;
		if (t < IOV_STATS_PACKETS || t > IOV_STATS_MAX || attr_len(a) != 8) {
			mod_problem(mi, "a counter of unknown type or size");
			continue;
		}
		stats[t] = attr_u64(a);
	}
}

static void parse_end(const struct nlattr *nest, struct iov_end_info *e,
		      struct iov_mod_info *mi)
{
	const struct nlattr *a;
	int rem;

	memset(e, 0, sizeof(*e));
	e->present = true;
	nest_for_each(a, nest, rem) {
		switch (attr_type(a)) {
		case IOV_END_MODULE_ID:
			e->has_id = true;
			e->mod_id = attr_u32(a);
			break;
		case IOV_END_MODULE_NAME:
			e->has_name = true;
			snprintf(e->mod_name, sizeof(e->mod_name), "%.*s",
				 attr_len(a), (const char *)attr_data(a));
			break;
		case IOV_END_PORT:
			e->has_port = true;
			e->port = attr_u32(a);
			break;
		case IOV_END_IFINDEX:
			e->has_ifindex = true;
			e->ifindex = attr_u32(a);
			break;
		case IOV_END_IFNAME:
			e->has_ifname = true;
			snprintf(e->ifname, sizeof(e->ifname), "%.*s",
				 attr_len(a), (const char *)attr_data(a));
			break;
		case IOV_END_STATS:
			parse_stats(a, e->stats, &e->has_stats, mi);
			break;
		default:
			mod_problem(mi, "an end attribute of unknown type");
		}
	}
	e->is_dev = e->has_ifindex || e->has_ifname;
	if (e->is_dev ? !(e->has_ifindex && e->has_ifname) || e->has_id || e->has_name :
			!(e->has_id && e->has_name && e->has_port))
		mod_problem(mi, "an end that is neither a full module end nor a full device end");
}

void iov_parse_module(const struct nlmsghdr *nlh, struct iov_mod_info *mi)
{
	const struct nlattr *a, *p, *q;
	int rem, prem, qrem;

	memset(mi, 0, sizeof(*mi));
	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem)) {
		switch (attr_type(a)) {
		case IOV_ATTR_MODULE_ID:
			mi->has_id = true;
			mi->id = attr_u32(a);
			break;
		case IOV_ATTR_MODULE_NAME:
			mi->has_name = true;
			snprintf(mi->name, sizeof(mi->name), "%.*s", attr_len(a),
				 (const char *)attr_data(a));
			break;
		case IOV_ATTR_PROG_ID:
			mi->has_prog_id = true;
			mi->prog_id = attr_u32(a);
			break;
		case IOV_ATTR_PROG_TAG:
			mi->has_tag = attr_len(a) == 8;
			break;
		case IOV_ATTR_NUM_PORTS:
			mi->has_nports = true;
			mi->nports = attr_u32(a);
			break;
		case IOV_ATTR_GENERATION:
			mi->has_gen = true;
			mi->generation = attr_u64(a);
			break;
		case IOV_ATTR_OWNED:
			mi->owned = true;
			break;
		case IOV_ATTR_SOURCE:
			mi->has_source = true;
			break;
		case IOV_ATTR_STATS:
			parse_stats(a, mi->stats, &mi->has_stats, mi);
			break;
		case IOV_ATTR_PORTS:
			nest_for_each(p, a, prem) {
				struct iov_port_info tmp = {}, *pi;
				bool has_index = false;
				uint32_t index = 0;

				if (attr_type(p) != IOV_ATTR_PORT) {
					mod_problem(mi, "IOV_ATTR_PORTS holds something else than IOV_ATTR_PORT");
					continue;
				}
				tmp.listed = true;
				nest_for_each(q, p, qrem) {
					switch (attr_type(q)) {
					case IOV_PORT_INDEX:
						has_index = true;
						index = attr_u32(q);
						break;
					case IOV_PORT_STATS:
						parse_stats(q, tmp.stats, &tmp.has_stats, mi);
						break;
					case IOV_PORT_PEER:
						parse_end(q, &tmp.peer, mi);
						break;
					default:
						mod_problem(mi, "a port attribute of unknown type");
					}
				}
				if (!has_index || index >= IOV_PORTS_MAX) {
					mod_problem(mi, "a port without a valid IOV_PORT_INDEX");
					continue;
				}
				pi = &mi->ports[index];
				if (pi->listed)
					mod_problem(mi, "a port listed twice");
				*pi = tmp;
			}
			break;
		case IOV_ATTR_PAD:
			break;
		default:
			mod_problem(mi, "a module attribute of unknown type");
		}
	}
	if (!mi->has_id || !mi->has_name || !mi->has_prog_id || !mi->has_tag ||
	    !mi->has_nports || !mi->has_gen || !mi->has_stats)
		mod_problem(mi, "a module reply without id, name, program id and tag, ports, generation and counters");
	else if (mi->nports < 1 || mi->nports > IOV_PORTS_MAX)
		mod_problem(mi, "a port count out of range");
}

struct mod_dump {
	struct iov_mod_info *mods;
	int n, cap;
	bool intr;
	int nomem;
};

static void mod_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mod_dump *d = arg;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->intr = true;
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 16;
		void *p = realloc(d->mods, cap * sizeof(*d->mods));

		if (!p) {
			d->nomem++;
			return;
		}
		d->mods = p;
		d->cap = cap;
	}
	iov_parse_module(nlh, &d->mods[d->n++]);
}

int iov_dump_modules(struct nl *nl, struct iov_mod_info **mods, int *n)
{
	for (int tries = 0; tries < 20; tries++) {
		struct mod_dump d = {};
		struct msg m;
		int err;

		msg_init(&m, nl->family, IOV_CMD_MODULE_GET, NLM_F_DUMP);
		err = nl_call(nl, &m, mod_dump_cb, &d, NULL);
		if (!err && d.nomem)
			err = -ENOMEM;
		if (err || !d.intr) {
			if (err) {
				free(d.mods);
				d.mods = NULL;
				d.n = 0;
			}
			*mods = d.mods;
			*n = d.n;
			return err;
		}
		free(d.mods);
	}
	return -EAGAIN;
}

int iov_dump_consistent(const struct iov_mod_info *mods, int n, char *why, size_t size)
{
	int problems = 0;

#define DUMP_PROBLEM(fmt, ...) do {						\
	if (!problems++)							\
		snprintf(why, size, fmt, ##__VA_ARGS__);			\
} while (0)
	for (int i = 0; i < n; i++) {
		const struct iov_mod_info *mi = &mods[i];

		for (int j = 0; j < i; j++)
			if (mods[j].id == mi->id || !strcmp(mods[j].name, mi->name))
				DUMP_PROBLEM("module %u '%s' listed twice", mi->id, mi->name);
		for (uint32_t p = 0; p < mi->nports && p < IOV_PORTS_MAX; p++) {
			const struct iov_end_info *e = &mi->ports[p].peer;
			const struct iov_mod_info *peer = NULL;

			if (!e->present)
				continue;
			if (e->is_dev) {
				for (int j = 0; j < n; j++)
					for (uint32_t q = 0; q < mods[j].nports && q < IOV_PORTS_MAX; q++)
						if ((j != i || q != p) && mods[j].ports[q].peer.present &&
						    mods[j].ports[q].peer.is_dev &&
						    mods[j].ports[q].peer.ifindex == e->ifindex)
							DUMP_PROBLEM("device %u linked to %s:%u and %s:%u",
								     e->ifindex, mi->name, p, mods[j].name, q);
				continue;
			}
			for (int j = 0; j < n; j++)
				if (mods[j].id == e->mod_id)
					peer = &mods[j];
			if (!peer) {
				DUMP_PROBLEM("%s:%u linked to module %u, not in the dump", mi->name, p,
					     e->mod_id);
				continue;
			}
			if (e->port >= peer->nports || e->port >= IOV_PORTS_MAX ||
			    !peer->ports[e->port].peer.present ||
			    peer->ports[e->port].peer.is_dev ||
			    peer->ports[e->port].peer.mod_id != mi->id ||
			    peer->ports[e->port].peer.port != p)
				DUMP_PROBLEM("%s:%u -> %s:%u does not point back", mi->name, p,
					     peer->name, e->port);
		}
	}
#undef DUMP_PROBLEM
	return problems;
}

struct link_dump {
	struct iov_link_info *links;
	int n, cap;
	bool intr;
	int nomem;
	struct iov_mod_info scratch;	/* for parse problems */
};

static void link_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_dump *d = arg;
	const struct nlattr *a;
	struct iov_link_info *l;
	int rem;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->intr = true;
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 16;
		void *p = realloc(d->links, cap * sizeof(*d->links));

		if (!p) {
			d->nomem++;
			return;
		}
		d->links = p;
		d->cap = cap;
	}
	l = &d->links[d->n++];
	memset(l, 0, sizeof(*l));
	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem)) {
		if (attr_type(a) == IOV_ATTR_LINK_A)
			parse_end(a, &l->a, &d->scratch);
		else if (attr_type(a) == IOV_ATTR_LINK_B)
			parse_end(a, &l->b, &d->scratch);
		else
			mod_problem(&d->scratch, "a link attribute of unknown type");
	}
}

int iov_dump_links(struct nl *nl, struct iov_link_info **links, int *n)
{
	for (int tries = 0; tries < 20; tries++) {
		struct link_dump *d = calloc(1, sizeof(*d));
		struct msg m;
		int err;

		if (!d)
			return -ENOMEM;
		msg_init(&m, nl->family, IOV_CMD_LINK_GET, NLM_F_DUMP);
		err = nl_call(nl, &m, link_dump_cb, d, NULL);
		if (!err && d->nomem)
			err = -ENOMEM;
		if (!err && d->scratch.problems) {
			fprintf(stderr, "# link dump: %s\n", d->scratch.problem);
			err = -EPROTO;
		}
		if (err || !d->intr) {
			if (err) {
				free(d->links);
				d->links = NULL;
				d->n = 0;
			}
			*links = d->links;
			*n = d->n;
			free(d);
			return err;
		}
		free(d->links);
		free(d);
	}
	return -EAGAIN;
}

struct get_one {
	struct iov_mod_info *mi;
	int n;
};

static void get_one_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct get_one *g = arg;

	if (!g->n++)
		iov_parse_module(nlh, g->mi);
}

int iov_get_module(struct nl *nl, const char *name, uint32_t id, struct iov_mod_info *mi)
{
	struct get_one g = { .mi = mi };
	struct msg m;
	int err;

	msg_init(&m, nl->family, IOV_CMD_MODULE_GET, NLM_F_ACK);
	if (name)
		put_str(&m, IOV_ATTR_MODULE_NAME, name);
	else
		put_u32(&m, IOV_ATTR_MODULE_ID, id);
	err = nl_call(nl, &m, get_one_cb, &g, NULL);
	if (err)
		return err;
	return g.n == 1 ? 0 : -EPROTO;
}

struct graph_get {
	uint64_t gen;
	uint32_t hops;
	int n;
};

static void graph_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct graph_get *g = arg;
	const struct nlattr *a;
	int rem;

	g->n++;
	for (a = attr_first(nlh, &rem); attr_ok(a, rem); a = attr_next(a, rem)) {
		if (attr_type(a) == IOV_ATTR_GENERATION)
			g->gen = attr_u64(a);
		else if (attr_type(a) == IOV_ATTR_HOP_BUDGET)
			g->hops = attr_u32(a);
	}
}

int iov_get_graph(struct nl *nl, uint64_t *generation, uint32_t *hop_budget)
{
	struct graph_get g = {};
	struct msg m;
	int err;

	msg_init(&m, nl->family, IOV_CMD_GRAPH_GET, NLM_F_ACK);
	err = nl_call(nl, &m, graph_get_cb, &g, NULL);
	if (err)
		return err;
	if (g.n != 1)
		return -EPROTO;
	if (generation)
		*generation = g.gen;
	if (hop_budget)
		*hop_budget = g.hops;
	return 0;
}

/* ---- consistency ---------------------------------------------------------- */

#define PROBLEM(chk, fmt, ...) do {						\
	(chk)->problems++;							\
	if ((chk)->problems <= 50)						\
		fprintf(stderr, "# inconsistent: " fmt "\n", ##__VA_ARGS__);	\
} while (0)

static const char *const stat_names[IOV_NSTATS] = {
	[IOV_STATS_PACKETS] = "packets", [IOV_STATS_BYTES] = "bytes",
	[IOV_STATS_PASS] = "pass", [IOV_STATS_DROP] = "drop",
	[IOV_STATS_OUT] = "out", [IOV_STATS_FLOOD] = "flood",
	[IOV_STATS_ERR_VERDICT] = "err_verdict", [IOV_STATS_ERR_PORT] = "err_port",
	[IOV_STATS_ERR_HOPS] = "err_hops", [IOV_STATS_ERR_NOMEM] = "err_nomem",
	[IOV_STATS_ERR_TX] = "err_tx", [IOV_STATS_ERR_PASS] = "err_pass",
};

/*
 * One set of counters adds up. Exactly only without traffic: a dump reads
 * a port's counters one after the other (u64_stats is no seqcount on 64-bit
 * machines) while the other CPUs count, each its packet before its verdict.
 * Under traffic, then, the verdicts read can only lag the packets by what
 * is being counted at that instant, one per CPU and port; they may be ahead
 * by any number (counted after packets was read). ports: how many ports
 * the counters sum over.
 */
bool iov_stats_add_up(const uint64_t *s, bool quiet, unsigned int ports)
{
	uint64_t verdicts = s[IOV_STATS_PASS] + s[IOV_STATS_DROP] + s[IOV_STATS_OUT] +
			    s[IOV_STATS_FLOOD] + s[IOV_STATS_ERR_VERDICT];
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	if (quiet)
		return s[IOV_STATS_PACKETS] == verdicts;
	return verdicts + (uint64_t)(cpus > 0 ? cpus : 64) * ports >= s[IOV_STATS_PACKETS];
}

static void check_stats(struct iov_check *chk, const char *what, const uint64_t *s,
			unsigned int ports)
{
	uint64_t verdicts = s[IOV_STATS_PASS] + s[IOV_STATS_DROP] + s[IOV_STATS_OUT] +
			    s[IOV_STATS_FLOOD] + s[IOV_STATS_ERR_VERDICT];

	if (!iov_stats_add_up(s, chk->quiet_traffic, ports))
		PROBLEM(chk, "%s: packets %llu != pass %llu + drop %llu + out %llu + flood %llu + err_verdict %llu",
			what, (unsigned long long)s[IOV_STATS_PACKETS],
			(unsigned long long)s[IOV_STATS_PASS], (unsigned long long)s[IOV_STATS_DROP],
			(unsigned long long)s[IOV_STATS_OUT], (unsigned long long)s[IOV_STATS_FLOOD],
			(unsigned long long)s[IOV_STATS_ERR_VERDICT]);
	(void)verdicts;
	if (!chk->quiet_traffic)	/* the rest read in an order that races */
		return;
	if (s[IOV_STATS_ERR_PORT] > s[IOV_STATS_OUT])
		PROBLEM(chk, "%s: err_port %llu > out %llu", what,
			(unsigned long long)s[IOV_STATS_ERR_PORT], (unsigned long long)s[IOV_STATS_OUT]);
	if (s[IOV_STATS_ERR_PASS] > s[IOV_STATS_PASS])
		PROBLEM(chk, "%s: err_pass %llu > pass %llu", what,
			(unsigned long long)s[IOV_STATS_ERR_PASS], (unsigned long long)s[IOV_STATS_PASS]);
	if (s[IOV_STATS_BYTES] < s[IOV_STATS_PACKETS] * 14)
		PROBLEM(chk, "%s: bytes %llu < 14 x packets %llu", what,
			(unsigned long long)s[IOV_STATS_BYTES], (unsigned long long)s[IOV_STATS_PACKETS]);
}

static struct iov_mod_info *find_mod(struct iov_mod_info *mods, int n, uint32_t id)
{
	for (int i = 0; i < n; i++)
		if (mods[i].id == id)
			return &mods[i];
	return NULL;
}

int iov_graph_check(struct nl *nl, struct iov_check *chk)
{
	struct iov_mod_info *mods = NULL, *one = NULL;
	struct iov_link_info *links = NULL;
	int nmods = 0, nlinks = 0, err, i, j;
	int module_links = 0, port_links = 0, dev_links = 0;
	uint64_t gen_before, gen_after;
	char what[96];

	chk->problems = 0;
	chk->modules = chk->links = chk->dev_links = chk->owned = 0;
	chk->packets = 0;
	memset(chk->stats, 0, sizeof(chk->stats));

	err = iov_get_graph(nl, &gen_before, NULL);
	if (err) {
		PROBLEM(chk, "GRAPH_GET: %s", strerror(-err));
		return chk->problems;
	}
	err = iov_dump_modules(nl, &mods, &nmods);
	if (err) {
		PROBLEM(chk, "MODULE_GET dump: %s", strerror(-err));
		return chk->problems;
	}
	err = iov_dump_links(nl, &links, &nlinks);
	if (err) {
		PROBLEM(chk, "LINK_GET dump: %s", strerror(-err));
		goto out;
	}
	chk->modules = nmods;
	chk->links = nlinks;
	one = malloc(sizeof(*one));
	if (!one) {
		PROBLEM(chk, "out of memory");
		goto out;
	}

	for (i = 0; i < nmods; i++) {
		struct iov_mod_info *mi = &mods[i];
		uint64_t sum[IOV_NSTATS] = {};

		if (mi->problems) {
			PROBLEM(chk, "module %u '%s' in the dump: %s", mi->id, mi->name, mi->problem);
			continue;
		}
		if (mi->generation > gen_before)
			PROBLEM(chk, "module %s: generation %llu ahead of the graph's %llu", mi->name,
				(unsigned long long)mi->generation, (unsigned long long)gen_before);
		for (j = 0; j < i; j++) {
			if (mods[j].id == mi->id)
				PROBLEM(chk, "module id %u listed twice", mi->id);
			if (!strcmp(mods[j].name, mi->name))
				PROBLEM(chk, "module name '%s' listed twice", mi->name);
		}
		/* Fetched by name and by id, it is the same module. */
		for (int by_id = 0; by_id < 2; by_id++) {
			err = iov_get_module(nl, by_id ? NULL : mi->name, mi->id, one);
			if (err) {
				PROBLEM(chk, "MODULE_GET %s %s (listed in the dump): %s",
					by_id ? "id" : "name", mi->name, strerror(-err));
				continue;
			}
			if (one->problems)
				PROBLEM(chk, "MODULE_GET %s: %s", mi->name, one->problem);
			else if (one->id != mi->id || strcmp(one->name, mi->name) ||
				 one->nports != mi->nports || one->prog_id != mi->prog_id)
				PROBLEM(chk, "MODULE_GET %s by %s gives %u '%s' %u ports prog %u, the dump %u '%s' %u ports prog %u",
					mi->name, by_id ? "id" : "name", one->id, one->name,
					one->nports, one->prog_id, mi->id, mi->name, mi->nports,
					mi->prog_id);
			else
				check_stats(chk, "MODULE_GET totals", one->stats, one->nports);
		}
		chk->owned += mi->owned;
		snprintf(what, sizeof(what), "module %s totals", mi->name);
		check_stats(chk, what, mi->stats, mi->nports);
		for (uint32_t p = 0; p < IOV_PORTS_MAX; p++) {
			struct iov_port_info *pi = &mi->ports[p];
			struct iov_mod_info *peer;

			if (!pi->listed)
				continue;
			if (p >= mi->nports) {
				PROBLEM(chk, "module %s lists port %u of %u", mi->name, p, mi->nports);
				continue;
			}
			if (!pi->has_stats) {
				PROBLEM(chk, "module %s port %u without counters", mi->name, p);
				continue;
			}
			for (j = 0; j < IOV_NSTATS; j++)
				sum[j] += pi->stats[j];
			snprintf(what, sizeof(what), "module %s port %u", mi->name, p);
			check_stats(chk, what, pi->stats, 1);
			if (!pi->peer.present) {
				if (!pi->stats[IOV_STATS_PACKETS] && !pi->stats[IOV_STATS_ERR_HOPS])
					PROBLEM(chk, "module %s port %u listed, unlinked and idle", mi->name, p);
				continue;
			}
			if (pi->peer.is_dev) {
				dev_links++;
				for (j = 0; j < nmods; j++)
					for (uint32_t q = 0; q < mods[j].nports && q < IOV_PORTS_MAX; q++)
						if ((j != i || q != p) && mods[j].ports[q].peer.present &&
						    mods[j].ports[q].peer.is_dev &&
						    mods[j].ports[q].peer.ifindex == pi->peer.ifindex)
							PROBLEM(chk, "device %u linked to %s:%u and %s:%u",
								pi->peer.ifindex, mi->name, p,
								mods[j].name, q);
				if (!if_indextoname(pi->peer.ifindex, what))
					PROBLEM(chk, "module %s port %u linked to ifindex %u, which does not exist",
						mi->name, p, pi->peer.ifindex);
				else if (strcmp(what, pi->peer.ifname))
					PROBLEM(chk, "module %s port %u: ifindex %u is %s, the peer says %s",
						mi->name, p, pi->peer.ifindex, what, pi->peer.ifname);
				continue;
			}
			port_links++;
			peer = find_mod(mods, nmods, pi->peer.mod_id);
			if (!peer) {
				PROBLEM(chk, "module %s port %u linked to module id %u, not in the dump",
					mi->name, p, pi->peer.mod_id);
				continue;
			}
			if (strcmp(peer->name, pi->peer.mod_name))
				PROBLEM(chk, "module %s port %u: peer id %u is '%s', the peer says '%s'",
					mi->name, p, peer->id, peer->name, pi->peer.mod_name);
			if (pi->peer.port >= peer->nports || pi->peer.port >= IOV_PORTS_MAX) {
				PROBLEM(chk, "module %s port %u linked to %s:%u of %u ports", mi->name,
					p, peer->name, pi->peer.port, peer->nports);
				continue;
			}
			{
				struct iov_end_info *back = &peer->ports[pi->peer.port].peer;

				if (!back->present || back->is_dev || back->mod_id != mi->id ||
				    back->port != p)
					PROBLEM(chk, "%s:%u -> %s:%u is not symmetric", mi->name, p,
						peer->name, pi->peer.port);
			}
		}
		for (j = 0; j < IOV_NSTATS; j++) {
			if (j == IOV_STATS_PAD || j == IOV_STATS_UNSPEC)
				continue;
			if (sum[j] != mi->stats[j])
				PROBLEM(chk, "module %s: total %s %llu is not the sum of its ports, %llu",
					mi->name, stat_names[j], (unsigned long long)mi->stats[j],
					(unsigned long long)sum[j]);
			chk->stats[j] += mi->stats[j];
		}
		chk->packets += mi->stats[IOV_STATS_PACKETS];
	}
	chk->dev_links = dev_links;
	module_links = dev_links + port_links / 2;
	if (port_links % 2)
		PROBLEM(chk, "an odd number (%d) of module-to-module port peers", port_links);

	/* The link dump: each link once, both ends as the module ports say. */
	if (nlinks != module_links)
		PROBLEM(chk, "the link dump has %d links, the module ports %d", nlinks, module_links);
	for (i = 0; i < nlinks; i++) {
		struct iov_link_info *l = &links[i];
		struct iov_mod_info *ma;
		struct iov_end_info *pa;

		if (!l->a.present || !l->b.present || l->a.is_dev) {
			PROBLEM(chk, "link %d: end A is no module end, or an end is missing", i);
			continue;
		}
		ma = find_mod(mods, nmods, l->a.mod_id);
		if (!ma || l->a.port >= ma->nports || strcmp(ma->name, l->a.mod_name)) {
			PROBLEM(chk, "link %d: end A %u '%s':%u is no port of the module dump", i,
				l->a.mod_id, l->a.mod_name, l->a.port);
			continue;
		}
		pa = &ma->ports[l->a.port].peer;
		if (!pa->present) {
			PROBLEM(chk, "link %s:%u in the link dump; the module dump has the port unlinked",
				ma->name, l->a.port);
			continue;
		}
		if (l->b.is_dev ? !pa->is_dev || pa->ifindex != l->b.ifindex ||
				  strcmp(pa->ifname, l->b.ifname) :
				  pa->is_dev || pa->mod_id != l->b.mod_id ||
				  pa->port != l->b.port || strcmp(pa->mod_name, l->b.mod_name))
			PROBLEM(chk, "link %s:%u: the link dump's end B is not the port's peer in the module dump",
				ma->name, l->a.port);
		if (!l->a.has_stats || (!l->b.is_dev && !l->b.has_stats))
			PROBLEM(chk, "link %s:%u: a module end without counters", ma->name, l->a.port);
		snprintf(what, sizeof(what), "link end %s:%u", ma->name, l->a.port);
		check_stats(chk, what, l->a.stats, 1);
		if (chk->quiet_traffic &&
		    memcmp(l->a.stats, ma->ports[l->a.port].stats, sizeof(l->a.stats)) &&
		    ma->ports[l->a.port].listed)
			PROBLEM(chk, "link end %s:%u: counters differ from the module dump's, without traffic",
				ma->name, l->a.port);
		if (!l->b.is_dev) {
			snprintf(what, sizeof(what), "link end %s:%u", l->b.mod_name, l->b.port);
			check_stats(chk, what, l->b.stats, 1);
		}
		for (j = 0; j < i; j++) {
			struct iov_link_info *o = &links[j];

			if ((o->a.mod_id == l->a.mod_id && o->a.port == l->a.port) ||
			    (!l->b.is_dev && !o->b.is_dev && o->b.mod_id == l->b.mod_id &&
			     o->b.port == l->b.port) ||
			    (!l->b.is_dev && o->a.mod_id == l->b.mod_id && o->a.port == l->b.port) ||
			    (!l->b.is_dev && !o->b.is_dev && o->b.mod_id == l->a.mod_id &&
			     o->b.port == l->a.port))
				PROBLEM(chk, "link %s:%u listed twice in the link dump", ma->name,
					l->a.port);
		}
	}

	err = iov_get_graph(nl, &gen_after, NULL);
	if (err)
		PROBLEM(chk, "GRAPH_GET: %s", strerror(-err));
	else if (gen_after < gen_before)
		PROBLEM(chk, "the generation went back from %llu to %llu",
			(unsigned long long)gen_before, (unsigned long long)gen_after);
out:
	free(one);
	free(mods);
	free(links);
	return chk->problems;
}

int iov_graph_clear(struct nl *nl)
{
	struct iov_check chk = { .quiet_traffic = false };
	struct iov_link_info *links = NULL;
	struct iov_mod_info *mods = NULL;
	int nmods = 0, nlinks = 0, err, i;
	struct ack ack;

	err = iov_dump_links(nl, &links, &nlinks);
	if (err) {
		PROBLEM(&chk, "LINK_GET dump: %s", strerror(-err));
		return chk.problems;
	}
	for (i = 0; i < nlinks; i++) {
		err = link_del(nl, links[i].a.mod_name, links[i].a.port, &ack);
		if (err)
			PROBLEM(&chk, "LINK_DEL %s:%u (listed): %s (%s)", links[i].a.mod_name,
				links[i].a.port, strerror(-err), ack.msg);
	}
	free(links);
	err = iov_dump_modules(nl, &mods, &nmods);
	if (err) {
		PROBLEM(&chk, "MODULE_GET dump: %s", strerror(-err));
		return chk.problems;
	}
	for (i = 0; i < nmods; i++) {
		err = module_del_id(nl, mods[i].id, &ack);
		if (err)
			PROBLEM(&chk, "MODULE_DEL id %u '%s' (listed): %s (%s)", mods[i].id,
				mods[i].name, strerror(-err), ack.msg);
	}
	free(mods);
	nmods = nl_dump_count(nl, IOV_CMD_MODULE_GET);
	nlinks = nl_dump_count(nl, IOV_CMD_LINK_GET);
	if (nmods != 0 || nlinks != 0)
		PROBLEM(&chk, "after deleting everything the dumps give %d modules, %d links",
			nmods, nlinks);
	return chk.problems;
}
