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
 * kmem(9), as NetBSD-current's subr_kmem.c: a small allocation is an
 * item of the smallest size-class pool that fits it ("kmem-00016"
 * and up, pages of the guest's RAM); a larger one is charged to uvm
 * page by page (uvm_km_pagealloc(), pages held for the allocation, as
 * uvm_km_kmem_alloc() backs it) while its bytes live in the host's
 * heap, which need not find them contiguous in guest RAM.  KM_SLEEP
 * sleeps for memory (uvm_wait) and never fails; KM_NOSLEEP fails when
 * uvm has no page, its reserve included.  Before uvm is up, pages come
 * from the host's heap (uvm_km_pagealloc()).
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/kmem.h>
#include <sys/pool.h>
#include <sys/queue.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <rumpuser.h>

#include "rump_private.h"

#define KMEM_MAXSIZE	2048		/* the largest size class */
#define KMEM_BIG_HDR	64		/* before a large allocation's bytes */

static const size_t kmem_sizes[] = {
	16, 32, 64, 128, 256, 512, 1024, KMEM_MAXSIZE,
};
static struct pool kmem_pools[__arraycount(kmem_sizes)];
static char kmem_names[__arraycount(kmem_sizes)][16];

/* A large allocation: its size and the pages charged for it. */
struct kmem_big {
	size_t		kb_size;
	u_int		kb_npages;
	struct pglist	kb_pages;
};
CTASSERT(sizeof(struct kmem_big) <= KMEM_BIG_HDR);

void
kmem_init(void)
{
	size_t i;

	for (i = 0; i < __arraycount(kmem_sizes); i++) {
		snprintf(kmem_names[i], sizeof(kmem_names[i]), "kmem-%05zu",
		    kmem_sizes[i]);
		pool_init(&kmem_pools[i], kmem_sizes[i], 16, 0, 0,
		    kmem_names[i], NULL, IPL_VM);
	}
}

static struct pool *
kmem_pool(size_t size)
{
	size_t i;

	for (i = 0; i < __arraycount(kmem_sizes); i++)
		if (size <= kmem_sizes[i])
			return &kmem_pools[i];
	return NULL;
}

static void
kmem_big_uncharge(struct kmem_big *kb)
{
	struct vm_page *pg;

	while ((pg = TAILQ_FIRST(&kb->kb_pages)) != NULL) {
		TAILQ_REMOVE(&kb->kb_pages, pg, pageq.queue);
		uvm_km_pagefree(pg, rump_page_data(pg));
	}
}

static void *
kmem_big_alloc(size_t size, km_flag_t flags)
{
	struct kmem_big *kb;
	struct vm_page *pg;
	u_int i;
	void *p, *va;

	if (rumpuser_malloc(KMEM_BIG_HDR + size, KMEM_BIG_HDR, &p) != 0) {
		if (flags & KM_NOSLEEP)
			return NULL;
		panic("kmem_alloc: host out of memory for %zu bytes", size);
	}
	kb = p;
	kb->kb_size = size;
	kb->kb_npages = (u_int)atop(round_page(size));
	TAILQ_INIT(&kb->kb_pages);
	for (i = 0; i < kb->kb_npages; i++) {
		pg = uvm_km_pagealloc((flags & KM_SLEEP) != 0, &va);
		if (pg == NULL && va != NULL) {
			/* Boot: nothing to charge, the bytes are apart. */
			uvm_km_pagefree(NULL, va);
			break;
		}
		if (pg == NULL) {
			kmem_big_uncharge(kb);
			rumpuser_free(p, KMEM_BIG_HDR + size);
			return NULL;
		}
		TAILQ_INSERT_TAIL(&kb->kb_pages, pg, pageq.queue);
	}
	return (char *)p + KMEM_BIG_HDR;
}

void *
kmem_alloc(size_t size, km_flag_t flags)
{
	struct pool *pp;

	KASSERT(size > 0);
	KASSERT((flags & (KM_SLEEP | KM_NOSLEEP)) == KM_SLEEP ||
	    (flags & (KM_SLEEP | KM_NOSLEEP)) == KM_NOSLEEP);
	if ((pp = kmem_pool(size)) != NULL)
		return pool_get(pp, (flags & KM_SLEEP) ? PR_WAITOK :
		    PR_NOWAIT);
	return kmem_big_alloc(size, flags);
}

void *
kmem_zalloc(size_t size, km_flag_t flags)
{
	void *p;

	p = kmem_alloc(size, flags);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
kmem_free(void *p, size_t size)
{
	struct kmem_big *kb;
	struct pool *pp;

	KASSERT(p != NULL && size > 0);
	if ((pp = kmem_pool(size)) != NULL) {
		pool_put(pp, p);
		return;
	}
	kb = (struct kmem_big *)((char *)p - KMEM_BIG_HDR);
	KASSERTMSG(kb->kb_size == size,
	    "kmem_free: %p: allocated %zu bytes, freed %zu", p, kb->kb_size,
	    size);
	kmem_big_uncharge(kb);
	rumpuser_free(kb, KMEM_BIG_HDR + size);
}

char *
kmem_strdup(const char *s, km_flag_t flags)
{
	size_t len = strlen(s) + 1;
	char *p;

	p = kmem_alloc(len, flags);
	if (p != NULL)
		memcpy(p, s, len);
	return p;
}

void
kmem_strfree(char *s)
{

	kmem_free(s, strlen(s) + 1);
}
