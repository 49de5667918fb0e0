// SPDX-License-Identifier: GPL-2.0
/*
 * ivctl monitor: print the kernel's events as they come, until interrupted.
 *
 * Every line starts with the graph generation the change produced, so a
 * reader can tell which events one change made (a module deleted with its
 * links announces them all with one generation) and line them up with
 * `graph show`. Lines are flushed as they are written: a monitor usually
 * writes into a pipe or a file that someone is reading.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <netlink/genl/genl.h>

#include "end.h"
#include "ivctl.h"
#include "json.h"
#include "nl.h"

static void monitor_usage(FILE *f)
{
	fputs("Usage: ivctl [ -j ] monitor\n"
	      "       ivctl monitor help\n",
	      f);
}

static uint32_t get_u32(struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static const char *cause_name(uint32_t cause)
{
	switch (cause) {
	case IOV_CAUSE_REQUEST:
		return "request";
	case IOV_CAUSE_MODULE_DEL:
		return "module-deleted";
	case IOV_CAUSE_DEV_GONE:
		return "device-gone";
	default:
		return "unknown";
	}
}

/* module add, del or replace (a hot swap: the new program's id). */
static void event_module(struct nlattr **tb, const char *verb)
{
	const char *name = tb[IOV_ATTR_MODULE_NAME] ?
			   nla_get_string(tb[IOV_ATTR_MODULE_NAME]) : "";
	bool prog = strcmp(verb, "del") != 0;

	if (opts.json) {
		char event[32];

		snprintf(event, sizeof(event), "module %s", verb);
		json_string("event", event);
		json_string("name", name);
		json_u64("id", get_u32(tb[IOV_ATTR_MODULE_ID]));
		json_u64("prog_id", get_u32(tb[IOV_ATTR_PROG_ID]));
		json_u64("num_ports", get_u32(tb[IOV_ATTR_NUM_PORTS]));
		return;
	}
	printf("module %s %s id %u", verb, name, get_u32(tb[IOV_ATTR_MODULE_ID]));
	if (prog)
		printf(" prog_id %u ports %u", get_u32(tb[IOV_ATTR_PROG_ID]),
		       get_u32(tb[IOV_ATTR_NUM_PORTS]));
}

static int event_link(struct nlattr **tb, bool add)
{
	uint32_t cause = get_u32(tb[IOV_ATTR_CAUSE]);
	char a_text[END_TEXT_LEN], b_text[END_TEXT_LEN];
	struct iov_end a, b;

	if (!tb[IOV_ATTR_LINK_A] || !tb[IOV_ATTR_LINK_B])
		return error("malformed link event from the kernel: an end is missing");
	if (end_read(tb[IOV_ATTR_LINK_A], &a) || end_read(tb[IOV_ATTR_LINK_B], &b))
		return -1;
	if (opts.json) {
		json_string("event", add ? "link add" : "link del");
		end_json("a", &a);
		end_json("b", &b);
		if (!add)
			json_string("cause", cause_name(cause));
		return 0;
	}
	end_format(&a, a_text, sizeof(a_text));
	end_format(&b, b_text, sizeof(b_text));
	printf("link %s %s %s", add ? "add" : "del", a_text, b_text);
	if (!add && cause != IOV_CAUSE_REQUEST)
		printf(" cause %s", cause_name(cause));
	return 0;
}

static void event_graph(struct nlattr **tb)
{
	uint32_t hops = get_u32(tb[IOV_ATTR_HOP_BUDGET]);

	if (opts.json) {
		json_string("event", "graph set");
		json_u64("hops", hops);
	} else {
		printf("graph set hops %u", hops);
	}
}

/* Events a newer kernel may add are shown by number, not dropped. */
static void event_unknown(uint8_t cmd)
{
	if (opts.json) {
		json_string("event", "unknown");
		json_u64("cmd", cmd);
	} else {
		printf("unknown event %u", cmd);
	}
}

static int event_body(uint8_t cmd, struct nlattr **tb)
{
	switch (cmd) {
	case IOV_CMD_MODULE_NEW:
		event_module(tb, "add");
		return 0;
	case IOV_CMD_MODULE_DEL:
		event_module(tb, "del");
		return 0;
	case IOV_CMD_MODULE_SET:
		event_module(tb, "replace");
		return 0;
	case IOV_CMD_LINK_NEW:
	case IOV_CMD_LINK_DEL:
		return event_link(tb, cmd == IOV_CMD_LINK_NEW);
	case IOV_CMD_GRAPH_SET:
		event_graph(tb);
		return 0;
	default:
		event_unknown(cmd);
		return 0;
	}
}

static int show_event(struct nlmsghdr *nlh)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *tb[IOV_ATTR_MAX + 1];
	uint64_t gen;
	int err;

	if (iov_parse(nlh, tb))
		return -1;
	gen = tb[IOV_ATTR_GENERATION] ? nla_get_u64(tb[IOV_ATTR_GENERATION]) : 0;
	if (opts.json) {
		json_open_object(NULL);
		json_u64("generation", gen);
	} else {
		printf("[gen %llu] ", (unsigned long long)gen);
	}
	err = event_body(ghdr->cmd, tb);
	if (opts.json)
		json_close_object();
	else
		putchar('\n');
	fflush(stdout);
	return err;
}

/* SIGINT and SIGTERM as a file to poll: no handler, no race with poll(). */
static int signals_fd(void)
{
	sigset_t mask;
	int fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return error("cannot block signals: %s", strerror(errno));
	fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (fd < 0)
		return error("cannot make a signalfd: %s", strerror(errno));
	return fd;
}

static int monitor_run(int argc, char **argv)
{
	struct pollfd fds[2] = { { .events = POLLIN }, { .events = POLLIN } };
	int err = 0;

	if (argc)
		return usage_error(monitor_usage, "unknown argument \"%s\"", argv[0]);
	fds[0].fd = signals_fd();
	if (fds[0].fd < 0)
		return -1;
	fds[1].fd = iov_events_join();
	while (fds[1].fd >= 0 && !err) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = error("poll: %s", strerror(errno));
		} else if (fds[0].revents) {
			break;	/* interrupted: the normal way to stop */
		} else if (fds[1].revents) {
			err = iov_events_read(show_event);
		}
	}
	close(fds[0].fd);
	return fds[1].fd < 0 ? -1 : err;
}

static const struct ivctl_cmd monitor_cmds[] = {
	{ NULL,		NULL },
};

const struct ivctl_object monitor_object = {
	.name	= "monitor",
	.cmds	= monitor_cmds,
	.dflt	= monitor_run,
	.usage	= monitor_usage,
};
