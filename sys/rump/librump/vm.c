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
 * The page allocator: one struct vm_page per RAM frame of the guest,
 * and a free list.  As NetBSD-current's uvm_page.c, a free page keeps
 * no "known zero" state: UVM_PGA_ZERO always zeroes, and nothing else
 * does.  The guest's RAM frames are what uvm hands out, so a page
 * given to Xen is a real frame of the domain.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/systm.h>

#include <uvm/uvm.h>
#include <uvm/uvm_physseg.h>

#include <rumpuser.h>

#include "rump_private.h"

struct uvmexp uvmexp;		/* counts protected by uvm_fpageqlock */
psize_t physmem;

static kmutex_t uvm_fpageqlock;
static TAILQ_HEAD(, vm_page) uvm_freeq;	/* protected by uvm_fpageqlock */
static u_int uvm_pagealloc_fails;	/* protected by uvm_fpageqlock */
static u_int uvm_freetarg_reached;	/* protected by uvm_fpageqlock */
static char *vm_ram;
static uint64_t vm_ram_pages;	/* frames mapped at vm_ram: RAM may grow */

static bool	vm_page_valid(struct vm_page *);
static void	uvm_pglist_take(uint64_t, uint64_t, struct pglist *);
static uint64_t	pglist_count(uvm_physseg_t, uint64_t, uint64_t, uint64_t,
		    struct pglist *);
static bool	pglist_contig(uvm_physseg_t, uint64_t, uint64_t, uint64_t,
		    uint64_t, uint64_t, struct pglist *);

/*
 * A segment's records, frames [start, end): those of [avail_start,
 * avail_end) go on the free list, the highest first.
 */
void
uvm_page_init_seg(struct vm_page *pgs, paddr_t start, paddr_t end,
    paddr_t avail_start, paddr_t avail_end)
{
	paddr_t i;

	mutex_enter(&uvm_fpageqlock);
	for (i = end; i-- > start;) {
		pgs[i - start].phys_addr = ptoa(i);
		if (i < avail_start || i >= avail_end)
			continue;
		pgs[i - start].flags = PG_FREE;
		TAILQ_INSERT_TAIL(&uvm_freeq, &pgs[i - start], pageq.queue);
		uvmexp.free++;
	}
	physmem += end - start;
	uvmexp.npages += (int)(end - start);
	mutex_exit(&uvm_fpageqlock);
}

/*
 * The memory map's RAM, nsegs runs of frames (in frame order), mapped
 * from frame 0 at ram; the first kpages hold the kernel itself (a guest
 * kernel booted on Xen) and are never free.
 */
void
rump_uvm_init(void *ram, const struct rumpuser_xen_ram *segs, u_int nsegs,
    uint64_t kpages, uint64_t rampages)
{
	uint64_t npages;
	u_int i;

	mutex_init(&uvm_fpageqlock, MUTEX_DEFAULT, IPL_VM);
	TAILQ_INIT(&uvm_freeq);
	vm_ram = ram;
	vm_ram_pages = rampages;
	uvmexp.pagesize = PAGE_SIZE;
	/* Lowest frames last on the list: handed out high to low. */
	for (i = nsegs; i-- > 0;)
		if (uvm_page_physload(segs[i].start,
		    segs[i].start + segs[i].npages,
		    MIN(MAX(segs[i].start, kpages), segs[i].start +
		    segs[i].npages), segs[i].start + segs[i].npages, 0) ==
		    UVM_PHYSSEG_TYPE_INVALID)
			panic("uvm: RAM segment %u not loaded", i);
	npages = physmem;
	/* As uvm_pageout's default: 1/20 of RAM, within [16, 256] pages. */
	uvmexp.freemin = (int)MAX(16, MIN(256, npages / 20));
	uvmexp.freetarg = uvmexp.freemin * 4 / 3;
	uvmexp.reserve_kernel = 5;
	uvmexp.reserve_pagedaemon = 1;
	uvm_physseg_boot_done();
	uvmpd_init();
}

/* Has the host mapped frames [pfn, pfn + pages) for the guest's RAM? */
bool
rump_uvm_mapped(paddr_t pfn, size_t pages)
{

	return pfn <= vm_ram_pages && pages <= vm_ram_pages - pfn;
}

/* uvm_availmem(9): free pages now (the bench has no per-CPU caches). */
int
uvm_availmem(bool cached)
{
	int n;

	mutex_enter(&uvm_fpageqlock);
	n = uvmexp.free;
	mutex_exit(&uvm_fpageqlock);
	return n;
}

/*
 * For the page daemon's out-of-memory episodes: allocations that found
 * no page since boot, and times free pages climbed back to freetarg.
 */
void
uvm_pagecounts(u_int *failsp, u_int *reachedp)
{

	mutex_enter(&uvm_fpageqlock);
	*failsp = uvm_pagealloc_fails;
	*reachedp = uvm_freetarg_reached;
	mutex_exit(&uvm_fpageqlock);
}

struct vm_page *
PHYS_TO_VM_PAGE(paddr_t pa)
{
	uvm_physseg_t upm;
	psize_t off;

	if ((upm = uvm_physseg_find(atop(pa), &off)) ==
	    UVM_PHYSSEG_TYPE_INVALID)
		return NULL;
	return uvm_physseg_get_pg(upm, off);
}

/* Is pg one of uvm's records? */
static bool
vm_page_valid(struct vm_page *pg)
{

	return PHYS_TO_VM_PAGE(VM_PAGE_TO_PHYS(pg)) == pg;
}

struct vm_page *
uvm_pagealloc(struct uvm_object *obj, voff_t off, struct vm_anon *anon,
    int flags)
{
	struct vm_page *pg;
	bool kick;

	mutex_enter(&uvm_fpageqlock);
	/*
	 * As uvm_pagealloc_strat: the last reserve_kernel pages only for
	 * those who ask for the reserve, then fail and let the page
	 * daemon know.
	 */
	pg = TAILQ_FIRST(&uvm_freeq);
	if (pg == NULL || (uvmexp.free <= uvmexp.reserve_kernel &&
	    !(flags & UVM_PGA_USERESERVE))) {
		uvm_pagealloc_fails++;
		mutex_exit(&uvm_fpageqlock);
		uvm_kick_pdaemon();
		return NULL;
	}
	KASSERT(pg->flags & PG_FREE);
	TAILQ_REMOVE(&uvm_freeq, pg, pageq.queue);
	pg->flags &= ~PG_FREE;
	kick = --uvmexp.free < uvmexp.freemin;
	mutex_exit(&uvm_fpageqlock);
	if (kick)
		uvm_kick_pdaemon();

	/* pmap_zero_page(), done now: the caller looks at once. */
	if (flags & UVM_PGA_ZERO)
		memset(vm_ram + VM_PAGE_TO_PHYS(pg), 0, PAGE_SIZE);
	return pg;
}

void
uvm_pagefree(struct vm_page *pg)
{

	KASSERT(vm_page_valid(pg));
	mutex_enter(&uvm_fpageqlock);
	KASSERT(!(pg->flags & PG_FREE));
	pg->flags = PG_FREE;
	/* Tail: a frame just freed is handed out last. */
	TAILQ_INSERT_TAIL(&uvm_freeq, pg, pageq.queue);
	if (++uvmexp.free == uvmexp.freetarg)
		uvm_freetarg_reached++;
	mutex_exit(&uvm_fpageqlock);
}

/* Pages [pfn, pfn + n) off the free list into rlist. */
static void
uvm_pglist_take(uint64_t pfn, uint64_t n, struct pglist *rlist)
{
	struct vm_page *pg;
	uint64_t i;

	KASSERT(mutex_owned(&uvm_fpageqlock));
	for (i = 0; i < n; i++) {
		pg = PHYS_TO_VM_PAGE(ptoa(pfn + i));
		KASSERT(pg->flags & PG_FREE);
		TAILQ_REMOVE(&uvm_freeq, pg, pageq.queue);
		pg->flags &= ~PG_FREE;
		TAILQ_INSERT_TAIL(rlist, pg, pageq.queue);
	}
	uvmexp.free -= (int)n;
}

/*
 * Free pages of segment upm within frames [lo, hi), up to max of them:
 * counted, and taken into rlist unless it is NULL.
 */
static uint64_t
pglist_count(uvm_physseg_t upm, uint64_t lo, uint64_t hi, uint64_t max,
    struct pglist *rlist)
{
	uint64_t pfn, got = 0;

	lo = MAX(lo, uvm_physseg_get_start(upm));
	hi = MIN(hi, uvm_physseg_get_end(upm));
	for (pfn = lo; pfn < hi && got < max; pfn++)
		if (PHYS_TO_VM_PAGE(ptoa(pfn))->flags & PG_FREE) {
			if (rlist != NULL)
				uvm_pglist_take(pfn, 1, rlist);
			got++;
		}
	return got;
}

/*
 * n free pages in a row in segment upm within frames [lo, hi), starting
 * on a multiple of align and not crossing a multiple of bound (0: none),
 * taken into rlist.  Past a page in use, the next candidate is the next
 * aligned one.
 */
static bool
pglist_contig(uvm_physseg_t upm, uint64_t lo, uint64_t hi, uint64_t n,
    uint64_t align, uint64_t bound, struct pglist *rlist)
{
	struct vm_page *pgs;
	uint64_t start, pfn, i;

	start = uvm_physseg_get_start(upm);
	pgs = uvm_physseg_get_pg(upm, 0);
	lo = MAX(lo, start);
	hi = MIN(hi, uvm_physseg_get_end(upm));
	for (pfn = roundup(lo, align); pfn + n <= hi; pfn += align) {
		if (bound != 0 && pfn / bound != (pfn + n - 1) / bound)
			continue;
		for (i = 0; i < n && (pgs[pfn - start + i].flags & PG_FREE);
		    i++)
			continue;
		if (i == n) {
			uvm_pglist_take(pfn, n, rlist);
			return true;
		}
		pfn = roundup(pfn + i + 1, align) - align;
	}
	return false;
}

/*
 * uvm_pglistalloc(9): size bytes of free pages within [low, high).  With
 * nsegs 1, one physically contiguous run starting on a multiple of
 * alignment and not crossing a multiple of boundary (0: none); otherwise
 * any free pages of the range.  The pages are not zeroed.  Never
 * sleeps: waitok or not, ENOMEM when
 * there is no such run now.
 */
int
uvm_pglistalloc(psize_t size, paddr_t low, paddr_t high, paddr_t alignment,
    paddr_t boundary, struct pglist *rlist, int nsegs, int waitok)
{
	uvm_physseg_t upm;
	uint64_t n, lo, hi, align, bound, run;

	TAILQ_INIT(rlist);
	n = atop(round_page(size));
	align = alignment == 0 ? 1 : atop(alignment);
	bound = boundary == 0 ? 0 : atop(boundary);
	lo = atop(round_page(low));
	hi = atop(high);
	if (n == 0 || nsegs < 1 || (align & (align - 1)) != 0 ||
	    (bound != 0 && ((bound & (bound - 1)) != 0 || n > bound)))
		return EINVAL;

	mutex_enter(&uvm_fpageqlock);
	if ((uint64_t)uvmexp.free < n || lo >= hi || hi - lo < n) {
		mutex_exit(&uvm_fpageqlock);
		return ENOMEM;
	}
	if (nsegs > 1) {
		/* Any free pages will do: count them, then take them. */
		for (upm = uvm_physseg_get_first(), run = 0;
		    uvm_physseg_valid_p(upm) && run < n;
		    upm = uvm_physseg_get_next(upm))
			run += pglist_count(upm, lo, hi, n - run, NULL);
		if (run < n) {
			mutex_exit(&uvm_fpageqlock);
			return ENOMEM;
		}
		for (upm = uvm_physseg_get_first(); n > 0;
		    upm = uvm_physseg_get_next(upm))
			n -= pglist_count(upm, lo, hi, n, rlist);
		mutex_exit(&uvm_fpageqlock);
		uvm_kick_pdaemon();
		return 0;
	}

	/* One run: within one segment, RAM on both sides of it or not. */
	for (upm = uvm_physseg_get_first(); uvm_physseg_valid_p(upm);
	    upm = uvm_physseg_get_next(upm))
		if (pglist_contig(upm, lo, hi, n, align, bound, rlist)) {
			mutex_exit(&uvm_fpageqlock);
			uvm_kick_pdaemon();
			return 0;
		}
	mutex_exit(&uvm_fpageqlock);
	return ENOMEM;
}

/* uvm_pglistfree(9) */
void
uvm_pglistfree(struct pglist *list)
{
	struct vm_page *pg;

	while ((pg = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, pg, pageq.queue);
		uvm_pagefree(pg);
	}
}

/* A page's RAM, in the host's mapping of it (the bench's direct map). */
void *
rump_page_data(struct vm_page *pg)
{

	KASSERT(vm_page_valid(pg));
	return vm_ram + VM_PAGE_TO_PHYS(pg);
}

/* pmap_zero_page(9): the frame's RAM, in the host's mapping of it. */
void
pmap_zero_page(paddr_t pa)
{

	KASSERT(PHYS_TO_VM_PAGE(pa) != NULL);
	rumpuser_xen_zero_page(trunc_page(pa));
}
