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
 * Pages for the kernel's own allocators, as NetBSD-current's uvm_km.c
 * (uvm_km_kmem_alloc() with PMAP_MAP_POOLPAGE, as on amd64): a page of
 * the guest's RAM from uvm_pagealloc(), reached through the bench's
 * direct map.  Waiting, it sleeps in uvm_wait("plpg") until it gets
 * one; not waiting, it may take uvm's reserve and fails only when that
 * is gone too.
 *
 * Before uvm is up (boot), pages come from the host's heap, as NetBSD
 * steals them from physical memory before the free lists exist; they
 * are never given back.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <rumpuser.h>

#include "rump_private.h"

static bool uvm_km_ready;	/* set once, at boot */
static char *uvm_km_base;	/* the direct map: page data - its address */

void
uvm_km_init(void)
{

	uvm_km_ready = true;
}

/* One page of RAM from uvm, its data in *vap; NULL if none. */
struct vm_page *
uvm_km_pagealloc(bool waitok, void **vap)
{
	struct vm_page *pg;
	void *p;

	if (!uvm_km_ready) {
		if (rumpuser_malloc(PAGE_SIZE, PAGE_SIZE, &p) != 0)
			panic("uvm_km: no memory for a boot page");
		*vap = p;
		return NULL;
	}
	for (;;) {
		pg = uvm_pagealloc(NULL, 0, NULL,
		    waitok ? 0 : UVM_PGA_USERESERVE);
		if (pg != NULL)
			break;
		if (!waitok) {
			*vap = NULL;
			return NULL;
		}
		uvm_wait("plpg");
	}
	*vap = rump_page_data(pg);
	if (uvm_km_base == NULL)
		uvm_km_base = (char *)*vap - VM_PAGE_TO_PHYS(pg);
	KASSERT((char *)*vap - VM_PAGE_TO_PHYS(pg) == uvm_km_base);
	return pg;
}

/* Give back a page from uvm_km_pagealloc(): pg NULL for a boot page. */
void
uvm_km_pagefree(struct vm_page *pg, void *va)
{

	if (pg == NULL) {
		rumpuser_free(va, PAGE_SIZE);
		return;
	}
	KASSERT(rump_page_data(pg) == va);
	uvm_pagefree(pg);
}
