/* SPDX-License-Identifier: GPL-2.0 */
/* What other objects need to know about IO modules. */
#ifndef IVCTL_MODULE_H
#define IVCTL_MODULE_H

#include <stdint.h>

#include "ivctl.h"

/* The id of the BPF program the module runs; 0 or -1 (printed). */
int module_prog_id(const struct obj_ref *module, uint32_t *prog_id);

#endif /* IVCTL_MODULE_H */
