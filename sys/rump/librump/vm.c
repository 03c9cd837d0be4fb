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
 * The page allocator: one struct vm_page per RAM frame of the guest,
 * and a free list.  As in uvm, a free page may be known to be zero
 * (PG_ZERO: never used since boot, or freed so by its owner), and
 * UVM_PGA_ZERO then costs nothing.  The kernel's own data lives in the
 * host's heap; the guest's RAM frames are what uvm hands out, so a page
 * given to Xen is a real frame of the domain.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include "rump_private.h"

struct uvmexp uvmexp;		/* counts protected by uvm_fpageqlock */
psize_t physmem;

static kmutex_t uvm_fpageqlock;
static TAILQ_HEAD(, vm_page) uvm_freeq;	/* protected by uvm_fpageqlock */
static struct vm_page *vm_pages;
static char *vm_ram;

void
rump_uvm_init(void *ram, uint64_t npages)
{
	uint64_t i;

	mutex_init(&uvm_fpageqlock, MUTEX_DEFAULT, IPL_VM);
	TAILQ_INIT(&uvm_freeq);
	vm_ram = ram;
	vm_pages = kmem_zalloc(npages * sizeof(*vm_pages), KM_SLEEP);
	/* Lowest frames last on the list: handed out high to low. */
	for (i = npages; i-- > 0;) {
		vm_pages[i].phys_addr = (paddr_t)i << PAGE_SHIFT;
		/* The domain builder hands over zeroed frames. */
		vm_pages[i].flags = PG_FREE | PG_ZERO;
		TAILQ_INSERT_TAIL(&uvm_freeq, &vm_pages[i], pageq);
	}
	physmem = npages;
	uvmexp.pagesize = PAGE_SIZE;
	uvmexp.npages = (int)npages;
	uvmexp.free = (int)npages;
	/* As uvm_pageout's default: 1/20 of RAM, within [16, 256] pages. */
	uvmexp.freemin = (int)MAX(16, MIN(256, npages / 20));
	uvmexp.freetarg = uvmexp.freemin * 4 / 3;
	uvmexp.reserve_kernel = 5;
}

struct vm_page *
PHYS_TO_VM_PAGE(paddr_t pa)
{

	if ((pa >> PAGE_SHIFT) >= physmem)
		return NULL;
	return &vm_pages[pa >> PAGE_SHIFT];
}

struct vm_page *
uvm_pagealloc(struct uvm_object *obj, voff_t off, struct vm_anon *anon,
    int flags)
{
	struct vm_page *pg;
	bool zero;

	(void)obj;
	(void)off;
	(void)anon;
	mutex_enter(&uvm_fpageqlock);
	pg = TAILQ_FIRST(&uvm_freeq);
	if (pg == NULL) {
		mutex_exit(&uvm_fpageqlock);
		return NULL;
	}
	KASSERT(pg->flags & PG_FREE);
	TAILQ_REMOVE(&uvm_freeq, pg, pageq);
	zero = (pg->flags & PG_ZERO) != 0;
	pg->flags &= ~(PG_FREE | PG_ZERO);
	uvmexp.free--;
	mutex_exit(&uvm_fpageqlock);

	/* Never touch a page known to be zero: it may not be backed yet. */
	if ((flags & UVM_PGA_ZERO) && !zero)
		memset(vm_ram + VM_PAGE_TO_PHYS(pg), 0, PAGE_SIZE);
	return pg;
}

void
uvm_pagefree(struct vm_page *pg)
{

	KASSERT(pg >= vm_pages && pg < vm_pages + physmem);
	mutex_enter(&uvm_fpageqlock);
	KASSERT(!(pg->flags & PG_FREE));
	/* PG_ZERO stays only if the owner set it: it knows, we do not. */
	pg->flags |= PG_FREE;
	/* Tail: a frame just freed is handed out last. */
	TAILQ_INSERT_TAIL(&uvm_freeq, pg, pageq);
	uvmexp.free++;
	mutex_exit(&uvm_fpageqlock);
}
