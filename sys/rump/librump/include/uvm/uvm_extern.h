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

#ifndef _UVM_UVM_EXTERN_H_
#define _UVM_UVM_EXTERN_H_

#include <sys/types.h>

struct uvm_object;
struct vm_anon;
struct vm_page;
struct pglist;
struct vm_map;
typedef int64_t voff_t;

/* Bytes and pages, as <uvm/uvm_param.h>. */
#define atop(x)		((uint64_t)(x) >> PAGE_SHIFT)
#define ptoa(x)		((paddr_t)(x) << PAGE_SHIFT)
#define trunc_page(x)	((x) & ~(paddr_t)PAGE_MASK)
#define round_page(x)	(((x) + PAGE_MASK) & ~(paddr_t)PAGE_MASK)

/* uvm_pagealloc flags */
#define UVM_PGA_USERESERVE	0x0001	/* may dip into the reserve */
#define UVM_PGA_ZERO		0x0002	/* the page must be zero filled */

/* Page counts, protected by the page allocator's lock. */
struct uvmexp {
	int	pagesize;
	int	npages;		/* managed pages */
	int	free;		/* free pages */
	int	freemin;	/* keep at least this many free */
	int	freetarg;	/* the page daemon works up to this many */
	int	reserve_kernel;	/* only UVM_PGA_USERESERVE gets these */
	int	reserve_pagedaemon;
	int	paging;		/* pages on their way to the free list */
	int	pdwoke;		/* times the page daemon woke */
};

extern struct uvmexp uvmexp;
extern psize_t physmem;		/* RAM frames at boot */
extern struct vm_map *kernel_map;

struct vm_page	*uvm_pagealloc(struct uvm_object *, voff_t,
		    struct vm_anon *, int);
void		 uvm_pagefree(struct vm_page *);
int		 uvm_pglistalloc(psize_t, paddr_t, paddr_t, paddr_t, paddr_t,
		    struct pglist *, int, int);
void		 uvm_pglistfree(struct pglist *);

int		 uvm_availmem(bool);

/* uvm_pdaemon.c */
void		 uvm_pageout(void *);
void		 uvm_kick_pdaemon(void);
void		 uvm_wait(const char *);

/*
 * uvm_km.c of the bench: one page for the kernel's allocators (pool(9),
 * kmem(9)), its data through the direct map; a boot page (no vm_page)
 * before uvm is up.
 */
struct vm_page	*uvm_km_pagealloc(bool, void **);
void		 uvm_km_pagefree(struct vm_page *, void *);

/* pmap(9): zero a physical page. */
void		 pmap_zero_page(paddr_t);

#endif /* _UVM_UVM_EXTERN_H_ */
