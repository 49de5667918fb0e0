/* SPDX-License-Identifier: GPL-2.0 */
/* ivctl module replace and module pin: hot swap, and keeping owned modules. */
#ifndef IVCTL_SWAP_H
#define IVCTL_SWAP_H

#include <stdio.h>

void swap_usage(FILE *f);
int module_replace(int argc, char **argv);
int module_pin(int argc, char **argv);

#endif /* IVCTL_SWAP_H */
