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
 * The Xen balloon driver's softc and what its files share: balloon.c,
 * the core; balloon_hotplug.c, PV RAM beyond boot memory; balloon_oom.c,
 * deflate on OOM; balloon_p2m.c, a PV guest's P2M; balloon_report.c,
 * free page reporting; balloon_sysctl.c, the sysctl tree.
 */

#ifndef _XEN_BALLOONVAR_H_
#define _XEN_BALLOONVAR_H_

#include <sys/atomic.h>
#include <sys/condvar.h>
#include <sys/device.h>
#include <sys/evcnt.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>

#include <uvm/uvm.h>

/* Frame numbers per hypercall: one page of them. */
#define BALLOON_DELTA		(PAGE_SIZE / sizeof(xen_pfn_t))

/* Superpages: 2 MiB extents, the largest order Xen allows a domU. */
#define BALLOON_SUPER_ORDER	9
#define BALLOON_SUPER_PAGES	((size_t)1 << BALLOON_SUPER_ORDER)

/* Pages kept free beyond uvm's own minimum; the floor of "min". */
#define BALLOON_BALLAST		256
#define BALLOON_FLOOR		((uint64_t)uvmexp.freemin + BALLOON_BALLAST)

#define BALLOON_PAGES_TO_KB(p)	((uint64_t)(p) * (PAGE_SIZE >> 10))
#define BALLOON_KB_TO_PAGES(k)	howmany((uint64_t)(k), PAGE_SIZE >> 10)

/* A stalled balloon's retry interval, in seconds: default and limits. */
#define BALLOON_RETRY_S		60
#define BALLOON_RETRY_MIN_S	1
#define BALLOON_RETRY_MAX_S	3600

/*
 * Free memory kept beyond freetarg while the balloon holds pages it may
 * give back (deflate on OOM) or memory is reported: the time the
 * balloon thread needs to see a workload eat into it and bring memory
 * back before it is gone.  A sixteenth of the RAM the balloon governs
 * (balloon_cushion()), within these bounds: a small guest cannot spare
 * 32 MiB, and 8 MiB is about a tick of a workload that takes its memory
 * at a few hundred MiB a second.
 */
#define BALLOON_CUSHION_MIN	(4 * BALLOON_SUPER_PAGES)
#define BALLOON_CUSHION_MAX	(16 * BALLOON_SUPER_PAGES)
/* Eaten into this deep, it is topped up: a workload is under way. */
#define BALLOON_CUSHION_LOW(sc)	(balloon_cushion(sc) - BALLOON_SUPER_PAGES)
/*
 * Superpages per call of a deflation on OOM, the first call of a step
 * fewer: the first pages come back early.
 */
#define BALLOON_OOM_BATCH	8
#define BALLOON_OOM_FIRST	2

/*
 * PV: whole runs placed per M2P batch, 2048 updates, what NetBSD's
 * queue holds (x86_xpmap.c): one mmu_update for them.
 */
#define BALLOON_P2M_RUNS	4

/* Free page reporting: runs per hypercall. */
#define BALLOON_REPORT_BATCH	32

struct balloon_xenbus_softc {
	device_t		sc_dev;		/* const after attach */
	struct sysctllog	*sc_log;	/* attach/detach only */
	struct lwp		*sc_thread;	/* attach/detach only */
	bool			sc_watched;	/* attach/detach only */
	bool			sc_pv;		/* const: we own a P2M */
	uint64_t		sc_slack;	/* const: reservation - RAM */

	kmutex_t		sc_lock;
	kcondvar_t		sc_cv;		/* wakes the thread */
	kcondvar_t		sc_parkcv;	/* thread parked */
	bool			sc_started;	/* attach is done */
	bool			sc_dying;
	bool			sc_suspended;	/* no hypercalls */
	bool			sc_parked;	/* the thread obeys it */
	uint64_t		sc_physmem;	/* RAM the balloon governs */
	uint64_t		sc_target;	/* RAM wanted, pages */
	uint64_t		sc_min_kb;	/* lowest target, KiB */
	uint64_t		sc_max_pages;	/* Xen's max_pages, last read */
	uint64_t		sc_tgen;	/* bumped per target */
	uint64_t		sc_npages;	/* pages in the balloon */
	uint64_t		sc_unplugged;	/* of them, not in uvm */
	bool			sc_clipped;	/* the clip said */
	int			sc_retry_s;	/* stall retry, s */

	/* deflate on OOM */
	int			sc_oom;		/* deflate_on_oom: 0 or 1 */
	bool			sc_oom_busy;	/* an OOM deflation is on */
	bool			sc_oom_short;	/* and did not reach it */
	bool			sc_oom_said;	/* max_pages or OOM off said */
	uint64_t		sc_oom_tgen;	/* sc_tgen it set */
	uint64_t		sc_oom_want;	/* pages it asked for */
	uint64_t		sc_oom_coming;	/* of them, on their way */
	int			sc_oom_ticks;	/* when it ended */

	/* statistics */
	uint64_t		sc_inflated;	/* pages */
	uint64_t		sc_deflated;	/* pages */
	uint64_t		sc_inflated_total; /* pages off the total */
	uint64_t		sc_inflated_free; /* pages counted as used */
	int			sc_state;	/* BALLOON_STATE_* */
	int			sc_error;	/* errno of the last stall */
	int			sc_delay_ms;	/* retry delay now, or 0 */
	/* (sc_lock protects all of the above but the const) */

	/* evcnt(9), counted under sc_lock, read without it */
	struct evcnt		sc_ev_hypercalls;
	struct evcnt		sc_ev_partial;	/* did less than asked */
	struct evcnt		sc_ev_retries;
	struct evcnt		sc_ev_oom_deflations;
	struct evcnt		sc_ev_oom_pages;
	struct evcnt		sc_ev_oom_maxpages; /* cut short */

	/* the balloon thread's own */
	u_int			sc_order;	/* largest order to use now */
	const char		*sc_refused;	/* short at order 9, or NULL */
	struct pglist		sc_pages;	/* single pages, top first */
	struct pglist		sc_runs;	/* first pages of whole runs */
	uint64_t		sc_nruns;	/* runs held whole */
	xen_pfn_t		*sc_frames;	/* BALLOON_DELTA frames */
	struct vm_page		**sc_batch;	/* BALLOON_DELTA pages */

	/* free page reporting: sc_rlock, taken before sc_lock */
	kmutex_t		sc_rlock;
	kcondvar_t		sc_rcv;		/* wakes the reporter */
	struct lwp		*sc_rthread;	/* attach/detach only */
	bool			sc_rstarted;	/* attach is done */
	bool			sc_rdying;
	bool			sc_rsuspended;	/* no hypercalls */
	int			sc_reporting;	/* 0 or 1 */
	bool			sc_rshort;	/* a return failed, said */
	struct pglist		sc_reported;	/* first pages of runs */
	uint64_t		sc_nreported;	/* both locks to write: pages */
	xen_pfn_t		*sc_rframes;	/* a batch of runs */
	struct vm_page		**sc_rbatch;	/* a batch of runs */
};

/* There is one balloon per domain. */
extern struct balloon_xenbus_softc *balloon_sc;

/* balloon.c */
size_t	balloon_reservation_op(struct balloon_xenbus_softc *, unsigned int,
	    xen_pfn_t *, size_t, u_int);
uint64_t xenmem_get_reservation(unsigned int);
void	balloon_moved(struct balloon_xenbus_softc *, uint64_t, bool);
int	balloon_try_target(struct balloon_xenbus_softc *, uint64_t,
	    const char *, const char *);
void	balloon_set_target(struct balloon_xenbus_softc *, uint64_t);
void	balloon_account(struct balloon_xenbus_softc *);
void	balloon_zero_run(struct vm_page *);
int	balloon_parse_kb(const char *, uint64_t *);

/* balloon_p2m.c */
bool	balloon_mcontig(struct vm_page *);
xen_pfn_t balloon_xen_frame(struct balloon_xenbus_softc *, paddr_t);
void	balloon_p2m_begin(void);
void	balloon_p2m_map(paddr_t, paddr_t);
void	balloon_p2m_unmap(struct balloon_xenbus_softc *, paddr_t);
void	balloon_p2m_end(void);
void	balloon_place_pv(struct balloon_xenbus_softc *, size_t);

/* balloon_hotplug.c */
void	balloon_hotplug(struct balloon_xenbus_softc *);
size_t	balloon_plug(struct balloon_xenbus_softc *, size_t, u_int, int *);

/* balloon_oom.c */
void	balloon_pool_drain(void *, int);
uint64_t balloon_keep(struct balloon_xenbus_softc *);
bool	balloon_oom_watching(struct balloon_xenbus_softc *);
void	balloon_oom_check(struct balloon_xenbus_softc *);
int	balloon_oom_sleep(struct balloon_xenbus_softc *, int);
void	balloon_oom_end(struct balloon_xenbus_softc *);
void	balloon_oom_arrived(struct balloon_xenbus_softc *, uint64_t);
void	balloon_oom_short(struct balloon_xenbus_softc *);

/* balloon_report.c */
int	balloon_report_attach(struct balloon_xenbus_softc *);
void	balloon_report_start(struct balloon_xenbus_softc *);
void	balloon_report_detach(struct balloon_xenbus_softc *);
void	balloon_report_suspend(struct balloon_xenbus_softc *, bool);
size_t	balloon_report_adopt(struct balloon_xenbus_softc *, size_t);
size_t	balloon_report_pressure(struct balloon_xenbus_softc *);
bool	balloon_report_short(struct balloon_xenbus_softc *);
int	balloon_sysctl_reporting(SYSCTLFN_PROTO);

/* balloon_sysctl.c */
int	balloon_sysctl_setup(struct balloon_xenbus_softc *);
void	balloon_evcnt_attach(struct balloon_xenbus_softc *);
void	balloon_evcnt_detach(struct balloon_xenbus_softc *);

/* A counter kern.evcnt reads as it goes: one store, never torn. */
#define BALLOON_EVCNT_ADD(ev, n)					\
	atomic_store_relaxed(&(ev)->ev_count, (ev)->ev_count + (n))

/*
 * The balloon's pages are linked through their own struct vm_page
 * (pageq.queue, the owner's to use, as for uvm_pglistalloc()), so that
 * moving a page in or out of the balloon never allocates: deflating is
 * what gives memory back, and must not wait for it.
 */
static __inline void
balloon_push(struct pglist *pl, struct vm_page *pg)
{

	TAILQ_INSERT_HEAD(pl, pg, pageq.queue);
}

static __inline struct vm_page *
balloon_pop(struct pglist *pl)
{
	struct vm_page *pg;

	pg = TAILQ_FIRST(pl);
	KASSERT(pg != NULL);
	TAILQ_REMOVE(pl, pg, pageq.queue);
	return pg;
}

/* A run's 512 pages back to uvm. */
static __inline void
balloon_free_run(struct vm_page *run)
{
	paddr_t pa = VM_PAGE_TO_PHYS(run);
	size_t j;

	for (j = 0; j < BALLOON_SUPER_PAGES; j++)
		uvm_pagefree(PHYS_TO_VM_PAGE(pa + ptoa(j)));
}

/*
 * The cushion, in pages: a sixteenth of the RAM the balloon governs, in
 * whole superpages, from BALLOON_CUSHION_MIN to BALLOON_CUSHION_MAX.
 */
static __inline uint64_t
balloon_cushion(struct balloon_xenbus_softc *sc)
{
	uint64_t c;

	KASSERT(mutex_owned(&sc->sc_lock));
	c = rounddown(sc->sc_physmem / 16, BALLOON_SUPER_PAGES);
	return MIN(MAX(c, BALLOON_CUSHION_MIN), BALLOON_CUSHION_MAX);
}

#endif /* _XEN_BALLOONVAR_H_ */
