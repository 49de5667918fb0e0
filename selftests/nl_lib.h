/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the iovisor C selftests: build requests by hand,
 * send them, read the kernel's answer unfiltered, and read the graph back
 * for the consistency checks the stress tests end with. Shared by nl_api,
 * nl_fuzz, churn_traffic and priv_matrix; no kselftest harness in here.
 */
#ifndef _IOV_SELFTEST_NL_LIB_H
#define _IOV_SELFTEST_NL_LIB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <sys/types.h>
#include <linux/bpf.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/iovisor.h>

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

/* ---- building requests ---- */

void msg_init(struct msg *m, uint16_t type, uint8_t cmd, uint16_t flags);
struct nlattr *msg_tail(struct msg *m);
/* Room left for one more attribute's payload. */
int msg_room(const struct msg *m);
void put(struct msg *m, uint16_t type, const void *data, int len);
void put_u32(struct msg *m, uint16_t type, uint32_t v);
void put_u64(struct msg *m, uint16_t type, uint64_t v);
void put_str(struct msg *m, uint16_t type, const char *s);
void put_flag(struct msg *m, uint16_t type);
void nest_start(struct msg *m, uint16_t type);
void nest_end(struct msg *m);
/* An end naming a module port, or an interface. */
void put_end_port(struct msg *m, uint16_t type, const char *mod, uint32_t port);
void put_end_id_port(struct msg *m, uint16_t type, uint32_t id, uint32_t port);
void put_end_dev(struct msg *m, uint16_t type, const char *ifname);

/* ---- reading answers ---- */

const struct nlattr *attr_first(const struct nlmsghdr *nlh, int *rem);

#define attr_ok(a, rem) ((rem) >= (int)NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && \
			 (a)->nla_len <= (rem))
#define attr_next(a, rem) ((rem) -= NLA_ALIGN((a)->nla_len), \
			   (const struct nlattr *)((const char *)(a) + NLA_ALIGN((a)->nla_len)))
#define attr_type(a) ((a)->nla_type & NLA_TYPE_MASK)
#define attr_data(a) ((const void *)((const char *)(a) + NLA_HDRLEN))
#define attr_len(a) ((int)(a)->nla_len - (int)NLA_HDRLEN)
/* The attributes nested in a. */
#define nest_for_each(pos, a, rem)						\
	for ((rem) = attr_len(a), (pos) = attr_data(a); attr_ok(pos, rem);	\
	     (pos) = attr_next(pos, rem))

uint32_t attr_u32(const struct nlattr *a);
uint64_t attr_u64(const struct nlattr *a);

/* ---- talking to the kernel ---- */

/* Open a generic netlink socket with extended acks and find the family. */
int nl_open(struct nl *nl);
void nl_close(struct nl *nl);
/* Give up on an answer after this long: a kernel that never answers fails. */
int nl_set_timeout(struct nl *nl, int seconds);
/*
 * Send one request and read everything the kernel answers to it: replies go
 * to cb, the final NLMSG_ERROR (an ack) or NLMSG_DONE (end of a dump) fills
 * ack. Returns ack->error, or -errno if the socket itself failed.
 */
int nl_call(struct nl *nl, struct msg *m, reply_cb cb, void *arg, struct ack *ack);
/* The same for a message of len bytes at buf, sent as it is but for its seq. */
int nl_call_raw(struct nl *nl, void *buf, uint32_t len, reply_cb cb, void *arg,
		struct ack *ack);
/* Join the family's multicast group of this name (events); 0 or -errno. */
int nl_join_group(struct nl *nl, const char *group);
/* How many objects a dump of cmd returns; -errno if it fails. */
int nl_dump_count(struct nl *nl, uint8_t cmd);
int graph_state(struct nl *nl, struct graph_state *s);

/* ---- requests the tests use to build a graph ---- */

int module_new(struct nl *nl, const char *name, int prog_fd, uint32_t nports,
	       struct ack *ack);
int module_del(struct nl *nl, const char *name, struct ack *ack);
int module_del_id(struct nl *nl, uint32_t id, struct ack *ack);
int module_set_prog(struct nl *nl, const char *name, int prog_fd, struct ack *ack);
int link_dev(struct nl *nl, const char *mod, uint32_t port, const char *ifname,
	     struct ack *ack);
int link_ports(struct nl *nl, const char *a, uint32_t pa, const char *b,
	       uint32_t pb, struct ack *ack);
int link_del(struct nl *nl, const char *mod, uint32_t port, struct ack *ack);
int graph_set(struct nl *nl, uint32_t hop_budget, struct ack *ack);

/* ---- the environment ---- */

/* A minimal program of the given type: r0 = ret; exit. */
int prog_load_ret(enum bpf_prog_type type, int32_t ret);
int prog_load(enum bpf_prog_type type);
/* The id of the BPF program behind fd, or 0. */
uint32_t prog_id_of(int fd);
/* True while a BPF program with this id exists. */
bool prog_id_exists(uint32_t id);
/* A BPF map: a one-entry array. */
int map_create(void);
/* system() of a formatted command; its exit code, or -1. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write a string to a file (/proc, /sys); 0 or -errno. */
int write_file(const char *path, const char *s);
/* Become nobody, with no capabilities left in any set. */
int drop_privileges(void);

/*
 * pktgen in the current network namespace, injecting into the receive path
 * of each device (xmit_mode netif_receive), forever, 60-byte broadcast
 * frames, one every delay_ns per device. pktgen_run returns -1 if pktgen is
 * not there; pktgen_halt stops it and returns how many packets it sent.
 */
struct pktgen {
	pid_t pid;			/* blocked in "start" while it runs */
	int ndevs;
	char devs[16][IF_NAMESIZE];
	uint64_t sent[16];		/* per device, once halted */
};
int pktgen_run(struct pktgen *pg, const char *const *devs, int ndevs, unsigned long delay_ns);
uint64_t pktgen_halt(struct pktgen *pg);
/* What pktgen says it sent into dev so far. */
uint64_t pktgen_sofar(const char *dev);

/* ---- the graph as dumps show it, and its consistency ---- */

#define IOV_NSTATS	(IOV_STATS_MAX + 1)	/* indexed by enum iov_stats_attr */

struct iov_end_info {
	bool present;
	bool is_dev;
	bool has_id, has_name, has_port, has_ifindex, has_ifname;
	uint32_t mod_id;
	char mod_name[IOV_NAME_LEN];
	uint32_t port;
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	bool has_stats;
	uint64_t stats[IOV_NSTATS];
};

struct iov_port_info {
	bool listed;			/* the kernel gave an IOV_ATTR_PORT */
	bool has_stats;
	uint64_t stats[IOV_NSTATS];
	struct iov_end_info peer;	/* .present if linked */
};

struct iov_mod_info {
	bool has_id, has_name, has_prog_id, has_tag, has_nports, has_gen, has_stats;
	uint32_t id;
	char name[IOV_NAME_LEN];
	uint32_t prog_id;
	uint32_t nports;
	uint64_t generation;
	bool owned;
	bool has_source;
	uint64_t stats[IOV_NSTATS];
	int problems;			/* malformed in the message itself */
	char problem[160];
	struct iov_port_info ports[IOV_PORTS_MAX];
};

struct iov_link_info {
	struct iov_end_info a, b;
};

/* The modules of one dump (retried while NLM_F_DUMP_INTR); free() the array. */
int iov_dump_modules(struct nl *nl, struct iov_mod_info **mods, int *n);
int iov_dump_links(struct nl *nl, struct iov_link_info **links, int *n);
/*
 * A dump the kernel did not flag NLM_F_DUMP_INTR is one snapshot: ids and
 * names unique, every module peer in it and pointing back, no device linked
 * twice. Returns the number of problems, the first described in why.
 */
int iov_dump_consistent(const struct iov_mod_info *mods, int n, char *why, size_t size);
/* One module by name (if name) or id; 0 or -errno. */
int iov_get_module(struct nl *nl, const char *name, uint32_t id, struct iov_mod_info *mi);
int iov_get_graph(struct nl *nl, uint64_t *generation, uint32_t *hop_budget);
void iov_parse_module(const struct nlmsghdr *nlh, struct iov_mod_info *mi);

/*
 * packets == pass + drop + out + flood + err_verdict, exactly if quiet (no
 * traffic); under traffic, as nearly as a dump read while counting allows
 * for counters summed over this many ports.
 */
bool iov_stats_add_up(const uint64_t *stats, bool quiet, unsigned int ports);

/* What a consistency check found, and totals for the report. */
struct iov_check {
	bool quiet_traffic;		/* no traffic: dumps must agree on counters */
	int problems;
	int modules, links, dev_links;
	int owned;			/* modules that still belong to a socket */
	uint64_t packets;		/* over every module port */
	uint64_t stats[IOV_NSTATS];
};

/*
 * Read the whole graph back and check it holds together: dumps work, every
 * module listed can be fetched by name and by id and says the same, peers
 * are symmetric, the link dump lists each link once and matches the module
 * ports, every counter set adds up (packets == pass + drop + out + flood +
 * err_verdict; exactly if quiet_traffic, see iov_stats_add_up()) and module
 * totals are the sums of their ports. Prints each
 * problem as a "# " line to stderr. Returns the number of problems.
 */
int iov_graph_check(struct nl *nl, struct iov_check *chk);
/*
 * Delete every link and module, then check the dumps are empty. Returns the
 * number of problems, printed as above.
 */
int iov_graph_clear(struct nl *nl);

#endif /* _IOV_SELFTEST_NL_LIB_H */
