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
 * A workload for the bench guest, not part of any driver: a kernel
 * thread that holds as much memory as debug.memhog asks (KiB), taking
 * pages from uvm and writing every one, so that the host really backs
 * them, or giving them back.  It asks uvm for zeroed pages and checks
 * that promise: debug.memhog_dirty counts pages that came with data,
 * such as another domain's left in a frame Xen handed over.  When uvm
 * has no page for it, it waits for the page daemon (uvm_wait) and tries
 * once more, as a fault does; if there is still none, it counts the
 * failure in debug.memhog_failed and tries again a little later.  It
 * never panics and holds nothing the rest of the guest waits for while
 * it waits.  It takes memory as fast as it can, or at debug.memhog_rate
 * KiB a second when that is set: so much a tick.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include "rump_private.h"

#define MEMHOG_BATCH	256		/* pages per turn of the lock */
#define MEMHOG_RETRY_MS	10		/* after an allocation failed */
#define MEMHOG_MAX_KIB	(1ULL << 40)	/* anything more is a typo */
#define KIB_PER_PAGE	(PAGE_SIZE / 1024)
#define MEMHOG_FILL	0xa5		/* what the workload writes */

static kmutex_t memhog_lock;
static kcondvar_t memhog_cv;		/* target changed; memhog_lock */
static struct pglist memhog_pages;	/* the thread's own */
static uint64_t memhog_target;		/* pages; protected by memhog_lock */
static uint64_t memhog_held;		/* pages; protected by memhog_lock */
static uint64_t memhog_failed;		/* protected by memhog_lock */
static uint64_t memhog_dirty;		/* protected by memhog_lock */
static uint64_t memhog_rate;		/* KiB/s, 0: no limit; memhog_lock */
static struct sysctllog *memhog_log;

static void	memhog_thread(void *);
static bool	memhog_wait_grow(void);
static int	sysctl_debug_memhog(SYSCTLFN_PROTO);
static int	sysctl_debug_memhog_held(SYSCTLFN_PROTO);
static int	sysctl_debug_memhog_count(SYSCTLFN_PROTO);
static int	sysctl_debug_memhog_rate(SYSCTLFN_PROTO);

void
rump_memhog_init(void)
{
	const struct sysctlnode *rnode = NULL;
	int error;

	mutex_init(&memhog_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&memhog_cv, "memhog");
	TAILQ_INIT(&memhog_pages);

	error = rump_sysctl_debug(&memhog_log, &rnode);
	if (error == 0)
		error = sysctl_createv(&memhog_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_QUAD,
		    "memhog",
		    SYSCTL_DESCR("KiB the memory workload thread should hold"),
		    sysctl_debug_memhog, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&memhog_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT, CTLTYPE_QUAD, "memhog_held",
		    SYSCTL_DESCR("KiB the memory workload thread holds now"),
		    sysctl_debug_memhog_held, 0, NULL, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&memhog_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT, CTLTYPE_QUAD, "memhog_failed",
		    SYSCTL_DESCR("Allocations of the memory workload that "
		    "found no free page"),
		    sysctl_debug_memhog_count, 0, (void *)&memhog_failed, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&memhog_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT, CTLTYPE_QUAD, "memhog_dirty",
		    SYSCTL_DESCR("Pages uvm promised zeroed that held data"),
		    sysctl_debug_memhog_count, 0, (void *)&memhog_dirty, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&memhog_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_QUAD,
		    "memhog_rate",
		    SYSCTL_DESCR("KiB a second the memory workload takes at "
		    "most, 0 for no limit"),
		    sysctl_debug_memhog_rate, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	if (error != 0) {
		printf("memhog: cannot create debug.memhog: error %d\n",
		    error);
		return;
	}
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL, memhog_thread,
	    NULL, NULL, "memhog");
	if (error != 0)
		printf("memhog: cannot start its thread: error %d\n", error);
}

/*
 * One page more, zeroed by uvm as asked, checked, and written all
 * over; false if uvm had none.
 */
static bool
memhog_grow(void)
{
	struct vm_page *pg;
	uint64_t *va;
	size_t i;

	KASSERT(mutex_owned(&memhog_lock));
	if ((pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO)) == NULL)
		return false;
	/* A word at a time: this check is most of the workload's time. */
	va = rump_page_data(pg);
	for (i = 0; i < PAGE_SIZE / sizeof(*va) && va[i] == 0; i++)
		continue;
	if (i < PAGE_SIZE / sizeof(*va))
		memhog_dirty++;
	memset(va, MEMHOG_FILL, PAGE_SIZE);
	TAILQ_INSERT_TAIL(&memhog_pages, pg, pageq.queue);
	memhog_held++;
	return true;
}

/*
 * uvm had no page: as a fault does, wait for the page daemon's pass
 * (whose pool drain, running apart, may get memory back from the
 * kernel's subsystems) and try once more.
 */
static bool
memhog_wait_grow(void)
{

	KASSERT(mutex_owned(&memhog_lock));
	mutex_exit(&memhog_lock);
	uvm_wait("memhog");
	mutex_enter(&memhog_lock);
	return memhog_held >= memhog_target || memhog_grow();
}

static void
memhog_shrink(void)
{
	struct vm_page *pg;

	KASSERT(mutex_owned(&memhog_lock));
	pg = TAILQ_FIRST(&memhog_pages);
	KASSERT(pg != NULL);
	TAILQ_REMOVE(&memhog_pages, pg, pageq.queue);
	memhog_held--;
	uvm_pagefree(pg);
}

static void
memhog_thread(void *arg)
{
	uint64_t spent = 0, budget;
	int i, tick = 0;

	mutex_enter(&memhog_lock);
	for (;;) {
		if (memhog_held == memhog_target) {
			cv_wait(&memhog_cv, &memhog_lock);
			continue;
		}
		for (i = 0; i < MEMHOG_BATCH && memhog_held > memhog_target;
		    i++)
			memhog_shrink();
		for (i = 0; i < MEMHOG_BATCH && memhog_held < memhog_target;
		    i++) {
			/* At most so much a tick, with a limit. */
			if (memhog_rate != 0 && tick != getticks()) {
				tick = getticks();
				spent = 0;
			}
			budget = MAX(memhog_rate / KIB_PER_PAGE / hz, 1);
			if (memhog_rate != 0 && spent >= budget) {
				(void)cv_timedwait(&memhog_cv, &memhog_lock, 1);
				break;
			}
			spent++;
			if (!memhog_grow() && !memhog_wait_grow()) {
				memhog_failed++;
				(void)cv_timedwait(&memhog_cv, &memhog_lock,
				    mstohz(MEMHOG_RETRY_MS));
				break;
			}
		}
		/* Let the sysctl handlers in between batches. */
		mutex_exit(&memhog_lock);
		mutex_enter(&memhog_lock);
	}
}

/* A KiB knob of the workload, kept in units of unit KiB. */
static int
memhog_knob(SYSCTLFN_ARGS, uint64_t *var, u_quad_t unit)
{
	struct sysctlnode node;
	u_quad_t kib;
	int error;

	node = *rnode;
	mutex_enter(&memhog_lock);
	kib = *var * unit;
	mutex_exit(&memhog_lock);
	node.sysctl_data = &kib;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;
	if (kib > MEMHOG_MAX_KIB)
		return EINVAL;
	mutex_enter(&memhog_lock);
	*var = howmany(kib, unit);
	cv_broadcast(&memhog_cv);
	mutex_exit(&memhog_lock);
	return 0;
}

static int
sysctl_debug_memhog(SYSCTLFN_ARGS)
{

	return memhog_knob(SYSCTLFN_CALL(rnode), &memhog_target,
	    KIB_PER_PAGE);
}

static int
sysctl_debug_memhog_held(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	u_quad_t kib;

	node = *rnode;
	mutex_enter(&memhog_lock);
	kib = memhog_held * KIB_PER_PAGE;
	mutex_exit(&memhog_lock);
	node.sysctl_data = &kib;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}

/* A counter of ours (the node's data), read under memhog_lock. */
static int
sysctl_debug_memhog_count(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	u_quad_t n;

	node = *rnode;
	mutex_enter(&memhog_lock);
	n = *(const uint64_t *)rnode->sysctl_data;
	mutex_exit(&memhog_lock);
	node.sysctl_data = &n;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}

static int
sysctl_debug_memhog_rate(SYSCTLFN_ARGS)
{

	return memhog_knob(SYSCTLFN_CALL(rnode), &memhog_rate, 1);
}
