/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions: several changes sent as one IOV_CMD_BATCH, committed by the
 * kernel with one graph swap or refused as a whole.
 *
 * A batch is built from ordinary requests: between txn_begin() and
 * txn_commit(), each change request a command makes (module add, link del
 * ...) is taken into the batch as one IOV_ATTR_OP instead of being sent, so
 * `ivctl batch` runs the commands' own parsing and `ivctl apply` builds its
 * requests as the commands do. Program fds are duplicated as they are
 * taken: a program outlives the command that loaded it until the batch is
 * sent. Each operation carries a label (a file's line, a step of a plan),
 * which a refusal names.
 */
#ifndef IVCTL_TXN_H
#define IVCTL_TXN_H

#include <stddef.h>

/* Start a batch; it carries the global -g GEN and --dry-run. 0 or -1. */
int txn_begin(void);

/* The label of the operations taken from now on (copied). */
void txn_label(const char *label);

/* How many operations the batch holds so far. */
size_t txn_count(void);

/*
 * Send the batch. 0 when the kernel took it; -1 (printed) otherwise, the
 * refusal naming the label of the operation at fault when the kernel
 * pointed at one. Ends the batch either way.
 */
int txn_commit(void);

/* Drop the batch unsent (after a command failed). */
void txn_abort(void);

#endif /* IVCTL_TXN_H */
