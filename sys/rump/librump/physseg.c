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
 * uvm's physical segments: each run of RAM frames the memory map gives
 * (below and above the hole under 4 GiB on a PVH guest), with its
 * struct vm_page records, kept in frame order as NetBSD's
 * uvm_physseg.c keeps them.  RAM plugged after boot
 * (uvm_physseg_plug) follows NetBSD's rules for it: a panic without
 * options UVM_HOTPLUG, and with it, records from kmem(9) without
 * sleeping and every page on the free lists at once.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#if defined(_KERNEL_OPT)
#include "opt_uvm_hotplug.h"
#endif

#include <sys/param.h>
#include <sys/inttypes.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/systm.h>

#include <uvm/uvm.h>
#include <uvm/uvm_physseg.h>

#include "rump_private.h"

struct vm_physseg {
	paddr_t		 start, end;		/* frames [start, end) */
	paddr_t		 avail_start, avail_end;	/* given to uvm */
	struct vm_page	*pgs;			/* one per frame */
};

/*
 * Written at boot, before any thread runs; after that only appended to
 * by a plug (under physseg_lock), the count published last, so that
 * readers without the lock see whole segments.
 */
static struct vm_physseg vm_physmem[VM_PHYSSEG_MAX];
static int vm_nphysseg;
static bool vm_physseg_booted;
static kmutex_t physseg_lock;

static uvm_physseg_t physseg_insert(paddr_t, paddr_t, paddr_t, paddr_t,
		    struct vm_page *);

/* uvm_page_init() is done: from now on RAM comes only by a plug. */
void
uvm_physseg_boot_done(void)
{

	mutex_init(&physseg_lock, MUTEX_DEFAULT, IPL_NONE);
	vm_physseg_booted = true;
}

/*
 * Frames [start, end) are RAM; [avail_start, avail_end) of them go to
 * the free list.  Returns the new segment, or UVM_PHYSSEG_TYPE_INVALID
 * when the table is full or the frames overlap a segment.
 */
uvm_physseg_t
uvm_page_physload(paddr_t start, paddr_t end, paddr_t avail_start,
    paddr_t avail_end, int free_list)
{

	KASSERT(!vm_physseg_booted);
	return physseg_insert(start, end, avail_start, avail_end,
	    kmem_zalloc((end - start) * sizeof(struct vm_page), KM_SLEEP));
}

/*
 * uvm_physseg_plug(9).  Without options UVM_HOTPLUG, NetBSD's
 * uvm_physseg.c takes RAM only before uvm_page_init() and panics after
 * (uvm_post_preload_check).  With it, the segment's records come from
 * kmem(9) without sleeping (a plug may fail under memory pressure) and
 * its pages go on the free lists at once.  The bench plugs only above
 * the RAM there is, so that no segment moves under a reader, and only
 * frames the host mapped.
 */
bool
uvm_physseg_plug(paddr_t pfn, size_t pages, uvm_physseg_t *psp)
{
	struct vm_page *pgs;
	uvm_physseg_t upm;

#ifndef UVM_HOTPLUG
	if (vm_physseg_booted)
		panic("Tried to add RAM after uvm_page_init");
#endif
	KASSERT(vm_physseg_booted);
	if (pages == 0 || !rump_uvm_mapped(pfn, pages))
		return false;
	mutex_enter(&physseg_lock);
	if (vm_nphysseg > 0 && pfn < vm_physmem[vm_nphysseg - 1].end) {
		mutex_exit(&physseg_lock);
		return false;
	}
	if ((pgs = kmem_zalloc(pages * sizeof(*pgs), KM_NOSLEEP)) == NULL) {
		mutex_exit(&physseg_lock);
		return false;
	}
	upm = physseg_insert(pfn, pfn + pages, pfn, pfn + pages, pgs);
	mutex_exit(&physseg_lock);
	if (!uvm_physseg_valid_p(upm)) {
		kmem_free(pgs, pages * sizeof(*pgs));
		return false;
	}
	if (psp != NULL)
		*psp = upm;
	return true;
}

/*
 * Frames [start, end) are RAM; [avail_start, avail_end) of them go to
 * the free list.  Returns the new segment, or UVM_PHYSSEG_TYPE_INVALID
 * when the table is full or the frames overlap a segment.
 */
static uvm_physseg_t
physseg_insert(paddr_t start, paddr_t end, paddr_t avail_start,
    paddr_t avail_end, struct vm_page *pgs)
{
	struct vm_physseg *ps;
	int i, j;

	if (start >= end || avail_start < start || avail_end > end ||
	    avail_start > avail_end || vm_nphysseg == VM_PHYSSEG_MAX) {
		printf("uvm_page_physload: cannot load frames 0x%" PRIx64
		    "-0x%" PRIx64 "\n", (uint64_t)start, (uint64_t)end);
		return UVM_PHYSSEG_TYPE_INVALID;
	}
	for (i = 0; i < vm_nphysseg; i++) {
		if (start < vm_physmem[i].end && vm_physmem[i].start < end) {
			printf("uvm_page_physload: frames 0x%" PRIx64 "-0x%"
			    PRIx64 " already loaded\n", (uint64_t)start,
			    (uint64_t)end);
			return UVM_PHYSSEG_TYPE_INVALID;
		}
		if (end <= vm_physmem[i].start)
			break;
	}
	/* After boot only appended: nothing moves under a reader. */
	KASSERT(!vm_physseg_booted || i == vm_nphysseg);
	for (j = vm_nphysseg; j > i; j--)
		vm_physmem[j] = vm_physmem[j - 1];
	ps = &vm_physmem[i];
	ps->start = start;
	ps->end = end;
	ps->avail_start = avail_start;
	ps->avail_end = avail_end;
	ps->pgs = pgs;
	/* The records before the pages reach the free list. */
	__atomic_store_n(&vm_nphysseg, vm_nphysseg + 1, __ATOMIC_RELEASE);
	uvm_page_init_seg(ps->pgs, start, end, avail_start, avail_end);
	return i;
}

bool
uvm_physseg_valid_p(uvm_physseg_t upm)
{

	return upm >= 0 && upm < __atomic_load_n(&vm_nphysseg,
	    __ATOMIC_ACQUIRE);
}

/* The segment holding frame pframe, and its index there. */
uvm_physseg_t
uvm_physseg_find(paddr_t pframe, psize_t *offp)
{
	int i, n;

	n = __atomic_load_n(&vm_nphysseg, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		if (pframe >= vm_physmem[i].start &&
		    pframe < vm_physmem[i].end) {
			if (offp != NULL)
				*offp = pframe - vm_physmem[i].start;
			return i;
		}
	return UVM_PHYSSEG_TYPE_INVALID;
}

uvm_physseg_t
uvm_physseg_get_first(void)
{

	return uvm_physseg_valid_p(0) ? 0 : UVM_PHYSSEG_TYPE_INVALID;
}

uvm_physseg_t
uvm_physseg_get_next(uvm_physseg_t upm)
{

	return uvm_physseg_valid_p(upm + 1) ? upm + 1 :
	    UVM_PHYSSEG_TYPE_INVALID;
}

int
uvm_physseg_get_entries(void)
{

	return __atomic_load_n(&vm_nphysseg, __ATOMIC_ACQUIRE);
}

paddr_t
uvm_physseg_get_start(uvm_physseg_t upm)
{

	KASSERT(uvm_physseg_valid_p(upm));
	return vm_physmem[upm].start;
}

paddr_t
uvm_physseg_get_end(uvm_physseg_t upm)
{

	KASSERT(uvm_physseg_valid_p(upm));
	return vm_physmem[upm].end;
}

paddr_t
uvm_physseg_get_avail_start(uvm_physseg_t upm)
{

	KASSERT(uvm_physseg_valid_p(upm));
	return vm_physmem[upm].avail_start;
}

paddr_t
uvm_physseg_get_avail_end(uvm_physseg_t upm)
{

	KASSERT(uvm_physseg_valid_p(upm));
	return vm_physmem[upm].avail_end;
}

struct vm_page *
uvm_physseg_get_pg(uvm_physseg_t upm, paddr_t idx)
{

	KASSERT(uvm_physseg_valid_p(upm));
	KASSERT(idx < vm_physmem[upm].end - vm_physmem[upm].start);
	return &vm_physmem[upm].pgs[idx];
}
