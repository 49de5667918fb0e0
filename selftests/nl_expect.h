/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks the netlink C tests share, on top of kselftest_harness.h and
 * nl_lib.h: a fixture holding `nl` (a struct nl_sock) and `before` (a struct
 * graph_state) compares the graph after a refused request with SNAPSHOT().
 */
#ifndef _IOV_NL_EXPECT_H
#define _IOV_NL_EXPECT_H

#include <string.h>

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

#endif
