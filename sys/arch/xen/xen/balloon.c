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
 * The Xen balloon driver: grows and shrinks the domain's memory
 * reservation at the hypervisor's request.
 *
 * The toolstack in dom0 writes the wanted size of the guest's RAM, in
 * KiB, to memory/target; root may also set it with the
 * machdep.xen.balloon.target sysctl.  The xenbus watch only validates and
 * records the new target; one kernel thread moves the reservation to it,
 * a batch of at most one page of frame numbers per hypercall:
 *
 * - inflate: take zeroed pages from uvm and give them to Xen
 *   (XENMEM_decrease_reservation);
 * - deflate: take frames back (XENMEM_increase_reservation on PV, which
 *   returns machine frames for the P2M; XENMEM_populate_physmap of the
 *   guest's own frame numbers when the physmap is auto-translated) and
 *   return the pages to uvm.
 *
 * While at least 2 MiB remain to move, memory moves in order-9 extents
 * (superpages, the largest a domU may use): an aligned run of 512 pages
 * from uvm_pglistalloc() on the way out (on PV only if its machine
 * frames are contiguous and aligned too; else page by page), and on the
 * way back a run the balloon holds whole (auto-translated) or any 512
 * ballooned pages behind the aligned machine run Xen returns (PV).  When
 * uvm has no such run, or Xen does less than asked at order 9, what was
 * done is kept, the rest is split into pages and order 0 is used until
 * the target changes.
 *
 * A hypercall that does less than asked is normal (the host is short of
 * memory, or max_pages was reached): whatever was done is kept and
 * accounted for, the thread backs off and retries, and after a number of
 * fruitless retries it stalls: it tries again once a minute (or as
 * machdep.xen.balloon.retry says), since Xen tells a guest nothing when
 * host memory frees up, and resumes when a try succeeds or the target
 * changes.
 *
 * The target counts guest RAM.  The reservation may hold frames beyond
 * it (a PVH guest's builder pages), measured once at attach as the
 * "slack" and left alone.  The balloon holds only pages uvm knows, so
 * the guest grows up to its memory map, maxmem, and no further.  A
 * domain created below maxmem starts with the rest of the map in the
 * balloon: an auto-translated one (populate-on-demand) balloons it out
 * at attach; on a PV one, with options UVM_HOTPLUG, the driver
 * populates the rest and then plugs it into uvm (uvm_physseg_plug) as
 * the target grows.
 *
 * The balloon's pages are linked through their own struct vm_page:
 * moving memory never allocates.
 *
 * Deflate on OOM (machdep.xen.balloon.deflate_on_oom): the balloon's
 * batch buffers come from a pool(9) whose drain hook the page daemon's
 * pool drainer runs when free pages are short, NetBSD's way of telling
 * a subsystem.  If
 * the option is on, the hook raises the target by the shortfall below
 * uvmexp.freetarg plus freetarg again, doubled while the guest eats
 * each step faster than 16 MiB a second, and the thread moves it at
 * once in the largest batches it has.  What the deflation reached
 * becomes the target (max_pages may stop it: said once, counted), published in
 * data/balloon-target; the next target from dom0 or root wins again,
 * and inflation then stops where free pages would fall below freetarg.
 * With the option on, ballooned memory counts as used (inflated_free);
 * with it off, as gone from the guest's total (inflated_total), as
 * Linux accounts it; uvm's own totals are left alone.
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
#include <sys/kmem.h>
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
#ifdef XENPV
#include <xen/xenpmap.h>

#include <machine/bootinfo.h>
#endif

#include "locators.h"

/* Frame numbers per hypercall: one page of them. */
#define BALLOON_DELTA		(PAGE_SIZE / sizeof(xen_pfn_t))

/* Entries of the memory map read at attach (PV). */
#define BALLOON_MEMMAP_MAX	128

/* Superpages: 2 MiB extents, the largest order Xen allows a domU. */
#define BALLOON_SUPER_ORDER	9
#define BALLOON_SUPER_PAGES	((size_t)1 << BALLOON_SUPER_ORDER)

/* Pages zeroed at most before an inflating call: the first leave early. */
#define BALLOON_ZERO_BATCH	4096

/* Pages kept free beyond uvm's own minimum; the floor of "min". */
#define BALLOON_BALLAST		256
#define BALLOON_FLOOR		((uint64_t)uvmexp.freemin + BALLOON_BALLAST)

#define PAGE_SIZE_KB		(PAGE_SIZE >> 10)
#define BALLOON_PAGES_TO_KB(p)	((uint64_t)(p) * PAGE_SIZE_KB)
#define BALLOON_KB_TO_PAGES(k)	howmany((uint64_t)(k), PAGE_SIZE_KB)

/* Backoff after a short call: first delay, its bound, retries to stall. */
#define BALLOON_BACKOFF_MS	50
#define BALLOON_BACKOFF_MAX_MS	1000
#define BALLOON_MAXRETRIES	8

/* A stalled balloon's retry interval, in seconds: default and limits. */
#define BALLOON_RETRY_S		60
#define BALLOON_RETRY_MIN_S	1
#define BALLOON_RETRY_MAX_S	3600

/* Deflations on OOM double while the guest eats them this fast (KiB/s). */
#define BALLOON_OOM_RATE_KB	16384
/* How long the page daemon waits for a deflation on OOM, at most. */
#define BALLOON_OOM_WAIT_MS	1000

struct balloon_xenbus_softc {
	device_t		sc_dev;		/* const after attach */
	struct sysctllog	*sc_log;	/* attach/detach only */
	struct lwp		*sc_thread;	/* attach/detach only */
	bool			sc_pv;		/* const: we own a P2M */
	uint64_t		sc_physmem;	/* const: RAM in the map */
	uint64_t		sc_slack;	/* const: reservation - RAM */

	kmutex_t		sc_lock;
	kcondvar_t		sc_cv;		/* wakes the thread; sc_lock */
	kcondvar_t		sc_parkcv;	/* thread parked; sc_lock */
	kcondvar_t		sc_oomcv;	/* OOM deflation moved; sc_lock */
	bool			sc_started;	/* sc_lock: attach is done */
	bool			sc_dying;	/* sc_lock */
	bool			sc_watched;	/* attach/detach only */
	bool			sc_suspended;	/* sc_lock: no hypercalls */
	bool			sc_parked;	/* sc_lock: thread obeys it */
	uint64_t		sc_target;	/* sc_lock: RAM wanted, pages */
	uint64_t		sc_min_kb;	/* sc_lock: min target, KiB */
	uint64_t		sc_tgen;	/* sc_lock: bumped per target */
	uint64_t		sc_npages;	/* sc_lock: pages in balloon */
	uint64_t		sc_unplugged;	/* sc_lock: of them, not in uvm */
	bool			sc_clipped;	/* sc_lock: clip logged */
	int			sc_retry_s;	/* sc_lock: stall retry, s */

	/* deflate on OOM, sc_lock */
	int			sc_oom;		/* deflate_on_oom: 0 or 1 */
	bool			sc_oom_busy;	/* an OOM deflation is on */
	bool			sc_oom_short;	/* and did not reach it */
	bool			sc_oom_said;	/* max_pages logged */
	uint64_t		sc_oom_tgen;	/* sc_tgen it set */
	uint64_t		sc_oom_want;	/* pages it asked for */
	int			sc_oom_ticks;	/* when it ended */

	/* statistics, sc_lock */
	uint64_t		sc_inflated;	/* pages */
	uint64_t		sc_deflated;	/* pages */
	uint64_t		sc_hypercalls;
	uint64_t		sc_partial;
	uint64_t		sc_retries;
	uint64_t		sc_inflated_total; /* pages off the total */
	uint64_t		sc_inflated_free; /* pages counted as used */
	uint64_t		sc_oom_deflations;
	uint64_t		sc_oom_pages;
	uint64_t		sc_oom_maxpages; /* OOM deflations cut short */
	int			sc_state;	/* BALLOON_STATE_* */
	int			sc_error;	/* errno of the last stall */
	int			sc_delay_ms;	/* retry delay now, or 0 */

	/* the thread's own */
	u_int			sc_order;	/* largest order to use now */
	const char		*sc_refused;	/* op short at order 9, or NULL */
	struct pglist		sc_pages;	/* single pages, top first */
	struct pglist		sc_runs;	/* first pages of whole runs */
	uint64_t		sc_nruns;	/* runs held whole */
	xen_pfn_t		*sc_frames;	/* BALLOON_DELTA frames */
	struct vm_page		**sc_batch;	/* BALLOON_DELTA pages */

	/* free page reporting: sc_rlock, taken before sc_lock */
	kmutex_t		sc_rlock;
	kcondvar_t		sc_rcv;		/* wakes the reporter */
	struct lwp		*sc_rthread;	/* attach/detach only */
	bool			sc_rstarted;	/* sc_rlock: attach is done */
	bool			sc_rdying;	/* sc_rlock */
	bool			sc_rsuspended;	/* sc_rlock: no hypercalls */
	int			sc_reporting;	/* sc_rlock: 0 or 1 */
	bool			sc_rshort;	/* sc_rlock: return failed, said */
	struct pglist		sc_reported;	/* sc_rlock: first pages */
	uint64_t		sc_nreported;	/* both locks to write: pages */
	xen_pfn_t		*sc_rframes;	/* sc_rlock: a batch of runs */
	struct vm_page		**sc_rbatch;	/* sc_rlock: a batch of runs */
};

/* A read-only statistic: where it lives in the softc. */
struct balloon_stat {
	const char	*bs_name;
	const char	*bs_descr;
	size_t		bs_off;
	bool		bs_kb;		/* pages, shown in KiB */
};

static int	balloon_xenbus_match(device_t, cfdata_t, void *);
static void	balloon_xenbus_attach(device_t, device_t, void *);
static int	balloon_xenbus_detach(device_t, int);
static bool	balloon_xenbus_suspend(device_t, const pmf_qual_t *);
static bool	balloon_xenbus_resume(device_t, const pmf_qual_t *);

static void	balloon_thread(void *);
static size_t	balloon_batch(struct balloon_xenbus_softc *, bool, uint64_t,
		    u_int *);
static size_t	balloon_inflate(struct balloon_xenbus_softc *, size_t, u_int,
		    int *);
static size_t	balloon_inflate_super(struct balloon_xenbus_softc *, size_t,
		    int *);
static size_t	balloon_give_run(struct balloon_xenbus_softc *,
		    struct vm_page *);
static void	balloon_zero_run(struct vm_page *);
static bool	balloon_mcontig(struct vm_page *);
static xen_pfn_t balloon_xen_frame(struct balloon_xenbus_softc *, paddr_t);
static void	balloon_p2m_unmap(struct balloon_xenbus_softc *, paddr_t);
static void	balloon_p2m_begin(void);
static void	balloon_p2m_map(paddr_t, paddr_t);
static void	balloon_p2m_end(void);
static size_t	balloon_deflate(struct balloon_xenbus_softc *, size_t, u_int,
		    int *);
static size_t	balloon_deflate_super(struct balloon_xenbus_softc *, size_t,
		    int *);
static void	balloon_refused(struct balloon_xenbus_softc *, const char *);
static size_t	balloon_reservation_op(struct balloon_xenbus_softc *,
		    unsigned int, size_t, u_int);
static void	balloon_push(struct pglist *, struct vm_page *);
static struct vm_page *balloon_pop(struct pglist *);
static size_t	balloon_peek(struct pglist *, struct vm_page **, size_t);
static void	balloon_split(struct balloon_xenbus_softc *);
static uint64_t	balloon_goal(struct balloon_xenbus_softc *);
static void	balloon_set_target(struct balloon_xenbus_softc *, uint64_t);
static int	balloon_parse_kb(const char *, uint64_t *);
static uint64_t	xenmem_get_reservation(unsigned int);
static void	balloon_account(struct balloon_xenbus_softc *);
static size_t	balloon_spare(struct balloon_xenbus_softc *, size_t);
static void	balloon_pool_drain(void *, int);
static void	balloon_oom_start(struct balloon_xenbus_softc *, uint64_t);
static void	balloon_oom_end(struct balloon_xenbus_softc *);
static void	balloon_oom_short(struct balloon_xenbus_softc *);
static void	balloon_publish(struct balloon_xenbus_softc *, uint64_t,
		    int, uint64_t *, int *);

static uint64_t	balloon_pod_target(struct balloon_xenbus_softc *, uint64_t);
static void	balloon_pod_gap(struct balloon_xenbus_softc *);
static void	balloon_hotplug(struct balloon_xenbus_softc *);

static void	balloon_teardown(struct balloon_xenbus_softc *);
static uint64_t	balloon_listed(struct balloon_xenbus_softc *);
static size_t	balloon_plug(struct balloon_xenbus_softc *, size_t, u_int,
		    int *);

static int	balloon_report_attach(struct balloon_xenbus_softc *);
static void	balloon_report_start(struct balloon_xenbus_softc *);
static void	balloon_report_detach(struct balloon_xenbus_softc *);
static void	balloon_report_free(struct balloon_xenbus_softc *);
static void	balloon_report_suspend(struct balloon_xenbus_softc *, bool);
static void	balloon_report_thread(void *);
static uint64_t	balloon_report_excess(void);
static void	balloon_report_runs(struct balloon_xenbus_softc *);
static size_t	balloon_report_batch(struct balloon_xenbus_softc *, size_t);
static size_t	balloon_report_return(struct balloon_xenbus_softc *, size_t);
static size_t	balloon_report_adopt(struct balloon_xenbus_softc *, size_t);
static void	balloon_report_pressure(struct balloon_xenbus_softc *);
static int	balloon_report_sysctl(struct balloon_xenbus_softc *,
		    const struct sysctlnode *);
static int	balloon_sysctl_reporting(SYSCTLFN_PROTO);

static void	balloon_xenbus_watcher(struct xenbus_watch *, const char **,
		    unsigned int);
static int	balloon_sysctl_setup(struct balloon_xenbus_softc *);
static int	balloon_sysctl_current(SYSCTLFN_PROTO);
static int	balloon_sysctl_target(SYSCTLFN_PROTO);
static int	balloon_sysctl_min(SYSCTLFN_PROTO);
static int	balloon_sysctl_retry(SYSCTLFN_PROTO);
static int	balloon_sysctl_max(SYSCTLFN_PROTO);
static int	balloon_sysctl_oom(SYSCTLFN_PROTO);
static int	balloon_sysctl_qstat(SYSCTLFN_PROTO);
static int	balloon_sysctl_istat(SYSCTLFN_PROTO);

CFATTACH_DECL_NEW(balloon, sizeof(struct balloon_xenbus_softc),
    balloon_xenbus_match, balloon_xenbus_attach, balloon_xenbus_detach,
    NULL);

static struct xenbus_watch balloon_xenbus_watch = {
	.node = __UNCONST("memory/target"),
	.xbw_callback = balloon_xenbus_watcher,
};

/* There is one balloon per domain; the watch and sysctl find it here. */
static struct balloon_xenbus_softc *balloon_sc;

/* The batch buffers; the page daemon drains it when short. */
static struct pool balloon_buf_pool;

/* Counters: uint64_t members of the softc, CTLTYPE_QUAD nodes. */
static const struct balloon_stat balloon_qstats[] = {
	{ BALLOON_STAT_BALLOON, "Memory held by Xen now, in KiB",
	    offsetof(struct balloon_xenbus_softc, sc_npages), true },
	{ BALLOON_STAT_REPORTED, "Free memory reported to Xen now, in KiB",
	    offsetof(struct balloon_xenbus_softc, sc_nreported), true },
	{ BALLOON_STAT_INFLATED, "Memory given to Xen in total, in KiB",
	    offsetof(struct balloon_xenbus_softc, sc_inflated), true },
	{ BALLOON_STAT_DEFLATED, "Memory taken back in total, in KiB",
	    offsetof(struct balloon_xenbus_softc, sc_deflated), true },
	{ BALLOON_STAT_HYPERCALLS, "Reservation hypercalls made",
	    offsetof(struct balloon_xenbus_softc, sc_hypercalls), false },
	{ BALLOON_STAT_PARTIAL, "Hypercalls that did less than asked",
	    offsetof(struct balloon_xenbus_softc, sc_partial), false },
	{ BALLOON_STAT_RETRIES, "Retries after a backoff",
	    offsetof(struct balloon_xenbus_softc, sc_retries), false },
	{ BALLOON_STAT_INFLATED_TOTAL, "Ballooned memory taken off the "
	    "guest's total RAM (deflate_on_oom off), in KiB",
	    offsetof(struct balloon_xenbus_softc, sc_inflated_total), true },
	{ BALLOON_STAT_INFLATED_FREE, "Ballooned memory counted as used "
	    "(deflate_on_oom on), in KiB",
	    offsetof(struct balloon_xenbus_softc, sc_inflated_free), true },
	{ BALLOON_STAT_OOM_DEFLATIONS, "Deflations on out of memory",
	    offsetof(struct balloon_xenbus_softc, sc_oom_deflations), false },
	{ BALLOON_STAT_OOM_PAGES, "Pages they took back",
	    offsetof(struct balloon_xenbus_softc, sc_oom_pages), false },
	{ BALLOON_STAT_OOM_MAXPAGES, "Deflations on out of memory that "
	    "max_pages stopped",
	    offsetof(struct balloon_xenbus_softc, sc_oom_maxpages), false },
};

/* States: int members of the softc, CTLTYPE_INT nodes. */
static const struct balloon_stat balloon_istats[] = {
	{ BALLOON_STAT_STATE, "Thread state: 0 idle, 1 inflating, "
	    "2 deflating, 3 backoff, 4 stalled",
	    offsetof(struct balloon_xenbus_softc, sc_state), false },
	{ BALLOON_STAT_ERROR, "errno of the last stall, or 0",
	    offsetof(struct balloon_xenbus_softc, sc_error), false },
	{ BALLOON_STAT_DELAY, "Current retry delay, in ms, or 0",
	    offsetof(struct balloon_xenbus_softc, sc_delay_ms), false },
};

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
	uint64_t current, max;
	int error;

	aprint_normal(": Xen Balloon driver\n");

	sc->sc_dev = self;
#ifdef XENPV
	sc->sc_pv = !xen_feature(XENFEAT_auto_translated_physmap);
#else
	sc->sc_pv = false;
#endif
	sc->sc_order = BALLOON_SUPER_ORDER;
	sc->sc_physmem = physmem;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sc->sc_cv, "xenbal");
	cv_init(&sc->sc_parkcv, "xenbalpk");
	cv_init(&sc->sc_oomcv, "xenbaloom");
	TAILQ_INIT(&sc->sc_pages);
	TAILQ_INIT(&sc->sc_runs);
	/*
	 * The batch buffers come from a pool of the balloon's own: it has
	 * pages as long as the balloon is attached, so the page daemon's
	 * pool drainer visits it and its hook learns of memory shortage.
	 */
	pool_init(&balloon_buf_pool, PAGE_SIZE, 0, 0, 0, "xenbalbf", NULL,
	    IPL_NONE);
	pool_set_drain_hook(&balloon_buf_pool, balloon_pool_drain, sc);
	sc->sc_frames = pool_get(&balloon_buf_pool, PR_WAITOK);
	sc->sc_batch = pool_get(&balloon_buf_pool, PR_WAITOK);
	CTASSERT(BALLOON_DELTA * sizeof(xen_pfn_t) <= PAGE_SIZE);
	CTASSERT(BALLOON_DELTA * sizeof(struct vm_page *) <= PAGE_SIZE);

	current = xenmem_get_reservation(XENMEM_current_reservation);
	max = xenmem_get_reservation(XENMEM_maximum_reservation);
	sc->sc_target = balloon_pod_target(sc, current);
	sc->sc_slack = current > sc->sc_target ? current - sc->sc_target : 0;
	sc->sc_min_kb = BALLOON_PAGES_TO_KB(BALLOON_FLOOR);
	sc->sc_retry_s = BALLOON_RETRY_S;
	sc->sc_state = BALLOON_STATE_IDLE;

	aprint_normal_dev(self, "%s, current %" PRIu64 " KiB, "
	    "max %" PRIu64 " KiB, min %" PRIu64 " KiB\n",
	    sc->sc_pv ? "PV" : "auto-translated",
	    BALLOON_PAGES_TO_KB(current), BALLOON_PAGES_TO_KB(max),
	    sc->sc_min_kb);

	/*
	 * All that can fail comes first, while nothing is ballooned: a
	 * failed attach then undoes it all.  The threads wait for
	 * sc_started.
	 */
	balloon_sc = sc;
	if ((error = balloon_report_attach(sc)) != 0) {
		aprint_error_dev(self, "unable to create reporting thread: "
		    "error %d\n", error);
		goto fail;
	}
	if ((error = kthread_create(PRI_NONE, KTHREAD_MPSAFE |
	    KTHREAD_MUSTJOIN, NULL, balloon_thread, sc, &sc->sc_thread,
	    "xenballoon")) != 0) {
		aprint_error_dev(self, "unable to create balloon thread: "
		    "error %d\n", error);
		sc->sc_thread = NULL;
		goto fail;
	}
	if ((error = balloon_sysctl_setup(sc)) != 0) {
		aprint_error_dev(self, "unable to create sysctl nodes: "
		    "error %d\n", error);
		goto fail;
	}
	if ((error = register_xenbus_watch(&balloon_xenbus_watch)) != 0) {
		aprint_error_dev(self, "unable to watch memory/target: "
		    "error %d\n", error);
		goto fail;
	}
	sc->sc_watched = true;

	balloon_hotplug(sc);
	/* Before the gap goes out: inflating takes reported runs first. */
	balloon_pod_gap(sc);
	mutex_enter(&sc->sc_lock);
	sc->sc_started = true;
	cv_signal(&sc->sc_cv);
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
	return;

fail:
	balloon_teardown(sc);
	aprint_error_dev(self, "not attached, memory left as it is\n");
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
 * Undo what attach set up, in reverse, from wherever it got to.  The
 * ballooned frames stay with Xen, and their pages out of uvm: they
 * have no frame behind them.
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
	cv_signal(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	if (sc->sc_thread != NULL) {
		kthread_join(sc->sc_thread);
		sc->sc_thread = NULL;
	}
	/* No drain hook runs once the pool is gone. */
	pool_put(&balloon_buf_pool, sc->sc_frames);
	pool_put(&balloon_buf_pool, sc->sc_batch);
	pool_destroy(&balloon_buf_pool);
	balloon_report_detach(sc);
	balloon_sc = NULL;
	cv_destroy(&sc->sc_oomcv);
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
	cv_signal(&sc->sc_cv);
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
	cv_signal(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	balloon_report_suspend(sc, false);
	return true;
}

/*
 * XENMEM_current_reservation or XENMEM_maximum_reservation of this
 * domain, in pages.  Neither can fail for DOMID_SELF; a negative answer
 * reads as 0.
 */
static uint64_t
xenmem_get_reservation(unsigned int cmd)
{
	domid_t domid = DOMID_SELF;
	int ret;

	ret = HYPERVISOR_memory_op(cmd, &domid);
	return ret < 0 ? 0 : (uint64_t)ret;
}

/*
 * The target at attach, in pages: all of RAM, but for an auto-translated
 * domain created with memory below maxmem.  That one runs
 * populate-on-demand: its memory map shows maxmem, Xen backs only
 * memory/target of it (the reservation is below the map), and a touch
 * past that crashes it.
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
 * the target now, before anything touches one.  Pages uvm knows to be
 * zero are given untouched, so the frames Xen never backed stay so.
 */
static void
balloon_pod_gap(struct balloon_xenbus_softc *sc)
{
	uint64_t gap = sc->sc_physmem - sc->sc_target;
	size_t want, done;
	u_int order;
	int error;

	/* PV: RAM beyond boot memory is plugged only as it is wanted. */
	if (sc->sc_pv)
		return;
	while (sc->sc_npages < gap) {
		want = balloon_batch(sc, true, gap - sc->sc_npages, &order);
		error = 0;
		done = balloon_inflate(sc, want, order, &error);
		if (done == 0 && error != EAGAIN)
			break;
	}
	sc->sc_order = BALLOON_SUPER_ORDER;
	if (gap == 0)
		return;
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
 * PV: the memory map (libxl's covers maxmem) may reach beyond the RAM
 * the domain booted with.  With options UVM_HOTPLUG, that RAM counts as
 * ballooned, not yet in uvm: as the target grows past boot memory, the
 * driver populates it, then plugs it (balloon_plug), so that no page
 * ever reaches uvm's free lists without a frame behind it.  Without
 * the option, uvm cannot take RAM after boot and the guest stays
 * within its boot memory.
 */
static void
balloon_hotplug(struct balloon_xenbus_softc *sc)
{
#ifdef XENPV
	static struct bi_memmap_entry map[BALLOON_MEMMAP_MAX];
	struct xen_memory_map memmap;
	uint64_t top;
	u_int i;

	if (!sc->sc_pv)
		return;
	memmap.nr_entries = __arraycount(map);
	set_xen_guest_handle(memmap.buffer, map);
	/* No map (a toolstack that sets none): RAM is what we booted with. */
	if (HYPERVISOR_memory_op(XENMEM_memory_map, &memmap) != 0)
		return;
	top = 0;
	for (i = 0; i < memmap.nr_entries && i < __arraycount(map); i++)
		if (map[i].type == BIM_Memory)
			top = MAX(top, atop(map[i].addr + map[i].size));
	if (top <= sc->sc_physmem)
		return;
#ifdef UVM_HOTPLUG
	mutex_enter(&sc->sc_lock);
	sc->sc_unplugged = top - sc->sc_physmem;
	sc->sc_npages += sc->sc_unplugged;
	sc->sc_physmem = top;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);
	aprint_normal_dev(sc->sc_dev, "%" PRIu64 " KiB beyond boot memory, "
	    "plugged as the target grows\n",
	    BALLOON_PAGES_TO_KB(sc->sc_unplugged));
#else
	aprint_normal_dev(sc->sc_dev, "%" PRIu64 " KiB beyond boot memory "
	    "out of reach: no options UVM_HOTPLUG\n",
	    BALLOON_PAGES_TO_KB(top - sc->sc_physmem));
#endif
#endif
}

/*
 * PV, UVM_HOTPLUG: take up to n pages of RAM beyond what uvm has from
 * Xen, at the given order where the frames are so aligned, map them,
 * and only then plug them into uvm.  If uvm cannot take them, they go
 * back to Xen and the rest of the map stays out of reach.  Returns the
 * pages plugged.
 */
static size_t
balloon_plug(struct balloon_xenbus_softc *sc, size_t n, u_int order,
    int *errorp)
{
#if defined(XENPV) && defined(UVM_HOTPLUG)
	uint64_t pfn, i;
	size_t ext, done, pages;

	pfn = sc->sc_physmem - sc->sc_unplugged;
	n = MIN(n, sc->sc_unplugged);
	if (order != 0 && (pfn % BALLOON_SUPER_PAGES != 0 ||
	    n < BALLOON_SUPER_PAGES))
		order = 0;
	if (order == 0)
		n = MIN(n, MIN(BALLOON_DELTA,
		    BALLOON_SUPER_PAGES - pfn % BALLOON_SUPER_PAGES));
	ext = n >> order;
	memset(sc->sc_frames, 0, ext * sizeof(*sc->sc_frames));
	done = balloon_reservation_op(sc, XENMEM_increase_reservation, ext,
	    order);
	pages = done << order;
	if (pages == 0) {
		*errorp = ENOMEM;
		return 0;
	}
	balloon_p2m_begin();
	for (i = 0; i < pages; i++)
		balloon_p2m_map(ptoa(pfn + i),
		    ptoa(sc->sc_frames[i >> order] + (i & (((uint64_t)1 << order) - 1))));
	balloon_p2m_end();

	if (!uvm_physseg_plug(pfn, pages, NULL)) {
		for (i = 0; i < pages; i++)
			balloon_p2m_unmap(sc, ptoa(pfn + i));
		done = balloon_reservation_op(sc, XENMEM_decrease_reservation,
		    done, order);
		mutex_enter(&sc->sc_lock);
		device_printf(sc->sc_dev, "cannot plug %" PRIu64 " KiB into "
		    "uvm, %" PRIu64 " KiB of the memory map out of reach\n",
		    BALLOON_PAGES_TO_KB(pages),
		    BALLOON_PAGES_TO_KB(sc->sc_unplugged));
		if ((done << order) < pages)
			device_printf(sc->sc_dev, "%zu KiB Xen would not take "
			    "back stay charged, unused\n",
			    (size_t)BALLOON_PAGES_TO_KB(pages - (done << order)));
		sc->sc_npages -= sc->sc_unplugged;
		sc->sc_physmem -= sc->sc_unplugged;
		sc->sc_unplugged = 0;
		balloon_account(sc);
		mutex_exit(&sc->sc_lock);
		*errorp = ENOMEM;
		return 0;
	}
	mutex_enter(&sc->sc_lock);
	sc->sc_unplugged -= pages;
	sc->sc_npages -= pages;
	sc->sc_deflated += pages;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);
	if (pages < n)
		*errorp = ENOMEM;
	return pages;
#else
	*errorp = EOPNOTSUPP;
	return 0;
#endif
}

/* Pages in the balloon that uvm knows: those that deflating returns. */
static uint64_t
balloon_listed(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	return sc->sc_npages - sc->sc_unplugged;
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

/* Record a validated target (pages) and wake the thread. */
static void
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
	if (sc->sc_state == BALLOON_STATE_STALLED) {
		sc->sc_state = BALLOON_STATE_IDLE;
		sc->sc_error = 0;
	}
	cv_signal(&sc->sc_cv);
}

/*
 * A KiB value from xenstore: decimal digits only, no sign, no spaces,
 * no overflow.
 */
static int
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
	uint64_t kb, max_kb;
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

	max_kb = BALLOON_PAGES_TO_KB(
	    xenmem_get_reservation(XENMEM_maximum_reservation));
	mutex_enter(&sc->sc_lock);
	if (kb < sc->sc_min_kb) {
		device_printf(sc->sc_dev, "memory/target %" PRIu64 " KiB "
		    "below min %" PRIu64 " KiB, ignored\n", kb, sc->sc_min_kb);
	} else if (kb > max_kb) {
		device_printf(sc->sc_dev, "memory/target %" PRIu64 " KiB "
		    "above max %" PRIu64 " KiB, ignored\n", kb, max_kb);
	} else
		balloon_set_target(sc, BALLOON_KB_TO_PAGES(kb));
	mutex_exit(&sc->sc_lock);
}

/*
 * The balloon thread: move the reservation to the target, one batch at
 * a time, backing off when Xen does less than asked.
 */
static void
balloon_thread(void *cookie)
{
	struct balloon_xenbus_softc *sc = cookie;
	uint64_t goal, tgen, stallgen = 0, pub_target = 0;
	size_t want, done;
	u_int order, fruitless = 0;
	int error, pub_oom = -1;
	bool inflate, stalled, complained = false;

	mutex_enter(&sc->sc_lock);
	while (!sc->sc_started && !sc->sc_dying)
		cv_wait(&sc->sc_cv, &sc->sc_lock);
	tgen = sc->sc_tgen;
	while (!sc->sc_dying) {
		if (sc->sc_suspended) {
			sc->sc_parked = true;
			cv_broadcast(&sc->sc_parkcv);
			cv_wait(&sc->sc_cv, &sc->sc_lock);
			continue;
		}
		if (sc->sc_tgen != tgen) {
			/* A new target: a fresh start. */
			tgen = sc->sc_tgen;
			fruitless = 0;
			sc->sc_delay_ms = 0;
			complained = false;
			sc->sc_order = BALLOON_SUPER_ORDER;
			sc->sc_refused = NULL;
			/* Another target than the OOM one: it wins. */
			if (tgen != sc->sc_oom_tgen && sc->sc_oom_busy) {
				sc->sc_oom_busy = false;
				cv_broadcast(&sc->sc_oomcv);
			}
		}
		goal = balloon_goal(sc);
		if (goal == sc->sc_npages) {
			if (sc->sc_oom_busy)
				balloon_oom_end(sc);
			if (sc->sc_state != BALLOON_STATE_STALLED)
				sc->sc_state = BALLOON_STATE_IDLE;
			/* Where it got to, for dom0, before sleeping. */
			if (sc->sc_target != pub_target ||
			    sc->sc_oom != pub_oom) {
				balloon_publish(sc, sc->sc_target, sc->sc_oom,
				    &pub_target, &pub_oom);
				continue;
			}
			cv_wait(&sc->sc_cv, &sc->sc_lock);
			continue;
		}
		stalled = sc->sc_state == BALLOON_STATE_STALLED &&
		    stallgen == tgen;
		if (stalled) {
			if (sc->sc_target != pub_target ||
			    sc->sc_oom != pub_oom) {
				balloon_publish(sc, sc->sc_target, sc->sc_oom,
				    &pub_target, &pub_oom);
				continue;
			}
			/*
			 * Nothing tells us the host has memory again: try
			 * once more after a long wait, staying stalled.
			 */
			if (cv_timedwait(&sc->sc_cv, &sc->sc_lock,
			    mstohz(sc->sc_retry_s * 1000)) != EWOULDBLOCK ||
			    sc->sc_dying || sc->sc_tgen != tgen)
				continue;
			sc->sc_retries++;
			goal = balloon_goal(sc);
			if (goal == sc->sc_npages)
				continue;
		}

		inflate = goal > sc->sc_npages;
		want = balloon_batch(sc, inflate, inflate ?
		    goal - sc->sc_npages : sc->sc_npages - goal, &order);
		if (!stalled && sc->sc_state != BALLOON_STATE_BACKOFF)
			sc->sc_state = inflate ? BALLOON_STATE_INFLATING :
			    BALLOON_STATE_DEFLATING;
		mutex_exit(&sc->sc_lock);

		error = 0;
		done = inflate ? balloon_inflate(sc, want, order, &error) :
		    balloon_deflate(sc, want, order, &error);

		mutex_enter(&sc->sc_lock);
		if (!inflate && sc->sc_oom_busy) {
			sc->sc_oom_pages += done;
			cv_broadcast(&sc->sc_oomcv);
		}
		/* EAGAIN: superpages are out, the rest goes at order 0. */
		if (done == want && sc->sc_refused != NULL) {
			/* Single pages come: it was the order, not memory. */
			device_printf(sc->sc_dev, "%s: order-%d extents "
			    "refused, using single pages\n", sc->sc_refused,
			    BALLOON_SUPER_ORDER);
			sc->sc_refused = NULL;
		} else if (done < want && error != EAGAIN)
			sc->sc_refused = NULL;	/* the host is short */
		if (stalled && (done > 0 || error == EAGAIN)) {
			device_printf(sc->sc_dev, "%s: resumed after a stall\n",
			    inflate ? "inflate" : "deflate");
			sc->sc_error = 0;
		}
		if (done == want || error == EAGAIN) {
			fruitless = 0;
			sc->sc_delay_ms = 0;
			complained = false;
			sc->sc_state = inflate ? BALLOON_STATE_INFLATING :
			    BALLOON_STATE_DEFLATING;
			continue;
		}
		/* An OOM deflation stops where it got to: no retries. */
		if (!inflate && sc->sc_oom_busy && sc->sc_oom_tgen == tgen) {
			balloon_oom_short(sc);
			continue;
		}

		if (!complained)
			device_printf(sc->sc_dev, "%s: %zu of %zu pages done "
			    "(error %d), backing off\n",
			    inflate ? "inflate" : "deflate", done, want, error);
		complained = true;
		if (done > 0)
			fruitless = 0;
		else if (++fruitless > BALLOON_MAXRETRIES) {
			if (!stalled)
				device_printf(sc->sc_dev, "stalled at %" PRIu64
				    " KiB in the balloon, target %" PRIu64
				    " KiB (error %d), retrying every %d s\n",
				    BALLOON_PAGES_TO_KB(sc->sc_npages),
				    BALLOON_PAGES_TO_KB(sc->sc_target), error,
				    sc->sc_retry_s);
			sc->sc_state = BALLOON_STATE_STALLED;
			sc->sc_error = error;
			sc->sc_delay_ms = 0;
			stallgen = tgen;
			continue;
		}
		sc->sc_delay_ms = sc->sc_delay_ms == 0 ? BALLOON_BACKOFF_MS :
		    MIN(sc->sc_delay_ms * 2, BALLOON_BACKOFF_MAX_MS);
		sc->sc_state = BALLOON_STATE_BACKOFF;
		(void)cv_timedwait(&sc->sc_cv, &sc->sc_lock,
		    mstohz(sc->sc_delay_ms));
		if (!sc->sc_dying && sc->sc_tgen == tgen)
			sc->sc_retries++;
	}
	mutex_exit(&sc->sc_lock);
	kthread_exit(0);
}

/*
 * The page daemon is short of free pages and drains our pool.  With
 * deflate_on_oom, and no OOM deflation under way, raise the target by
 * what free pages lack of freetarg plus freetarg again, in whole
 * superpages; twice the last amount if the guest ate that one faster
 * than BALLOON_OOM_RATE_KB a second, so that a workload growing fast is
 * met in a few large steps rather than many small ones, and one growing
 * slowly is not given the whole balloon.
 *
 * Then, as Linux's OOM notifier deflates before its caller retries, wait
 * until the deflation under way has brought free pages back to freetarg,
 * or ended, for at most BALLOON_OOM_WAIT_MS: a thread waiting for the
 * page daemon (uvm_wait) then finds memory when it wakes.  The balloon
 * thread needs no memory to deflate, so it cannot wait for us.
 */
static void
balloon_pool_drain(void *arg, int flags)
{
	struct balloon_xenbus_softc *sc = arg;
	uint64_t freepg;
	int start;

	mutex_enter(&sc->sc_lock);
	if (!sc->sc_started || sc->sc_dying) {
		mutex_exit(&sc->sc_lock);
		return;
	}
	mutex_exit(&sc->sc_lock);
	/* Memory reported free comes back first: the target stays. */
	balloon_report_pressure(sc);
	freepg = (uint64_t)uvm_availmem(false);
	if (freepg >= (uint64_t)uvmexp.freetarg)
		return;
	mutex_enter(&sc->sc_lock);
	if (sc->sc_oom == 0 || sc->sc_dying ||
	    (!sc->sc_oom_busy && sc->sc_npages == 0)) {
		mutex_exit(&sc->sc_lock);
		return;
	}
	if (!sc->sc_oom_busy)
		balloon_oom_start(sc, freepg);
	start = getticks();
	while (sc->sc_oom_busy && !sc->sc_dying && !sc->sc_suspended &&
	    uvm_availmem(false) < uvmexp.freetarg &&
	    getticks() - start < mstohz(BALLOON_OOM_WAIT_MS))
		(void)cv_timedwait(&sc->sc_oomcv, &sc->sc_lock,
		    mstohz(BALLOON_OOM_WAIT_MS) - (getticks() - start));
	mutex_exit(&sc->sc_lock);
}

/* Raise the target for a deflation on OOM; freepg free pages now. */
static void
balloon_oom_start(struct balloon_xenbus_softc *sc, uint64_t freepg)
{
	uint64_t want, ram;
	int dt;

	KASSERT(mutex_owned(&sc->sc_lock));
	want = 2 * (uint64_t)uvmexp.freetarg - freepg;
	dt = MAX(getticks() - sc->sc_oom_ticks, 1);
	if (sc->sc_oom_want != 0 && (uint64_t)dt * BALLOON_OOM_RATE_KB <
	    BALLOON_PAGES_TO_KB(sc->sc_oom_want) * (uint64_t)hz)
		want = MAX(want, 2 * sc->sc_oom_want);
	want = MIN(roundup(want, BALLOON_SUPER_PAGES), sc->sc_npages);
	ram = sc->sc_physmem - sc->sc_npages;
	sc->sc_oom_want = want;
	sc->sc_oom_busy = true;
	sc->sc_oom_short = false;
	sc->sc_oom_deflations++;
	balloon_set_target(sc, ram + want);
	sc->sc_oom_tgen = sc->sc_tgen;
}

/* An OOM deflation ended (reached, or stopped short). */
static void
balloon_oom_end(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	sc->sc_oom_busy = false;
	cv_broadcast(&sc->sc_oomcv);
	sc->sc_oom_ticks = getticks();
	if (!sc->sc_oom_short)
		sc->sc_oom_said = false;
}

/*
 * An OOM deflation got less than it asked for.  Xen refuses past the
 * domain's max_pages (libxl sets it to the target + 1 MiB at xl
 * mem-set): say so once and count it.  Either way, what it reached is
 * the target now.
 */
static void
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
	}
	sc->sc_oom_short = true;
	if (cur >= max) {
		sc->sc_oom_maxpages++;
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
 * Linux's "balloon usage visible by guest": with deflate_on_oom off,
 * ballooned memory is reported as gone from the guest's total
 * (inflated_total); with it on, it may come back at any time and is
 * reported as used instead (inflated_free).  uvm's own totals are
 * uvm's: they are left alone.
 */
static void
balloon_account(struct balloon_xenbus_softc *sc)
{

	KASSERT(mutex_owned(&sc->sc_lock));
	sc->sc_inflated_total = sc->sc_oom ? 0 : sc->sc_npages;
	sc->sc_inflated_free = sc->sc_oom ? sc->sc_npages : 0;
}

/*
 * Of n pages, those inflation may take now: with deflate_on_oom, never
 * so many that free pages fall below freetarg, or the page daemon would
 * deflate them straight back.
 */
static size_t
balloon_spare(struct balloon_xenbus_softc *sc, size_t n)
{
	int oom, freepg;

	mutex_enter(&sc->sc_lock);
	oom = sc->sc_oom;
	mutex_exit(&sc->sc_lock);
	if (oom == 0)
		return n;
	freepg = uvm_availmem(false);
	if (freepg <= uvmexp.freetarg)
		return 0;
	return MIN(n, (size_t)(freepg - uvmexp.freetarg));
}

/*
 * The target and deflate_on_oom, for dom0 to read under data/ (the
 * guest's own directory under libxl).  Called and returns with sc_lock
 * held; drops it to write.  A failed write is said once, not retried.
 */
static void
balloon_publish(struct balloon_xenbus_softc *sc, uint64_t target, int oom,
    uint64_t *pub_targetp, int *pub_oomp)
{
	char buf[32];
	int error = 0;

	KASSERT(mutex_owned(&sc->sc_lock));
	mutex_exit(&sc->sc_lock);
	if (oom != *pub_oomp) {
		error = xenbus_write(NULL, BALLOON_XS_DIR, BALLOON_XS_OOM,
		    oom ? "1" : "0");
		if (error != 0 && *pub_oomp == -1)
			aprint_verbose_dev(sc->sc_dev, "cannot write %s/%s: "
			    "error %d\n", BALLOON_XS_DIR, BALLOON_XS_OOM, error);
	}
	if (target != *pub_targetp) {
		snprintf(buf, sizeof(buf), "%" PRIu64,
		    BALLOON_PAGES_TO_KB(target));
		(void)xenbus_write(NULL, BALLOON_XS_DIR, BALLOON_XS_TARGET,
		    buf);
	}
	*pub_targetp = target;
	*pub_oomp = oom;
	mutex_enter(&sc->sc_lock);
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

/*
 * One reservation hypercall on sc_frames[0..n-1], extents of the given
 * order.  Returns the extents done, clamped to what was asked: Xen never
 * returns a negative count for these, and a larger one would be a lie.
 */
static size_t
balloon_reservation_op(struct balloon_xenbus_softc *sc, unsigned int cmd,
    size_t n, u_int order)
{
	struct xen_memory_reservation res;
	size_t done;
	int ret;

	KASSERT(n > 0 && n <= BALLOON_DELTA);
	/* No address_bits/mem_flags: the member differs by interface. */
	memset(&res, 0, sizeof(res));
	set_xen_guest_handle(res.extent_start, sc->sc_frames);
	res.nr_extents = n;
	res.extent_order = order;
	res.domid = DOMID_SELF;

	ret = HYPERVISOR_memory_op(cmd, &res);
	done = ret < 0 ? 0 : MIN((size_t)ret, n);

	mutex_enter(&sc->sc_lock);
	sc->sc_hypercalls++;
	if (done < n)
		sc->sc_partial++;
	mutex_exit(&sc->sc_lock);
	return done;
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
		pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
		if (pg == NULL)
			break;
		sc->sc_batch[got] = pg;
		sc->sc_frames[got] = balloon_xen_frame(sc, VM_PAGE_TO_PHYS(pg));
	}
	if (got == 0) {
		*errorp = ENOMEM;
		return 0;
	}

	done = balloon_reservation_op(sc, XENMEM_decrease_reservation, got,
	    0);
	for (i = 0; i < done; i++) {
		pg = sc->sc_batch[i];
		balloon_p2m_unmap(sc, VM_PAGE_TO_PHYS(pg));
		balloon_push(&sc->sc_pages, pg);
	}
	for (i = done; i < got; i++)
		uvm_pagefree(sc->sc_batch[i]);

	mutex_enter(&sc->sc_lock);
	sc->sc_npages += done;
	sc->sc_inflated += done;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);

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
	paddr_t pa;
	size_t got, nsuper, nzeroed, done, k, given, total, limit;
	size_t i, j;

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
		    ptoa(physmem), ptoa(BALLOON_SUPER_PAGES), 0, &pl, 1, 0) != 0)
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

	/* On PV, runs whose machine frames are not one extent go first. */
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

	/*
	 * A call at a time, each after zeroing at most BALLOON_ZERO_BATCH
	 * pages, so that the first frames leave early.  Runs below nzeroed
	 * are zeroed, those above untouched.
	 */
	total = 0;
	for (done = 0, nzeroed = 0; done == nzeroed && nzeroed < nsuper;
	    done += k) {
		for (k = 0; nzeroed < nsuper &&
		    k * BALLOON_SUPER_PAGES < BALLOON_ZERO_BATCH;
		    k++, nzeroed++) {
			balloon_zero_run(sc->sc_batch[nzeroed]);
			sc->sc_frames[k] = balloon_xen_frame(sc,
			    VM_PAGE_TO_PHYS(sc->sc_batch[nzeroed]));
		}
		k = balloon_reservation_op(sc, XENMEM_decrease_reservation,
		    k, BALLOON_SUPER_ORDER);
		for (i = done; i < done + k; i++) {
			pa = VM_PAGE_TO_PHYS(sc->sc_batch[i]);
			for (j = 0; j < BALLOON_SUPER_PAGES; j++)
				balloon_p2m_unmap(sc, pa + ptoa(j));
			balloon_push(&sc->sc_runs, sc->sc_batch[i]);
			sc->sc_nruns++;
		}
		total += k * BALLOON_SUPER_PAGES;
		mutex_enter(&sc->sc_lock);
		sc->sc_npages += k * BALLOON_SUPER_PAGES;
		sc->sc_inflated += k * BALLOON_SUPER_PAGES;
		balloon_account(sc);
		mutex_exit(&sc->sc_lock);
	}
	if (done < nsuper) {
		balloon_refused(sc, "inflate");
		*errorp = EAGAIN;
	}

	/* The rest page by page, a run per call, while Xen takes them. */
	for (i = done; i < got; i++) {
		if (total == i * BALLOON_SUPER_PAGES) {
			if (i >= nzeroed)
				balloon_zero_run(sc->sc_batch[i]);
			given = balloon_give_run(sc, sc->sc_batch[i]);
			total += given;
			if (given == BALLOON_SUPER_PAGES)
				continue;
			*errorp = EBUSY;
		} else {
			pa = VM_PAGE_TO_PHYS(sc->sc_batch[i]);
			for (j = 0; j < BALLOON_SUPER_PAGES; j++)
				uvm_pagefree(PHYS_TO_VM_PAGE(pa + ptoa(j)));
		}
	}
	return total;
}

/*
 * Zero a run before it goes: Xen must see none of our data.  uvm keeps
 * no "known zero" state for free pages, so every page is zeroed.
 */
static void
balloon_zero_run(struct vm_page *run)
{
	paddr_t pa = VM_PAGE_TO_PHYS(run);
	size_t j;

	for (j = 0; j < BALLOON_SUPER_PAGES; j++)
		pmap_zero_page(pa + ptoa(j));
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
	    BALLOON_SUPER_PAGES, 0);
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
	mutex_enter(&sc->sc_lock);
	sc->sc_npages += done;
	sc->sc_inflated += done;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);
	return done;
}

/* PV: are a run's machine frames contiguous and 512-aligned? */
static bool
balloon_mcontig(struct vm_page *run)
{
#ifdef XENPV
	paddr_t pa = VM_PAGE_TO_PHYS(run);
	uint64_t mfn;
	size_t j;

	mfn = atop(xpmap_ptom_masked(pa));
	if (mfn % BALLOON_SUPER_PAGES != 0)
		return false;
	for (j = 1; j < BALLOON_SUPER_PAGES; j++)
		if (atop(xpmap_ptom_masked(pa + ptoa(j))) != mfn + j)
			return false;
#endif
	return true;
}

/*
 * The P2M of a PV guest, which exists only in XENPV kernels: elsewhere
 * sc_pv is false and Xen knows a page by its own frame number.
 */
static xen_pfn_t
balloon_xen_frame(struct balloon_xenbus_softc *sc, paddr_t pa)
{

#ifdef XENPV
	if (sc->sc_pv)
		return atop(xpmap_ptom_masked(pa));
#endif
	return atop(pa);
}

static void
balloon_p2m_unmap(struct balloon_xenbus_softc *sc, paddr_t pa)
{

#ifdef XENPV
	if (sc->sc_pv)
		xpmap_ptom_unmap(pa);
#endif
}

/*
 * PV: a batch of P2M and M2P updates.  The queue of M2P updates is the
 * current CPU's (x86_xpmap.c): the thread must not migrate between
 * queueing and flushing.
 */
static void
balloon_p2m_begin(void)
{

	kpreempt_disable();
}

/* PV: machine frame ma backs pa again, in our P2M and in Xen's M2P. */
static void
balloon_p2m_map(paddr_t pa, paddr_t ma)
{

#ifdef XENPV
	KASSERT(kpreempt_disabled());
	xpmap_ptom_map(pa, ma);
	xpq_queue_machphys_update(ma, pa);
#else
	panic("balloon: P2M update in a kernel without XENPV");
#endif
}

static void
balloon_p2m_end(void)
{

#ifdef XENPV
	xpq_flush_queue();
#endif
	kpreempt_enable();
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
	paddr_t pa, ma;
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

	if (sc->sc_pv) {
		/* Xen picks the machine frames and writes them back. */
		memset(sc->sc_frames, 0, n * sizeof(*sc->sc_frames));
		done = balloon_reservation_op(sc,
		    XENMEM_increase_reservation, n, 0);
		balloon_p2m_begin();
		for (i = 0; i < done; i++) {
			pg = balloon_pop(&sc->sc_pages);
			pa = VM_PAGE_TO_PHYS(pg);
			ma = (paddr_t)sc->sc_frames[i] << PAGE_SHIFT;
			balloon_p2m_map(pa, ma);
			sc->sc_batch[i] = pg;
		}
		balloon_p2m_end();
	} else {
		/* Our own frame numbers, top of the balloon first. */
		n = balloon_peek(&sc->sc_pages, sc->sc_batch, n);
		for (i = 0; i < n; i++)
			sc->sc_frames[i] =
			    VM_PAGE_TO_PHYS(sc->sc_batch[i]) >> PAGE_SHIFT;
		done = balloon_reservation_op(sc, XENMEM_populate_physmap, n,
		    0);
		for (i = 0; i < done; i++) {
			pg = balloon_pop(&sc->sc_pages);
			KASSERT(pg == sc->sc_batch[i]);
		}
	}

	mutex_enter(&sc->sc_lock);
	sc->sc_npages -= done;
	sc->sc_deflated += done;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);

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
 * Take up to n order-9 extents back: on an auto-translated guest at the
 * runs the balloon holds whole, on PV at any 512 ballooned pages each.
 * Returns the pages taken back.
 */
static size_t
balloon_deflate_super(struct balloon_xenbus_softc *sc, size_t n,
    int *errorp)
{
	struct vm_page *pg, *run;
	paddr_t pa, ma;
	size_t done, i, j;

	KASSERT(n > 0 && n <= BALLOON_DELTA);
	if (sc->sc_pv) {
		/* Xen picks an aligned machine run per extent. */
		memset(sc->sc_frames, 0, n * sizeof(*sc->sc_frames));
		done = balloon_reservation_op(sc,
		    XENMEM_increase_reservation, n, BALLOON_SUPER_ORDER);
	} else {
		KASSERT(n <= sc->sc_nruns);
		for (i = 0; i < n; i++) {
			sc->sc_batch[i] = balloon_pop(&sc->sc_runs);
			sc->sc_nruns--;
			sc->sc_frames[i] =
			    atop(VM_PAGE_TO_PHYS(sc->sc_batch[i]));
		}
		done = balloon_reservation_op(sc, XENMEM_populate_physmap, n,
		    BALLOON_SUPER_ORDER);
		/* Runs Xen did not fill stay ballooned, as single pages. */
		for (i = n; i-- > done;) {
			pa = VM_PAGE_TO_PHYS(sc->sc_batch[i]);
			for (j = BALLOON_SUPER_PAGES; j-- > 0;)
				balloon_push(&sc->sc_pages,
				    PHYS_TO_VM_PAGE(pa + ptoa(j)));
		}
	}

	mutex_enter(&sc->sc_lock);
	sc->sc_npages -= done * BALLOON_SUPER_PAGES;
	sc->sc_deflated += done * BALLOON_SUPER_PAGES;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);

	for (i = 0; i < done; i++) {
		if (!sc->sc_pv) {
			pa = VM_PAGE_TO_PHYS(sc->sc_batch[i]);
			for (j = 0; j < BALLOON_SUPER_PAGES; j++)
				uvm_pagefree(PHYS_TO_VM_PAGE(pa + ptoa(j)));
			continue;
		}
		/* A run held whole keeps its pages in machine order. */
		run = NULL;
		if (sc->sc_nruns > 0) {
			run = balloon_pop(&sc->sc_runs);
			sc->sc_nruns--;
		}
		ma = (paddr_t)ptoa(sc->sc_frames[i]);
		balloon_p2m_begin();
		for (j = 0; j < BALLOON_SUPER_PAGES; j++) {
			pg = run != NULL ?
			    PHYS_TO_VM_PAGE(VM_PAGE_TO_PHYS(run) + ptoa(j)) :
			    balloon_pop(&sc->sc_pages);
			balloon_p2m_map(VM_PAGE_TO_PHYS(pg), ma + ptoa(j));
			sc->sc_batch[j] = pg;
		}
		balloon_p2m_end();
		for (j = 0; j < BALLOON_SUPER_PAGES; j++)
			uvm_pagefree(sc->sc_batch[j]);
	}

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

/*
 * The balloon's pages are linked through their own struct vm_page
 * (pageq.queue, the owner's to use, as for uvm_pglistalloc()), so that
 * moving a page in or out of the balloon never allocates: deflating is
 * what gives memory back, and must not wait for it.
 */
static void
balloon_push(struct pglist *pl, struct vm_page *pg)
{

	TAILQ_INSERT_HEAD(pl, pg, pageq.queue);
}

static struct vm_page *
balloon_pop(struct pglist *pl)
{
	struct vm_page *pg;

	pg = TAILQ_FIRST(pl);
	KASSERT(pg != NULL);
	TAILQ_REMOVE(pl, pg, pageq.queue);
	return pg;
}

/* The top n pages, in the order balloon_pop() will return them. */
static size_t
balloon_peek(struct pglist *pl, struct vm_page **pages, size_t n)
{
	struct vm_page *pg;
	size_t i = 0;

	TAILQ_FOREACH(pg, pl, pageq.queue) {
		if (i == n)
			break;
		pages[i++] = pg;
	}
	return i;
}

/*
 * Free page reporting (machdep.xen.balloon.free_page_reporting).
 *
 * Free memory the guest is not using is handed to Xen, without a change
 * of target, in aligned runs of 2 MiB (order 9, the largest extent a
 * domU may use), and taken back before the guest needs it.  A guest may
 * not touch a frame it gave away (on PVH it reads all ones) and Xen
 * repopulates nothing on a fault, so the runs cannot stay on uvm's free
 * list as Linux leaves its reported pages: the driver takes them out of
 * uvm itself (uvm_pglistalloc) and holds them, like ballooned pages.
 *
 * As Linux's page reporting: memory is reported once it has stayed free
 * for BALLOON_REPORT_DELAY_MS, BALLOON_REPORT_BATCH runs per hypercall.
 * uvm keeps BALLOON_REPORT_KEEP pages beyond its free target.  When free
 * pages fall below uvmexp.freetarg, the page daemon drains the
 * balloon's pool, and the drain hook repopulates a batch of runs
 * and frees them to uvm unscrubbed (uvm zeroes a page before promising it
 * zero, as for every frame Xen hands out).  When the balloon inflates,
 * it takes reported runs first: they are with Xen already.
 *
 * The runs are linked through their first pages (sc_reported).  The
 * drain hook needs sc_rlock, so nothing under it allocates.
 */

/* Runs per hypercall, and how long memory must stay free, as Linux. */
#define BALLOON_REPORT_BATCH	32
#define BALLOON_REPORT_DELAY_MS	2000
#define BALLOON_REPORT_POLL_MS	250
/* Free pages left to uvm beyond freetarg. */
#define BALLOON_REPORT_KEEP	(2 * BALLOON_SUPER_PAGES)

static int
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
static void
balloon_report_start(struct balloon_xenbus_softc *sc)
{

	mutex_enter(&sc->sc_rlock);
	sc->sc_rstarted = true;
	cv_signal(&sc->sc_rcv);
	mutex_exit(&sc->sc_rlock);
}

/* Stop reporting; what was reported comes back to uvm. */
static void
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
static void
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
balloon_report_excess(void)
{
	uint64_t free, keep;

	free = (uint64_t)uvm_availmem(false);
	keep = (uint64_t)uvmexp.freetarg + BALLOON_REPORT_KEEP;
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
		if (balloon_report_excess() < BALLOON_SUPER_PAGES) {
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
		runs = balloon_report_excess() / BALLOON_SUPER_PAGES;
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
	struct xen_memory_reservation res;
	paddr_t pa;
	size_t done, i, j;
	int ret;

	KASSERT(mutex_owned(&sc->sc_rlock));
	KASSERT(n > 0 && n <= BALLOON_REPORT_BATCH);
	for (i = 0; i < n; i++)
		sc->sc_rframes[i] = balloon_xen_frame(sc,
		    VM_PAGE_TO_PHYS(sc->sc_rbatch[i]));
	memset(&res, 0, sizeof(res));
	set_xen_guest_handle(res.extent_start, sc->sc_rframes);
	res.nr_extents = n;
	res.extent_order = BALLOON_SUPER_ORDER;
	res.domid = DOMID_SELF;
	ret = HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res);
	done = ret < 0 ? 0 : MIN((size_t)ret, n);

	for (i = 0; i < n; i++) {
		pa = VM_PAGE_TO_PHYS(sc->sc_rbatch[i]);
		for (j = 0; j < BALLOON_SUPER_PAGES; j++) {
			if (i < done)
				balloon_p2m_unmap(sc, pa + ptoa(j));
			else
				uvm_pagefree(PHYS_TO_VM_PAGE(pa + ptoa(j)));
		}
		if (i < done)
			balloon_push(&sc->sc_reported, sc->sc_rbatch[i]);
	}
	mutex_enter(&sc->sc_lock);
	sc->sc_hypercalls++;
	if (done < n)
		sc->sc_partial++;
	KASSERT(mutex_owned(&sc->sc_rlock));
	sc->sc_nreported += done * BALLOON_SUPER_PAGES;
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
	struct xen_memory_reservation res;
	paddr_t pa, ma;
	size_t done, i, j;
	int ret;

	KASSERT(mutex_owned(&sc->sc_rlock));
	n = MIN(n, MIN(BALLOON_REPORT_BATCH,
	    sc->sc_nreported / BALLOON_SUPER_PAGES));
	if (n == 0 || sc->sc_rsuspended)
		return 0;
	/* Popped once Xen took them back: popping never allocates. */
	n = balloon_peek(&sc->sc_reported, sc->sc_rbatch, n);
	for (i = 0; i < n; i++) {
		/* PV: Xen picks the machine frames and writes them here. */
		sc->sc_rframes[i] = sc->sc_pv ? 0 :
		    atop(VM_PAGE_TO_PHYS(sc->sc_rbatch[i]));
	}
	memset(&res, 0, sizeof(res));
	set_xen_guest_handle(res.extent_start, sc->sc_rframes);
	res.nr_extents = n;
	res.extent_order = BALLOON_SUPER_ORDER;
	res.domid = DOMID_SELF;
	ret = HYPERVISOR_memory_op(sc->sc_pv ? XENMEM_increase_reservation :
	    XENMEM_populate_physmap, &res);
	done = ret < 0 ? 0 : MIN((size_t)ret, n);

	for (i = 0; i < done; i++)
		(void)balloon_pop(&sc->sc_reported);
	if (sc->sc_pv && done > 0) {
		balloon_p2m_begin();
		for (i = 0; i < done; i++) {
			pa = VM_PAGE_TO_PHYS(sc->sc_rbatch[i]);
			ma = ptoa(sc->sc_rframes[i]);
			for (j = 0; j < BALLOON_SUPER_PAGES; j++)
				balloon_p2m_map(pa + ptoa(j), ma + ptoa(j));
		}
		balloon_p2m_end();
	}

	mutex_enter(&sc->sc_lock);
	sc->sc_hypercalls++;
	if (done < n)
		sc->sc_partial++;
	KASSERT(mutex_owned(&sc->sc_rlock));
	sc->sc_nreported -= done * BALLOON_SUPER_PAGES;
	mutex_exit(&sc->sc_lock);

	/* Xen does not scrub: uvm zeroes a page before it promises so. */
	for (i = 0; i < done; i++) {
		pa = VM_PAGE_TO_PHYS(sc->sc_rbatch[i]);
		for (j = 0; j < BALLOON_SUPER_PAGES; j++)
			uvm_pagefree(PHYS_TO_VM_PAGE(pa + ptoa(j)));
	}
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
static size_t
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
	mutex_enter(&sc->sc_lock);
	KASSERT(mutex_owned(&sc->sc_rlock));
	sc->sc_nreported -= i * BALLOON_SUPER_PAGES;
	sc->sc_npages += i * BALLOON_SUPER_PAGES;
	sc->sc_inflated += i * BALLOON_SUPER_PAGES;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);
	mutex_exit(&sc->sc_rlock);
	return i;
}

/* Memory pressure: a batch of reported runs back to uvm. */
static void
balloon_report_pressure(struct balloon_xenbus_softc *sc)
{

	mutex_enter(&sc->sc_rlock);
	(void)balloon_report_return(sc, BALLOON_REPORT_BATCH);
	mutex_exit(&sc->sc_rlock);
}

static int
balloon_report_sysctl(struct balloon_xenbus_softc *sc,
    const struct sysctlnode *bnode)
{

	return sysctl_createv(&sc->sc_log, 0, &bnode, NULL,
	    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_INT,
	    BALLOON_NODE_REPORTING,
	    SYSCTL_DESCR("Give free 2 MiB runs to Xen until needed (0/1)"),
	    balloon_sysctl_reporting, 0, (void *)sc, 0, CTL_CREATE, CTL_EOL);
}

/* 0 or 1; turned off, every reported run comes back before it returns. */
static int
balloon_sysctl_reporting(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = rnode->sysctl_data;
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

/*
 * sysctl: machdep.xen.balloon.{current,target,min,max} in KiB, and the
 * stats subtree.
 */
static int
balloon_sysctl_setup(struct balloon_xenbus_softc *sc)
{
	const struct sysctlnode *node, *bnode, *snode;
	size_t i;
	int error;

	error = sysctl_createv(&sc->sc_log, 0, NULL, &node,
	    CTLFLAG_PERMANENT, CTLTYPE_NODE, "machdep", NULL,
	    NULL, 0, NULL, 0, CTL_MACHDEP, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &node, &node,
		    CTLFLAG_PERMANENT, CTLTYPE_NODE, "xen",
		    SYSCTL_DESCR("Xen top level node"),
		    NULL, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &node, &bnode,
		    CTLFLAG_PERMANENT, CTLTYPE_NODE, "balloon",
		    SYSCTL_DESCR("Balloon details"),
		    NULL, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &bnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READONLY, CTLTYPE_QUAD,
		    BALLOON_NODE_CURRENT,
		    SYSCTL_DESCR("Current memory reservation, in KiB"),
		    balloon_sysctl_current, 0, (void *)sc, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &bnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_QUAD,
		    BALLOON_NODE_TARGET,
		    SYSCTL_DESCR("Target guest memory, in KiB"),
		    balloon_sysctl_target, 0, (void *)sc, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &bnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_QUAD,
		    BALLOON_NODE_MIN,
		    SYSCTL_DESCR("Lowest target allowed, in KiB"),
		    balloon_sysctl_min, 0, (void *)sc, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &bnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READONLY, CTLTYPE_QUAD,
		    BALLOON_NODE_MAX,
		    SYSCTL_DESCR("Maximum memory reservation, in KiB"),
		    balloon_sysctl_max, 0, (void *)sc, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &bnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_INT,
		    BALLOON_NODE_RETRY,
		    SYSCTL_DESCR("Seconds between retries of a stalled "
		    "balloon"),
		    balloon_sysctl_retry, 0, (void *)sc, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &bnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_INT,
		    BALLOON_NODE_DEFLATE_ON_OOM,
		    SYSCTL_DESCR("Give ballooned memory back when the guest "
		    "runs out (0 or 1)"),
		    balloon_sysctl_oom, 0, (void *)sc, 0,
		    CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = balloon_report_sysctl(sc, bnode);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &bnode, &snode,
		    CTLFLAG_PERMANENT, CTLTYPE_NODE, BALLOON_NODE_STATS,
		    SYSCTL_DESCR("Balloon thread statistics"),
		    NULL, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	for (i = 0; error == 0 && i < __arraycount(balloon_qstats); i++)
		error = sysctl_createv(&sc->sc_log, 0, &snode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READONLY, CTLTYPE_QUAD,
		    balloon_qstats[i].bs_name,
		    SYSCTL_DESCR(balloon_qstats[i].bs_descr),
		    balloon_sysctl_qstat, 0, __UNCONST(&balloon_qstats[i]), 0,
		    CTL_CREATE, CTL_EOL);
	for (i = 0; error == 0 && i < __arraycount(balloon_istats); i++)
		error = sysctl_createv(&sc->sc_log, 0, &snode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READONLY, CTLTYPE_INT,
		    balloon_istats[i].bs_name,
		    SYSCTL_DESCR(balloon_istats[i].bs_descr),
		    balloon_sysctl_istat, 0, __UNCONST(&balloon_istats[i]), 0,
		    CTL_CREATE, CTL_EOL);
	return error;
}

static int
balloon_sysctl_current(SYSCTLFN_ARGS)
{
	struct sysctlnode node = *rnode;
	u_quad_t kb;

	kb = BALLOON_PAGES_TO_KB(
	    xenmem_get_reservation(XENMEM_current_reservation));
	node.sysctl_data = &kb;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}

static int
balloon_sysctl_max(SYSCTLFN_ARGS)
{
	struct sysctlnode node = *rnode;
	u_quad_t kb;

	kb = BALLOON_PAGES_TO_KB(
	    xenmem_get_reservation(XENMEM_maximum_reservation));
	node.sysctl_data = &kb;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}

/*
 * Root's own target.  The guest cannot write memory/target (dom0 owns
 * it), so this sets the driver's target directly; the next write from
 * dom0 wins.
 */
static int
balloon_sysctl_target(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = rnode->sysctl_data;
	struct sysctlnode node = *rnode;
	u_quad_t kb, max_kb;
	int error;

	mutex_enter(&sc->sc_lock);
	kb = BALLOON_PAGES_TO_KB(sc->sc_target);
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &kb;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;

	max_kb = BALLOON_PAGES_TO_KB(
	    xenmem_get_reservation(XENMEM_maximum_reservation));
	mutex_enter(&sc->sc_lock);
	if (kb < sc->sc_min_kb) {
		device_printf(sc->sc_dev, "target %" PRIu64 " KiB below "
		    "min %" PRIu64 " KiB, refused\n", kb, sc->sc_min_kb);
		error = EPERM;
	} else if (kb > max_kb) {
		device_printf(sc->sc_dev, "target %" PRIu64 " KiB above "
		    "max %" PRIu64 " KiB, refused\n", kb, max_kb);
		error = EPERM;
	} else
		balloon_set_target(sc, BALLOON_KB_TO_PAGES(kb));
	mutex_exit(&sc->sc_lock);
	return error;
}

/*
 * deflate_on_oom, 0 or 1.  The accounting follows at once; the thread
 * tells dom0.
 */
static int
balloon_sysctl_oom(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = rnode->sysctl_data;
	struct sysctlnode node = *rnode;
	int v, error;

	mutex_enter(&sc->sc_lock);
	v = sc->sc_oom;
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &v;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;
	if (v != 0 && v != 1)
		return EINVAL;

	mutex_enter(&sc->sc_lock);
	sc->sc_oom = v;
	balloon_account(sc);
	cv_signal(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	return 0;
}

/*
 * The lowest target accepted: never under the floor the kernel needs
 * (uvm's free minimum plus a ballast), never above the target itself.
 */
static int
balloon_sysctl_min(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = rnode->sysctl_data;
	struct sysctlnode node = *rnode;
	u_quad_t kb, floor_kb;
	int error;

	mutex_enter(&sc->sc_lock);
	kb = sc->sc_min_kb;
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &kb;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;

	floor_kb = BALLOON_PAGES_TO_KB(BALLOON_FLOOR);
	mutex_enter(&sc->sc_lock);
	if (kb < floor_kb) {
		device_printf(sc->sc_dev, "min %" PRIu64 " KiB below the "
		    "floor of %" PRIu64 " KiB, refused\n", kb, floor_kb);
		error = EPERM;
	} else if (kb > BALLOON_PAGES_TO_KB(sc->sc_target)) {
		device_printf(sc->sc_dev, "min %" PRIu64 " KiB above the "
		    "target %" PRIu64 " KiB, refused\n", kb,
		    BALLOON_PAGES_TO_KB(sc->sc_target));
		error = EPERM;
	} else
		sc->sc_min_kb = kb;
	mutex_exit(&sc->sc_lock);
	return error;
}

/*
 * How long a stalled balloon waits between tries.  A new value wakes
 * the thread, which waits the new interval from then on.
 */
static int
balloon_sysctl_retry(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = rnode->sysctl_data;
	struct sysctlnode node = *rnode;
	int s, error;

	mutex_enter(&sc->sc_lock);
	s = sc->sc_retry_s;
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &s;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;

	if (s < BALLOON_RETRY_MIN_S || s > BALLOON_RETRY_MAX_S) {
		device_printf(sc->sc_dev, "retry %d s not within %d to %d s, "
		    "refused\n", s, BALLOON_RETRY_MIN_S, BALLOON_RETRY_MAX_S);
		return EPERM;
	}
	mutex_enter(&sc->sc_lock);
	sc->sc_retry_s = s;
	cv_signal(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	return 0;
}

/* A counter of the softc, read under its lock. */
static int
balloon_sysctl_qstat(SYSCTLFN_ARGS)
{
	const struct balloon_stat *bs = rnode->sysctl_data;
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	u_quad_t q;

	if (sc == NULL)
		return ENOENT;
	mutex_enter(&sc->sc_lock);
	q = *(const uint64_t *)((const char *)sc + bs->bs_off);
	mutex_exit(&sc->sc_lock);
	if (bs->bs_kb)
		q = BALLOON_PAGES_TO_KB(q);
	node.sysctl_data = &q;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}

/* A state of the softc, read under its lock. */
static int
balloon_sysctl_istat(SYSCTLFN_ARGS)
{
	const struct balloon_stat *bs = rnode->sysctl_data;
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	int i;

	if (sc == NULL)
		return ENOENT;
	mutex_enter(&sc->sc_lock);
	i = *(const int *)((const char *)sc + bs->bs_off);
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &i;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}
