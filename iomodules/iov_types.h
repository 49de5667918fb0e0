/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the IO module library. ivctl reads a map's key and value
 * layout from BTF and uses these typedef names to print and parse fields in
 * their usual form; any other integer field is a plain number.
 *
 *   iov_mac_t    "02:00:00:00:00:01"
 *   iov_ip4_t    "10.0.0.1" (network byte order in the map)
 *   iov_be16_t   a number, network byte order in the map (TCP/UDP ports)
 */
#ifndef _IOV_TYPES_H
#define _IOV_TYPES_H

#include <linux/types.h>

typedef struct { __u8 addr[6]; } iov_mac_t;
typedef __be32 iov_ip4_t;
typedef __be16 iov_be16_t;

#endif
