/* SPDX-License-Identifier: GPL-2.0 */
/* Small packet helpers shared by the IO module library (BPF side). */
#ifndef _IOV_PKT_H
#define _IOV_PKT_H

#include <linux/types.h>

/*
 * Incremental one's complement checksum update (RFC 1624) for one 16-bit
 * word changing from @old to @new. The sum does not depend on byte order as
 * long as the words are taken as they lie in the packet.
 */
static __always_inline void iov_csum_replace2(__u16 *sum, __u16 old, __u16 new)
{
	__u32 c = (__u16)~*sum + (__u16)~old + new;

	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	*sum = ~c;
}

static __always_inline int iov_mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1;
}

#endif
