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
 * pool(9) and pool_cache(9), as NetBSD-current's subr_pool.c:
 *
 * - items are carved from pages of the guest's RAM, taken from uvm
 *   (uvm_km_pagealloc(), as pool_page_alloc() through
 *   uvm_km_kmem_alloc()); a page's header sits at its start
 *   (PR_PHINPAGE) when an item leaves room for it, else comes from
 *   phpool and is found by its page's address, as NetBSD's;
 * - pool_get(PR_WAITOK) with no free page sleeps in uvm_wait("plpg")
 *   until uvm has one; PR_NOWAIT fails (after uvm's reserve);
 * - pages stay with the pool when their items come back; only
 *   pool_reclaim() frees them, once idle pool_inactive_time seconds,
 *   and never below pool_setlowat()/pool_prime()'s minimum;
 * - pool_drain() reclaims one pool per call, the next that has pages,
 *   round robin, after running its drain hook (unlocked, PR_NOWAIT);
 * - pool_destroy() with items out panics ("pool busy").
 *
 * pool_cache(9) keeps up to PCG_NOBJECTS constructed objects in one
 * group for the whole cache (NetBSD keeps groups per CPU and global
 * ones), destroyed when the pool is drained.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/pool.h>
#include <sys/queue.h>
#include <sys/systm.h>

#include <uvm/uvm_extern.h>

struct pool_item {
	LIST_ENTRY(pool_item)	pi_list;
};

struct pool_item_header {
	LIST_ENTRY(pool_item_header) ph_pagelist;	/* pool page list */
	LIST_ENTRY(pool_item_header) ph_hashlist;	/* off-page: pr_phhash */
	void			*ph_page;	/* the page's data */
	LIST_HEAD(, pool_item)	ph_itemlist;	/* free items of the page */
	struct pool		*ph_pool;	/* whose page it is */
	struct vm_page		*ph_pg;		/* NULL: a boot page */
	uint32_t		ph_time;	/* last referenced */
	uint16_t		ph_nmissing;	/* items in use */
};

#define PHSIZE		sizeof(struct pool_item_header)
#define PR_PHHASH(pp, page) \
	(&(pp)->pr_phhash[((uintptr_t)(page) >> PAGE_SHIFT) % POOL_PHHASH])
#define POOL_OBJ_TO_PAGE(v) \
	((struct pool_item_header *)((uintptr_t)(v) & ~(uintptr_t)PAGE_MASK))
#define POOL_NEEDS_CATCHUP(pp)						\
	((pp)->pr_nitems < (pp)->pr_minitems ||				\
	 (pp)->pr_npages < (pp)->pr_minpages)

/* # of seconds to retain page after last use */
int pool_inactive_time = 10;

static TAILQ_HEAD(, pool) pool_head = TAILQ_HEAD_INITIALIZER(pool_head);
static struct pool *drainpp;		/* next to drain; pool_head_lock */
static kmutex_t pool_head_lock;
static kcondvar_t pool_busy;		/* a drain ended; pool_head_lock */
static struct pool phpool;		/* off-page page headers */

static int	pool_grow(struct pool *, int);
static int	pool_catchup(struct pool *);
static void	pool_update_curpage(struct pool *);
static void	pr_rmpage(struct pool *, struct pool_item_header *,
		    struct pool_pagelist *);
static void	pr_pagelist_free(struct pool *, struct pool_pagelist *);
static struct pool_item_header *pr_find_pagehead(struct pool *, void *);

static uint32_t
pool_uptime(void)
{

	return (uint32_t)(getticks() / hz);
}

void
pool_subsystem_init(void)
{

	mutex_init(&pool_head_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&pool_busy, "poolbusy");
	pool_init(&phpool, PHSIZE, 0, 0, 0, "phpool", NULL, IPL_VM);
}

void
pool_init(struct pool *pp, size_t size, u_int align, u_int ioff, int flags,
    const char *wchan, struct pool_allocator *palloc, int ipl)
{
	u_int i;

	KASSERT(palloc == NULL);
	if (align == 0)
		align = sizeof(void *);
	if (size < sizeof(struct pool_item))
		size = sizeof(struct pool_item);
	size = roundup(size, align);
	memset(pp, 0, sizeof(*pp));
	pp->pr_wchan = wchan;
	pp->pr_size = (unsigned int)size;
	pp->pr_align = align;
	if (size > PAGE_SIZE)
		panic("pool_init: %s: items of %zu bytes, more than a page",
		    wchan, size);
	/* The header in the page when it costs no more than 1/8 of it. */
	pp->pr_itemoffset = roundup(PHSIZE, align);
	if (pp->pr_itemoffset + size <= PAGE_SIZE &&
	    (PAGE_SIZE - pp->pr_itemoffset) / size * 8 >= PAGE_SIZE / size * 7)
		pp->pr_roflags = PR_PHINPAGE;
	else
		pp->pr_itemoffset = 0;
	pp->pr_itemsperpage = (PAGE_SIZE - pp->pr_itemoffset) / size;
	pp->pr_maxpages = ~0U;
	pp->pr_ipl = ipl;
	LIST_INIT(&pp->pr_emptypages);
	LIST_INIT(&pp->pr_fullpages);
	LIST_INIT(&pp->pr_partpages);
	for (i = 0; i < POOL_PHHASH; i++)
		LIST_INIT(&pp->pr_phhash[i]);
	mutex_init(&pp->pr_lock, MUTEX_DEFAULT, ipl);
	cv_init(&pp->pr_cv, wchan);

	mutex_enter(&pool_head_lock);
	TAILQ_INSERT_TAIL(&pool_head, pp, pr_poollist);
	mutex_exit(&pool_head_lock);
}

void
pool_destroy(struct pool *pp)
{
	struct pool_pagelist pq;
	struct pool_item_header *ph;

	mutex_enter(&pool_head_lock);
	while (pp->pr_refcnt != 0)
		cv_wait(&pool_busy, &pool_head_lock);
	TAILQ_REMOVE(&pool_head, pp, pr_poollist);
	if (drainpp == pp)
		drainpp = NULL;
	mutex_exit(&pool_head_lock);

	mutex_enter(&pp->pr_lock);
	KASSERT(pp->pr_cache == NULL);
	KASSERTMSG((pp->pr_nout == 0),
	    "%s: [%s] pool busy: still out: %u", __func__, pp->pr_wchan,
	    pp->pr_nout);
	KASSERT(LIST_EMPTY(&pp->pr_fullpages));
	KASSERT(LIST_EMPTY(&pp->pr_partpages));
	LIST_INIT(&pq);
	while ((ph = LIST_FIRST(&pp->pr_emptypages)) != NULL)
		pr_rmpage(pp, ph, &pq);
	mutex_exit(&pp->pr_lock);

	pr_pagelist_free(pp, &pq);
	cv_destroy(&pp->pr_cv);
	mutex_destroy(&pp->pr_lock);
}

void
pool_set_drain_hook(struct pool *pp, void (*fn)(void *, int), void *arg)
{

	KASSERTMSG((pp->pr_drain_hook == NULL),
	    "%s: [%s] already set", __func__, pp->pr_wchan);
	pp->pr_drain_hook = fn;
	pp->pr_drain_hook_arg = arg;
}

void *
pool_get(struct pool *pp, int flags)
{
	struct pool_item_header *ph;
	struct pool_item *pi;

	mutex_enter(&pp->pr_lock);
	while ((ph = pp->pr_curpage) == NULL) {
		if (pool_grow(pp, flags) != 0) {
			pp->pr_nfail++;
			mutex_exit(&pp->pr_lock);
			KASSERT((flags & PR_WAITOK) == 0);
			return NULL;
		}
	}
	pi = LIST_FIRST(&ph->ph_itemlist);
	KASSERTMSG(pi != NULL, "%s: [%s] page empty", __func__,
	    pp->pr_wchan);
	LIST_REMOVE(pi, pi_list);
	pp->pr_nitems--;
	pp->pr_nout++;
	pp->pr_nget++;
	if (ph->ph_nmissing++ == 0) {
		/* It was empty: now partly used. */
		LIST_REMOVE(ph, ph_pagelist);
		LIST_INSERT_HEAD(&pp->pr_partpages, ph, ph_pagelist);
	}
	if (ph->ph_nmissing == pp->pr_itemsperpage) {
		LIST_REMOVE(ph, ph_pagelist);
		LIST_INSERT_HEAD(&pp->pr_fullpages, ph, ph_pagelist);
		pool_update_curpage(pp);
	}
	/* Keep the low water mark; never waits (NetBSD's pool_catchup). */
	if (POOL_NEEDS_CATCHUP(pp))
		(void)pool_catchup(pp);
	mutex_exit(&pp->pr_lock);

	if (flags & PR_ZERO)
		memset(pi, 0, pp->pr_size);
	return pi;
}

void
pool_put(struct pool *pp, void *v)
{
	struct pool_item_header *ph;
	struct pool_pagelist pq;
	struct pool_item *pi = v;

	LIST_INIT(&pq);
	mutex_enter(&pp->pr_lock);
	ph = pr_find_pagehead(pp, v);
	KASSERTMSG(ph != NULL && ph->ph_pool == pp, "%s: [%s] %p is not from this pool",
	    __func__, pp->pr_wchan, v);
	KASSERT(pp->pr_nout > 0 && ph->ph_nmissing > 0);
	LIST_INSERT_HEAD(&ph->ph_itemlist, pi, pi_list);
	pp->pr_nitems++;
	pp->pr_nout--;
	pp->pr_nput++;
	if (--ph->ph_nmissing == 0) {
		/* Idle: kept, for pool_reclaim() to free in time. */
		if (pp->pr_nitems - pp->pr_itemsperpage >= pp->pr_minitems &&
		    pp->pr_npages > pp->pr_minpages &&
		    pp->pr_npages > pp->pr_maxpages)
			pr_rmpage(pp, ph, &pq);
		else {
			LIST_REMOVE(ph, ph_pagelist);
			LIST_INSERT_HEAD(&pp->pr_emptypages, ph, ph_pagelist);
			ph->ph_time = pool_uptime();
		}
		pool_update_curpage(pp);
	} else if (ph->ph_nmissing == pp->pr_itemsperpage - 1) {
		LIST_REMOVE(ph, ph_pagelist);
		LIST_INSERT_HEAD(&pp->pr_partpages, ph, ph_pagelist);
		pp->pr_curpage = ph;
	}
	mutex_exit(&pp->pr_lock);
	pr_pagelist_free(pp, &pq);
}

/* The header of the page that holds item v, or NULL. */
static struct pool_item_header *
pr_find_pagehead(struct pool *pp, void *v)
{
	struct pool_item_header *ph;
	void *page = POOL_OBJ_TO_PAGE(v);

	KASSERT(mutex_owned(&pp->pr_lock));
	if (pp->pr_roflags & PR_PHINPAGE)
		return page;
	LIST_FOREACH(ph, PR_PHHASH(pp, page), ph_hashlist)
		if (ph->ph_page == page)
			return ph;
	return NULL;
}

/*
 * Grow the pool by a page.  Called and returns with the pool locked;
 * unlocks it while waiting for a page.
 */
static int
pool_grow(struct pool *pp, int flags)
{
	struct pool_item_header *ph;
	struct vm_page *pg;
	char *cp;
	void *va;
	u_int i;

	KASSERT(mutex_owned(&pp->pr_lock));
	mutex_exit(&pp->pr_lock);
	pg = uvm_km_pagealloc((flags & PR_WAITOK) != 0, &va);
	if (va == NULL) {
		mutex_enter(&pp->pr_lock);
		return ENOMEM;
	}
	if (pp->pr_roflags & PR_PHINPAGE)
		ph = va;
	else if ((ph = pool_get(&phpool, flags)) == NULL) {
		uvm_km_pagefree(pg, va);
		mutex_enter(&pp->pr_lock);
		return ENOMEM;
	}
	mutex_enter(&pp->pr_lock);

	memset(ph, 0, PHSIZE);
	ph->ph_page = va;
	if (!(pp->pr_roflags & PR_PHINPAGE))
		LIST_INSERT_HEAD(PR_PHHASH(pp, va), ph, ph_hashlist);
	ph->ph_pool = pp;
	ph->ph_pg = pg;
	ph->ph_time = pool_uptime();
	LIST_INIT(&ph->ph_itemlist);
	cp = (char *)va + pp->pr_itemoffset;
	KASSERT(((uintptr_t)va & PAGE_MASK) == 0);
	for (i = 0; i < pp->pr_itemsperpage; i++, cp += pp->pr_size)
		LIST_INSERT_HEAD(&ph->ph_itemlist, (struct pool_item *)cp,
		    pi_list);
	LIST_INSERT_HEAD(&pp->pr_emptypages, ph, ph_pagelist);
	pp->pr_nitems += pp->pr_itemsperpage;
	pp->pr_npages++;
	pp->pr_npagealloc++;
	if (pp->pr_curpage == NULL)
		pp->pr_curpage = ph;
	return 0;
}

static int
pool_catchup(struct pool *pp)
{
	int error = 0;

	while (POOL_NEEDS_CATCHUP(pp))
		if ((error = pool_grow(pp, PR_NOWAIT)) != 0)
			break;
	return error;
}

static void
pool_update_curpage(struct pool *pp)
{

	pp->pr_curpage = LIST_FIRST(&pp->pr_partpages);
	if (pp->pr_curpage == NULL)
		pp->pr_curpage = LIST_FIRST(&pp->pr_emptypages);
}

/* An idle page off the pool, onto pq to be freed unlocked. */
static void
pr_rmpage(struct pool *pp, struct pool_item_header *ph,
    struct pool_pagelist *pq)
{

	KASSERT(mutex_owned(&pp->pr_lock));
	KASSERT(ph->ph_nmissing == 0);
	LIST_REMOVE(ph, ph_pagelist);
	if (!(pp->pr_roflags & PR_PHINPAGE))
		LIST_REMOVE(ph, ph_hashlist);
	pp->pr_nitems -= pp->pr_itemsperpage;
	pp->pr_npages--;
	pp->pr_npagefree++;
	LIST_INSERT_HEAD(pq, ph, ph_pagelist);
	if (pp->pr_curpage == ph)
		pool_update_curpage(pp);
}

static void
pr_pagelist_free(struct pool *pp, struct pool_pagelist *pq)
{
	struct pool_item_header *ph;

	while ((ph = LIST_FIRST(pq)) != NULL) {
		LIST_REMOVE(ph, ph_pagelist);
		uvm_km_pagefree(ph->ph_pg, ph->ph_page);
		if (!(pp->pr_roflags & PR_PHINPAGE))
			pool_put(&phpool, ph);
	}
}

void
pool_setlowat(struct pool *pp, int n)
{

	mutex_enter(&pp->pr_lock);
	pp->pr_minitems = n;
	if (POOL_NEEDS_CATCHUP(pp))
		(void)pool_catchup(pp);
	mutex_exit(&pp->pr_lock);
}

void
pool_prime(struct pool *pp, int n)
{

	mutex_enter(&pp->pr_lock);
	pp->pr_minpages = roundup(n, pp->pr_itemsperpage) /
	    pp->pr_itemsperpage;
	if (pp->pr_maxpages <= pp->pr_minpages)
		pp->pr_maxpages = pp->pr_minpages + 1;
	while (pp->pr_npages < pp->pr_minpages)
		(void)pool_grow(pp, PR_WAITOK);
	mutex_exit(&pp->pr_lock);
}

/*
 * Release the pages idle for pool_inactive_time, above the pool's
 * minimum; the drain hook first, unlocked.  1 if a page was freed.
 */
int
pool_reclaim(struct pool *pp)
{
	struct pool_item_header *ph, *phnext;
	struct pool_pagelist pq;
	uint32_t curtime;

	if (pp->pr_drain_hook != NULL)
		(*pp->pr_drain_hook)(pp->pr_drain_hook_arg, PR_NOWAIT);
	if (pp->pr_cache != NULL)
		pool_cache_invalidate(pp->pr_cache);
	if (mutex_tryenter(&pp->pr_lock) == 0)
		return 0;

	LIST_INIT(&pq);
	curtime = pool_uptime();
	for (ph = LIST_FIRST(&pp->pr_emptypages); ph != NULL; ph = phnext) {
		phnext = LIST_NEXT(ph, ph_pagelist);
		if (pp->pr_npages <= pp->pr_minpages)
			break;
		KASSERT(ph->ph_nmissing == 0);
		if (curtime - ph->ph_time < (uint32_t)pool_inactive_time)
			continue;
		if (pp->pr_nitems - pp->pr_itemsperpage < pp->pr_minitems ||
		    pp->pr_npages - 1 < pp->pr_minpages)
			break;
		pr_rmpage(pp, ph, &pq);
	}
	mutex_exit(&pp->pr_lock);

	if (LIST_EMPTY(&pq))
		return 0;
	pr_pagelist_free(pp, &pq);
	return 1;
}

/*
 * Reclaim the next pool that has pages, round robin; the pool is
 * returned in *ppp.  NetBSD relies on some pool having pages; the bench
 * returns false and NULL when a round found none.
 */
bool
pool_drain(struct pool **ppp)
{
	struct pool *pp, *first = NULL;
	bool reclaimed;

	mutex_enter(&pool_head_lock);
	for (;;) {
		if (drainpp == NULL)
			drainpp = TAILQ_FIRST(&pool_head);
		if ((pp = drainpp) == NULL || pp == first) {
			mutex_exit(&pool_head_lock);
			if (ppp != NULL)
				*ppp = NULL;
			return false;
		}
		if (first == NULL)
			first = pp;
		drainpp = TAILQ_NEXT(pp, pr_poollist);
		if (pp->pr_npages != 0)
			break;
	}
	pp->pr_refcnt++;
	mutex_exit(&pool_head_lock);

	reclaimed = pool_reclaim(pp) != 0;

	mutex_enter(&pool_head_lock);
	pp->pr_refcnt--;
	cv_broadcast(&pool_busy);
	mutex_exit(&pool_head_lock);
	if (ppp != NULL)
		*ppp = pp;
	return reclaimed;
}

/* Pages held by all pools. */
int
pool_totalpages(void)
{
	struct pool *pp;
	int pages = 0;

	mutex_enter(&pool_head_lock);
	TAILQ_FOREACH(pp, &pool_head, pr_poollist)
		pages += (int)pp->pr_npages;
	mutex_exit(&pool_head_lock);
	return pages;
}

/* pool_cache(9) */

pool_cache_t
pool_cache_init(size_t size, u_int align, u_int align_offset, u_int flags,
    const char *wchan, struct pool_allocator *palloc, int ipl,
    int (*ctor)(void *, void *, int), void (*dtor)(void *, void *),
    void *arg)
{
	pool_cache_t pc;

	pc = kmem_zalloc(sizeof(*pc), KM_SLEEP);
	pool_init(&pc->pc_pool, size, align, align_offset, flags, wchan,
	    palloc, ipl);
	mutex_init(&pc->pc_lock, MUTEX_DEFAULT, ipl);
	pc->pc_ctor = ctor;
	pc->pc_dtor = dtor;
	pc->pc_arg = arg;
	pc->pc_pool.pr_cache = pc;
	return pc;
}

void
pool_cache_destroy(pool_cache_t pc)
{

	pool_cache_invalidate(pc);
	pc->pc_pool.pr_cache = NULL;
	pool_destroy(&pc->pc_pool);
	mutex_destroy(&pc->pc_lock);
	kmem_free(pc, sizeof(*pc));
}

void *
pool_cache_get_paddr(pool_cache_t pc, int flags, paddr_t *pap)
{
	void *obj = NULL;

	if (pap != NULL)
		*pap = POOL_PADDR_INVALID;
	mutex_enter(&pc->pc_lock);
	if (pc->pc_nobjects > 0)
		obj = pc->pc_objects[--pc->pc_nobjects];
	mutex_exit(&pc->pc_lock);
	if (obj != NULL)
		return obj;

	if ((obj = pool_get(&pc->pc_pool, flags)) == NULL)
		return NULL;
	if (pc->pc_ctor != NULL &&
	    (*pc->pc_ctor)(pc->pc_arg, obj, flags) != 0) {
		pool_put(&pc->pc_pool, obj);
		return NULL;
	}
	return obj;
}

/* Kept constructed while the group has room, as NetBSD's cache does. */
void
pool_cache_put_paddr(pool_cache_t pc, void *obj, paddr_t pa)
{

	mutex_enter(&pc->pc_lock);
	if (pc->pc_nobjects < PCG_NOBJECTS) {
		pc->pc_objects[pc->pc_nobjects++] = obj;
		mutex_exit(&pc->pc_lock);
		return;
	}
	mutex_exit(&pc->pc_lock);
	if (pc->pc_dtor != NULL)
		(*pc->pc_dtor)(pc->pc_arg, obj);
	pool_put(&pc->pc_pool, obj);
}

void
pool_cache_set_drain_hook(pool_cache_t pc, void (*fn)(void *, int),
    void *arg)
{

	pool_set_drain_hook(&pc->pc_pool, fn, arg);
}

/* Destroy the constructed objects kept, freeing their items. */
void
pool_cache_invalidate(pool_cache_t pc)
{
	void *obj;

	for (;;) {
		mutex_enter(&pc->pc_lock);
		if (pc->pc_nobjects == 0) {
			mutex_exit(&pc->pc_lock);
			return;
		}
		obj = pc->pc_objects[--pc->pc_nobjects];
		mutex_exit(&pc->pc_lock);
		if (pc->pc_dtor != NULL)
			(*pc->pc_dtor)(pc->pc_arg, obj);
		pool_put(&pc->pc_pool, obj);
	}
}
