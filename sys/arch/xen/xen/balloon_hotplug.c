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
 * PV RAM beyond boot memory, a part of the Xen balloon driver: the
 * memory map libxl gives a PV domain covers maxmem, and with options
 * UVM_HOTPLUG the driver brings that RAM into uvm as the target grows,
 * populated and mapped before it is plugged.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include "opt_xen.h"
#if defined(_KERNEL_OPT)
#include "opt_uvm_hotplug.h"
#endif

#include <sys/param.h>
#include <sys/device.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/mutex.h>
#include <sys/systm.h>

#include <uvm/uvm.h>
#include <uvm/uvm_physseg.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/balloonvar.h>
#ifdef XENPV
#include <machine/bootinfo.h>
#endif

/* Entries of the memory map read at attach. */
#define BALLOON_MEMMAP_MAX	128

#if defined(XENPV) && defined(UVM_HOTPLUG)
static void	balloon_unplugged_gone(struct balloon_xenbus_softc *, size_t,
		    size_t);
#endif

/*
 * PV: the memory map (libxl's covers maxmem) may reach beyond the RAM
 * the domain booted with.  With options UVM_HOTPLUG, that RAM counts as
 * ballooned, not yet in uvm: as the target grows past boot memory, the
 * driver populates it, then plugs it (balloon_plug), so that no page
 * ever reaches uvm's free lists without a frame behind it.  Without
 * the option, uvm cannot take RAM after boot.
 */
void
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
size_t
balloon_plug(struct balloon_xenbus_softc *sc, size_t n, u_int order,
    int *errorp)
{
#if defined(XENPV) && defined(UVM_HOTPLUG)
	uint64_t pfn;
	size_t done, pages, i;

	pfn = sc->sc_physmem - sc->sc_unplugged;
	n = MIN(n, sc->sc_unplugged);
	if (order != 0 && (pfn % BALLOON_SUPER_PAGES != 0 ||
	    n < BALLOON_SUPER_PAGES))
		order = 0;
	if (order == 0)
		n = MIN(n, MIN(BALLOON_DELTA,
		    BALLOON_SUPER_PAGES - pfn % BALLOON_SUPER_PAGES));
	memset(sc->sc_frames, 0, (n >> order) * sizeof(*sc->sc_frames));
	done = balloon_reservation_op(sc, XENMEM_increase_reservation,
	    sc->sc_frames, n >> order, order);
	pages = done << order;
	if (pages == 0) {
		*errorp = ENOMEM;
		return 0;
	}
	balloon_p2m_begin();
	for (i = 0; i < pages; i++)
		balloon_p2m_map(ptoa(pfn + i), ptoa(sc->sc_frames[i >> order] +
		    (i & ((1UL << order) - 1))));
	balloon_p2m_end();
	if (!uvm_physseg_plug(pfn, pages, NULL)) {
		for (i = 0; i < pages; i++)
			balloon_p2m_unmap(sc, ptoa(pfn + i));
		done = balloon_reservation_op(sc, XENMEM_decrease_reservation,
		    sc->sc_frames, done, order);
		balloon_unplugged_gone(sc, pages, done << order);
		*errorp = ENOMEM;
		return 0;
	}
	mutex_enter(&sc->sc_lock);
	sc->sc_unplugged -= pages;
	mutex_exit(&sc->sc_lock);
	balloon_moved(sc, pages, false);
	if (pages < n)
		*errorp = ENOMEM;
	return pages;
#else
	*errorp = EOPNOTSUPP;
	return 0;
#endif
}

#if defined(XENPV) && defined(UVM_HOTPLUG)
/*
 * uvm would not take the pages a plug brought in; given back, all but
 * kept of them.  The rest of the map is out of reach from now on.
 */
static void
balloon_unplugged_gone(struct balloon_xenbus_softc *sc, size_t pages,
    size_t back)
{

	mutex_enter(&sc->sc_lock);
	device_printf(sc->sc_dev, "cannot plug %" PRIu64 " KiB into uvm, "
	    "%" PRIu64 " KiB of the memory map out of reach\n",
	    BALLOON_PAGES_TO_KB(pages), BALLOON_PAGES_TO_KB(sc->sc_unplugged));
	if (back < pages)
		device_printf(sc->sc_dev, "%" PRIu64 " KiB Xen would not "
		    "take back stay charged, unused\n",
		    BALLOON_PAGES_TO_KB(pages - back));
	sc->sc_npages -= sc->sc_unplugged;
	sc->sc_physmem -= sc->sc_unplugged;
	sc->sc_unplugged = 0;
	balloon_account(sc);
	mutex_exit(&sc->sc_lock);
}
#endif
