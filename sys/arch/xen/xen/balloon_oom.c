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
 * Deflate on OOM (machdep.xen.balloon.deflate_on_oom), a part of the
 * Xen balloon driver: the page daemon's pool drainer runs the balloon
 * pool's drain hook when free pages are short; with the option on, the
 * hook raises the target, and the balloon thread moves it at once.
 * What the deflation reached becomes the target, published in
 * data/balloon-target; the next target from dom0 or root wins again.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/device.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/balloonvar.h>

/* Deflations on OOM double while the guest eats them this fast (KiB/s). */
#define BALLOON_OOM_RATE_KB	16384

static void	balloon_oom_start(struct balloon_xenbus_softc *, uint64_t);

/*
 * Free pages inflation leaves the guest: freetarg and the cushion with
 * deflate_on_oom on (fewer would be deflated straight back), none
 * otherwise.  Published as stats.keep for dom0, whose targets must
 * leave it.
 */
uint64_t
balloon_keep(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	if (sc->sc_oom == 0)
		return 0;
	return (uint64_t)uvmexp.freetarg + balloon_cushion(sc);
}

/*
 * The page daemon's pool drainer is short of free pages.  Reported
 * memory comes back first; then, with deflate_on_oom and no OOM
 * deflation under way, the target rises for one (balloon_oom_start).
 *
 * The hook never sleeps: the pool drainer is one thread for every pool
 * of the kernel, and a thread waiting for memory (uvm_wait) wakes when
 * the page daemon finds the deflated pages free.
 */
void
balloon_pool_drain(void *arg, int flags)
{
	struct balloon_xenbus_softc *sc = arg;
	uint64_t freepg;

	mutex_enter(&sc->sc_lock);
	if (!sc->sc_started || sc->sc_dying) {
		mutex_exit(&sc->sc_lock);
		return;
	}
	mutex_exit(&sc->sc_lock);
	(void)balloon_report_pressure(sc);
	freepg = (uint64_t)uvm_availmem(false);
	if (freepg >= (uint64_t)uvmexp.freetarg)
		return;
	mutex_enter(&sc->sc_lock);
	/* Out of memory with the balloon full: say it, as Linux's show_mem. */
	if (sc->sc_oom == 0 && sc->sc_npages > 0 && !sc->sc_oom_said) {
		device_printf(sc->sc_dev, "out of memory with %" PRIu64
		    " KiB in the balloon, deflate_on_oom off\n",
		    BALLOON_PAGES_TO_KB(sc->sc_npages));
		sc->sc_oom_said = true;
	}
	if (sc->sc_oom == 0 || sc->sc_dying ||
	    (!sc->sc_oom_busy && sc->sc_npages == 0)) {
		mutex_exit(&sc->sc_lock);
		return;
	}
	if (!sc->sc_oom_busy)
		balloon_oom_start(sc, freepg);
	mutex_exit(&sc->sc_lock);
}

/*
 * The balloon thread, idle, looks at free memory every tick while
 * deflate_on_oom is on and the balloon holds memory, or memory is
 * reported: the pool drainer reaches the drain hook once per round of
 * every pool of the kernel, too late for a workload that allocates
 * hundreds of MiB a second.
 */
bool
balloon_oom_watching(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	return !sc->sc_suspended && ((sc->sc_oom != 0 && sc->sc_npages > 0) ||
	    sc->sc_nreported > 0);
}

/* The cushion eaten into: a deflation on OOM, as the hook starts one. */
void
balloon_oom_check(struct balloon_xenbus_softc *sc)
{
	uint64_t freepg;

	KASSERT(mutex_owned(&sc->sc_lock));
	if (sc->sc_oom == 0 || sc->sc_npages == 0 || sc->sc_suspended ||
	    sc->sc_oom_busy || sc->sc_dying)
		return;
	/*
	 * max_pages stopped the last one: leave the retries to the drain
	 * hook, at the drainer's pace, until the next target.
	 */
	if (sc->sc_oom_said && sc->sc_oom_short)
		return;
	freepg = (uint64_t)uvm_availmem(false);
	if (freepg < (uint64_t)uvmexp.freetarg + BALLOON_CUSHION_LOW(sc))
		balloon_oom_start(sc, freepg);
}

/*
 * Raise the target for a deflation on OOM, freepg free pages now: by
 * what free pages lack of freetarg and the cushion plus freetarg again,
 * in whole
 * superpages; twice the last amount if the guest ate that one faster
 * than BALLOON_OOM_RATE_KB a second, so that a workload growing fast
 * is met in a few large steps, and one growing slowly is not given the
 * whole balloon.
 */
static void
balloon_oom_start(struct balloon_xenbus_softc *sc, uint64_t freepg)
{
	uint64_t want, ram;
	int dt;

	KASSERT(mutex_owned(&sc->sc_lock));
	want = 2 * (uint64_t)uvmexp.freetarg + balloon_cushion(sc);
	want = want > freepg ? want - freepg : BALLOON_SUPER_PAGES;
	dt = MAX(getticks() - sc->sc_oom_ticks, 1);
	if (sc->sc_oom_want != 0 && (uint64_t)dt * BALLOON_OOM_RATE_KB <
	    BALLOON_PAGES_TO_KB(sc->sc_oom_want) * (uint64_t)hz)
		want = MAX(want, 2 * sc->sc_oom_want);
	want = MIN(roundup(want, BALLOON_SUPER_PAGES), sc->sc_npages);
	ram = sc->sc_physmem - sc->sc_npages;
	sc->sc_oom_want = want;
	sc->sc_oom_busy = true;
	/* Threads in uvm_wait() wait for them rather than fail. */
	sc->sc_oom_coming = want;
	uvm_pageout_start((int)want);
	sc->sc_oom_short = false;
	BALLOON_EVCNT_ADD(&sc->sc_ev_oom_deflations, 1);
	balloon_set_target(sc, ram + want);
	sc->sc_oom_tgen = sc->sc_tgen;
}

/* An OOM deflation ended (reached, or stopped short). */
void
balloon_oom_end(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	balloon_oom_arrived(sc, sc->sc_oom_coming);
	sc->sc_oom_busy = false;
	sc->sc_oom_ticks = getticks();
	if (!sc->sc_oom_short)
		sc->sc_oom_said = false;
}

/*
 * Pages of an OOM deflation are back in uvm, or will not come: no
 * longer on their way.
 */
void
balloon_oom_arrived(struct balloon_xenbus_softc *sc, uint64_t pages)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	pages = MIN(pages, sc->sc_oom_coming);
	sc->sc_oom_coming -= pages;
	uvm_pageout_done((int)pages);
}

/*
 * An OOM deflation got less than it asked for.  Xen refuses past the
 * domain's max_pages (libxl sets it to the target + 1 MiB at xl
 * mem-set): say so once and count it.  Either way, what it reached is
 * the target now.
 */
void
balloon_oom_short(struct balloon_xenbus_softc *sc)
{
	uint64_t cur = 0, max = 1;

	KASSERT(mutex_owned(&sc->sc_lock));
	/* Suspending: no more hypercalls, the reason stays unknown. */
	if (!sc->sc_suspended) {
		mutex_exit(&sc->sc_lock);
		cur = xenmem_get_reservation(XENMEM_current_reservation);
		max = xenmem_get_reservation(XENMEM_maximum_reservation);
		mutex_enter(&sc->sc_lock);
		sc->sc_max_pages = max;
	}
	sc->sc_oom_short = true;
	if (cur >= max) {
		BALLOON_EVCNT_ADD(&sc->sc_ev_oom_maxpages, 1);
		if (!sc->sc_oom_said)
			device_printf(sc->sc_dev, "deflate on OOM: stopped at "
			    "max_pages, %" PRIu64 " KiB, with %" PRIu64 " KiB "
			    "still in the balloon\n", BALLOON_PAGES_TO_KB(max),
			    BALLOON_PAGES_TO_KB(sc->sc_npages));
		sc->sc_oom_said = true;
	}
	balloon_set_target(sc, sc->sc_physmem - sc->sc_npages);
	sc->sc_oom_tgen = sc->sc_tgen;
}

/*
 * Sleep for up to ticks, or until woken: EWOULDBLOCK if the time ran
 * out.  With deflate on OOM armed, free memory is looked at every tick
 * meanwhile, as when idle: a balloon that backs off or stalls (its
 * inflation stopped by the memory it keeps free, say) still deflates
 * for a workload that then grows, and returns on the new target.
 */
int
balloon_oom_sleep(struct balloon_xenbus_softc *sc, int ticks)
{
	uint64_t tgen = sc->sc_tgen;
	int start = getticks(), left, error;

	KASSERT(mutex_owned(&sc->sc_lock));
	for (;;) {
		left = MAX(ticks, 1) - (getticks() - start);
		if (left <= 0)
			return EWOULDBLOCK;
		if (!balloon_oom_watching(sc))
			return cv_timedwait(&sc->sc_cv, &sc->sc_lock, left);
		error = cv_timedwait(&sc->sc_cv, &sc->sc_lock, 1);
		if (error != EWOULDBLOCK)
			return error;
		balloon_oom_check(sc);
		if (sc->sc_tgen != tgen)
			return 0;
	}
}
