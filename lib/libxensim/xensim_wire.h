/*	$NetBSD$	*/

/*-
 * Copyright (c) 2026 The xenballoon project.
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHORS AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHORS OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 */

/*
 * The wire format between libxensim and xensimd's hypervisor half.
 *
 * Every socket is SOCK_SEQPACKET: one request is one packet, answered by
 * one reply packet, so a message is never split or merged and a
 * malformed one is simply refused.  A request starts with struct
 * xw_hdr; a reply starts with struct xw_rhdr.  Payloads are the Xen ABI
 * structures themselves where one exists.
 *
 * Reservation calls travel as Xen's continuations do: the full
 * struct xen_memory_reservation (its extent_start replaced by the
 * has_list flag) plus a window [start, start + count) of its extent
 * list, so that the checks on nr_extents see the whole call while a
 * packet stays small.
 */

#ifndef _LIBXENSIM_XENSIM_WIRE_H_
#define _LIBXENSIM_XENSIM_WIRE_H_

#include <sys/types.h>

#include <stdint.h>
#include <xen/xen.h>
#include <xen/memory.h>

#include "xensim.h"

#define XW_MAGIC		0x58534d31u	/* "XSM1" */
#define XW_MAX_PACKET		(128 * 1024)
#define XW_MAX_WINDOW		8192		/* extents per packet */

enum xw_op {
	XW_START_INFO = 1,	/* -> xw_start_info, SCM_RIGHTS memfd */
	XW_BOOT_P2M,		/* xw_range -> xen_pfn_t[] */
	XW_MEMORY_OP,		/* xw_memop [+ xen_pfn_t[]] or domid_t */
	XW_MMU_UPDATE,		/* xw_mmu + struct mmu_update[] */
	XW_XEN_VERSION,		/* int32 cmd + struct xen_feature_info */
	XW_RAM_WATCH,		/* xw_ram_watch, SCM_RIGHTS userfaultfd */
	/* dom0 (privcmd) only */
	XW_DOMAIN_CREATE = 64,	/* struct xensim_domcfg -> domid_t */
	XW_DOMAIN_DESTROY,	/* domid_t */
	XW_DOMAIN_GETINFO,	/* domid_t -> struct xensim_dominfo */
	XW_DOMAIN_LIST,		/* xw_range (first index, count) -> dominfo[] */
	XW_DOMAIN_SETMAXMEM,	/* xw_maxmem */
	XW_HOST_INFO,		/* -> struct xensim_hostinfo */
	XW_FAULT		/* struct xensim_fault (or xw_fault_v1) */
};

/* XW_FAULT as sent before xs_drop and mem_keep: still accepted. */
struct xw_fault_v1 {
	domid_t		domid;
	int64_t		alloc_budget;
	int		pool_empty;
	int		limit_order;
	unsigned int	max_order;
};

struct xw_hdr {
	uint32_t	magic;
	uint32_t	op;
	uint32_t	len;		/* payload bytes after the header */
	uint32_t	pad;
};

struct xw_rhdr {
	int64_t		rc;		/* hypercall result, or -errno */
	uint32_t	len;		/* payload bytes after the header */
	uint32_t	flags;		/* XW_RF_* */
};
/* rc is where a preempted reservation call goes on: call again from it. */
#define XW_RF_PREEMPTED	0x1

struct xw_range {
	uint64_t	start;
	uint64_t	count;
};

struct xw_start_info {
	uint32_t	domid;
	uint32_t	kind;
	uint64_t	nr_pages;
	uint64_t	memfd_pages;
	uint32_t	nr_memmap;	/* at most XENSIM_MEMMAP_MAX */
	uint32_t	pad;
	struct hvm_memmap_table_entry memmap[XENSIM_MEMMAP_MAX];
};

struct xw_ram_watch {
	uint64_t	base;		/* the RAM's address in the guest */
	uint64_t	pages;		/* its length: memfd_pages */
};

struct xw_memop {
	uint32_t	cmd;
	uint32_t	has_list;	/* extent_start != NULL */
	uint64_t	nr_extents;
	uint32_t	extent_order;
	uint32_t	mem_flags;
	uint32_t	domid;
	uint32_t	flags;		/* XW_MF_* */
	uint64_t	start;		/* first extent of this window */
	uint64_t	count;		/* extents carried (0 if !has_list) */
	/* xen_pfn_t list[count] follows; the reply carries it back. */
};
/*
 * The caller continues a call the host preempted (XW_RF_PREEMPTED), as
 * Xen's hypercall continuations do, so that one guest's large call
 * does not hold up every other caller.
 */
#define XW_MF_PREEMPT	0x1

/*
 * XENMEM_memory_map: an xw_memop with nr_extents the room the guest has
 * for entries; the reply carries those it gets.  A guest's buffer holds
 * them packed, 20 bytes each, as the BIOS E820 call returns them.
 */
#define XW_E820_MAX		128
#define XW_E820_RAM		1	/* E820 type: RAM */
#define XW_E820_SIZE		20	/* bytes per entry, packed */
struct xw_e820 {
	uint64_t	addr;
	uint64_t	size;
	uint32_t	type;
	uint32_t	pad;
};

struct xw_mmu {
	uint32_t	count;
	uint32_t	foreigndom;
	/* struct mmu_update reqs[count] follows; reply rc = -errno or 0 */
	/* and payload uint32_t done. */
};

struct xw_maxmem {
	uint32_t	domid;
	uint32_t	pad;
	uint64_t	max_kib;
};

struct iovec;

/*
 * Packet I/O for both ends (xensim_io.c): a packet with at most one
 * descriptor passed along (SCM_RIGHTS).
 */
ssize_t	xw_sendfd(int, struct iovec *, int, int, int);
ssize_t	xw_recvfd(int, void *, size_t, int, int *);

#endif /* _LIBXENSIM_XENSIM_WIRE_H_ */
