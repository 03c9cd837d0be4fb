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

#ifndef _XEN_XENPMAP_H_
#define _XEN_XENPMAP_H_

/*
 * A PV guest's physical to machine (P2M) table, and the queue of
 * machine to physical (M2P) updates for the hypervisor, as NetBSD's
 * <xen/xenpmap.h>.  Auto-translated guests have no P2M: never use these
 * there.
 */

#include <sys/param.h>

#define INVALID_P2M_ENTRY	(~0UL)
#define XPMAP_OFFSET		0

extern unsigned long *xpmap_phys_to_machine_mapping;

void	xpq_queue_machphys_update(paddr_t, paddr_t);
void	xpq_flush_queue(void);

static __inline paddr_t
xpmap_ptom(paddr_t ppa)
{

	return ((paddr_t)xpmap_phys_to_machine_mapping[
	    (ppa - XPMAP_OFFSET) >> PAGE_SHIFT] << PAGE_SHIFT) |
	    (ppa & PAGE_MASK);
}

static __inline paddr_t
xpmap_ptom_masked(paddr_t ppa)
{

	return (paddr_t)xpmap_phys_to_machine_mapping[
	    (ppa - XPMAP_OFFSET) >> PAGE_SHIFT] << PAGE_SHIFT;
}

static __inline void
xpmap_ptom_map(paddr_t ppa, paddr_t mpa)
{

	xpmap_phys_to_machine_mapping[(ppa - XPMAP_OFFSET) >> PAGE_SHIFT] =
	    mpa >> PAGE_SHIFT;
}

static __inline void
xpmap_ptom_unmap(paddr_t ppa)
{

	xpmap_phys_to_machine_mapping[(ppa - XPMAP_OFFSET) >> PAGE_SHIFT] =
	    INVALID_P2M_ENTRY;
}

static __inline bool
xpmap_ptom_isvalid(paddr_t ppa)
{

	return xpmap_phys_to_machine_mapping[
	    (ppa - XPMAP_OFFSET) >> PAGE_SHIFT] != INVALID_P2M_ENTRY;
}

#endif /* _XEN_XENPMAP_H_ */
