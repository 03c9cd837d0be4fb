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
 * The page daemon, as NetBSD-current's uvm_pdaemon.c.  The bench has
 * nothing to page out, so a pass does what NetBSD's does for the kernel:
 *
 * - it sleeps until woken (uvm_kick_pdaemon(): free pages and pages on
 *   their way to the free list, uvmexp.paging, below uvmexp.freemin)
 *   and loops without sleeping while threads wait in uvm_wait() and
 *   nothing is on its way (uvmexp.paging 0); after a pass it wakes the
 *   waiters if there is a free page or nothing is on its way;
 * - uvm_pageout_start() and uvm_pageout_done() count pages on their way
 *   to the free list, and the latter wakes the waiters once there are
 *   free pages again;
 * - when free pages are below uvmexp.freetarg (needsfree) it wakes the
 *   pool drain thread, which drains one pool per wake-up (pool_drain(9),
 *   the next pool with pages, round robin: its drain hook, then its idle
 *   pages), pausing a tick after each full cycle, as
 *   uvmpd_pool_drain_thread.  A drain hook that sleeps holds that one
 *   thread, as it does in NetBSD.
 *
 * When an allocation found no page and that did not help, it prints
 * one out-of-memory line of uvm's own figures.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/atomic.h>
#include <sys/condvar.h>
#include <sys/inttypes.h>
#include <sys/kthread.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/pool.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <stdarg.h>

#include "rump_private.h"

static struct vm_map kernel_map_store;
struct vm_map *kernel_map = &kernel_map_store;

static kmutex_t uvmpd_lock;
static kcondvar_t uvmpd_cv;		/* the daemon sleeps here */
static kcondvar_t uvmpd_free_cv;	/* uvm_wait() sleeps here */
static kcondvar_t uvmpd_pool_drain_cv;	/* the drain thread sleeps here */
static bool uvmpd_wanted;		/* protected by uvmpd_lock */
static u_int uvm_pagedaemon_waiters;	/* protected by uvmpd_lock */
static bool uvmpd_pool_drain_run;	/* protected by uvmpd_lock */
static bool uvmpd_started;		/* the daemon exists */

/* Distinct pools the drain thread visited in its last full cycle. */
static u_int uvmpd_drain_cycle_pools;	/* protected by uvmpd_lock */

/* The daemon's own: out-of-memory episodes (uvm_pagecounts()). */
static u_int uvmpd_fails_seen;		/* failures, at the last pass */
static u_int uvmpd_reached_seen;	/* back to freetarg, at the report */
static bool uvmpd_oom_reported;		/* until free is back to freetarg */

static void	uvmpd_oomcheck(void);
static void	uvmpd_pool_drain_thread(void *);
static void	uvmpd_pool_drain_wakeup(void);

void
uvmpd_init(void)
{
	int error;

	mutex_init(&uvmpd_lock, MUTEX_DEFAULT, IPL_VM);
	cv_init(&uvmpd_cv, "pgdaemon");
	cv_init(&uvmpd_free_cv, "pgwait");
	cv_init(&uvmpd_pool_drain_cv, "pooldrain");
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL,
	    uvmpd_pool_drain_thread, NULL, NULL, "pooldrain");
	if (error != 0)
		panic("fork pooldrain: error %d", error);
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL, uvm_pageout,
	    NULL, NULL, "pgdaemon");
	if (error != 0)
		panic("fork pagedaemon: error %d", error);
	uvmpd_started = true;
}

/* Wake the page daemon if free pages are short. */
void
uvm_kick_pdaemon(void)
{

	if (uvm_availmem(false) + atomic_load_relaxed(&uvmexp.paging) >=
	    uvmexp.freemin)
		return;
	mutex_enter(&uvmpd_lock);
	uvmpd_wanted = true;
	cv_signal(&uvmpd_cv);
	mutex_exit(&uvmpd_lock);
}

/*
 * uvm_wait(9): wake the page daemon and sleep until it, or pages on
 * their way back (uvm_pageout_done()), wake the waiters.  Not for the
 * page daemon itself.
 */
void
uvm_wait(const char *wmsg)
{

	if (!uvmpd_started)
		panic("out of memory before the pagedaemon thread exists");
	mutex_enter(&uvmpd_lock);
	uvm_pagedaemon_waiters++;
	uvmpd_wanted = true;
	cv_signal(&uvmpd_cv);
	cv_wait(&uvmpd_free_cv, &uvmpd_lock);
	mutex_exit(&uvmpd_lock);
}

/* Pages on their way to the free list (uvm_pdaemon.c). */
void
uvm_pageout_start(int npages)
{

	atomic_add_int((volatile unsigned int *)&uvmexp.paging, npages);
}

/* They arrived: wake the daemon, or the threads waiting for them. */
void
uvm_pageout_done(int npages)
{

	KASSERT(atomic_load_relaxed(&uvmexp.paging) >= npages);
	if (npages == 0)
		return;
	atomic_add_int((volatile unsigned int *)&uvmexp.paging, -npages);
	mutex_enter(&uvmpd_lock);
	if (uvm_availmem(false) <= uvmexp.reserve_kernel) {
		uvmpd_wanted = true;
		cv_signal(&uvmpd_cv);
	} else if (uvm_pagedaemon_waiters != 0) {
		cv_broadcast(&uvmpd_free_cv);
		uvm_pagedaemon_waiters = 0;
	}
	mutex_exit(&uvmpd_lock);
}

void
uvm_pageout(void *arg)
{
	bool needsfree;
	int paging;

	for (;;) {
		mutex_enter(&uvmpd_lock);
		if (uvm_pagedaemon_waiters == 0 ||
		    atomic_load_relaxed(&uvmexp.paging) > 0) {
			while (!uvmpd_wanted)
				cv_wait(&uvmpd_cv, &uvmpd_lock);
			uvmexp.pdwoke++;
		}
		uvmpd_wanted = false;
		mutex_exit(&uvmpd_lock);

		paging = atomic_load_relaxed(&uvmexp.paging);
		needsfree = uvm_availmem(false) + paging < uvmexp.freetarg;
		uvmpd_oomcheck();

		/* Free memory to be had, or none on its way: wake waiters. */
		if (uvm_availmem(false) > uvmexp.reserve_kernel ||
		    atomic_load_relaxed(&uvmexp.paging) == 0) {
			mutex_enter(&uvmpd_lock);
			cv_broadcast(&uvmpd_free_cv);
			uvm_pagedaemon_waiters = 0;
			mutex_exit(&uvmpd_lock);
		}
		if (needsfree)
			uvmpd_pool_drain_wakeup();
	}
}

/*
 * The pool drainer, as NetBSD-current's uvmpd_pool_drain_thread: one
 * pool per wake-up; after a full cycle, a tick's pause.
 */
static void
uvmpd_pool_drain_thread(void *arg)
{
	struct pool *firstpool, *curpool;
	u_int visited = 0;
	int lastslept;
	bool cycled;

	firstpool = NULL;
	cycled = true;
	for (;;) {
		mutex_enter(&uvmpd_lock);
		if (!uvmpd_pool_drain_run) {
			lastslept = getticks();
			cv_wait(&uvmpd_pool_drain_cv, &uvmpd_lock);
			if (getticks() != lastslept) {
				cycled = false;
				firstpool = NULL;
			}
		}
		uvmpd_pool_drain_run = false;
		mutex_exit(&uvmpd_lock);

		if (cycled) {
			kpause("uvmpdlmt", false, 1, NULL);
			cycled = false;
			firstpool = NULL;
		}

		(void)pool_drain(&curpool);
		if (curpool == NULL)
			continue;	/* no pool has pages */
		if (firstpool == NULL) {
			firstpool = curpool;
			visited = 1;
		} else if (firstpool == curpool) {
			cycled = true;
			mutex_enter(&uvmpd_lock);
			uvmpd_drain_cycle_pools = visited;
			mutex_exit(&uvmpd_lock);
		} else
			visited++;
	}
}

static void
uvmpd_pool_drain_wakeup(void)
{

	mutex_enter(&uvmpd_lock);
	uvmpd_pool_drain_run = true;
	cv_signal(&uvmpd_pool_drain_cv);
	mutex_exit(&uvmpd_lock);
}

/* Pools the drain thread visited in its last full cycle (selftest). */
u_int
uvmpd_drain_cycle(void)
{
	u_int n;

	mutex_enter(&uvmpd_lock);
	n = uvmpd_drain_cycle_pools;
	mutex_exit(&uvmpd_lock);
	return n;
}

/*
 * One line per episode: an allocation failed since the last pass, and
 * the guest is still down to its reserve after the reclaim callbacks.
 */
static void
uvmpd_oomcheck(void)
{
	u_int fails, reached;
	int free;

	uvm_pagecounts(&fails, &reached);
	free = uvm_availmem(false);
	/* The episode ended when free pages climbed back to freetarg. */
	if (reached != uvmpd_reached_seen)
		uvmpd_oom_reported = false;
	if (fails == uvmpd_fails_seen || uvmpd_oom_reported ||
	    free > uvmexp.reserve_kernel) {
		uvmpd_fails_seen = fails;
		return;
	}
	uvmpd_fails_seen = fails;
	uvmpd_reached_seen = reached;
	uvmpd_oom_reported = true;

	printf("pagedaemon: out of memory:"
	    " Total:%" PRIu64 "kB Free:%" PRIu64 "kB Min:%" PRIu64 "kB"
	    " Target:%" PRIu64 "kB\n",
	    (uint64_t)uvmexp.npages * (PAGE_SIZE / 1024),
	    (uint64_t)free * (PAGE_SIZE / 1024),
	    (uint64_t)uvmexp.freemin * (PAGE_SIZE / 1024),
	    (uint64_t)uvmexp.freetarg * (PAGE_SIZE / 1024));
}
