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

#ifndef _UVM_UVM_PAGE_H_
#define _UVM_UVM_PAGE_H_

#include <sys/types.h>
#include <sys/queue.h>

/* One per RAM frame. */
struct vm_page {
	union {
		TAILQ_ENTRY(vm_page) queue;	/* free list, pglists */
		LIST_ENTRY(vm_page) list;
	} pageq;				/* as in NetBSD */
	paddr_t			phys_addr;	/* frame's physical address */
	uint16_t		flags;		/* PG_* */
};

#define PG_ZERO		0x0100		/* known to be zero filled */
#define PG_FREE		0x4000		/* on the free list */

/* A list of pages, linked through pageq.queue (uvm_pglistalloc). */
TAILQ_HEAD(pglist, vm_page);

#define VM_PAGE_TO_PHYS(pg)	((pg)->phys_addr)

struct vm_page	*PHYS_TO_VM_PAGE(paddr_t);

#endif /* _UVM_UVM_PAGE_H_ */
