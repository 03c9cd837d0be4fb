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

#ifndef _SYS_POOL_H_
#define _SYS_POOL_H_
/*
 * pool(9) and pool_cache(9), with NetBSD-current's names and prototypes:
 * pools of fixed-size items carved from pages of the guest's RAM (uvm),
 * see sys/rump/librump/subr_pool.c.
 */

#include <sys/types.h>
#include <sys/condvar.h>
#include <sys/mutex.h>
#include <sys/queue.h>

struct pool_allocator;
struct pool_item_header;

LIST_HEAD(pool_pagelist, pool_item_header);

#define POOL_PHHASH	64	/* buckets of off-page page headers */

struct pool {
	TAILQ_ENTRY(pool) pr_poollist;	/* pool_head_lock */
	struct pool_pagelist pr_emptypages;	/* pr_lock, all three */
	struct pool_pagelist pr_fullpages;
	struct pool_pagelist pr_partpages;
	struct pool_item_header *pr_curpage;	/* pr_lock */
	struct pool_pagelist pr_phhash[POOL_PHHASH];	/* off-page headers */
	const char	*pr_wchan;
	unsigned int	pr_size;	/* item size, aligned */
	unsigned int	pr_align;
	unsigned int	pr_itemoffset;	/* first item's offset in a page */
	unsigned int	pr_itemsperpage;
	int		pr_roflags;	/* PR_PHINPAGE */
	int		pr_ipl;
	kmutex_t	pr_lock;
	kcondvar_t	pr_cv;
	unsigned int	pr_nitems;	/* free items; pr_lock */
	unsigned int	pr_nout;	/* items out; pr_lock */
	unsigned int	pr_npages;	/* pages held; pr_lock */
	unsigned int	pr_minitems;	/* pool_setlowat(); pr_lock */
	unsigned int	pr_minpages;	/* pool_prime(); pr_lock */
	unsigned int	pr_maxpages;	/* pr_lock */
	unsigned long	pr_nget, pr_nfail, pr_nput;	/* pr_lock */
	unsigned long	pr_npagealloc, pr_npagefree;	/* pr_lock */
	void		(*pr_drain_hook)(void *, int);
	void		*pr_drain_hook_arg;
	struct pool_cache *pr_cache;	/* the cache over it, if any */
	unsigned int	pr_refcnt;	/* pool_drain() using it */
};

#define PR_NOWAIT	0x00
#define PR_WAITOK	0x01
#define PR_PHINPAGE	0x40	/* page header in the page */
#define PR_ZERO		0x100	/* pool_get(): zero the item */

/* pool_cache(9): constructed objects over a pool. */
#define PCG_NOBJECTS	15	/* as NetBSD's PCG_NOBJECTS_NORMAL */

struct pool_cache {
	struct pool	pc_pool;	/* first: a pool_cache is a pool */
	kmutex_t	pc_lock;
	int		(*pc_ctor)(void *, void *, int);
	void		(*pc_dtor)(void *, void *);
	void		*pc_arg;
	void		*pc_objects[PCG_NOBJECTS];	/* pc_lock */
	unsigned int	pc_nobjects;			/* pc_lock */
};
typedef struct pool_cache *pool_cache_t;

#define POOL_PADDR_INVALID	((paddr_t)-1)

#ifdef _KERNEL
void	pool_subsystem_init(void);
void	pool_init(struct pool *, size_t, u_int, u_int, int, const char *,
	    struct pool_allocator *, int);
void	pool_destroy(struct pool *);
void	*pool_get(struct pool *, int);
void	pool_put(struct pool *, void *);
void	pool_set_drain_hook(struct pool *, void (*)(void *, int), void *);
void	pool_setlowat(struct pool *, int);
void	pool_prime(struct pool *, int);
int	pool_reclaim(struct pool *);
bool	pool_drain(struct pool **);
int	pool_totalpages(void);

pool_cache_t pool_cache_init(size_t, u_int, u_int, u_int, const char *,
	    struct pool_allocator *, int, int (*)(void *, void *, int),
	    void (*)(void *, void *), void *);
void	pool_cache_destroy(pool_cache_t);
void	*pool_cache_get_paddr(pool_cache_t, int, paddr_t *);
void	pool_cache_put_paddr(pool_cache_t, void *, paddr_t);
void	pool_cache_set_drain_hook(pool_cache_t, void (*)(void *, int),
	    void *);
void	pool_cache_invalidate(pool_cache_t);

#define pool_cache_get(pc, f)	pool_cache_get_paddr((pc), (f), NULL)
#define pool_cache_put(pc, o)	pool_cache_put_paddr((pc), (o), \
				    POOL_PADDR_INVALID)
#endif

#endif /* _SYS_POOL_H_ */
