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
 * Free page reporting (machdep.xen.balloon.free_page_reporting), a part
 * of the Xen balloon driver.
 *
 * Free memory the guest is not using is handed to Xen, without a change
 * of target, in aligned runs of 2 MiB, and taken back before the guest
 * needs it.  A guest may not touch a frame it gave away and Xen fills
 * no hole on a fault, so the runs cannot stay on uvm's free list as
 * Linux leaves its reported pages: the driver takes them out of uvm
 * itself (uvm_pglistalloc) and holds them, like ballooned pages, linked
 * through their first pages (sc_reported).
 *
 * As Linux's page reporting: memory is reported once it has stayed free
 * for BALLOON_REPORT_DELAY_MS, BALLOON_REPORT_BATCH runs per hypercall,
 * and uvm keeps the cushion (balloon_cushion()) beyond its free target.
 * When free pages fall below uvmexp.freetarg, the balloon's pool drain
 * hook takes a batch back (balloon_report_pressure); when the balloon
 * inflates, it takes reported runs first: they are with Xen already.
 * The drain hook needs sc_rlock, so nothing under it allocates.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include "opt_xen.h"

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/device.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/kernel.h>
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/balloonvar.h>

/* How long memory must stay free before it is reported, as Linux. */
#define BALLOON_REPORT_DELAY_MS	2000
#define BALLOON_REPORT_POLL_MS	250

static void	balloon_report_free(struct balloon_xenbus_softc *);
static void	balloon_report_thread(void *);
static uint64_t	balloon_report_excess(struct balloon_xenbus_softc *);
static void	balloon_report_runs(struct balloon_xenbus_softc *);
static size_t	balloon_report_batch(struct balloon_xenbus_softc *, size_t);
static size_t	balloon_report_return(struct balloon_xenbus_softc *, size_t);

int
balloon_report_attach(struct balloon_xenbus_softc *sc)
{
	int error;

	mutex_init(&sc->sc_rlock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sc->sc_rcv, "xenbalrp");
	TAILQ_INIT(&sc->sc_reported);
	sc->sc_rframes = kmem_alloc(BALLOON_REPORT_BATCH *
	    sizeof(*sc->sc_rframes), KM_SLEEP);
	sc->sc_rbatch = kmem_alloc(BALLOON_REPORT_BATCH *
	    sizeof(*sc->sc_rbatch), KM_SLEEP);
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    NULL, balloon_report_thread, sc, &sc->sc_rthread, "xenbalrp");
	if (error != 0) {
		sc->sc_rthread = NULL;
		balloon_report_free(sc);
	}
	return error;
}

/* Attach is done: the reporter may start. */
void
balloon_report_start(struct balloon_xenbus_softc *sc)
{

	mutex_enter(&sc->sc_rlock);
	sc->sc_rstarted = true;
	cv_signal(&sc->sc_rcv);
	mutex_exit(&sc->sc_rlock);
}

/* Stop reporting; what was reported comes back to uvm. */
void
balloon_report_detach(struct balloon_xenbus_softc *sc)
{

	if (sc->sc_rthread == NULL)
		return;
	mutex_enter(&sc->sc_rlock);
	sc->sc_rdying = true;
	cv_signal(&sc->sc_rcv);
	mutex_exit(&sc->sc_rlock);
	kthread_join(sc->sc_rthread);
	sc->sc_rthread = NULL;

	mutex_enter(&sc->sc_rlock);
	sc->sc_reporting = 0;
	while (sc->sc_nreported > 0 &&
	    balloon_report_return(sc, BALLOON_REPORT_BATCH) > 0)
		continue;
	mutex_exit(&sc->sc_rlock);
	/* Runs Xen would not give back stay with it, out of uvm. */
	balloon_report_free(sc);
}

static void
balloon_report_free(struct balloon_xenbus_softc *sc)
{

	kmem_free(sc->sc_rframes, BALLOON_REPORT_BATCH *
	    sizeof(*sc->sc_rframes));
	kmem_free(sc->sc_rbatch, BALLOON_REPORT_BATCH *
	    sizeof(*sc->sc_rbatch));
	cv_destroy(&sc->sc_rcv);
	mutex_destroy(&sc->sc_rlock);
}

/*
 * Suspend: once we hold sc_rlock no hypercall of ours is in flight, and
 * none is made until resume.
 */
void
balloon_report_suspend(struct balloon_xenbus_softc *sc, bool suspend)
{

	if (sc->sc_rthread == NULL)
		return;
	mutex_enter(&sc->sc_rlock);
	sc->sc_rsuspended = suspend;
	cv_signal(&sc->sc_rcv);
	mutex_exit(&sc->sc_rlock);
}

/* Free pages uvm can spare now: beyond its free target and our keep. */
static uint64_t
balloon_report_excess(struct balloon_xenbus_softc *sc)
{
	uint64_t free, keep;

	mutex_enter(&sc->sc_lock);
	keep = (uint64_t)uvmexp.freetarg + balloon_cushion(sc);
	mutex_exit(&sc->sc_lock);
	free = (uint64_t)uvm_availmem(false);
	return free > keep ? free - keep : 0;
}

/*
 * The reporter: looks at free memory every BALLOON_REPORT_POLL_MS and
 * reports it once it has stayed free for BALLOON_REPORT_DELAY_MS, so
 * that memory freed and soon used again is not sent back and forth.
 */
static void
balloon_report_thread(void *cookie)
{
	struct balloon_xenbus_softc *sc = cookie;
	u_int quiet = 0;

	mutex_enter(&sc->sc_rlock);
	while (!sc->sc_rdying) {
		if (!sc->sc_rstarted || sc->sc_reporting == 0 ||
		    sc->sc_rsuspended) {
			quiet = 0;
			cv_wait(&sc->sc_rcv, &sc->sc_rlock);
			continue;
		}
		(void)cv_timedwait(&sc->sc_rcv, &sc->sc_rlock,
		    mstohz(BALLOON_REPORT_POLL_MS));
		if (sc->sc_rdying || sc->sc_reporting == 0 ||
		    sc->sc_rsuspended)
			continue;
		if (balloon_report_excess(sc) < BALLOON_SUPER_PAGES) {
			quiet = 0;
			continue;
		}
		/* Free at this poll and the last DELAY / POLL before it. */
		if (quiet++ * BALLOON_REPORT_POLL_MS < BALLOON_REPORT_DELAY_MS)
			continue;
		balloon_report_runs(sc);
		quiet = 0;
	}
	mutex_exit(&sc->sc_rlock);
	kthread_exit(0);
}

/* Report batches of runs while uvm can spare them and Xen takes them. */
static void
balloon_report_runs(struct balloon_xenbus_softc *sc)
{
	struct pglist skipped;
	struct pglist pl;
	struct vm_page *pg;
	size_t got, done;
	uint64_t runs;

	KASSERT(mutex_owned(&sc->sc_rlock));
	TAILQ_INIT(&skipped);
	for (;;) {
		runs = balloon_report_excess(sc) / BALLOON_SUPER_PAGES;
		for (got = 0; got < MIN(runs, BALLOON_REPORT_BATCH);) {
			if (uvm_pglistalloc(ptoa(BALLOON_SUPER_PAGES), 0,
			    ptoa(physmem), ptoa(BALLOON_SUPER_PAGES), 0, &pl,
			    1, 0) != 0)
				break;
			/*
			 * PV: Xen frees an extent of contiguous machine
			 * frames; other runs are held aside until the end
			 * of this pass, so that uvm offers the next ones.
			 */
			if (sc->sc_pv && !balloon_mcontig(TAILQ_FIRST(&pl))) {
				while ((pg = TAILQ_FIRST(&pl)) != NULL) {
					TAILQ_REMOVE(&pl, pg, pageq.queue);
					TAILQ_INSERT_TAIL(&skipped, pg,
					    pageq.queue);
				}
				runs--;
				continue;
			}
			balloon_zero_run(TAILQ_FIRST(&pl));
			sc->sc_rbatch[got++] = TAILQ_FIRST(&pl);
		}
		if (got == 0)
			break;
		done = balloon_report_batch(sc, got);
		if (done < got)
			break;
		/* The page daemon may want a run back in between. */
		mutex_exit(&sc->sc_rlock);
		mutex_enter(&sc->sc_rlock);
		if (sc->sc_rdying || sc->sc_reporting == 0 ||
		    sc->sc_rsuspended)
			break;
	}
	uvm_pglistfree(&skipped);
}

/*
 * Give sc_rbatch[0..n-1], runs out of uvm, to Xen at order 9; those Xen
 * does not take go back to uvm.  Returns the runs reported.
 */
static size_t
balloon_report_batch(struct balloon_xenbus_softc *sc, size_t n)
{
	paddr_t pa;
	size_t done, i, j;

	KASSERT(mutex_owned(&sc->sc_rlock));
	KASSERT(n > 0 && n <= BALLOON_REPORT_BATCH);
	for (i = 0; i < n; i++)
		sc->sc_rframes[i] = balloon_xen_frame(sc,
		    VM_PAGE_TO_PHYS(sc->sc_rbatch[i]));
	done = balloon_reservation_op(sc, XENMEM_decrease_reservation,
	    sc->sc_rframes, n, BALLOON_SUPER_ORDER);
	for (i = 0; i < n; i++) {
		if (i >= done) {
			balloon_free_run(sc->sc_rbatch[i]);
			continue;
		}
		pa = VM_PAGE_TO_PHYS(sc->sc_rbatch[i]);
		for (j = 0; j < BALLOON_SUPER_PAGES; j++)
			balloon_p2m_unmap(sc, pa + ptoa(j));
		balloon_push(&sc->sc_reported, sc->sc_rbatch[i]);
	}
	mutex_enter(&sc->sc_lock);
	KASSERT(mutex_owned(&sc->sc_rlock));
	sc->sc_nreported += done * BALLOON_SUPER_PAGES;
	/* The balloon thread watches free memory while runs are out. */
	if (done > 0)
		cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	return done;
}

/*
 * Take up to n reported runs back from Xen and free them to uvm.
 * Returns the runs taken back; those Xen would not repopulate stay
 * reported, and that is said once.
 */
static size_t
balloon_report_return(struct balloon_xenbus_softc *sc, size_t n)
{
	struct vm_page *pg;
	paddr_t pa;
	size_t done, i, j;

	KASSERT(mutex_owned(&sc->sc_rlock));
	n = MIN(n, MIN(BALLOON_REPORT_BATCH,
	    sc->sc_nreported / BALLOON_SUPER_PAGES));
	if (n == 0 || sc->sc_rsuspended)
		return 0;
	/* The first n runs, popped once Xen took them back. */
	i = 0;
	TAILQ_FOREACH(pg, &sc->sc_reported, pageq.queue) {
		if (i == n)
			break;
		/* PV: Xen picks the machine frames and writes them here. */
		sc->sc_rframes[i] = sc->sc_pv ? 0 : atop(VM_PAGE_TO_PHYS(pg));
		sc->sc_rbatch[i++] = pg;
	}
	KASSERT(i == n);
	/* On their way: a thread in uvm_wait() waits for them. */
	uvm_pageout_start((int)(n * BALLOON_SUPER_PAGES));
	done = balloon_reservation_op(sc, sc->sc_pv ?
	    XENMEM_increase_reservation : XENMEM_populate_physmap,
	    sc->sc_rframes, n, BALLOON_SUPER_ORDER);
	for (i = 0; i < done; i++) {
		pg = balloon_pop(&sc->sc_reported);
		KASSERT(pg == sc->sc_rbatch[i]);
	}
	if (sc->sc_pv && done > 0) {
		balloon_p2m_begin();
		for (i = 0; i < done; i++) {
			pa = VM_PAGE_TO_PHYS(sc->sc_rbatch[i]);
			for (j = 0; j < BALLOON_SUPER_PAGES; j++)
				balloon_p2m_map(pa + ptoa(j),
				    ptoa(sc->sc_rframes[i] + j));
		}
		balloon_p2m_end();
	}
	mutex_enter(&sc->sc_lock);
	KASSERT(mutex_owned(&sc->sc_rlock));
	sc->sc_nreported -= done * BALLOON_SUPER_PAGES;
	mutex_exit(&sc->sc_lock);

	/* Xen does not scrub: uvm zeroes a page before it promises so. */
	for (i = 0; i < done; i++)
		balloon_free_run(sc->sc_rbatch[i]);
	uvm_pageout_done((int)(n * BALLOON_SUPER_PAGES));
	if (done < n && !sc->sc_rshort)
		device_printf(sc->sc_dev, "free page reporting: Xen gave "
		    "back %zu of %zu runs of 2 MiB, %" PRIu64 " KiB still "
		    "reported\n", done, n,
		    BALLOON_PAGES_TO_KB(sc->sc_nreported));
	sc->sc_rshort = done < n;
	return done;
}

/*
 * The balloon thread inflating: up to n reported runs move into the
 * balloon as they are, without a hypercall.  Returns the runs moved.
 */
size_t
balloon_report_adopt(struct balloon_xenbus_softc *sc, size_t n)
{
	size_t i;

	KASSERT(n <= BALLOON_DELTA);
	mutex_enter(&sc->sc_rlock);
	KASSERT(mutex_owned(&sc->sc_rlock));
	for (i = 0; i < n && !TAILQ_EMPTY(&sc->sc_reported); i++) {
		balloon_push(&sc->sc_runs, balloon_pop(&sc->sc_reported));
		sc->sc_nruns++;
	}
	balloon_moved(sc, i * BALLOON_SUPER_PAGES, true);
	mutex_enter(&sc->sc_lock);
	KASSERT(mutex_owned(&sc->sc_rlock));
	sc->sc_nreported -= i * BALLOON_SUPER_PAGES;
	mutex_exit(&sc->sc_lock);
	mutex_exit(&sc->sc_rlock);
	return i;
}

/*
 * Has free memory fallen into what uvm keeps while runs are reported?
 * The balloon thread, watching, then takes a batch back.
 */
bool
balloon_report_short(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	return sc->sc_nreported > 0 && (uint64_t)uvm_availmem(false) <
	    (uint64_t)uvmexp.freetarg + BALLOON_CUSHION_LOW(sc);
}

/* Memory pressure: a batch of reported runs back to uvm; how many. */
size_t
balloon_report_pressure(struct balloon_xenbus_softc *sc)
{
	size_t done;

	mutex_enter(&sc->sc_rlock);
	done = balloon_report_return(sc, BALLOON_REPORT_BATCH);
	mutex_exit(&sc->sc_rlock);
	return done;
}

/* 0 or 1; turned off, every reported run comes back before it returns. */
int
balloon_sysctl_reporting(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	int val, error;

	mutex_enter(&sc->sc_rlock);
	val = sc->sc_reporting;
	mutex_exit(&sc->sc_rlock);
	node.sysctl_data = &val;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;
	if (val != 0 && val != 1)
		return EINVAL;
	if (sc->sc_rthread == NULL)
		return EOPNOTSUPP;

	mutex_enter(&sc->sc_rlock);
	sc->sc_reporting = val;
	cv_signal(&sc->sc_rcv);
	while (val == 0 && sc->sc_nreported > 0 &&
	    balloon_report_return(sc, BALLOON_REPORT_BATCH) > 0)
		continue;
	if (val == 0 && sc->sc_nreported > 0)
		error = EAGAIN;
	mutex_exit(&sc->sc_rlock);
	return error;
}
