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
 * The Xen balloon driver: moves the domain's memory reservation to the
 * target dom0 writes to memory/target (KiB), or root sets with
 * machdep.xen.balloon.target.  The xenbus watch only validates and
 * records a target; one kernel thread gives pages to Xen
 * (XENMEM_decrease_reservation) or takes frames back
 * (XENMEM_increase_reservation on PV, XENMEM_populate_physmap on an
 * auto-translated guest), in superpages where it can.  A short call is
 * kept, accounted and retried with backoff.  How and why is in balloon(4).
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include "opt_xen.h"
#if defined(_KERNEL_OPT)
#include "opt_uvm_hotplug.h"
#endif

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/device.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/pool.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>
#include <uvm/uvm_physseg.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/xenbus.h>
#include <xen/balloon.h>
#include <xen/balloonvar.h>

#include "locators.h"

/* Pages zeroed at most before an inflating call: the first leave early. */
#define BALLOON_ZERO_BATCH	4096

/* Backoff after a short call: first delay, its bound, retries to stall. */
#define BALLOON_BACKOFF_MS	50
#define BALLOON_BACKOFF_MAX_MS	1000
#define BALLOON_MAXRETRIES	8

/* The thread's own state between two steps. */
struct balloon_tstate {
	uint64_t	ts_tgen;	/* the target generation seen */
	uint64_t	ts_stallgen;	/* the one that stalled */
	uint64_t	ts_pub_target;	/* data/balloon-target written */
	int		ts_pub_oom;	/* deflate-on-oom written, or -1 */
	u_int		ts_fruitless;	/* retries that moved nothing */
	bool		ts_complained;	/* a short call said */
	bool		ts_stalled;	/* this step retries a stall */
};

static int	balloon_xenbus_match(device_t, cfdata_t, void *);
static void	balloon_xenbus_attach(device_t, device_t, void *);
static int	balloon_xenbus_detach(device_t, int);
static bool	balloon_xenbus_suspend(device_t, const pmf_qual_t *);
static bool	balloon_xenbus_resume(device_t, const pmf_qual_t *);
static void	balloon_init(struct balloon_xenbus_softc *, device_t);
static int	balloon_start_services(struct balloon_xenbus_softc *);
static void	balloon_teardown(struct balloon_xenbus_softc *);

static void	balloon_xenbus_watcher(struct xenbus_watch *, const char **,
		    unsigned int);
static uint64_t	balloon_pod_target(struct balloon_xenbus_softc *, uint64_t);
static void	balloon_pod_gap(struct balloon_xenbus_softc *);

static void	balloon_thread(void *);
static bool	balloon_wait(struct balloon_xenbus_softc *,
		    struct balloon_tstate *);
static void	balloon_new_target(struct balloon_xenbus_softc *,
		    struct balloon_tstate *);
static void	balloon_idle(struct balloon_xenbus_softc *,
		    struct balloon_tstate *);
static void	balloon_step(struct balloon_xenbus_softc *,
		    struct balloon_tstate *);
static void	balloon_after_step(struct balloon_xenbus_softc *,
		    struct balloon_tstate *, bool, size_t, size_t, int);
static void	balloon_backoff(struct balloon_xenbus_softc *,
		    struct balloon_tstate *, bool, int);
static bool	balloon_publish(struct balloon_xenbus_softc *,
		    struct balloon_tstate *);
static uint64_t	balloon_goal(struct balloon_xenbus_softc *);
static uint64_t	balloon_listed(struct balloon_xenbus_softc *);
static size_t	balloon_batch(struct balloon_xenbus_softc *, bool, uint64_t,
		    u_int *);
static void	balloon_refused(struct balloon_xenbus_softc *, const char *);
static size_t	balloon_spare(struct balloon_xenbus_softc *, size_t);

static size_t	balloon_inflate(struct balloon_xenbus_softc *, size_t, u_int,
		    int *);
static size_t	balloon_inflate_super(struct balloon_xenbus_softc *, size_t,
		    int *);
static size_t	balloon_give_runs(struct balloon_xenbus_softc *, size_t);
static size_t	balloon_give_run(struct balloon_xenbus_softc *,
		    struct vm_page *);
static size_t	balloon_deflate(struct balloon_xenbus_softc *, size_t, u_int,
		    int *);
static size_t	balloon_peek(struct balloon_xenbus_softc *, size_t);
static size_t	balloon_deflate_super(struct balloon_xenbus_softc *, size_t,
		    int *);
static void	balloon_split(struct balloon_xenbus_softc *);

CFATTACH_DECL_NEW(balloon, sizeof(struct balloon_xenbus_softc),
    balloon_xenbus_match, balloon_xenbus_attach, balloon_xenbus_detach,
    NULL);

static struct xenbus_watch balloon_xenbus_watch = {
	.node = __UNCONST("memory/target"),
	.xbw_callback = balloon_xenbus_watcher,
};

struct balloon_xenbus_softc *balloon_sc;

/* The batch buffers; the page daemon drains it when short. */
static struct pool balloon_buf_pool;

static int
balloon_xenbus_match(device_t parent, cfdata_t match, void *aux)
{
	struct xenbusdev_attach_args *xa = aux;

	if (strcmp(xa->xa_type, "balloon") != 0)
		return 0;
	if (match->cf_loc[XENBUSCF_ID] != XENBUSCF_ID_DEFAULT &&
	    match->cf_loc[XENBUSCF_ID] != xa->xa_id)
		return 0;
	return 1;
}

static void
balloon_xenbus_attach(device_t parent, device_t self, void *aux)
{
	struct balloon_xenbus_softc *sc = device_private(self);
	int error;

	aprint_normal(": Xen Balloon driver\n");
	balloon_init(sc, self);
	/*
	 * All that can fail comes first, while nothing is ballooned: a
	 * failed attach then undoes it all.
	 */
	if (balloon_start_services(sc) != 0) {
		balloon_teardown(sc);
		aprint_error_dev(self, "not attached, memory left as it is\n");
		return;
	}
	balloon_hotplug(sc);
	/* Before the gap goes out: inflating takes reported runs first. */
	balloon_pod_gap(sc);
	mutex_enter(&sc->sc_lock);
	sc->sc_started = true;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	balloon_report_start(sc);

	/*
	 * Tell the toolstack we balloon.  Only XAPI creates the node for
	 * the guest to write; under libxl it is not ours and that is fine.
	 */
	error = xenbus_write(NULL, "control", "feature-balloon", "1");
	if (error == EACCES)
		aprint_verbose_dev(self,
		    "control/feature-balloon not writable, not advertised\n");
	else if (error != 0)
		aprint_error_dev(self,
		    "cannot write control/feature-balloon: error %d\n", error);
	if (!pmf_device_register(self, balloon_xenbus_suspend,
	    balloon_xenbus_resume))
		aprint_error_dev(self, "couldn't establish power handler\n");
}

/* The softc, the batch buffers and the target at attach. */
static void
balloon_init(struct balloon_xenbus_softc *sc, device_t self)
{
	uint64_t current, max;

	sc->sc_dev = self;
#ifdef XENPV
	sc->sc_pv = !xen_feature(XENFEAT_auto_translated_physmap);
#endif
	sc->sc_order = BALLOON_SUPER_ORDER;
	sc->sc_physmem = physmem;
	sc->sc_retry_s = BALLOON_RETRY_S;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sc->sc_cv, "xenbal");
	balloon_evcnt_attach(sc);
	cv_init(&sc->sc_parkcv, "xenbalpk");
	TAILQ_INIT(&sc->sc_pages);
	TAILQ_INIT(&sc->sc_runs);
	/*
	 * The batch buffers come from a pool of the balloon's own: it has
	 * pages as long as the balloon is attached, so the page daemon's
	 * pool drainer visits it and its hook learns of memory shortage.
	 */
	CTASSERT(BALLOON_DELTA * sizeof(struct vm_page *) <= PAGE_SIZE);
	pool_init(&balloon_buf_pool, PAGE_SIZE, 0, 0, 0, "xenbalbf", NULL,
	    IPL_NONE);
	pool_set_drain_hook(&balloon_buf_pool, balloon_pool_drain, sc);
	sc->sc_frames = pool_get(&balloon_buf_pool, PR_WAITOK);
	sc->sc_batch = pool_get(&balloon_buf_pool, PR_WAITOK);

	current = xenmem_get_reservation(XENMEM_current_reservation);
	max = xenmem_get_reservation(XENMEM_maximum_reservation);
	sc->sc_max_pages = max;
	sc->sc_target = balloon_pod_target(sc, current);
	sc->sc_slack = current > sc->sc_target ? current - sc->sc_target : 0;
	sc->sc_min_kb = BALLOON_PAGES_TO_KB(BALLOON_FLOOR);
	aprint_normal_dev(self, "%s, current %" PRIu64 " KiB, "
	    "max %" PRIu64 " KiB, min %" PRIu64 " KiB\n",
	    sc->sc_pv ? "PV" : "auto-translated",
	    BALLOON_PAGES_TO_KB(current), BALLOON_PAGES_TO_KB(max),
	    sc->sc_min_kb);
	balloon_sc = sc;
}

/*
 * The threads (waiting for sc_started), the sysctl tree and the watch:
 * 0, or the error of the first that failed, said.
 */
static int
balloon_start_services(struct balloon_xenbus_softc *sc)
{
	device_t self = sc->sc_dev;
	int error;

	if ((error = balloon_report_attach(sc)) != 0) {
		aprint_error_dev(self, "unable to create reporting thread: "
		    "error %d\n", error);
		return error;
	}
	if ((error = kthread_create(PRI_NONE, KTHREAD_MPSAFE |
	    KTHREAD_MUSTJOIN, NULL, balloon_thread, sc, &sc->sc_thread,
	    "xenballoon")) != 0) {
		aprint_error_dev(self, "unable to create balloon thread: "
		    "error %d\n", error);
		sc->sc_thread = NULL;
		return error;
	}
	if ((error = balloon_sysctl_setup(sc)) != 0) {
		aprint_error_dev(self, "unable to create sysctl nodes: "
		    "error %d\n", error);
		return error;
	}
	if ((error = register_xenbus_watch(&balloon_xenbus_watch)) != 0) {
		aprint_error_dev(self, "unable to watch memory/target: "
		    "error %d\n", error);
		return error;
	}
	sc->sc_watched = true;
	return 0;
}

static int
balloon_xenbus_detach(device_t self, int flags)
{
	struct balloon_xenbus_softc *sc = device_private(self);

	/* An attach that failed left nothing to undo. */
	if (sc->sc_thread == NULL)
		return 0;
	pmf_device_deregister(self);
	balloon_teardown(sc);
	return 0;
}

/*
 * Undo what attach set up, from wherever it got to.  The ballooned
 * frames stay with Xen, and their pages out of uvm: they have no frame
 * behind them.
 */
static void
balloon_teardown(struct balloon_xenbus_softc *sc)
{

	if (sc->sc_watched)
		unregister_xenbus_watch(&balloon_xenbus_watch);
	sc->sc_watched = false;
	sysctl_teardown(&sc->sc_log);
	mutex_enter(&sc->sc_lock);
	sc->sc_dying = true;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	if (sc->sc_thread != NULL) {
		kthread_join(sc->sc_thread);
		sc->sc_thread = NULL;
	}
	mutex_enter(&sc->sc_lock);
	if (sc->sc_oom_busy)
		balloon_oom_end(sc);
	mutex_exit(&sc->sc_lock);
	/* No drain hook runs once the pool is gone. */
	pool_put(&balloon_buf_pool, sc->sc_frames);
	pool_put(&balloon_buf_pool, sc->sc_batch);
	pool_destroy(&balloon_buf_pool);
	balloon_report_detach(sc);
	balloon_sc = NULL;
	balloon_evcnt_detach(sc);
	cv_destroy(&sc->sc_parkcv);
	cv_destroy(&sc->sc_cv);
	mutex_destroy(&sc->sc_lock);
}

/*
 * Suspend (save, migration): let the batch in flight finish, then keep
 * the thread from making any hypercall until resume.  The balloon
 * itself needs no saving: its frames stay with Xen.
 */
static bool
balloon_xenbus_suspend(device_t self, const pmf_qual_t *qual)
{
	struct balloon_xenbus_softc *sc = device_private(self);

	balloon_report_suspend(sc, true);
	mutex_enter(&sc->sc_lock);
	sc->sc_suspended = true;
	cv_broadcast(&sc->sc_cv);
	while (!sc->sc_parked)
		cv_wait(&sc->sc_parkcv, &sc->sc_lock);
	mutex_exit(&sc->sc_lock);
	return true;
}

static bool
balloon_xenbus_resume(device_t self, const pmf_qual_t *qual)
{
	struct balloon_xenbus_softc *sc = device_private(self);

	mutex_enter(&sc->sc_lock);
	sc->sc_suspended = false;
	sc->sc_parked = false;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	balloon_report_suspend(sc, false);
	return true;
}

/*
 * XENMEM_current_reservation or XENMEM_maximum_reservation of this
 * domain, in pages.  Neither can fail for DOMID_SELF; a negative answer
 * reads as 0.
 */
uint64_t
xenmem_get_reservation(unsigned int cmd)
{
	domid_t domid = DOMID_SELF;
	int ret;

	ret = HYPERVISOR_memory_op(cmd, &domid);
	return ret < 0 ? 0 : (uint64_t)ret;
}

/*
 * One reservation hypercall on frames[0..n-1], extents of the given
 * order.  Returns the extents done, clamped to what was asked: Xen never
 * returns a negative count for these, and a larger one would be a lie.
 */
size_t
balloon_reservation_op(struct balloon_xenbus_softc *sc, unsigned int cmd,
    xen_pfn_t *frames, size_t n, u_int order)
{
	struct xen_memory_reservation res;
	size_t done;
	int ret;

	KASSERT(n > 0 && n <= BALLOON_DELTA);
	/* No address_bits/mem_flags: the member differs by interface. */
	memset(&res, 0, sizeof(res));
	set_xen_guest_handle(res.extent_start, frames);
	res.nr_extents = n;
	res.extent_order = order;
	res.domid = DOMID_SELF;

	ret = HYPERVISOR_memory_op(cmd, &res);
	done = ret < 0 ? 0 : MIN((size_t)ret, n);

	mutex_enter(&sc->sc_lock);
	BALLOON_EVCNT_ADD(&sc->sc_ev_hypercalls, 1);
	if (done < n)
		BALLOON_EVCNT_ADD(&sc->sc_ev_partial, 1);
	mutex_exit(&sc->sc_lock);
	return done;
}

/* Pages went into the balloon (inflate), or came out of it. */
void
balloon_moved(struct balloon_xenbus_softc *sc, uint64_t pages, bool inflate)
{

	mutex_enter(&sc->sc_lock);
	if (inflate) {
		sc->sc_npages += pages;
		sc->sc_inflated += pages;
	} else {
		KASSERT(pages <= sc->sc_npages);
		sc->sc_npages -= pages;
		sc->sc_deflated += pages;
	}
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);
}

/*
 * Linux's "balloon usage visible by guest": with deflate_on_oom off,
 * ballooned memory is reported as gone from the guest's total
 * (inflated_total); with it on, it may come back at any time and is
 * reported as used instead (inflated_free).  uvm's own totals are
 * uvm's: they are left alone.
 */
void
balloon_account(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	sc->sc_inflated_total = sc->sc_oom ? 0 : sc->sc_npages;
	sc->sc_inflated_free = sc->sc_oom ? sc->sc_npages : 0;
}

/*
 * The target at attach, in pages: all of RAM, but for an auto-translated
 * domain created with memory below maxmem.  That one runs
 * populate-on-demand: its memory map shows maxmem, Xen backs only
 * memory/target of it, and a touch past that crashes it.
 */
static uint64_t
balloon_pod_target(struct balloon_xenbus_softc *sc, uint64_t current)
{
	char buf[32];
	uint64_t kb;

	if (sc->sc_pv || current >= sc->sc_physmem)
		return sc->sc_physmem;
	if (xenbus_read(NULL, "memory", "target", buf, sizeof(buf)) != 0 ||
	    balloon_parse_kb(buf, &kb) != 0 ||
	    BALLOON_KB_TO_PAGES(kb) > current) {
		/* Not what the toolstack wrote: the reservation is safe. */
		aprint_error_dev(sc->sc_dev, "populate-on-demand, no "
		    "memory/target: the reservation taken as the target\n");
		return current;
	}
	return BALLOON_KB_TO_PAGES(kb);
}

/*
 * Populate-on-demand: balloon out every frame of the memory map above
 * the target now, before the kernel can come to need more than Xen
 * backs.
 */
static void
balloon_pod_gap(struct balloon_xenbus_softc *sc)
{
	uint64_t gap;
	size_t want, done;
	u_int order;
	int error;

	/* The watch is set: a target may come in meanwhile. */
	mutex_enter(&sc->sc_lock);
	gap = sc->sc_target < sc->sc_physmem ?
	    sc->sc_physmem - sc->sc_target : 0;
	mutex_exit(&sc->sc_lock);
	/* PV: RAM beyond boot memory is plugged only as it is wanted. */
	if (sc->sc_pv || gap == 0)
		return;
	while (sc->sc_npages < gap) {
		want = balloon_batch(sc, true, gap - sc->sc_npages, &order);
		error = 0;
		done = balloon_inflate(sc, want, order, &error);
		if (done == 0 && error != EAGAIN)
			break;
	}
	sc->sc_order = BALLOON_SUPER_ORDER;
	if (sc->sc_npages < gap)
		aprint_error_dev(sc->sc_dev, "populate-on-demand: %" PRIu64
		    " of %" PRIu64 " KiB above the target ballooned out\n",
		    BALLOON_PAGES_TO_KB(sc->sc_npages),
		    BALLOON_PAGES_TO_KB(gap));
	else
		aprint_normal_dev(sc->sc_dev, "populate-on-demand: %" PRIu64
		    " KiB above the target ballooned out\n",
		    BALLOON_PAGES_TO_KB(gap));
	/* What could not be given stays guest RAM. */
	mutex_enter(&sc->sc_lock);
	if (sc->sc_npages < gap)
		sc->sc_target = sc->sc_physmem - sc->sc_npages;
	mutex_exit(&sc->sc_lock);
}

/*
 * A target of kb, if min and max allow it; else EPERM, said as
 * "<what> N KiB below min M KiB, <verdict>" (or above max).
 */
int
balloon_try_target(struct balloon_xenbus_softc *sc, uint64_t kb,
    const char *what, const char *verdict)
{
	uint64_t max, max_kb;
	int error = 0;

	mutex_enter(&sc->sc_lock);
	if (kb > BALLOON_PAGES_TO_KB(sc->sc_max_pages)) {
		/* Ask Xen only past the last answer: it may have risen. */
		mutex_exit(&sc->sc_lock);
		max = xenmem_get_reservation(XENMEM_maximum_reservation);
		mutex_enter(&sc->sc_lock);
		sc->sc_max_pages = max;
	}
	max_kb = BALLOON_PAGES_TO_KB(sc->sc_max_pages);
	if (kb < sc->sc_min_kb) {
		device_printf(sc->sc_dev, "%s %" PRIu64 " KiB below min %"
		    PRIu64 " KiB, %s\n", what, kb, sc->sc_min_kb, verdict);
		error = EPERM;
	} else if (kb > max_kb) {
		device_printf(sc->sc_dev, "%s %" PRIu64 " KiB above max %"
		    PRIu64 " KiB, %s\n", what, kb, max_kb, verdict);
		error = EPERM;
	} else {
		balloon_set_target(sc, BALLOON_KB_TO_PAGES(kb));
		sc->sc_oom_short = false;	/* max_pages may have moved */
	}
	mutex_exit(&sc->sc_lock);
	return error;
}

/* Record a validated target (pages) and wake the thread. */
void
balloon_set_target(struct balloon_xenbus_softc *sc, uint64_t pages)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	if (pages > sc->sc_physmem) {
		if (!sc->sc_clipped)
			device_printf(sc->sc_dev, "target %" PRIu64 " KiB "
			    "beyond the RAM the guest can have, clipped to "
			    "%" PRIu64 " KiB\n", BALLOON_PAGES_TO_KB(pages),
			    BALLOON_PAGES_TO_KB(sc->sc_physmem));
		sc->sc_clipped = true;
	} else
		sc->sc_clipped = false;
	sc->sc_target = pages;
	sc->sc_tgen++;
	if (sc->sc_oom == 0)
		sc->sc_oom_said = false;
	if (sc->sc_state == BALLOON_STATE_STALLED) {
		sc->sc_state = BALLOON_STATE_IDLE;
		sc->sc_error = 0;
	}
	cv_broadcast(&sc->sc_cv);
}

/*
 * A KiB value from xenstore: decimal digits only, no sign, no spaces,
 * no overflow.  0, EINVAL or ERANGE.
 */
int
balloon_parse_kb(const char *s, uint64_t *kbp)
{
	uint64_t v = 0;
	u_int d;

	if (*s == '\0')
		return EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return EINVAL;
		d = (u_int)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return ERANGE;
		v = v * 10 + d;
	}
	*kbp = v;
	return 0;
}

/*
 * memory/target changed, or the watch was just set.  Validate and
 * record; the thread does the work.
 */
static void
balloon_xenbus_watcher(struct xenbus_watch *watch, const char **vec,
    unsigned int len)
{
	struct balloon_xenbus_softc *sc = balloon_sc;
	char buf[32];
	uint64_t kb;
	int error;

	if (sc == NULL)
		return;
	error = xenbus_read(NULL, "memory", "target", buf, sizeof(buf));
	if (error == ENOENT)
		return;		/* no target: nothing asked */
	if (error == 0)
		error = balloon_parse_kb(buf, &kb);
	else if (error == ERANGE)
		buf[0] = '\0';
	if (error != 0) {
		device_printf(sc->sc_dev,
		    "memory/target \"%s\" not a KiB value (error %d), "
		    "ignored\n", error == ERANGE && buf[0] == '\0' ?
		    "(too long)" : buf, error);
		return;
	}
	(void)balloon_try_target(sc, kb, "memory/target", "ignored");
}

/*
 * The balloon thread: move the reservation to the target, one batch at
 * a time, backing off when Xen does less than asked.
 */
static void
balloon_thread(void *cookie)
{
	struct balloon_xenbus_softc *sc = cookie;
	struct balloon_tstate ts;

	memset(&ts, 0, sizeof(ts));
	ts.ts_pub_oom = -1;
	mutex_enter(&sc->sc_lock);
	while (!sc->sc_started && !sc->sc_dying)
		cv_wait(&sc->sc_cv, &sc->sc_lock);
	ts.ts_tgen = sc->sc_tgen;
	while (balloon_wait(sc, &ts))
		balloon_step(sc, &ts);
	mutex_exit(&sc->sc_lock);
	kthread_exit(0);
}

/*
 * Wait until there is a batch to move: true then, false when the
 * balloon is going away.  Publishes where the balloon got to before it
 * sleeps; a stalled balloon tries again every sc_retry_s.
 */
static bool
balloon_wait(struct balloon_xenbus_softc *sc, struct balloon_tstate *ts)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	while (!sc->sc_dying) {
		if (sc->sc_suspended) {
			if (sc->sc_oom_busy)
				balloon_oom_end(sc);
			sc->sc_parked = true;
			cv_broadcast(&sc->sc_parkcv);
			cv_wait(&sc->sc_cv, &sc->sc_lock);
			continue;
		}
		if (sc->sc_tgen != ts->ts_tgen)
			balloon_new_target(sc, ts);
		if (balloon_goal(sc) == sc->sc_npages) {
			balloon_idle(sc, ts);
			continue;
		}
		ts->ts_stalled = sc->sc_state == BALLOON_STATE_STALLED &&
		    ts->ts_stallgen == ts->ts_tgen;
		if (!ts->ts_stalled)
			return true;
		if (balloon_publish(sc, ts))
			continue;
		/*
		 * Nothing tells us the host has memory again: try once
		 * more after a long wait, staying stalled.
		 */
		if (balloon_oom_sleep(sc, mstohz(sc->sc_retry_s * 1000)) !=
		    EWOULDBLOCK ||
		    sc->sc_dying || sc->sc_tgen != ts->ts_tgen)
			continue;
		BALLOON_EVCNT_ADD(&sc->sc_ev_retries, 1);
		if (balloon_goal(sc) != sc->sc_npages)
			return true;
	}
	return false;
}

/* A new target: a fresh start. */
static void
balloon_new_target(struct balloon_xenbus_softc *sc,
    struct balloon_tstate *ts)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	ts->ts_tgen = sc->sc_tgen;
	ts->ts_fruitless = 0;
	ts->ts_complained = false;
	sc->sc_delay_ms = 0;
	sc->sc_order = BALLOON_SUPER_ORDER;
	sc->sc_refused = NULL;
	/* Another target than the OOM one: it wins. */
	if (ts->ts_tgen != sc->sc_oom_tgen && sc->sc_oom_busy)
		balloon_oom_end(sc);
}

/*
 * At the goal: end a deflation on OOM (or chain the next step while the
 * guest is still short), say where the balloon got to, then sleep until
 * woken, looking at free memory every tick while deflate on OOM or
 * reporting needs it.  The caller looks again.
 */
static void
balloon_idle(struct balloon_xenbus_softc *sc, struct balloon_tstate *ts)
{
	size_t n;

	KASSERT(mutex_owned(&sc->sc_lock));
	if (sc->sc_oom_busy) {
		balloon_oom_end(sc);
		balloon_oom_check(sc);
		if (sc->sc_oom_busy)
			return;
	}
	/* Where it got to, for dom0, before it is idle. */
	if (balloon_publish(sc, ts))
		return;
	if (sc->sc_state != BALLOON_STATE_STALLED)
		sc->sc_state = BALLOON_STATE_IDLE;
	if (!balloon_oom_watching(sc)) {
		cv_wait(&sc->sc_cv, &sc->sc_lock);
		return;
	}
	(void)cv_timedwait(&sc->sc_cv, &sc->sc_lock, 1);
	balloon_oom_check(sc);
	/* Reported runs back while the guest stays short. */
	while (balloon_report_short(sc) && !sc->sc_dying) {
		mutex_exit(&sc->sc_lock);
		n = balloon_report_pressure(sc);
		mutex_enter(&sc->sc_lock);
		if (n == 0)
			break;
	}
}

/* One batch, in or out; sc_lock is dropped for the hypercalls. */
static void
balloon_step(struct balloon_xenbus_softc *sc, struct balloon_tstate *ts)
{
	uint64_t goal = balloon_goal(sc);
	size_t want, done;
	u_int order;
	bool inflate;
	int error = 0;

	inflate = goal > sc->sc_npages;
	want = balloon_batch(sc, inflate, inflate ?
	    goal - sc->sc_npages : sc->sc_npages - goal, &order);
	if (!ts->ts_stalled && sc->sc_state != BALLOON_STATE_BACKOFF)
		sc->sc_state = inflate ? BALLOON_STATE_INFLATING :
		    BALLOON_STATE_DEFLATING;
	mutex_exit(&sc->sc_lock);
	done = inflate ? balloon_inflate(sc, want, order, &error) :
	    balloon_deflate(sc, want, order, &error);
	mutex_enter(&sc->sc_lock);
	balloon_after_step(sc, ts, inflate, want, done, error);
}

/* What a batch did decides the next: go on, back off, stall or stop. */
static void
balloon_after_step(struct balloon_xenbus_softc *sc,
    struct balloon_tstate *ts, bool inflate, size_t want, size_t done,
    int error)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	if (!inflate && sc->sc_oom_busy) {
		BALLOON_EVCNT_ADD(&sc->sc_ev_oom_pages, done);
		balloon_oom_arrived(sc, done);
	}
	/* EAGAIN: superpages are out, the rest goes at order 0. */
	if (done == want && sc->sc_refused != NULL) {
		/* Single pages come: it was the order, not memory. */
		device_printf(sc->sc_dev, "%s: order-%d extents refused, "
		    "using single pages\n", sc->sc_refused,
		    BALLOON_SUPER_ORDER);
		sc->sc_refused = NULL;
	} else if (done < want && error != EAGAIN)
		sc->sc_refused = NULL;	/* the host is short */
	if (ts->ts_stalled && (done > 0 || error == EAGAIN)) {
		device_printf(sc->sc_dev, "%s: resumed after a stall\n",
		    inflate ? "inflate" : "deflate");
		sc->sc_error = 0;
	}
	if (done == want || error == EAGAIN) {
		ts->ts_fruitless = 0;
		ts->ts_complained = false;
		sc->sc_delay_ms = 0;
		sc->sc_state = inflate ? BALLOON_STATE_INFLATING :
		    BALLOON_STATE_DEFLATING;
		return;
	}
	/* An OOM deflation stops where it got to: no retries. */
	if (!inflate && sc->sc_oom_busy && sc->sc_oom_tgen == ts->ts_tgen) {
		balloon_oom_short(sc);
		return;
	}
	if (!ts->ts_complained)
		device_printf(sc->sc_dev, "%s: %zu of %zu pages done "
		    "(error %d), backing off\n",
		    inflate ? "inflate" : "deflate", done, want, error);
	ts->ts_complained = true;
	if (done > 0)
		ts->ts_fruitless = 0;
	balloon_backoff(sc, ts, done == 0, error);
}

/* A short call: wait longer each fruitless time, then stall. */
static void
balloon_backoff(struct balloon_xenbus_softc *sc, struct balloon_tstate *ts,
    bool fruitless, int error)
{

	if (fruitless && ++ts->ts_fruitless > BALLOON_MAXRETRIES) {
		if (!ts->ts_stalled)
			device_printf(sc->sc_dev, "stalled at %" PRIu64
			    " KiB in the balloon, target %" PRIu64
			    " KiB (error %d), retrying every %d s\n",
			    BALLOON_PAGES_TO_KB(sc->sc_npages),
			    BALLOON_PAGES_TO_KB(sc->sc_target), error,
			    sc->sc_retry_s);
		sc->sc_state = BALLOON_STATE_STALLED;
		sc->sc_error = error;
		sc->sc_delay_ms = 0;
		ts->ts_stallgen = ts->ts_tgen;
		return;
	}
	sc->sc_delay_ms = sc->sc_delay_ms == 0 ? BALLOON_BACKOFF_MS :
	    MIN(sc->sc_delay_ms * 2, BALLOON_BACKOFF_MAX_MS);
	sc->sc_state = BALLOON_STATE_BACKOFF;
	(void)balloon_oom_sleep(sc, mstohz(sc->sc_delay_ms));
	if (!sc->sc_dying && sc->sc_tgen == ts->ts_tgen)
		BALLOON_EVCNT_ADD(&sc->sc_ev_retries, 1);
}

/*
 * The target and deflate_on_oom, for dom0 to read under data/ (the
 * guest's own directory under libxl), if they changed: true then.
 * Drops sc_lock to write.  A failed write is said once, not retried.
 */
static bool
balloon_publish(struct balloon_xenbus_softc *sc, struct balloon_tstate *ts)
{
	uint64_t target = sc->sc_target;
	int oom = sc->sc_oom, error;
	char buf[32];

	KASSERT(mutex_owned(&sc->sc_lock));
	if (target == ts->ts_pub_target && oom == ts->ts_pub_oom)
		return false;
	mutex_exit(&sc->sc_lock);
	if (oom != ts->ts_pub_oom) {
		error = xenbus_write(NULL, BALLOON_XS_DIR, BALLOON_XS_OOM,
		    oom ? "1" : "0");
		if (error != 0 && ts->ts_pub_oom == -1)
			aprint_verbose_dev(sc->sc_dev, "cannot write %s/%s: "
			    "error %d\n", BALLOON_XS_DIR, BALLOON_XS_OOM,
			    error);
	}
	if (target != ts->ts_pub_target) {
		snprintf(buf, sizeof(buf), "%" PRIu64,
		    BALLOON_PAGES_TO_KB(target));
		(void)xenbus_write(NULL, BALLOON_XS_DIR, BALLOON_XS_TARGET,
		    buf);
	}
	ts->ts_pub_target = target;
	ts->ts_pub_oom = oom;
	mutex_enter(&sc->sc_lock);
	return true;
}

/* Pages the balloon should hold for the current target. */
static uint64_t
balloon_goal(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	if (sc->sc_target >= sc->sc_physmem)
		return 0;
	return sc->sc_physmem - sc->sc_target;
}

/* Pages in the balloon that uvm knows: those that deflating returns. */
static uint64_t
balloon_listed(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	return sc->sc_npages - sc->sc_unplugged;
}

/*
 * The next batch: pages to move, at most one page of frame numbers, and
 * at which order.  Order 9 needs at least a run's worth to move, and on
 * the way back to an auto-translated guest, runs held whole.
 */
static size_t
balloon_batch(struct balloon_xenbus_softc *sc, bool inflate, uint64_t want,
    u_int *orderp)
{
	uint64_t ext;

	/* Pages uvm knows first; then RAM still to plug. */
	if (!inflate && balloon_listed(sc) > 0)
		want = MIN(want, balloon_listed(sc));
	ext = sc->sc_order == 0 ? 0 : want / BALLOON_SUPER_PAGES;
	if (!inflate && !sc->sc_pv)
		ext = MIN(ext, sc->sc_nruns);
	/* Out of memory, the guest uses the first batch while the next come. */
	if (!inflate && sc->sc_oom_busy)
		ext = MIN(ext, sc->sc_oom_coming == sc->sc_oom_want ?
		    BALLOON_OOM_FIRST : BALLOON_OOM_BATCH);
	if (ext == 0) {
		*orderp = 0;
		return (size_t)MIN(want, BALLOON_DELTA);
	}
	*orderp = BALLOON_SUPER_ORDER;
	return (size_t)MIN(ext, BALLOON_DELTA) * BALLOON_SUPER_PAGES;
}

/*
 * Xen did less than asked at order 9: order 0 until the target changes.
 * Said only once single pages are seen to work, for a host merely out
 * of memory refuses those too.
 */
static void
balloon_refused(struct balloon_xenbus_softc *sc, const char *op)
{

	if (sc->sc_order != 0)
		sc->sc_refused = op;
	sc->sc_order = 0;
}

/* Of n pages, those inflation may take now: never into balloon_keep(). */
static size_t
balloon_spare(struct balloon_xenbus_softc *sc, size_t n)
{
	uint64_t freepg, keep;

	mutex_enter(&sc->sc_lock);
	keep = balloon_keep(sc);
	mutex_exit(&sc->sc_lock);
	if (keep == 0)
		return n;
	freepg = (uint64_t)uvm_availmem(false);
	if (freepg <= keep)
		return 0;
	return MIN(n, (size_t)(freepg - keep));
}

/*
 * Give up to n pages to Xen.  Pages Xen took go into the balloon, the
 * others back to uvm.  Returns the pages given.
 */
static size_t
balloon_inflate(struct balloon_xenbus_softc *sc, size_t n, u_int order,
    int *errorp)
{
	struct vm_page *pg;
	size_t got, done, limit, i;

	if (order != 0)
		return balloon_inflate_super(sc, n / BALLOON_SUPER_PAGES,
		    errorp);
	KASSERT(n <= BALLOON_DELTA);
	limit = balloon_spare(sc, n);
	for (got = 0; got < limit; got++) {
		if ((pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO)) == NULL)
			break;
		sc->sc_batch[got] = pg;
		sc->sc_frames[got] = balloon_xen_frame(sc, VM_PAGE_TO_PHYS(pg));
	}
	if (got == 0) {
		*errorp = ENOMEM;
		return 0;
	}
	done = balloon_reservation_op(sc, XENMEM_decrease_reservation,
	    sc->sc_frames, got, 0);
	for (i = 0; i < got; i++) {
		pg = sc->sc_batch[i];
		if (i >= done) {
			uvm_pagefree(pg);
			continue;
		}
		balloon_p2m_unmap(sc, VM_PAGE_TO_PHYS(pg));
		balloon_push(&sc->sc_pages, pg);
	}
	balloon_moved(sc, done, true);
	if (done < n)
		*errorp = got < n ? ENOMEM : EBUSY;
	return done;
}

/*
 * Give up to n runs of 512 pages to Xen, as order-9 extents where
 * possible, and page by page where not.  Returns the pages given.
 */
static size_t
balloon_inflate_super(struct balloon_xenbus_softc *sc, size_t n,
    int *errorp)
{
	struct pglist pl;
	struct vm_page *pg;
	size_t got, nsuper, done, given, limit, i;

	KASSERT(n > 0 && n <= BALLOON_DELTA);
	/* Runs reported free are Xen's already: they join the balloon. */
	if ((got = balloon_report_adopt(sc, n)) > 0) {
		if (got < n)
			*errorp = EAGAIN;	/* the rest from uvm, next */
		return got * BALLOON_SUPER_PAGES;
	}
	limit = balloon_spare(sc, n * BALLOON_SUPER_PAGES) /
	    BALLOON_SUPER_PAGES;
	for (got = 0; got < limit; got++) {
		if (uvm_pglistalloc(ptoa(BALLOON_SUPER_PAGES), 0,
		    ptoa(physmem), ptoa(BALLOON_SUPER_PAGES), 0, &pl, 1,
		    0) != 0)
			break;
		sc->sc_batch[got] = TAILQ_FIRST(&pl);
	}
	if (got < n) {
		/* uvm has no more aligned runs: single pages from now. */
		sc->sc_order = 0;
		*errorp = EAGAIN;
	}
	if (got == 0)
		return 0;

	/* On PV, runs whose machine frames are not one extent go last. */
	nsuper = got;
	if (sc->sc_pv) {
		for (i = 0, nsuper = 0; i < got; i++) {
			if (!balloon_mcontig(sc->sc_batch[i]))
				continue;
			pg = sc->sc_batch[nsuper];
			sc->sc_batch[nsuper++] = sc->sc_batch[i];
			sc->sc_batch[i] = pg;
		}
	}
	done = balloon_give_runs(sc, nsuper);
	if (done < nsuper) {
		balloon_refused(sc, "inflate");
		*errorp = EAGAIN;
	}

	/* The rest page by page, a run per call, while Xen takes them. */
	given = done * BALLOON_SUPER_PAGES;
	for (i = done; i < got; i++) {
		if (given == i * BALLOON_SUPER_PAGES) {
			balloon_zero_run(sc->sc_batch[i]);
			given += balloon_give_run(sc, sc->sc_batch[i]);
			if (given == (i + 1) * BALLOON_SUPER_PAGES)
				continue;
			*errorp = EBUSY;
		} else
			balloon_free_run(sc->sc_batch[i]);
	}
	return given;
}

/*
 * Runs sc_batch[0..n-1] to Xen at order 9, a call at a time, each after
 * zeroing at most BALLOON_ZERO_BATCH pages, so that the first frames
 * leave early.  Stops at the first short call; the runs Xen did not
 * take are zeroed, or not, as they stand.  Returns the runs given.
 */
static size_t
balloon_give_runs(struct balloon_xenbus_softc *sc, size_t n)
{
	size_t done, asked, k, i, j;
	paddr_t pa;

	for (done = 0; done < n; done += k) {
		for (asked = 0; done + asked < n &&
		    asked * BALLOON_SUPER_PAGES < BALLOON_ZERO_BATCH; asked++) {
			balloon_zero_run(sc->sc_batch[done + asked]);
			sc->sc_frames[asked] = balloon_xen_frame(sc,
			    VM_PAGE_TO_PHYS(sc->sc_batch[done + asked]));
		}
		k = balloon_reservation_op(sc, XENMEM_decrease_reservation,
		    sc->sc_frames, asked, BALLOON_SUPER_ORDER);
		for (j = done; j < done + k; j++) {
			pa = VM_PAGE_TO_PHYS(sc->sc_batch[j]);
			for (i = 0; i < BALLOON_SUPER_PAGES; i++)
				balloon_p2m_unmap(sc, pa + ptoa(i));
			balloon_push(&sc->sc_runs, sc->sc_batch[j]);
			sc->sc_nruns++;
		}
		balloon_moved(sc, k * BALLOON_SUPER_PAGES, true);
		if (k < asked)
			return done + k;
	}
	return done;
}

/* A run's 512 pages at order 0.  Returns the pages Xen took. */
static size_t
balloon_give_run(struct balloon_xenbus_softc *sc, struct vm_page *run)
{
	paddr_t pa, base = VM_PAGE_TO_PHYS(run);
	size_t done, j;

	KASSERT(BALLOON_SUPER_PAGES <= BALLOON_DELTA);
	for (j = 0; j < BALLOON_SUPER_PAGES; j++)
		sc->sc_frames[j] = balloon_xen_frame(sc, base + ptoa(j));
	done = balloon_reservation_op(sc, XENMEM_decrease_reservation,
	    sc->sc_frames, BALLOON_SUPER_PAGES, 0);
	/* Taken whole, it stays a run: it may come back in one extent. */
	if (done == BALLOON_SUPER_PAGES) {
		balloon_push(&sc->sc_runs, run);
		sc->sc_nruns++;
	}
	for (j = 0; j < BALLOON_SUPER_PAGES; j++) {
		pa = base + ptoa(j);
		if (j >= done)
			uvm_pagefree(PHYS_TO_VM_PAGE(pa));
		else {
			balloon_p2m_unmap(sc, pa);
			if (done < BALLOON_SUPER_PAGES)
				balloon_push(&sc->sc_pages,
				    PHYS_TO_VM_PAGE(pa));
		}
	}
	balloon_moved(sc, done, true);
	return done;
}

/*
 * Zero a run before it goes: Xen must see none of our data.  uvm keeps
 * no "known zero" state for free pages, so every page is zeroed.
 */
void
balloon_zero_run(struct vm_page *run)
{
	paddr_t pa = VM_PAGE_TO_PHYS(run);
	size_t j;

	for (j = 0; j < BALLOON_SUPER_PAGES; j++)
		pmap_zero_page(pa + ptoa(j));
}

/*
 * Take up to n pages back from Xen, out of the balloon, and return them
 * to uvm.  Returns the pages taken back.
 */
static size_t
balloon_deflate(struct balloon_xenbus_softc *sc, size_t n, u_int order,
    int *errorp)
{
	struct vm_page *pg;
	uint64_t listed;
	size_t done, i;

	mutex_enter(&sc->sc_lock);
	listed = balloon_listed(sc);
	mutex_exit(&sc->sc_lock);
	/* Only RAM uvm does not have yet is left: plug some. */
	if (listed == 0)
		return balloon_plug(sc, n, order, errorp);
	KASSERT(n <= listed);
	if (order != 0)
		return balloon_deflate_super(sc, n / BALLOON_SUPER_PAGES,
		    errorp);
	KASSERT(n <= BALLOON_DELTA);
	/* Single pages are taken first; split whole runs when short. */
	while (listed - sc->sc_nruns * BALLOON_SUPER_PAGES < n)
		balloon_split(sc);

	/* On PV, Xen picks the machine frames and writes them back. */
	n = balloon_peek(sc, n);
	done = balloon_reservation_op(sc, sc->sc_pv ?
	    XENMEM_increase_reservation : XENMEM_populate_physmap,
	    sc->sc_frames, n, 0);
	if (sc->sc_pv && done > 0) {
		balloon_p2m_begin();
		for (i = 0; i < done; i++)
			balloon_p2m_map(VM_PAGE_TO_PHYS(sc->sc_batch[i]),
			    ptoa(sc->sc_frames[i]));
		balloon_p2m_end();
	}
	for (i = 0; i < done; i++) {
		pg = balloon_pop(&sc->sc_pages);
		KASSERT(pg == sc->sc_batch[i]);
	}
	balloon_moved(sc, done, false);
	/*
	 * Xen does not promise to scrub what it hands out: the frames may
	 * hold another domain's data.  uvm zeroes a page before it promises
	 * one zeroed.
	 */
	for (i = 0; i < done; i++)
		uvm_pagefree(sc->sc_batch[i]);
	if (done < n)
		*errorp = ENOMEM;
	return done;
}

/*
 * The top n single pages into sc_batch, in the order balloon_pop()
 * returns them, and the frames to ask for into sc_frames: our own frame
 * numbers, or on PV none (Xen writes the machine frames there).
 */
static size_t
balloon_peek(struct balloon_xenbus_softc *sc, size_t n)
{
	struct vm_page *pg;
	size_t i = 0;

	TAILQ_FOREACH(pg, &sc->sc_pages, pageq.queue) {
		if (i == n)
			break;
		sc->sc_frames[i] = sc->sc_pv ? 0 : atop(VM_PAGE_TO_PHYS(pg));
		sc->sc_batch[i++] = pg;
	}
	return i;
}

/*
 * Take up to n order-9 extents back: on an auto-translated guest at the
 * runs the balloon holds whole, on PV at any 512 ballooned pages each.
 * Returns the pages taken back.
 */
static size_t
balloon_deflate_super(struct balloon_xenbus_softc *sc, size_t n,
    int *errorp)
{
	size_t done, i, j;

	KASSERT(n > 0 && n <= BALLOON_DELTA);
	if (sc->sc_pv) {
		/* Xen picks an aligned machine run per extent. */
		memset(sc->sc_frames, 0, n * sizeof(*sc->sc_frames));
	} else {
		KASSERT(n <= sc->sc_nruns);
		for (i = 0; i < n; i++) {
			sc->sc_batch[i] = balloon_pop(&sc->sc_runs);
			sc->sc_nruns--;
			sc->sc_frames[i] =
			    atop(VM_PAGE_TO_PHYS(sc->sc_batch[i]));
		}
	}
	done = balloon_reservation_op(sc, sc->sc_pv ?
	    XENMEM_increase_reservation : XENMEM_populate_physmap,
	    sc->sc_frames, n, BALLOON_SUPER_ORDER);
	/* Runs Xen did not fill stay ballooned, as single pages. */
	for (i = n; !sc->sc_pv && i-- > done;)
		for (j = BALLOON_SUPER_PAGES; j-- > 0;)
			balloon_push(&sc->sc_pages, PHYS_TO_VM_PAGE(
			    VM_PAGE_TO_PHYS(sc->sc_batch[i]) + ptoa(j)));
	balloon_moved(sc, done * BALLOON_SUPER_PAGES, false);

	if (sc->sc_pv)
		balloon_place_pv(sc, done);
	else
		for (i = 0; i < done; i++)
			balloon_free_run(sc->sc_batch[i]);
	if (done < n) {
		balloon_refused(sc, "deflate");
		*errorp = EAGAIN;
	}
	return done * BALLOON_SUPER_PAGES;
}

/* A whole run from the top of the runs into the single pages. */
static void
balloon_split(struct balloon_xenbus_softc *sc)
{
	paddr_t pa;
	size_t j;

	KASSERT(sc->sc_nruns > 0);
	pa = VM_PAGE_TO_PHYS(balloon_pop(&sc->sc_runs));
	sc->sc_nruns--;
	for (j = BALLOON_SUPER_PAGES; j-- > 0;)
		balloon_push(&sc->sc_pages, PHYS_TO_VM_PAGE(pa + ptoa(j)));
}

