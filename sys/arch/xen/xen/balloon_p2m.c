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
 * The P2M of a PV guest, a part of the Xen balloon driver: a PV guest
 * owns its physical to machine table (in XENPV kernels only) and tells
 * Xen the machine to physical mapping of the frames it takes back, run
 * by run.  Elsewhere Xen knows a page by its own frame number.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include "opt_xen.h"

#include <sys/param.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/balloonvar.h>
#ifdef XENPV
#include <xen/xenpmap.h>
#endif

static void	balloon_map_run(struct vm_page *, xen_pfn_t);

/* PV: are a run's machine frames contiguous and 512-aligned? */
bool
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
 * The frame Xen knows a page by: on PV its machine frame, from the P2M
 * that exists only in XENPV kernels; elsewhere its own frame number.
 */
xen_pfn_t
balloon_xen_frame(struct balloon_xenbus_softc *sc, paddr_t pa)
{

#ifdef XENPV
	if (sc->sc_pv)
		return atop(xpmap_ptom_masked(pa));
#endif
	return atop(pa);
}

void
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
void
balloon_p2m_begin(void)
{

	kpreempt_disable();
}

/* PV: machine frame ma backs pa again, in our P2M and in Xen's M2P. */
void
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

void
balloon_p2m_end(void)
{

#ifdef XENPV
	xpq_flush_queue();
#endif
	kpreempt_enable();
}

/*
 * PV: the n machine runs Xen gave (sc_frames) back ballooned pages,
 * which go to uvm: runs held whole first, keeping their pages in
 * machine order, several to an M2P batch; then single pages.
 */
void
balloon_place_pv(struct balloon_xenbus_softc *sc, size_t n)
{
	struct vm_page *pg, *runs[BALLOON_P2M_RUNS];
	size_t i, j, k;

	for (i = 0; i < n; i += k) {
		for (k = 0; k < BALLOON_P2M_RUNS && i + k < n &&
		    sc->sc_nruns > 0; k++) {
			runs[k] = balloon_pop(&sc->sc_runs);
			sc->sc_nruns--;
		}
		if (k > 0) {
			balloon_p2m_begin();
			for (j = 0; j < k; j++)
				balloon_map_run(runs[j], sc->sc_frames[i + j]);
			balloon_p2m_end();
			for (j = 0; j < k; j++)
				balloon_free_run(runs[j]);
			continue;
		}
		k = 1;
		balloon_p2m_begin();
		for (j = 0; j < BALLOON_SUPER_PAGES; j++) {
			pg = balloon_pop(&sc->sc_pages);
			balloon_p2m_map(VM_PAGE_TO_PHYS(pg),
			    ptoa(sc->sc_frames[i] + j));
			sc->sc_batch[j] = pg;
		}
		balloon_p2m_end();
		for (j = 0; j < BALLOON_SUPER_PAGES; j++)
			uvm_pagefree(sc->sc_batch[j]);
	}
}

/*
 * PV: a run's pages backed by the 512 machine frames from mfn on,
 * between balloon_p2m_begin() and balloon_p2m_end().
 */
static void
balloon_map_run(struct vm_page *run, xen_pfn_t mfn)
{
	paddr_t pa = VM_PAGE_TO_PHYS(run);
	size_t j;

	for (j = 0; j < BALLOON_SUPER_PAGES; j++)
		balloon_p2m_map(pa + ptoa(j), ptoa(mfn + j));
}
