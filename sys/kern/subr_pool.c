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
 * pool(9) for the platform kernels: items from kmem(9), and what
 * NetBSD-current's pools give the rest of the kernel under memory
 * pressure.  pool_drain() reclaims one pool per call, the next one that
 * has pages, round robin; pool_reclaim() first runs the pool's drain
 * hook (unlocked, PR_NOWAIT), which is how a subsystem learns that the
 * page daemon wants memory back.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/pool.h>
#include <sys/queue.h>
#include <sys/systm.h>

static TAILQ_HEAD(, pool) pool_head;	/* pool_head_lock */
static struct pool *drainpp;		/* next to drain; pool_head_lock */
static kmutex_t pool_head_lock;
static kcondvar_t pool_busy;		/* a drain ended; pool_head_lock */

void
pool_subsystem_init(void)
{

	TAILQ_INIT(&pool_head);
	mutex_init(&pool_head_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&pool_busy, "poolbusy");
}

void
pool_init(struct pool *pp, size_t size, u_int align, u_int ioff, int flags,
    const char *wchan, struct pool_allocator *palloc, int ipl)
{

	KASSERT(size > 0 && palloc == NULL);
	memset(pp, 0, sizeof(*pp));
	pp->pr_wchan = wchan;
	pp->pr_size = size;
	mutex_init(&pp->pr_lock, MUTEX_DEFAULT, ipl);
	mutex_enter(&pool_head_lock);
	TAILQ_INSERT_TAIL(&pool_head, pp, pr_poollist);
	mutex_exit(&pool_head_lock);
}

void
pool_destroy(struct pool *pp)
{

	mutex_enter(&pool_head_lock);
	while (pp->pr_refcnt != 0)
		cv_wait(&pool_busy, &pool_head_lock);
	if (drainpp == pp)
		drainpp = TAILQ_NEXT(pp, pr_poollist);
	TAILQ_REMOVE(&pool_head, pp, pr_poollist);
	mutex_exit(&pool_head_lock);
	KASSERTMSG(pp->pr_nout == 0, "pool_destroy: %s: %u items out",
	    pp->pr_wchan, pp->pr_nout);
	mutex_destroy(&pp->pr_lock);
}

void *
pool_get(struct pool *pp, int flags)
{
	void *v;

	v = kmem_alloc(pp->pr_size, (flags & PR_WAITOK) ? KM_SLEEP :
	    KM_NOSLEEP);
	if (v == NULL)
		return NULL;
	mutex_enter(&pp->pr_lock);
	pp->pr_nout++;
	pp->pr_npages = howmany(pp->pr_nout * pp->pr_size, PAGE_SIZE);
	mutex_exit(&pp->pr_lock);
	return v;
}

void
pool_put(struct pool *pp, void *v)
{

	mutex_enter(&pp->pr_lock);
	KASSERT(pp->pr_nout > 0);
	pp->pr_nout--;
	pp->pr_npages = howmany(pp->pr_nout * pp->pr_size, PAGE_SIZE);
	mutex_exit(&pp->pr_lock);
	kmem_free(v, pp->pr_size);
}

void
pool_set_drain_hook(struct pool *pp, void (*fn)(void *, int), void *arg)
{

	KASSERT(pp->pr_drain_hook == NULL);
	pp->pr_drain_hook = fn;
	pp->pr_drain_hook_arg = arg;
}

/*
 * The hook, if any; items live on the kmem heap, so there are no idle
 * pages of our own to give back.
 */
int
pool_reclaim(struct pool *pp)
{

	if (pp->pr_drain_hook != NULL)
		(*pp->pr_drain_hook)(pp->pr_drain_hook_arg, PR_NOWAIT);
	return 0;
}

/*
 * Reclaim the next pool that has pages, round robin; the pool is
 * returned in *ppp.  False, and NULL in *ppp, when none has any.
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
			/* None, or round once: none has pages. */
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
