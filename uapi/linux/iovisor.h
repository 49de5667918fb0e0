/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * iovisor: an IO module hypervisor. This header is the whole contract between
 * the kernel module, its users (ivctl) and the eBPF programs it runs.
 *
 * Objects
 * -------
 * An IO module is a named eBPF program (BPF_PROG_TYPE_SCHED_CLS) with a number
 * of ports, 0 .. num_ports - 1. Its name is unique in its network namespace
 * and it also gets a numeric id there. A link joins two ends: a module port
 * and either another module port or a network interface. Each end has at most
 * one peer; links are symmetric. Whatever a module sends out of a port arrives
 * at the peer: in the peer module at the peer port, or on the interface's
 * transmit path. Packets received on a linked interface enter the module at
 * the linked port. All modules and links of one network namespace form its
 * graph; the datapath reads an immutable snapshot of it and every change
 * swaps in a new one, counted by a generation number.
 *
 * Verdicts (the program's return value)
 * -------------------------------------
 *   IOV_PASS        hand the packet to the normal stack of the interface it
 *                   arrived on. Equal to TC_ACT_OK.
 *   IOV_DROP        drop it. Equal to TC_ACT_SHOT.
 *   IOV_OUT(n)      send it out of port n, to that port's peer.
 *   IOV_FLOOD       a copy out of every linked port but the one it came in on.
 * Anything else is dropped and counted as IOV_STATS_ERR_VERDICT. OUT to a port
 * that does not exist or has no peer is dropped as IOV_STATS_ERR_PORT. Only one
 * copy of a packet reaches the stack: a second PASS of a flooded copy is
 * dropped as IOV_STATS_ERR_PASS.
 *
 * A walk through the graph runs at most hop_budget programs in a row
 * (IOV_HOP_BUDGET_DEFAULT unless set with IOV_CMD_GRAPH_SET); the packet that
 * would run one more is dropped as IOV_STATS_ERR_HOPS, counted at the module
 * it would have entered. A loop that leaves the graph through one interface
 * and comes back through another (say, both ends of a veth pair linked) is not
 * seen by the budget, exactly as a loop of bridges is not.
 *
 * What a program sees
 * -------------------
 * The packet from its Ethernet header, with direct packet access and the tc
 * helper set, as a tc ingress (cls_bpf) program sees it. struct __sk_buff.cb[]
 * is the framework's per-packet scratch area:
 *   cb[IOV_CB_IN_PORT]   the port the packet entered this module by, written
 *                        by the framework before every run;
 *   cb[IOV_CB_META ...]  IOV_META_WORDS words of metadata, zero when the
 *                        packet enters the graph; what one module writes there
 *                        the next one reads, and flood copies inherit it.
 * The framework saves the kernel's skb->cb before the walk and restores it
 * before the packet leaves the graph, so nothing written there escapes.
 *
 * Generic netlink API
 * -------------------
 * Family IOV_GENL_NAME, version IOV_GENL_VERSION, in every network namespace.
 * Requests are validated strictly: unknown attributes are refused. Every
 * refusal carries an extack message. Commands that change state need
 * CAP_NET_ADMIN in the user namespace that owns the network namespace; reads
 * are open to everyone.
 *
 * IOV_CMD_MODULE_NEW (admin)
 *   Request: IOV_ATTR_MODULE_NAME, IOV_ATTR_PROG_FD, IOV_ATTR_NUM_PORTS;
 *   optionally IOV_ATTR_SOURCE, a string the kernel keeps and reports but
 *   never reads (ivctl: where the program came from, for `ivctl dump`), and
 *   IOV_ATTR_OWNED: the module belongs to the netlink socket that sent the
 *   request and is deleted when that socket closes, unless pinned first.
 *   Creates a module; the kernel takes its own reference on the program, so
 *   the caller may close the fd afterwards. Reply: the ack alone.
 *   Errors: EEXIST name taken, EINVAL bad name or not a SCHED_CLS program,
 *   EBADF bad fd, ERANGE port count outside 1 .. IOV_PORTS_MAX.
 * IOV_CMD_MODULE_DEL (admin)
 *   Request: IOV_ATTR_MODULE_NAME or IOV_ATTR_MODULE_ID.
 *   Unlinks every port of the module and deletes it. ENOENT if unknown.
 * IOV_CMD_MODULE_GET
 *   doit by IOV_ATTR_MODULE_NAME or IOV_ATTR_MODULE_ID; dumpit for all.
 *   Reply: IOV_ATTR_MODULE_ID, IOV_ATTR_MODULE_NAME, IOV_ATTR_PROG_ID,
 *   IOV_ATTR_PROG_TAG, IOV_ATTR_NUM_PORTS, IOV_ATTR_GENERATION,
 *   IOV_ATTR_SOURCE if set, IOV_ATTR_OWNED if owned by a socket,
 *   IOV_ATTR_STATS (module totals) and IOV_ATTR_PORTS: one IOV_ATTR_PORT nest
 *   for each port that is linked or has counted packets, holding
 *   IOV_PORT_INDEX, IOV_PORT_STATS and, if linked, IOV_PORT_PEER (an end, see
 *   below). A port left out has no peer and all its counters are zero.
 *   A dump sends one message per module; read with a buffer of 64 KiB.
 * IOV_CMD_LINK_NEW (admin)
 *   Request: IOV_ATTR_LINK_A (a module end) and IOV_ATTR_LINK_B (a module end
 *   or an interface end). Errors: EBUSY an end is linked already or the
 *   interface has another rx handler (bridge, bond, macvlan ...), ERANGE no
 *   such port, ENODEV no such interface, EOPNOTSUPP not an Ethernet device
 *   (loopback included), ELOOP a port linked to itself.
 * IOV_CMD_LINK_DEL (admin)
 *   Request: IOV_ATTR_LINK_A, either end of the link (a module end or an
 *   interface end). ENOLINK if unlinked.
 * IOV_CMD_LINK_GET
 *   dumpit: one message per link, IOV_ATTR_LINK_A (a module end) and
 *   IOV_ATTR_LINK_B; module ends carry IOV_END_STATS of their port.
 *   Without NLM_F_DUMP: EOPNOTSUPP.
 * IOV_CMD_GRAPH_GET
 *   Reply: IOV_ATTR_GENERATION, IOV_ATTR_HOP_BUDGET.
 * IOV_CMD_GRAPH_SET (admin)
 *   Request: IOV_ATTR_HOP_BUDGET, 1 .. IOV_HOP_BUDGET_MAX.
 * IOV_CMD_MODULE_SET (admin): hot swap
 *   Request: IOV_ATTR_MODULE_NAME or IOV_ATTR_MODULE_ID, and IOV_ATTR_PROG_FD
 *   (with IOV_ATTR_EXPECT_PROG_ID and IOV_ATTR_SOURCE optionally), or
 *   IOV_ATTR_PIN (keep an owned module when its socket closes), or both.
 *   IOV_ATTR_PROG_FD replaces the module's program in
 *   one step: its ports, links and counters stay, packets run the old
 *   program or the new one. With IOV_ATTR_EXPECT_PROG_ID the swap happens
 *   only if the module still runs that program (ESTALE otherwise). State in
 *   maps carries over when the new program uses the old one's maps (ivctl
 *   does this by map name).
 * IOV_CMD_BATCH (admin): a transaction
 *   Request: IOV_ATTR_OPS, a nest of IOV_ATTR_OP nests, each holding
 *   IOV_ATTR_OP_CMD (MODULE_NEW, MODULE_DEL, MODULE_SET, LINK_NEW, LINK_DEL
 *   or GRAPH_SET) and that command's attributes. The operations are checked
 *   in order, each against the state the earlier ones leave, and committed
 *   together with one graph swap, or none is. A refusal names the failing
 *   operation's nest as the bad attribute.
 *
 * Every command that changes state also takes:
 *   IOV_ATTR_GENERATION  the generation the caller expects the graph to be
 *                        at; if it moved, the request is refused (ESTALE)
 *                        and changes nothing;
 *   IOV_ATTR_DRY_RUN     check everything, change nothing.
 *
 * An end (nest, enum iov_end_attr) names a module port by
 * IOV_END_MODULE_NAME or IOV_END_MODULE_ID plus IOV_END_PORT, or an interface
 * by IOV_END_IFINDEX or IOV_END_IFNAME. Replies give both name and id (module)
 * or both index and name (interface).
 *
 * Events: every change is announced to the multicast group
 * IOV_GENL_MCGRP_EVENTS, in the namespace of the graph, as a message whose
 * command says what happened:
 *   IOV_CMD_MODULE_NEW, IOV_CMD_MODULE_DEL,  the module (id, name, program,
 *   IOV_CMD_MODULE_SET (program replaced)    ports), no counters;
 *   IOV_CMD_LINK_NEW, IOV_CMD_LINK_DEL       the two ends, no counters; a
 *                                            LINK_DEL carries IOV_ATTR_CAUSE;
 *   IOV_CMD_GRAPH_SET                        the new hop budget.
 * Every event carries the IOV_ATTR_GENERATION the change produced; a batch
 * announces all its changes under its one generation: link and module
 * removals first, then additions and replacements. A module
 * deleted with links announces each LINK_DEL (cause IOV_CAUSE_MODULE_DEL)
 * and then the MODULE_DEL; a linked device that is unregistered or moves to
 * another namespace announces a LINK_DEL with cause IOV_CAUSE_DEV_GONE.
 * Nothing is announced when the namespace or the kernel module goes away.
 *
 * Dumps carry the graph generation in their sequence check: when the graph
 * changes during a dump, the kernel sets NLM_F_DUMP_INTR and the caller
 * should dump again.
 *
 * Evolving this API: attributes and commands are only ever added; a number
 * never changes meaning; attribute order never matters.
 */
#ifndef _UAPI_LINUX_IOVISOR_H
#define _UAPI_LINUX_IOVISOR_H

#define IOV_GENL_NAME		"iovisor"
#define IOV_GENL_VERSION	1
#define IOV_GENL_MCGRP_EVENTS	"events"

#define IOV_NAME_LEN		32	/* module names, including the NUL */
#define IOV_SOURCE_LEN		256	/* IOV_ATTR_SOURCE, including the NUL */
#define IOV_PORTS_MAX		256
#define IOV_HOP_BUDGET_DEFAULT	32
#define IOV_HOP_BUDGET_MAX	255

/* Verdicts. */
#define IOV_PASS		0
#define IOV_DROP		2
#define IOV_OUT_BASE		0x10000
#define IOV_OUT(port)		(IOV_OUT_BASE | ((port) & 0xffff))
#define IOV_FLOOD		0x20000

/* Indices into struct __sk_buff.cb[] (five 32-bit words). */
#define IOV_CB_IN_PORT		0
#define IOV_CB_META		1
#define IOV_META_WORDS		4

enum iov_cmd {
	IOV_CMD_UNSPEC,
	IOV_CMD_MODULE_NEW,
	IOV_CMD_MODULE_DEL,
	IOV_CMD_MODULE_GET,
	IOV_CMD_LINK_NEW,
	IOV_CMD_LINK_DEL,
	IOV_CMD_LINK_GET,
	IOV_CMD_GRAPH_GET,
	IOV_CMD_GRAPH_SET,
	IOV_CMD_MODULE_SET,
	IOV_CMD_BATCH,
	__IOV_CMD_MAX
};
#define IOV_CMD_MAX (__IOV_CMD_MAX - 1)

enum iov_attr {
	IOV_ATTR_UNSPEC,
	IOV_ATTR_PAD,
	IOV_ATTR_GENERATION,	/* u64 */
	IOV_ATTR_MODULE_ID,	/* u32 */
	IOV_ATTR_MODULE_NAME,	/* string */
	IOV_ATTR_PROG_FD,	/* s32 */
	IOV_ATTR_PROG_ID,	/* u32 */
	IOV_ATTR_PROG_TAG,	/* binary, BPF_TAG_SIZE (8) bytes */
	IOV_ATTR_NUM_PORTS,	/* u32 */
	IOV_ATTR_STATS,		/* nest, enum iov_stats_attr */
	IOV_ATTR_PORTS,		/* nest of IOV_ATTR_PORT */
	IOV_ATTR_PORT,		/* nest, enum iov_port_attr */
	IOV_ATTR_LINK_A,	/* nest, enum iov_end_attr */
	IOV_ATTR_LINK_B,	/* nest, enum iov_end_attr */
	IOV_ATTR_HOP_BUDGET,	/* u32 */
	IOV_ATTR_CAUSE,		/* u32, enum iov_cause; LINK_DEL events */
	IOV_ATTR_EXPECT_PROG_ID,	/* u32 */
	IOV_ATTR_DRY_RUN,	/* flag */
	IOV_ATTR_OPS,		/* nest of IOV_ATTR_OP */
	IOV_ATTR_OP,		/* nest: IOV_ATTR_OP_CMD and that command's attributes */
	IOV_ATTR_OP_CMD,	/* u32, enum iov_cmd */
	IOV_ATTR_SOURCE,	/* string, < IOV_SOURCE_LEN */
	IOV_ATTR_OWNED,		/* flag */
	IOV_ATTR_PIN,		/* flag */
	__IOV_ATTR_MAX
};
#define IOV_ATTR_MAX (__IOV_ATTR_MAX - 1)

enum iov_cause {
	IOV_CAUSE_REQUEST,	/* someone asked for it */
	IOV_CAUSE_MODULE_DEL,	/* its module was deleted */
	IOV_CAUSE_DEV_GONE,	/* its device was unregistered or left the netns */
};

enum iov_port_attr {
	IOV_PORT_UNSPEC,
	IOV_PORT_INDEX,		/* u32 */
	IOV_PORT_PEER,		/* nest, enum iov_end_attr */
	IOV_PORT_STATS,		/* nest, enum iov_stats_attr */
	__IOV_PORT_MAX
};
#define IOV_PORT_MAX (__IOV_PORT_MAX - 1)

enum iov_end_attr {
	IOV_END_UNSPEC,
	IOV_END_MODULE_ID,	/* u32 */
	IOV_END_MODULE_NAME,	/* string */
	IOV_END_PORT,		/* u32 */
	IOV_END_IFINDEX,	/* u32 */
	IOV_END_IFNAME,		/* string */
	IOV_END_STATS,		/* nest, enum iov_stats_attr; replies only */
	__IOV_END_MAX
};
#define IOV_END_MAX (__IOV_END_MAX - 1)

/*
 * Counters, all u64, kept per module port and summed for the module. They
 * count at the port a packet entered the module by: PACKETS and BYTES every
 * program run, the verdicts what the run returned, the ERR_ reasons why a
 * packet was dropped by the framework rather than by the program.
 */
enum iov_stats_attr {
	IOV_STATS_UNSPEC,
	IOV_STATS_PAD,
	IOV_STATS_PACKETS,
	IOV_STATS_BYTES,
	IOV_STATS_PASS,
	IOV_STATS_DROP,
	IOV_STATS_OUT,
	IOV_STATS_FLOOD,
	IOV_STATS_ERR_VERDICT,	/* the program returned no known verdict */
	IOV_STATS_ERR_PORT,	/* OUT(n): no port n, or port n has no peer */
	IOV_STATS_ERR_HOPS,	/* the hop budget ran out before this module */
	IOV_STATS_ERR_NOMEM,	/* a flood copy could not be allocated */
	IOV_STATS_ERR_TX,	/* the peer interface is down or the packet too big */
	IOV_STATS_ERR_PASS,	/* a second copy of one packet returned PASS */
	__IOV_STATS_MAX
};
#define IOV_STATS_MAX (__IOV_STATS_MAX - 1)

#endif /* _UAPI_LINUX_IOVISOR_H */
