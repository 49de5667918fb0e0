/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer on stdout. key is the member name inside an
 * object and NULL inside an array. Closing the outermost value ends the line.
 */
#ifndef IVCTL_JSON_H
#define IVCTL_JSON_H

#include <stdint.h>

void json_open_array(const char *key);
void json_close_array(void);
void json_open_object(const char *key);
void json_close_object(void);
void json_string(const char *key, const char *val);
void json_u64(const char *key, uint64_t val);
void json_s64(const char *key, int64_t val);

#endif /* IVCTL_JSON_H */
