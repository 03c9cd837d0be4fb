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
 * xensimd's hypervisor half against what a real Xen 4.17 answered
 * (XEN-GROUND-TRUTH.md, sections 1 and 3 to 6): reservation calls as a
 * domU and as dom0, their limits, quirks and errors, and host memory
 * really given back.
 */

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "xensim.h"
#include "xensim_test.h"

#include <xen/version.h>

#define BASE	0x100000UL	/* probe GFNs, outside the guest's RAM */

/*
 * A host of host_mib MiB with one 16 MiB domain "g" of the kind (32 MiB
 * at most on PV; PVH at maxmem, for populate-on-demand is its own
 * case); dom0's handle in *hp.
 */
static domid_t
host_guest(unsigned int host_mib, enum xensim_kind kind, struct xensim **hp)
{

	xt_start(host_mib);
	*hp = xt_dom0();
	return xt_create(*hp, "g", kind, 16, kind == XENSIM_PVH ? 16 : 32);
}

/* The same PVH domain booted below maxmem: populate-on-demand. */
static domid_t
pod_guest(struct xensim **hp)
{

	xt_start(256);
	*hp = xt_dom0();
	return xt_create(*hp, "g", XENSIM_PVH, 16, 32);
}

static long
memop(struct xensim *h, unsigned int cmd, domid_t id, xen_pfn_t *list,
    unsigned long nr, unsigned int order)
{
	struct xen_memory_reservation r;

	memset(&r, 0, sizeof(r));
	set_xen_guest_handle(r.extent_start, list);
	r.nr_extents = nr;
	r.extent_order = order;
	r.domid = id;
	return xensim_memory_op(h, cmd, &r);
}

#define POP(h, id, l, n, o)	memop(h, XENMEM_populate_physmap, id, l, n, o)
#define DEC(h, id, l, n, o)	memop(h, XENMEM_decrease_reservation, id, l, n, o)
#define INC(h, id, l, n, o)	memop(h, XENMEM_increase_reservation, id, l, n, o)

static struct xensim_dominfo
info(struct xensim *h, domid_t id)
{
	struct xensim_dominfo di;

	ATF_REQUIRE(xensim_domain_getinfo(h, id, &di) == 0);
	return di;
}

static uint64_t
tot(struct xensim *h, domid_t id)
{

	return info(h, id).tot_pages;
}

static void
gfns(xen_pfn_t *l, unsigned long n, xen_pfn_t first)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		l[i] = first + i;
}

XT_TC(create_limits, "max_pages and tot_pages at create, as libxl sets them")
ATF_TC_BODY(create_limits, tc)
{
	struct xensim *h;
	struct xensim_dominfo di;
	domid_t pvh, pv;

	xt_start(1024);
	h = xt_dom0();
	pvh = xt_create(h, "gpvh", XENSIM_PVH, 64, 64);
	pv = xt_create(h, "gpv", XENSIM_PV, 64, 128);
	di = info(h, pvh);
	ATF_CHECK_EQ(di.max_pages, 65 * 256);
	ATF_CHECK_EQ(di.tot_pages, 64 * 256 + 17);
	ATF_CHECK_EQ(di.ram_allocated_pages, 64 * 256 + 17);
	di = info(h, pv);
	ATF_CHECK_EQ(di.max_pages, 65 * 256);
	ATF_CHECK_EQ(di.tot_pages, 64 * 256);
	ATF_CHECK_EQ(di.ram_allocated_pages, 64 * 256);
	/* xc_domain_setmaxmem: KiB / 4, rounded down. */
	ATF_CHECK_EQ(xensim_domain_setmaxmem(h, pv, 1023), 0);
	ATF_CHECK_EQ(info(h, pv).max_pages, 255);
	ATF_CHECK_EQ(xensim_domain_setmaxmem(h, 12345, 1024), -1);
	ATF_CHECK_EQ(errno, ESRCH);
	xensim_close(h);
}

XT_TC(populate_full, "a domU populates within its headroom")
ATF_TC_BODY(populate_full, tc)
{
	struct xensim *h, *u;
	xen_pfn_t l[64];
	domid_t id, self = DOMID_SELF;
	uint64_t t0;

	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	t0 = tot(h, id);
	gfns(l, 64, BASE);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 64, 0), 64);
	ATF_CHECK_EQ(tot(h, id), t0 + 64);
	/* PVH: the array is not written back. */
	ATF_CHECK_EQ(l[63], BASE + 63);
	ATF_CHECK_EQ(xensim_memory_op(u, XENMEM_current_reservation, &self),
	    (long)(t0 + 64));
	ATF_CHECK_EQ(xensim_memory_op(u, XENMEM_maximum_reservation, &self),
	    17 * 256);
	ATF_CHECK_EQ(DEC(u, id, l, 64, 0), 64);
	ATF_CHECK_EQ(tot(h, id), t0);
	xensim_close(u);
	xensim_close(h);
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	ATF_REQUIRE(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

XT_TC(moved_ns, "dominfo's moved_ns is when a memory op last moved "
    "tot_pages, on dom0's CLOCK_MONOTONIC; a query or a call that "
    "moves nothing leaves it")
ATF_TC_BODY(moved_ns, tc)
{
	struct xensim *h, *u;
	xen_pfn_t l[8];
	domid_t id, self = DOMID_SELF;
	uint64_t before, after, moved;

	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	gfns(l, 8, BASE);
	before = mono_ns();
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 8, 0), 8);
	after = mono_ns();
	moved = info(h, id).moved_ns;
	ATF_CHECK_MSG(moved >= before && moved <= after, "moved_ns %ju not "
	    "within [%ju, %ju]", (uintmax_t)moved, (uintmax_t)before,
	    (uintmax_t)after);
	ATF_CHECK(xensim_memory_op(u, XENMEM_maximum_reservation, &self) > 0);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 0, 0), 0);
	ATF_CHECK_EQ(info(h, id).moved_ns, moved);
	before = mono_ns();
	ATF_CHECK_EQ(DEC(u, id, l, 8, 0), 8);
	moved = info(h, id).moved_ns;
	ATF_CHECK(moved >= before && moved <= mono_ns());
	xensim_close(u);
	xensim_close(h);
}

XT_TC(partial_max, "populate past max_pages stops at the boundary (3a)")
ATF_TC_BODY(partial_max, tc)
{
	struct xensim *h, *u;
	xen_pfn_t l[248];
	domid_t id;

	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	/* headroom: 17 * 256 - (16 * 256 + 17) = 239 */
	gfns(l, 248, BASE);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 248, 0), 239);
	ATF_CHECK_EQ(tot(h, id), 17 * 256);
	gfns(l, 4, BASE + 248);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 4, 0), 0);
	ATF_CHECK_EQ(INC(u, DOMID_SELF, l, 4, 0), 0);
	ATF_CHECK_EQ(tot(h, id), 17 * 256);
	/* The first 239 are there, the rest not: decreasing 240 stops. */
	gfns(l, 240, BASE);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 240, 0), 239);
	/* max below tot: "Inconsistent allocation", nothing allocated */
	ATF_CHECK_EQ(xensim_domain_setmaxmem(h, id, 4 * (tot(h, id) - 10)), 0);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 1, 0), 0);
	xensim_close(u);
	xensim_close(h);
}

/*
 * An order-9 extent that would end past max_pages is refused whole, as
 * Xen refuses it (XEN-GROUND-TRUTH d7: populate order 9 with headroom
 * 100 gives 0): with one page of headroom (tot_pages = max_pages - 1),
 * and with 100, nothing is done; with exactly 512 the extent fits.
 * Guards against a hypervisor that lets up to 511 pages past max_pages.
 */
static void
super_past_max(enum xensim_kind kind)
{
	static const uint64_t headroom[] = { 1, 100, 511 };
	struct xensim *h, *u;
	xen_pfn_t l[1];
	domid_t id;
	uint64_t t0;
	size_t i;

	id = host_guest(256, kind, &h);
	u = xt_domu(id);
	t0 = tot(h, id);
	for (i = 0; i < sizeof(headroom) / sizeof(headroom[0]); i++) {
		ATF_REQUIRE(xensim_domain_setmaxmem(h, id,
		    (t0 + headroom[i]) * 4) == 0);
		ATF_REQUIRE_EQ(info(h, id).max_pages, t0 + headroom[i]);
		l[0] = BASE;
		if (kind == XENSIM_PVH)
			ATF_CHECK_EQ_MSG(POP(u, DOMID_SELF, l, 1, 9), 0,
			    "populate order 9 with headroom %ju",
			    (uintmax_t)headroom[i]);
		ATF_CHECK_EQ_MSG(INC(u, DOMID_SELF, l, 1, 9), 0,
		    "increase order 9 with headroom %ju",
		    (uintmax_t)headroom[i]);
		ATF_CHECK_EQ(tot(h, id), t0);
		ATF_CHECK_EQ(info(h, id).ram_allocated_pages, t0);
	}
	/* Exactly room for it: taken, and given back. */
	ATF_REQUIRE(xensim_domain_setmaxmem(h, id, (t0 + 512) * 4) == 0);
	l[0] = BASE;
	if (kind == XENSIM_PVH) {
		ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 1, 9), 1);
		ATF_CHECK_EQ(tot(h, id), t0 + 512);
		ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 9), 1);
	} else {
		ATF_CHECK_EQ(INC(u, DOMID_SELF, l, 1, 9), 1);
		ATF_CHECK_EQ(tot(h, id), t0 + 512);
		ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 9), 1);
	}
	ATF_CHECK_EQ(tot(h, id), t0);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(pvh_super_past_max, "PVH: an order-9 extent ending past max_pages "
    "(headroom 1, 100, 511) is refused whole (d7)")
ATF_TC_BODY(pvh_super_past_max, tc)
{

	super_past_max(XENSIM_PVH);
}

XT_TC(pv_super_past_max, "PV: an order-9 extent ending past max_pages "
    "(headroom 1, 100, 511) is refused whole (d7)")
ATF_TC_BODY(pv_super_past_max, tc)
{

	super_past_max(XENSIM_PV);
}

XT_TC(host_exhausted, "populate stops when the host has no free frame")
ATF_TC_BODY(host_exhausted, tc)
{
	struct xensim *h, *u;
	struct xensim_hostinfo hi;
	xen_pfn_t *l;
	domid_t id;
	uint64_t free0, t0;

	id = host_guest(32, XENSIM_PVH, &h);	/* 8192 frames */
	ATF_REQUIRE(xensim_host_info(h, &hi) == 0);
	ATF_CHECK_EQ(hi.total_pages, 8192);
	free0 = hi.free_pages;
	ATF_CHECK_EQ(free0, 8192 - (16 * 256 + 17));
	ATF_REQUIRE(xensim_domain_setmaxmem(h, id, 64 * 1024) == 0);
	u = xt_domu(id);
	t0 = tot(h, id);
	ATF_REQUIRE((l = calloc(5000, sizeof(*l))) != NULL);
	gfns(l, 5000, BASE);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 5000, 0), (long)free0);
	ATF_CHECK_EQ(tot(h, id), t0 + free0);
	ATF_REQUIRE(xensim_host_info(h, &hi) == 0);
	ATF_CHECK_EQ(hi.free_pages, 0);
	/* Destroy gives every frame back. */
	ATF_REQUIRE(xensim_domain_destroy(h, id) == 0);
	ATF_REQUIRE(xensim_host_info(h, &hi) == 0);
	ATF_CHECK_EQ(hi.free_pages, 8192);
	free(l);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(bad_order, "extent order limits: 9 for a domU, 18 for dom0")
ATF_TC_BODY(bad_order, tc)
{
	struct xensim *h, *u;
	xen_pfn_t l[1];
	domid_t id;
	uint64_t t0;

	/* An order-18 extent needs a free, aligned 1 GiB block. */
	id = host_guest(2100, XENSIM_PVH, &h);
	ATF_REQUIRE(xensim_domain_setmaxmem(h, id, 2100 * 1024) == 0);
	u = xt_domu(id);
	t0 = tot(h, id);
	l[0] = 0x110000;
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 1, 10), 0);
	ATF_CHECK_EQ(INC(u, DOMID_SELF, NULL, 1, 10), 0);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 1, 9), 1);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 9), 1);
	ATF_CHECK_EQ(tot(h, id), t0);
	l[0] = 0x400000;
	ATF_CHECK_EQ(POP(h, id, l, 1, 19), 0);
	ATF_CHECK_EQ(DEC(h, id, l, 1, 19), 0);
	ATF_CHECK_EQ(INC(h, id, NULL, 1, 19), 0);
	ATF_CHECK_EQ(POP(h, id, l, 1, 18), 1);
	ATF_CHECK_EQ(tot(h, id), t0 + 262144);
	ATF_CHECK_EQ(DEC(h, id, l, 1, 18), 1);
	ATF_CHECK_EQ(tot(h, id), t0);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(other_domain, "a domU cannot act on another domain")
ATF_TC_BODY(other_domain, tc)
{
	struct xensim *h, *u;
	xen_pfn_t l[2];
	domid_t a, b, x;
	uint64_t tb;

	xt_start(256);
	h = xt_dom0();
	a = xt_create(h, "a", XENSIM_PVH, 16, 16);
	b = xt_create(h, "b", XENSIM_PVH, 16, 16);
	u = xt_domu(a);
	tb = tot(h, b);
	gfns(l, 2, BASE);
	ATF_CHECK_EQ(POP(u, b, l, 2, 0), 0);
	ATF_CHECK_EQ(INC(u, b, NULL, 2, 0), 0);
	l[0] = 0;
	ATF_CHECK_EQ(DEC(u, b, l, 1, 0), 0);
	ATF_CHECK_EQ(tot(h, b), tb);
	/* Its own id works like DOMID_SELF. */
	gfns(l, 2, BASE);
	ATF_CHECK_EQ(POP(u, a, l, 2, 0), 2);
	x = b;
	ATF_CHECK_EQ(xensim_memory_op(u, XENMEM_current_reservation, &x),
	    -EPERM);
	x = 12345;
	ATF_CHECK_EQ(xensim_memory_op(u, XENMEM_current_reservation, &x),
	    -ESRCH);
	ATF_CHECK_EQ(xensim_memory_op(h, XENMEM_maximum_reservation, &x),
	    -ESRCH);
	x = b;
	ATF_CHECK_EQ(xensim_memory_op(h, XENMEM_current_reservation, &x),
	    (long)tb);
	/* dom0 on a domain that does not exist: a count of 0. */
	ATF_CHECK_EQ(POP(h, 12345, l, 2, 0), 0);
	ATF_CHECK_EQ(INC(h, 12345, NULL, 2, 0), 0);
	ATF_CHECK_EQ(POP(h, DOMID_INVALID, l, 2, 0), 0);
	/* Control operations are dom0's. */
	ATF_CHECK_EQ(xensim_domain_destroy(u, b), -1);
	ATF_CHECK_EQ(errno, EPERM);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(decrease_stops, "a decrease stops at the first unpopulated frame (3b)")
ATF_TC_BODY(decrease_stops, tc)
{
	struct xensim *h;
	xen_pfn_t l[4], p[4];
	domid_t id;
	uint64_t t0;

	id = host_guest(256, XENSIM_PVH, &h);
	gfns(p, 4, BASE);
	ATF_REQUIRE(POP(h, id, p, 4, 0) == 4);
	t0 = tot(h, id);
	l[0] = p[0]; l[1] = p[1]; l[2] = BASE + 0x8000; l[3] = p[3];
	ATF_CHECK_EQ(DEC(h, id, l, 4, 0), 2);
	ATF_CHECK_EQ(tot(h, id), t0 - 2);
	ATF_CHECK_EQ(l[2], BASE + 0x8000);	/* list not modified */
	ATF_CHECK_EQ(DEC(h, id, &p[3], 1, 0), 1);
	ATF_CHECK_EQ(DEC(h, id, &p[0], 1, 0), 0);
	l[0] = BASE + 0x8000; l[1] = p[2];
	ATF_CHECK_EQ(DEC(h, id, l, 2, 0), 0);
	ATF_CHECK_EQ(DEC(h, id, &p[2], 1, 0), 1);
	ATF_CHECK_EQ(tot(h, id), t0 - 4);
	xensim_close(h);
}

XT_TC(quirks, "repopulating a GFN and order-9 decreases over holes (3c, 3d)")
ATF_TC_BODY(quirks, tc)
{
	struct xensim *h;
	xen_pfn_t l[2], g9 = 0x110000, p[10];
	domid_t id;
	uint64_t t0;

	id = host_guest(256, XENSIM_PVH, &h);
	ATF_REQUIRE(xensim_domain_setmaxmem(h, id, 64 * 1024) == 0);
	t0 = tot(h, id);
	/* 3c: populating an already populated GFN leaves a page charged. */
	l[0] = BASE + 4;
	ATF_CHECK_EQ(POP(h, id, l, 1, 0), 1);
	ATF_CHECK_EQ(POP(h, id, l, 1, 0), 1);
	ATF_CHECK_EQ(tot(h, id), t0 + 2);
	ATF_CHECK_EQ(DEC(h, id, l, 1, 0), 1);
	ATF_CHECK_EQ(DEC(h, id, l, 1, 0), 0);
	ATF_CHECK_EQ(tot(h, id), t0 + 1);
	l[0] = l[1] = BASE + 5;
	ATF_CHECK_EQ(POP(h, id, l, 2, 0), 2);
	ATF_CHECK_EQ(DEC(h, id, l, 1, 0), 1);
	ATF_CHECK_EQ(tot(h, id), t0 + 2);
	t0 = tot(h, id);
	/* d2: a full order-9 extent. */
	ATF_CHECK_EQ(POP(h, id, &g9, 1, 9), 1);
	ATF_CHECK_EQ(tot(h, id), t0 + 512);
	ATF_CHECK_EQ(DEC(h, id, &g9, 1, 9), 1);
	ATF_CHECK_EQ(DEC(h, id, &g9, 1, 9), 0);
	ATF_CHECK_EQ(tot(h, id), t0);
	/* d3: only the first 10 populated: rc 0, yet all 10 removed. */
	gfns(p, 10, g9);
	ATF_REQUIRE(POP(h, id, p, 10, 0) == 10);
	ATF_CHECK_EQ(DEC(h, id, &g9, 1, 9), 0);
	ATF_CHECK_EQ(tot(h, id), t0);
	ATF_CHECK_EQ(DEC(h, id, p, 10, 0), 0);
	/* d4: a hole first: nothing removed. */
	gfns(p, 10, g9 + 256);
	ATF_REQUIRE(POP(h, id, p, 10, 0) == 10);
	ATF_CHECK_EQ(DEC(h, id, &g9, 1, 9), 0);
	ATF_CHECK_EQ(tot(h, id), t0 + 10);
	ATF_CHECK_EQ(DEC(h, id, p, 10, 0), 10);
	/* d6: a non-aligned order-9 extent. */
	l[0] = g9 + 3;
	ATF_CHECK_EQ(POP(h, id, l, 1, 9), 1);
	ATF_CHECK_EQ(DEC(h, id, &g9, 1, 0), 0);
	ATF_CHECK_EQ(DEC(h, id, l, 1, 9), 1);
	ATF_CHECK_EQ(tot(h, id), t0);
	/* e: PVH increase charges pages and writes nothing back. */
	l[0] = 0xaaaa0000; l[1] = 0xaaaa0001;
	ATF_CHECK_EQ(INC(h, id, l, 2, 0), 2);
	ATF_CHECK_EQ(l[0], 0xaaaa0000);
	ATF_CHECK_EQ(l[1], 0xaaaa0001);
	ATF_CHECK_EQ(tot(h, id), t0 + 2);
	ATF_CHECK_EQ(DEC(h, id, l, 1, 0), 0);
	xensim_close(h);
}

XT_TC(pv_mfns, "PV: increase returns MFNs, decrease takes them (section 4)")
ATF_TC_BODY(pv_mfns, tc)
{
	struct xensim *h, *u;
	struct mmu_update mu[1];
	xen_pfn_t m[4], l[4], p[3], keep;
	unsigned int done;
	domid_t id;
	uint64_t t0, ram0;

	id = host_guest(256, XENSIM_PV, &h);
	u = xt_domu(id);
	t0 = tot(h, id);
	m[0] = m[1] = m[2] = m[3] = 0xaaaa0000;
	ATF_CHECK_EQ(INC(u, DOMID_SELF, m, 4, 0), 4);
	ATF_CHECK(m[0] != 0xaaaa0000 && m[3] != 0xaaaa0000);
	ATF_CHECK_EQ(tot(h, id), t0 + 4);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, m, 4, 0), 4);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, m, 4, 0), 0);
	ATF_CHECK_EQ(tot(h, id), t0);
	/* stops at the freed MFN */
	ATF_REQUIRE(INC(u, DOMID_SELF, l, 3, 0) == 3);
	keep = l[2];
	l[3] = l[2];
	l[2] = m[0];
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 4, 0), 2);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, &keep, 1, 0), 1);
	ATF_CHECK_EQ(tot(h, id), t0);
	/* populate writes MFNs back; the pfns themselves are not MFNs */
	gfns(p, 3, 0x200000);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, p, 3, 0), 3);
	ATF_CHECK(p[0] != 0x200000);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, p, 3, 0), 3);
	ATF_CHECK_EQ(tot(h, id), t0);
	/* A frame placed with MMU_MACHPHYS_UPDATE backs the guest's RAM. */
	ram0 = info(h, id).ram_allocated_pages;
	ATF_REQUIRE(INC(u, DOMID_SELF, m, 1, 0) == 1);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0);
	mu[0].ptr = ((uint64_t)m[0] << 12) | MMU_MACHPHYS_UPDATE;
	mu[0].val = 16 * 256 + 5;		/* a pfn above the boot RAM */
	ATF_CHECK_EQ(xensim_mmu_update(u, mu, 1, &done, DOMID_SELF), 0);
	ATF_CHECK_EQ(done, 1);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0 + 1);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, m, 1, 0), 1);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0);
	/* A frame the domain does not own cannot be placed. */
	ATF_CHECK_EQ(xensim_mmu_update(u, mu, 1, &done, DOMID_SELF), -EINVAL);
	ATF_CHECK_EQ(done, 0);
	xensim_close(u);
	xensim_close(h);
}

/* Does each page of ram[first..first+n) hold the byte c, all through? */
static bool
pages_hold(const unsigned char *ram, xen_pfn_t first, unsigned int n, int c)
{
	size_t i;

	for (i = 0; i < (size_t)n * 4096; i++)
		if (ram[first * 4096 + i] != c)
			return false;
	return true;
}

XT_TC(pv_runs, "PV: frames given back or placed by runs of pfns punch "
    "and back exactly those pfns")
ATF_TC_BODY(pv_runs, tc)
{
	/* Up, then down past the run's start, a gap, down again. */
	static const xen_pfn_t out[] = { 105, 106, 107, 104, 103, 110, 112,
	    111 };
	struct xensim *h, *u;
	struct xensim_start_info si;
	struct mmu_update mu[4];
	xen_pfn_t l[8], m[4];
	unsigned char *ram;
	unsigned int done, i;
	domid_t id;
	uint64_t ram0;

	id = host_guest(256, XENSIM_PV, &h);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	memset(ram + 100 * 4096, 0x5a, 20 * 4096);
	ram0 = info(h, id).ram_allocated_pages;
	for (i = 0; i < 8; i++)
		l[i] = si.p2m[out[i]];
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 8, 0), 8);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0 - 8);
	/* Each run was looked at before its punch: all 8 held data. */
	ATF_CHECK_EQ(info(h, id).dirty_given, 8);

	/* Placed: three at 105.. (a run where frames follow), one at 103. */
	ATF_REQUIRE(INC(u, DOMID_SELF, m, 4, 0) == 4);
	for (i = 0; i < 4; i++)
		mu[i].ptr = ((uint64_t)m[i] << 12) | MMU_MACHPHYS_UPDATE;
	mu[0].val = 105;
	mu[1].val = 106;
	mu[2].val = 107;
	mu[3].val = 103;
	ATF_CHECK_EQ(xensim_mmu_update(u, mu, 4, &done, DOMID_SELF), 0);
	ATF_CHECK_EQ(done, 4);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0 - 4);
	/* A bad entry after a run: the run is done, the rest is not. */
	ATF_REQUIRE(INC(u, DOMID_SELF, m, 2, 0) == 2);
	mu[0].ptr = ((uint64_t)m[0] << 12) | MMU_MACHPHYS_UPDATE;
	mu[0].val = 104;
	mu[1].ptr = ((uint64_t)m[1] << 12) | MMU_MACHPHYS_UPDATE;
	mu[1].val = 110;
	mu[2].ptr = ((uint64_t)0xfffff << 12) | MMU_MACHPHYS_UPDATE;
	mu[2].val = 111;
	ATF_CHECK_EQ(xensim_mmu_update(u, mu, 3, &done, DOMID_SELF),
	    -EINVAL);
	ATF_CHECK_EQ(done, 2);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0 - 2);
	/* Reading a hole backs it: the contents last. */
	ATF_CHECK(pages_hold(ram, 111, 2, 0));
	ATF_CHECK(pages_hold(ram, 100, 3, 0x5a));
	ATF_CHECK(pages_hold(ram, 108, 2, 0x5a));
	ATF_CHECK(pages_hold(ram, 113, 7, 0x5a));
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	free(si.p2m);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(pvh_runs, "PVH: extents given back or populated by runs of gfns "
    "punch and back exactly those gfns")
ATF_TC_BODY(pvh_runs, tc)
{
	/* Down, as uvm hands pages out, a gap, up again, an order-1 extent. */
	static const xen_pfn_t out[] = { 1107, 1106, 1105, 1110, 1111 };
	struct xensim *h, *u;
	struct xensim_start_info si;
	xen_pfn_t l[5], pair;
	unsigned char *ram;
	domid_t id;
	uint64_t ram0;

	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	memset(ram + 1100 * 4096, 0x5a, 20 * 4096);
	ram0 = info(h, id).ram_allocated_pages;
	memcpy(l, out, sizeof(l));
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 5, 0), 5);
	pair = 1112;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, &pair, 1, 1), 1);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0 - 7);
	ATF_CHECK_EQ(info(h, id).dirty_given, 7);
	/* Back in another order: the same frames, and nothing else. */
	l[0] = 1111;
	l[1] = 1110;
	l[2] = 1105;
	l[3] = 1106;
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 4, 0), 4);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0 - 3);
	ATF_CHECK(pages_hold(ram, 1100, 5, 0x5a));
	ATF_CHECK(pages_hold(ram, 1108, 2, 0x5a));
	ATF_CHECK(pages_hold(ram, 1114, 6, 0x5a));
	ATF_CHECK(pages_hold(ram, 1107, 1, 0));
	ATF_CHECK(pages_hold(ram, 1112, 2, 0));
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(errors, "nr 0, NULL lists, huge nr (section 5)")
ATF_TC_BODY(errors, tc)
{
	struct xensim *h;
	xen_pfn_t l[2];
	domid_t id;
	uint64_t t0;

	id = host_guest(256, XENSIM_PVH, &h);
	t0 = tot(h, id);
	gfns(l, 2, BASE);
	ATF_CHECK_EQ(POP(h, id, l, 0, 0), 0);
	ATF_CHECK_EQ(INC(h, id, l, 0, 0), 0);
	ATF_CHECK_EQ(DEC(h, id, l, 0, 0), 0);
	ATF_CHECK_EQ(DEC(h, id, NULL, 2, 0), 0);
	ATF_CHECK_EQ(POP(h, id, NULL, 2, 0), 0);
	ATF_CHECK_EQ(tot(h, id), t0);
	ATF_CHECK_EQ(INC(h, id, NULL, 2, 0), 2);
	ATF_CHECK_EQ(tot(h, id), t0 + 2);
	ATF_CHECK_EQ(POP(h, id, l, 0x4000000, 0), 0);
	ATF_CHECK_EQ(INC(h, id, NULL, 0x4000000, 0), 0);
	ATF_CHECK_EQ(tot(h, id), t0 + 2);
	ATF_CHECK_EQ(xensim_memory_op(h, 12345, l), -ENOSYS);
	xensim_close(h);
}

XT_TC(host_memory, "decrease frees host memory, populate takes it (memfd)")
ATF_TC_BODY(host_memory, tc)
{
	struct xensim *h, *u;
	struct xensim_start_info si;
	xen_pfn_t l[256];
	unsigned char *ram;
	domid_t id;
	uint64_t ram0;
	int i, nonzero;

	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_CHECK_EQ(si.domid, id);
	ATF_CHECK_EQ(si.kind, XENSIM_PVH);
	ATF_CHECK_EQ(si.nr_pages, 16 * 256);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	memset(ram + 1024 * 4096, 0x5a, 256 * 4096);
	ram0 = info(h, id).ram_allocated_pages;
	gfns(l, 256, 1024);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 256, 0), 256);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0 - 256);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 256, 0), 256);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, ram0);
	/* Frames come back unscrubbed: garbage, neither zero nor ours. */
	for (i = nonzero = 0; i < 256 * 4096; i++)
		nonzero += ram[1024 * 4096 + i] != 0;
	ATF_CHECK_EQ_MSG(nonzero, 256 * 4096, "%d bytes not zero", nonzero);
	ATF_CHECK(memcmp(ram + 1024 * 4096, "xensimd: frame not scrubbed ",
	    28) == 0);
	/* The 256 pages given back held 0x5a: each one counted. */
	ATF_CHECK_EQ(info(h, id).dirty_given, 256);
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	xensim_close(u);
	xensim_close(h);
}

/* Entry i of a start info's memory map is [addr, addr + size) of type. */
static void
memmap_is(const struct xensim_start_info *si, unsigned int i, uint64_t addr,
    uint64_t size, uint32_t type)
{

	ATF_REQUIRE(i < si->nr_memmap);
	ATF_CHECK_EQ_MSG(si->memmap[i].addr, addr, "entry %u at %#jx", i,
	    (uintmax_t)si->memmap[i].addr);
	ATF_CHECK_EQ_MSG(si->memmap[i].size, size, "entry %u of %#jx", i,
	    (uintmax_t)si->memmap[i].size);
	ATF_CHECK_EQ(si->memmap[i].type, type);
}

XT_TC(pvh_high, "PVH RAM as libxl lays it out: below the hole at "
    "0xfc000000 and from 4 GiB up; PV has no hole; the limits")
ATF_TC_BODY(pvh_high, tc)
{
	struct xensim_domcfg cfg;
	struct xensim_start_info si;
	struct xensim *h, *u;
	xen_pfn_t l[1];
	domid_t id;

	xt_start(8192);
	h = xt_dom0();

	/* 16 GiB of maxmem booted at 4 GiB: populate-on-demand. */
	id = xt_create(h, "big", XENSIM_PVH, 4096, 16384);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_CHECK_EQ(si.nr_pages, 16384 * 256);
	ATF_CHECK_EQ(si.nr_memmap, 4);
	memmap_is(&si, 0, 0, 0xfc000000, XEN_HVM_MEMMAP_TYPE_RAM);
	memmap_is(&si, 1, 0xfeff8000, 8 * 4096, XEN_HVM_MEMMAP_TYPE_RESERVED);
	memmap_is(&si, 2, 0xfc000000, 9 * 4096, XEN_HVM_MEMMAP_TYPE_NVS);
	memmap_is(&si, 3, 1ULL << 32, (16384ULL << 20) - 0xfc000000,
	    XEN_HVM_MEMMAP_TYPE_RAM);
	/* The RAM file holds every frame number up to the top of RAM. */
	ATF_CHECK_EQ(si.memfd_pages, (16384 * 256) + 0x4000);
	ATF_CHECK_EQ(info(h, id).pod_entries, 16384 * 256);
	/* Frames on both sides of the hole are PoD entries: decreasable. */
	l[0] = 0xfbfff;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 0), 1);
	l[0] = 0x100000 + (16384 * 256 - 0xfc000) - 1;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 0), 1);
	/* The hole and above the top are not: a frame of neither. */
	l[0] = 0xfd000;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 0), 0);
	l[0] = 0x100000 + (16384 * 256 - 0xfc000);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 0), 0);
	ATF_CHECK_EQ(info(h, id).pod_entries, 16384 * 256 - 2);
	close(si.memfd);
	xensim_close(u);

	/* Below the hole: one RAM entry. */
	id = xt_create(h, "small", XENSIM_PVH, 16, 16);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_CHECK_EQ(si.nr_memmap, 3);
	memmap_is(&si, 0, 0, 16 << 20, XEN_HVM_MEMMAP_TYPE_RAM);
	memmap_is(&si, 1, 0xfeff8000, 8 * 4096, XEN_HVM_MEMMAP_TYPE_RESERVED);
	memmap_is(&si, 2, 0xfc000000, 9 * 4096, XEN_HVM_MEMMAP_TYPE_NVS);
	close(si.memfd);
	xensim_close(u);

	/* PV: its frames from 0, however large maxmem. */
	id = xt_create(h, "pv", XENSIM_PV, 16, 16384);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_CHECK_EQ(si.nr_memmap, 1);
	memmap_is(&si, 0, 0, 16 << 20, XEN_HVM_MEMMAP_TYPE_RAM);
	close(si.memfd);
	free(si.p2m);
	xensim_close(u);

	/* Guest frames stop at 2^24, the hole's 64 MiB included on PVH. */
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "huge");
	cfg.kind = XENSIM_PVH;
	cfg.memory_kib = 16 * 1024;
	cfg.maxmem_kib = (XENSIM_PVH_MAXMEM_MIB + 1) * 1024ULL;
	ATF_CHECK_EQ(xensim_domain_create(h, &cfg, &id), -1);
	ATF_CHECK_EQ(errno, EFBIG);
	cfg.kind = XENSIM_PV;
	cfg.maxmem_kib = (XENSIM_PV_MAXMEM_MIB + 1) * 1024ULL;
	ATF_CHECK_EQ(xensim_domain_create(h, &cfg, &id), -1);
	ATF_CHECK_EQ(errno, EFBIG);
	ATF_CHECK_EQ(XENSIM_PVH_MAXMEM_MIB, 65536 - 64);
	xensim_close(h);
}

/* Give back 8 frames at gfn 1024, the first k holding data. */
static void
give_back(struct xensim *u, unsigned char *ram, int k)
{
	xen_pfn_t l[8];

	memset(ram + 1024 * 4096, 0, 8 * 4096);
	memset(ram + 1024 * 4096, 0x5a, (size_t)k * 4096);
	gfns(l, 8, 1024);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 8, 0), 8);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 8, 0), 8);
}

XT_TC(given_frames, "frames given back are checked for data; with -s "
    "frames come back scrubbed, with -z given ones are not checked")
ATF_TC_BODY(given_frames, tc)
{
	struct xensim *h, *u;
	struct xensim_start_info si;
	unsigned char *ram;
	domid_t id;

	xt_xensimd_flag = "-s";
	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	give_back(u, ram, 0);
	ATF_CHECK_EQ(info(h, id).dirty_given, 0);
	give_back(u, ram, 3);
	ATF_CHECK_EQ(info(h, id).dirty_given, 3);
	/* -s: what comes back reads as zero. */
	ATF_CHECK_EQ(ram[1024 * 4096], 0);
	ATF_CHECK_EQ(ram[1024 * 4096 + 8 * 4096 - 1], 0);
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	xensim_close(u);
	xensim_close(h);
	xt_stop();

	xt_xensimd_flag = "-z";
	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	give_back(u, ram, 8);
	ATF_CHECK_EQ(info(h, id).dirty_given, 0);
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(extents_fault, "fault extents=K: every reservation call stops "
    "after K extents, whatever it does")
ATF_TC_BODY(extents_fault, tc)
{
	struct xensim *h, *u;
	xen_pfn_t l[8];
	domid_t id;
	uint64_t t0;

	id = host_guest(256, XENSIM_PVH, &h);
	u = xt_domu(id);
	t0 = tot(h, id);
	xt_ctl("fault %u extents=3", id);
	gfns(l, 8, 1024);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 8, 0), 3);
	ATF_CHECK_EQ(tot(h, id), t0 - 3);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 8, 0), 3);
	ATF_CHECK_EQ(tot(h, id), t0);
	l[0] = 2048;		/* two 2 MiB extents */
	l[1] = 2048 + 512;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 2, 9), 2);
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 2, 9), 2);
	xt_ctl("fault %u extents=0", id);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 9), 0);
	ATF_CHECK_EQ(INC(u, DOMID_SELF, NULL, 4, 0), 0);
	ATF_CHECK_EQ(tot(h, id), t0);
	xt_ctl("fault %u clear", id);
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 2, 9), 2);
	ATF_CHECK_EQ(tot(h, id), t0 - 1024);
	xensim_close(u);
	xensim_close(h);
}

/* Place the owned machine frame mfn at pfn (a PV guest's P2M write). */
static int
machphys(struct xensim *u, xen_pfn_t mfn, xen_pfn_t pfn)
{
	struct mmu_update mu;
	unsigned int done;

	mu.ptr = ((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE;
	mu.val = pfn;
	return xensim_mmu_update(u, &mu, 1, &done, DOMID_SELF);
}

/* Does xensimd's log hold the text? */
static bool
log_has(const char *text)
{
	char path[PATH_MAX + 16], line[512];
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/xensimd.log", xt_dir);
	if ((fp = fopen(path, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		found = strstr(line, text) != NULL;
	fclose(fp);
	return found;
}

/*
 * A guest's accesses to frames it does not own, through the RAM watch
 * (userfaultfd) its host side hands over: a given-away frame reads all
 * ones and a write there is gone by the next hypercall, as on a real
 * Xen; each access is counted, the domain's own frames never are.
 */
static void
foreign(enum xensim_kind kind)
{
	struct xensim *h, *u;
	struct xensim_start_info si;
	xen_pfn_t l[1];
	volatile uint32_t *w;
	unsigned char *ram;
	domid_t id;

	id = host_guest(256, kind, &h);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	ATF_CHECK_EQ(info(h, id).ram_watched, 0);
	ATF_REQUIRE_MSG(xensim_ram_watch(u, ram, si.memfd_pages) == 0,
	    "%s", strerror(errno));
	ATF_CHECK_EQ(info(h, id).ram_watched, 1);
	/* Once only. */
	ATF_CHECK_EQ(xensim_ram_watch(u, ram, si.memfd_pages), -1);
	ATF_CHECK_EQ(errno, EBUSY);

	/* The domain's own frames: no fault, nothing counted. */
	w = (volatile uint32_t *)(void *)(ram + 1024 * 4096);
	w[0] = 0x12345678;
	ATF_CHECK_EQ(w[0], 0x12345678);
	ATF_CHECK_EQ(info(h, id).foreign_accesses, 0);

	/* Given away: all ones, a write dropped, each access counted. */
	l[0] = kind == XENSIM_PV ? si.p2m[1024] : 1024;
	ATF_REQUIRE_EQ(DEC(u, DOMID_SELF, l, 1, 0), 1);
	ATF_CHECK_EQ(w[0], 0xffffffff);
	ATF_CHECK_EQ(w[1023], 0xffffffff);
	ATF_CHECK_EQ(info(h, id).foreign_accesses, 1);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, tot(h, id));
	w[5] = 0;
	ATF_CHECK_EQ(info(h, id).foreign_accesses, 2);
	ATF_CHECK_EQ(w[5], 0xffffffff);
	ATF_CHECK_EQ(info(h, id).foreign_accesses, 3);
	/* A frame never populated answers the same. */
	ATF_CHECK_EQ(*(volatile uint32_t *)(void *)(ram + 6000 * 4096),
	    0xffffffff);
	ATF_CHECK_EQ(info(h, id).foreign_accesses, 4);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, tot(h, id));

	/* Populated again, the frame is the domain's: no more faults. */
	if (kind == XENSIM_PV) {
		ATF_REQUIRE_EQ(INC(u, DOMID_SELF, l, 1, 0), 1);
		ATF_REQUIRE_EQ(machphys(u, l[0], 1024), 0);
	} else
		ATF_REQUIRE_EQ(POP(u, DOMID_SELF, l, 1, 0), 1);
	w[0] = 7;
	ATF_CHECK_EQ(w[0], 7);
	ATF_CHECK_EQ(info(h, id).foreign_accesses, 4);
	ATF_CHECK_EQ(info(h, id).ram_allocated_pages, tot(h, id));
	ATF_CHECK(log_has("read of gfn 0x400, not the domain's: reads "
	    "all ones, writes dropped"));
	ATF_CHECK(log_has("write of gfn 0x400"));
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	free(si.p2m);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(pvh_foreign, "PVH: a frame given away reads all ones, writes are "
    "dropped, each access is counted; own frames never fault")
ATF_TC_BODY(pvh_foreign, tc)
{
	foreign(XENSIM_PVH);
}

XT_TC(pv_foreign, "PV: a frame given away reads all ones, writes are "
    "dropped, each access is counted; own frames never fault")
ATF_TC_BODY(pv_foreign, tc)
{
	foreign(XENSIM_PV);
}

/*
 * Populate-on-demand (a PVH domain of 16 MiB, maxmem 32 MiB), with this
 * process as the guest: the memory map is maxmem, the cache is memory;
 * a touch takes a zeroed frame of the cache, a decreased entry only
 * goes, a decreased frame goes to the cache while the entries
 * outnumber it, and a cache larger than the entries shrinks.
 */
XT_TC(pvh_pod, "PVH below maxmem: populate-on-demand entries, cache, "
    "touch, decrease and trim, as Xen's p2m-pod")
ATF_TC_BODY(pvh_pod, tc)
{
	struct xensim *h, *u;
	struct xensim_start_info si;
	struct xensim_dominfo di;
	xen_pfn_t *l;
	volatile uint32_t *w;
	unsigned char *ram;
	domid_t id;
	unsigned long i, n;

	id = pod_guest(&h);
	u = xt_domu(id);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_CHECK_EQ(si.nr_pages, 8192);
	di = info(h, id);
	ATF_CHECK_EQ(di.tot_pages, 4096 + 17);
	ATF_CHECK_EQ(di.pod_entries, 8192);
	ATF_CHECK_EQ(di.pod_cache, 4096);
	ATF_CHECK_EQ(di.ram_allocated_pages, 17);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	ATF_REQUIRE(xensim_ram_watch(u, ram, si.memfd_pages) == 0);

	/*
	 * A touch: zeroed frames of the cache, the charge unchanged; the
	 * whole 2 MiB around it when all of it is entries.
	 */
	w = (volatile uint32_t *)(void *)(ram + 10 * 4096);
	ATF_CHECK_EQ(w[7], 0);
	w[7] = 1;
	di = info(h, id);
	ATF_CHECK_EQ(di.pod_cache, 4096 - 512);
	ATF_CHECK_EQ(di.pod_entries, 8192 - 512);
	ATF_CHECK_EQ(di.tot_pages, 4096 + 17);
	ATF_CHECK_EQ(di.ram_allocated_pages, 17 + 512);
	ATF_CHECK_EQ(di.foreign_accesses, 0);

	/* A decreased entry goes; tot_pages stays. */
	l = calloc(8192, sizeof(*l));
	ATF_REQUIRE(l != NULL);
	l[0] = 513;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 0), 1);
	ATF_CHECK_EQ(info(h, id).pod_entries, 8192 - 513);
	ATF_CHECK_EQ(tot(h, id), 4096 + 17);
	/* Its 2 MiB no longer all entries: a touch takes one page. */
	ATF_CHECK_EQ(*(volatile uint32_t *)(void *)(ram + 600 * 4096), 0);
	di = info(h, id);
	ATF_CHECK_EQ(di.pod_cache, 4096 - 513);
	ATF_CHECK_EQ(di.pod_entries, 8192 - 514);
	ATF_CHECK_EQ(di.ram_allocated_pages, 17 + 513);
	/* A decreased frame, entries outnumbering the cache: cached. */
	l[0] = 10;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 1, 0), 1);
	di = info(h, id);
	ATF_CHECK_EQ(di.pod_cache, 4096 - 512);
	ATF_CHECK_EQ(di.tot_pages, 4096 + 17);
	ATF_CHECK_EQ(di.ram_allocated_pages, 17 + 512);
	/* Everything above 16 MiB out: the entries fall under the cache. */
	for (i = 4096, n = 0; i < 8192; i++)
		l[n++] = i;
	ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, n, 0), (long)n);
	di = info(h, id);
	ATF_CHECK_EQ(di.pod_entries, 4096 - 514);
	ATF_CHECK_EQ(di.pod_cache, 4096 - 514);
	ATF_CHECK_EQ(di.tot_pages, 4096 - 2 + 17);
	ATF_CHECK_EQ(di.ram_allocated_pages + di.pod_cache, di.tot_pages);
	/* Populating a gap frame takes a new one, as on any domain. */
	l[0] = 5000;
	ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 1, 0), 1);
	ATF_CHECK_EQ(tot(h, id), 4096 - 1 + 17);
	ATF_CHECK_EQ(info(h, id).foreign_accesses, 0);
	ATF_CHECK_EQ(info(h, id).crashed, 0);
	free(l);
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	xensim_close(u);
	xensim_close(h);
}

/* The guest's side of pvh_pod_crash: touch every page of the map. */
static void
touch_all(domid_t id)
{
	struct xensim *u;
	struct xensim_start_info si;
	unsigned char *ram;
	uint64_t i;

	u = xt_domu(id);
	if (xensim_start_info(u, &si) != 0 || (ram = mmap(NULL,
	    si.memfd_pages * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
	    si.memfd, 0)) == MAP_FAILED ||
	    xensim_ram_watch(u, ram, si.memfd_pages) != 0)
		_exit(2);
	for (i = 0; i < si.nr_pages; i++)
		ram[i * 4096] = 1;
	_exit(0);
}

XT_TC(pvh_pod_crash, "PVH below maxmem: a touch with the PoD cache "
    "empty crashes the domain, with Xen's message; it stays, crashed")
ATF_TC_BODY(pvh_pod_crash, tc)
{
	struct xensim *h;
	struct xensim_dominfo di;
	domid_t id;
	pid_t pid;
	int status;

	id = pod_guest(&h);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0)
		touch_all(id);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "the guest was not stopped: status %#x", status);
	di = info(h, id);
	ATF_CHECK_EQ(di.crashed, 1);
	ATF_CHECK_EQ(di.pod_cache, 0);
	ATF_CHECK_EQ(di.tot_pages, 4096 + 17);
	ATF_CHECK(log_has("p2m_pod_demand_populate: Dom1 out of PoD memory! "
	    "(tot=4113 ents=4096 dom1)"));
	ATF_CHECK(log_has("domain_crash called from p2m-pod.c"));
	ATF_CHECK(log_has("Domain 1 (vcpu#0) crashed on cpu#0:"));
	xensim_close(h);
	ATF_CHECK_EQ(system(BINDIR "/xensimctl list | grep -q "
	    "'^g  *1  *16  *1  *----c-'"), 0);
}

XT_TC(features, "XENVER_get_features tells PVH from PV")
ATF_TC_BODY(features, tc)
{
	struct xensim *h, *u;
	struct xen_feature_info fi;
	domid_t pvh, pv;

	xt_start(256);
	h = xt_dom0();
	pvh = xt_create(h, "a", XENSIM_PVH, 16, 16);
	pv = xt_create(h, "b", XENSIM_PV, 16, 16);
	u = xt_domu(pvh);
	fi.submap_idx = 0;
	ATF_CHECK_EQ(xensim_xen_version(u, XENVER_get_features, &fi), 0);
	ATF_CHECK(fi.submap & (1U << XENFEAT_auto_translated_physmap));
	xensim_close(u);
	u = xt_domu(pv);
	fi.submap_idx = 0;
	ATF_CHECK_EQ(xensim_xen_version(u, XENVER_get_features, &fi), 0);
	ATF_CHECK(!(fi.submap & (1U << XENFEAT_auto_translated_physmap)));
	xensim_close(u);
	xensim_close(h);
}

XT_TC(memory_map, "XENMEM_memory_map: a PV domain's map is one RAM entry "
    "of maxmem, as libxl sets it; its boot P2M is sized for it")
ATF_TC_BODY(memory_map, tc)
{
	struct {
		uint64_t	addr;
		uint64_t	size;
		uint32_t	type;
	} __attribute__((__packed__)) map[4];
	struct xen_memory_map mm;
	struct xensim_start_info si;
	struct xensim *h, *u;
	domid_t pvh, pv;
	uint64_t i;

	xt_start(256);
	h = xt_dom0();
	pvh = xt_create(h, "a", XENSIM_PVH, 16, 32);
	pv = xt_create(h, "b", XENSIM_PV, 16, 32);

	u = xt_domu(pv);
	memset(map, 0xff, sizeof(map));
	mm.nr_entries = 4;
	set_xen_guest_handle(mm.buffer, map);
	ATF_CHECK_EQ(xensim_memory_op(u, XENMEM_memory_map, &mm), 0);
	ATF_REQUIRE_EQ(mm.nr_entries, 1);
	ATF_CHECK_EQ(map[0].addr, 0);
	ATF_CHECK_EQ(map[0].size, UINT64_C(32) << 20);
	ATF_CHECK_EQ(map[0].type, 1);		/* E820 RAM */
	ATF_CHECK_EQ(map[1].type, UINT32_MAX);	/* untouched */
	/* No room: no entry, no error (Xen gives the smaller count). */
	mm.nr_entries = 0;
	ATF_CHECK_EQ(xensim_memory_op(u, XENMEM_memory_map, &mm), 0);
	ATF_CHECK_EQ(mm.nr_entries, 0);

	/* The boot P2M: 16 MiB placed, the rest of the map without a frame. */
	ATF_REQUIRE_EQ(xensim_start_info(u, &si), 0);
	ATF_CHECK_EQ(si.nr_pages, 4096);
	ATF_REQUIRE_EQ(si.memfd_pages, 8192);
	for (i = 0; i < si.memfd_pages; i++)
		if ((i < si.nr_pages) == (si.p2m[i] == ~(xen_pfn_t)0))
			break;
	ATF_CHECK_EQ_MSG(i, si.memfd_pages, "P2M entry %ju: %#jx",
	    (uintmax_t)i, (uintmax_t)si.p2m[i < si.memfd_pages ? i : 0]);
	free(si.p2m);
	close(si.memfd);
	xensim_close(u);

	/* PVH: the map is in the start info; no call for it here. */
	u = xt_domu(pvh);
	mm.nr_entries = 4;
	ATF_CHECK_EQ(xensim_memory_op(u, XENMEM_memory_map, &mm), -ENOSYS);
	xensim_close(u);
	xensim_close(h);
}

/*
 * A reservation call of more than the daemon does at once (4 MiB) is
 * preempted and continued by the library: the guest sees one call, and
 * every extent is done, at order 0 and 9, PVH and PV.
 */
static void
continued(enum xensim_kind kind)
{
	static xen_pfn_t l[4096];
	struct xensim *h, *u;
	uint64_t t0;
	domid_t id;
	long i;

	xt_start(256);
	h = xt_dom0();
	id = xt_create(h, "g", kind, 16, kind == XENSIM_PVH ? 16 : 32);
	ATF_REQUIRE_EQ(xensim_domain_setmaxmem(h, id, 64 * 1024), 0);
	u = xt_domu(id);
	t0 = tot(h, id);
	if (kind == XENSIM_PVH) {
		gfns(l, 4096, BASE);
		ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 4096, 0), 4096);
		ATF_CHECK_EQ(tot(h, id), t0 + 4096);
		ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 4096, 0), 4096);
		ATF_CHECK_EQ(tot(h, id), t0);
		for (i = 0; i < 8; i++)
			l[i] = BASE + (xen_pfn_t)i * 512;
		ATF_CHECK_EQ(POP(u, DOMID_SELF, l, 8, 9), 8);
		ATF_CHECK_EQ(tot(h, id), t0 + 4096);
		ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 8, 9), 8);
	} else {
		/* PV: every extent's machine frame comes back. */
		memset(l, 0, sizeof(l));
		ATF_CHECK_EQ(INC(u, DOMID_SELF, l, 4096, 0), 4096);
		ATF_CHECK_EQ(tot(h, id), t0 + 4096);
		for (i = 1; i < 4096; i++)
			if (l[i] == 0 || l[i] == l[0])
				break;
		ATF_CHECK_EQ_MSG(i, 4096, "extent %ld: mfn %#lx", i,
		    (unsigned long)l[i]);
		ATF_CHECK_EQ(DEC(u, DOMID_SELF, l, 4096, 0), 4096);
	}
	ATF_CHECK_EQ(tot(h, id), t0);
	xensim_close(u);
	xensim_close(h);
}

/*
 * dom0 is answered, every request, while a domU loops on hypercalls as
 * fast as it can and another moves 16 MiB a call (a child each).
 */
XT_TC(dom0_under_load, "dom0's requests are all answered while domUs "
    "flood the hypercall socket")
ATF_TC_BODY(dom0_under_load, tc)
{
	static xen_pfn_t l[4096];
	struct xensim_dominfo di;
	struct xensim_hostinfo hi;
	struct xensim *h, *u;
	uint64_t held;
	pid_t kid[2];
	domid_t a, b;
	uint64_t ta, tb;
	int i, k, st;

	xt_start(512);
	h = xt_dom0();
	a = xt_create(h, "a", XENSIM_PVH, 16, 16);
	b = xt_create(h, "b", XENSIM_PVH, 16, 16);
	ATF_REQUIRE_EQ(xensim_domain_setmaxmem(h, b, 64 * 1024), 0);
	ta = tot(h, a);
	tb = tot(h, b);
	ATF_REQUIRE_EQ(xensim_host_info(h, &hi), 0);
	held = hi.free_pages + tb;
	for (k = 0; k < 2; k++) {
		ATF_REQUIRE((kid[k] = fork()) != -1);
		if (kid[k] != 0)
			continue;
		u = xt_domu(k == 0 ? a : b);
		gfns(l, 4096, BASE);
		for (;;) {
			if (k == 0)
				(void)POP(u, DOMID_SELF, l, 16, 10);
			else if (POP(u, DOMID_SELF, l, 4096, 0) != 4096 ||
			    DEC(u, DOMID_SELF, l, 4096, 0) != 4096)
				_exit(1);
		}
	}
	for (i = 0; i < 500; i++) {
		ATF_REQUIRE_EQ_MSG(xensim_domain_getinfo(h, a, &di), 0,
		    "request %d: %s", i, strerror(errno));
		ATF_REQUIRE_EQ(di.tot_pages, ta);
	}
	for (k = 0; k < 2; k++) {
		kill(kid[k], SIGKILL);
		ATF_REQUIRE_EQ(waitpid(kid[k], &st, 0), kid[k]);
		ATF_CHECK_MSG(WIFSIGNALED(st), "domU %d stopped early", k);
	}
	ATF_CHECK(xt_alive());
	/* Killed between calls or within one: every page accounted for. */
	ATF_REQUIRE_EQ(xensim_host_info(h, &hi), 0);
	ATF_CHECK_EQ(hi.free_pages + tot(h, b), held);
	ATF_CHECK_EQ(tot(h, a), ta);
	xensim_close(h);
}

XT_TC(pvh_continued, "PVH: a call of 16 MiB is preempted and continued, "
    "all of it done")
ATF_TC_BODY(pvh_continued, tc)
{

	continued(XENSIM_PVH);
}

XT_TC(pv_continued, "PV: a call of 16 MiB is preempted and continued, "
    "every machine frame returned")
ATF_TC_BODY(pv_continued, tc)
{

	continued(XENSIM_PV);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, create_limits);
	ATF_TP_ADD_TC(tp, populate_full);
	ATF_TP_ADD_TC(tp, moved_ns);
	ATF_TP_ADD_TC(tp, partial_max);
	ATF_TP_ADD_TC(tp, pvh_super_past_max);
	ATF_TP_ADD_TC(tp, pv_super_past_max);
	ATF_TP_ADD_TC(tp, host_exhausted);
	ATF_TP_ADD_TC(tp, bad_order);
	ATF_TP_ADD_TC(tp, other_domain);
	ATF_TP_ADD_TC(tp, decrease_stops);
	ATF_TP_ADD_TC(tp, quirks);
	ATF_TP_ADD_TC(tp, pv_mfns);
	ATF_TP_ADD_TC(tp, pv_runs);
	ATF_TP_ADD_TC(tp, pvh_runs);
	ATF_TP_ADD_TC(tp, errors);
	ATF_TP_ADD_TC(tp, host_memory);
	ATF_TP_ADD_TC(tp, pvh_foreign);
	ATF_TP_ADD_TC(tp, pv_foreign);
	ATF_TP_ADD_TC(tp, pvh_pod);
	ATF_TP_ADD_TC(tp, pvh_pod_crash);
	ATF_TP_ADD_TC(tp, given_frames);
	ATF_TP_ADD_TC(tp, pvh_high);
	ATF_TP_ADD_TC(tp, extents_fault);
	ATF_TP_ADD_TC(tp, features);
	ATF_TP_ADD_TC(tp, memory_map);
	ATF_TP_ADD_TC(tp, dom0_under_load);
	ATF_TP_ADD_TC(tp, pvh_continued);
	ATF_TP_ADD_TC(tp, pv_continued);
	return atf_no_error();
}
