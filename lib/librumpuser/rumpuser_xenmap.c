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
 * Guest frames the hypervisor just placed, put in the guest's page
 * table.  Xen fills a guest's p2m as it populates; here the frames are
 * backed by xensimd, and mapping them into this process
 * (MADV_POPULATE_WRITE) costs as much again.  Without it the guest
 * would take a host page fault at its first touch of each page, a cost
 * a Xen guest does not pay.  A thread of its own maps them, so that the
 * mapping of what one part of a call placed overlaps the hypervisor's
 * backing of the next.
 *
 * A frame is mapped before anything can take it away: a populate over a
 * hole would reach the hypervisor's RAM watch as a touch of a frame not
 * owned.  So a hypercall that gives frames back waits for every mapping
 * (xen_map_wait), as does one that moves a frame still queued to
 * another pfn (xen_map_moves).  And the thread is never more than
 * XM_LAG frames behind once a part of a call is posted (xen_map_lag).
 *
 * RUMP_XENMAP_DELAY (a boot parameter, in ms) makes the thread that
 * late with each run, for tests of the above.
 */

#include <sys/types.h>
#include <sys/mman.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rumpuser_int.h"

#define XM_PAGE_SIZE	4096	/* XEN_PAGE_SIZE */
#define XM_RUNS		64	/* runs of frames queued */
#define XM_LAG		4096	/* frames the thread may be behind: 16 MiB */

struct xm_run {
	uint64_t	pfn;
	uint64_t	mfn;	/* XM_NO_MFN when the hypervisor did not say */
	uint64_t	n;
};

static pthread_mutex_t xm_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t xm_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t xm_done = PTHREAD_COND_INITIALIZER;
static struct xm_run xm_q[XM_RUNS];	/* xm_head .. xm_head + xm_len */
static unsigned int xm_head, xm_len;
static bool xm_busy;			/* the thread maps the head run */
static uint64_t xm_pending;		/* frames queued */
static bool xm_thread;			/* running; else map at once */
static char *xm_ram;
static uint64_t xm_pages;
static struct timespec xm_delay;	/* before each run */

static void
xm_populate(const struct xm_run *r)
{

	(void)madvise(xm_ram + r->pfn * XM_PAGE_SIZE,
	    r->n * XM_PAGE_SIZE, MADV_POPULATE_WRITE);
}

static void *
xm_main(void *arg)
{
	struct xm_run r;

	(void)arg;
	pthread_setname_np(pthread_self(), "xenmap");
	pthread_mutex_lock(&xm_lock);
	for (;;) {
		while (xm_len == 0)
			pthread_cond_wait(&xm_work, &xm_lock);
		r = xm_q[xm_head];
		xm_busy = true;
		pthread_mutex_unlock(&xm_lock);
		if (xm_delay.tv_nsec + xm_delay.tv_sec != 0)
			(void)nanosleep(&xm_delay, NULL);
		xm_populate(&r);
		pthread_mutex_lock(&xm_lock);
		xm_busy = false;
		xm_head = (xm_head + 1) % XM_RUNS;
		xm_len--;
		xm_pending -= r.n;
		pthread_cond_broadcast(&xm_done);
	}
	return NULL;
}

/*
 * Map frames from now on through a thread: ram is the guest's RAM,
 * pages long.  Without the thread, frames are mapped as they are
 * posted.
 */
void
xen_map_init(char *ram, uint64_t pages)
{
	pthread_t t;
	const char *s;
	char *ep;
	long ms;

	xm_ram = ram;
	xm_pages = pages;
	if ((s = getenv("RUMP_XENMAP_DELAY")) != NULL) {
		ms = strtol(s, &ep, 10);
		if (*s == '\0' || *ep != '\0' || ms < 0 || ms > 10000)
			fprintf(stderr, "rumpuser: RUMP_XENMAP_DELAY %s: not "
			    "0 to 10000 ms, ignored\n", s);
		else {
			xm_delay.tv_sec = ms / 1000;
			xm_delay.tv_nsec = ms % 1000 * 1000000;
			fprintf(stderr, "rumpuser: frames mapped %ld ms "
			    "late\n", ms);
		}
	}
	if (pthread_create(&t, NULL, xm_main, NULL) != 0) {
		fprintf(stderr, "rumpuser: no mapping thread: frames are "
		    "mapped in the hypercall\n");
		return;
	}
	pthread_detach(t);
	xm_thread = true;
}

/* Queue r, after the run before it when it follows; holding xm_lock. */
static void
xm_push(const struct xm_run *r)
{
	struct xm_run *t;

	xm_pending += r->n;
	if (xm_len > (xm_busy ? 1u : 0u)) {
		t = &xm_q[(xm_head + xm_len - 1) % XM_RUNS];
		if (r->pfn == t->pfn + t->n && (r->mfn == XM_NO_MFN ?
		    t->mfn == XM_NO_MFN : r->mfn == t->mfn + t->n)) {
			t->n += r->n;
			return;
		}
	}
	while (xm_len == XM_RUNS)
		pthread_cond_wait(&xm_done, &xm_lock);
	xm_q[(xm_head + xm_len) % XM_RUNS] = *r;
	xm_len++;
	pthread_cond_signal(&xm_work);
}

/*
 * n frames the hypervisor placed at pfn.. (machine frames mfn.., or
 * XM_NO_MFN), to map.
 */
void
xen_map_post(uint64_t pfn, uint64_t mfn, uint64_t n)
{
	struct xm_run r = { pfn, mfn, n };

	if (n == 0 || pfn >= xm_pages || n > xm_pages - pfn)
		return;
	if (!xm_thread) {
		xm_populate(&r);
		return;
	}
	pthread_mutex_lock(&xm_lock);
	xm_push(&r);
	pthread_mutex_unlock(&xm_lock);
}

/* Wait until at most lag frames are still to map. */
static void
xm_wait(uint64_t lag)
{

	if (!xm_thread)
		return;
	pthread_mutex_lock(&xm_lock);
	while (xm_pending > lag)
		pthread_cond_wait(&xm_done, &xm_lock);
	pthread_mutex_unlock(&xm_lock);
}

/*
 * A part of a call is posted: the thread may be XM_LAG frames behind,
 * no more, so that it keeps up with the hypervisor.
 */
void
xen_map_lag(void)
{

	xm_wait(XM_LAG);
}

/* Every frame posted is mapped. */
void
xen_map_wait(void)
{

	xm_wait(0);
}

/*
 * Do machine frames mfn.. (n of them) include one still queued?  Placed
 * at another pfn, it would leave its queued pfn a hole (a frame placed
 * over a queued one is only replaced: the pfn stays the guest's).
 */
bool
xen_map_moves(uint64_t mfn, uint64_t n)
{
	const struct xm_run *r;
	unsigned int i;
	bool moves = false;

	if (!xm_thread)
		return false;
	pthread_mutex_lock(&xm_lock);
	for (i = 0; i < xm_len && !moves; i++) {
		r = &xm_q[(xm_head + i) % XM_RUNS];
		moves = r->n != 0 && r->mfn != XM_NO_MFN &&
		    mfn < r->mfn + r->n && r->mfn < mfn + n;
	}
	pthread_mutex_unlock(&xm_lock);
	return moves;
}
