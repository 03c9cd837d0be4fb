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
 * What any balloon(4) driver must do, judged through the NetBSD
 * interface alone: machdep.xen.balloon.{current,target,min,max} (KiB)
 * inside the guest, memory/target written by dom0, and the hypervisor's
 * reservation and the host memory behind the guest's RAM.  Nothing here
 * reads this driver's stats.* or its console wording, so a different
 * driver is judged on what it does; each case runs on PV and on PVH.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <balloon.h>
#include <rumpsysctl.h>
#include <xensim.h>

#include "xensim_test.h"

#define NODE(n)		BALLOON_SYSCTL "." n
#define CURRENT		NODE(BALLOON_NODE_CURRENT)
#define TARGET		NODE(BALLOON_NODE_TARGET)
#define MIN		NODE(BALLOON_NODE_MIN)
#define MAX		NODE(BALLOON_NODE_MAX)
#define get(n)		xt_sysctl_quad(n)

/* Frames a domain holds beyond its RAM (the PVH builder's). */
static uint64_t
extra_pages(const char *type)
{

	return strcmp(type, "pvh") == 0 ? 17 : 0;
}

/* memory/target as dom0 writes it, in KiB. */
static void
xs_target_kib(domid_t d, uint64_t kib)
{
	char v[32];

	snprintf(v, sizeof(v), "%" PRIu64, kib);
	xt_xs_target(d, v);
}

static bool
ram_agrees(domid_t d, struct xensim_dominfo *di)
{

	*di = xt_dominfo(d);
	return di->ram_allocated_pages == di->tot_pages;
}

/*
 * The host backs exactly the reservation, the guest gave back no page
 * with data and touched none it does not own, and its current is the
 * reservation.
 */
static void
host_agrees(domid_t d)
{
	struct xensim_dominfo di;

	/* The host populates what a deflation took as the guest maps it. */
	XT_WAIT_FOR(ram_agrees(d, &di));
	ATF_CHECK_EQ_MSG(di.ram_allocated_pages, di.tot_pages,
	    "memfd holds %" PRIu64 " pages, tot_pages %" PRIu64,
	    di.ram_allocated_pages, di.tot_pages);
	ATF_CHECK_EQ(di.dirty_given, 0);
	ATF_CHECK_EQ(get(CURRENT), xt_dominfo(d).tot_pages * 4);
	xt_no_foreign(d);
}

/*
 * Move the target to pages (of RAM) through memory/target, sampling
 * tot_pages all the way: on the way down it never goes below the
 * target, on the way up never above it, and it ends there exactly.
 * A driver that moves whole superpages past the target and comes back
 * fails here even though it ends right.
 */
static void
move_sampled(domid_t d, uint64_t extra, uint64_t pages)
{
	uint64_t from, want, tot, lo, hi, samples = 0;
	double until;
	bool down;

	from = xt_dominfo(d).tot_pages;
	want = pages + extra;
	down = want < from;
	lo = hi = from;
	xs_target_kib(d, pages * 4);
	/* A guard against hanging, not a timing assertion. */
	until = xt_now() + 120;
	for (;;) {
		tot = xt_dominfo(d).tot_pages;
		samples++;
		lo = tot < lo ? tot : lo;
		hi = tot > hi ? tot : hi;
		if (down)
			ATF_REQUIRE_MSG(tot >= want, "%" PRIu64 " -> %" PRIu64
			    " pages: tot_pages %" PRIu64 " passed the target",
			    from, want, tot);
		else
			ATF_REQUIRE_MSG(tot <= want, "%" PRIu64 " -> %" PRIu64
			    " pages: tot_pages %" PRIu64 " passed the target",
			    from, want, tot);
		if (tot == want && get(CURRENT) == want * 4)
			break;
		ATF_REQUIRE_MSG(!xt_panicked(), "the guest panicked");
		/* Every 0.2 ms: a superpage past the target shows. */
		usleep(200);
		ATF_REQUIRE_MSG(xt_now() < until, "%" PRIu64 " -> %" PRIu64
		    " pages: stuck at %" PRIu64, from, want, tot);
	}
	printf("%" PRIu64 " -> %" PRIu64 " pages: %" PRIu64 " samples, "
	    "between %" PRIu64 " and %" PRIu64 "\n", from, want, samples, lo,
	    hi);
	fflush(stdout);
	ATF_CHECK_EQ(get(TARGET), pages * 4);
	host_agrees(d);
}

/*
 * Moves of 1, 100, 511 and 513 pages and of 1 GiB, down and back up,
 * from a start off the 2 MiB grid and on it.
 */
static void
no_overshoot(const char *type)
{
	static const uint64_t steps[] = { 1, 100, 511, 513, 262144 };
	uint64_t extra = extra_pages(type), pages;
	domid_t d;
	size_t i;

	d = xt_balloon_guest(type, 1536);
	pages = 1536 * 256;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		pages -= steps[i];
		move_sampled(d, extra, pages);
	}
	for (i = sizeof(steps) / sizeof(steps[0]); i-- > 0;) {
		pages += steps[i];
		move_sampled(d, extra, pages);
	}
	ATF_CHECK_EQ(pages, 1536 * 256);
	/* The same steps again from the 2 MiB grid at 512 MiB, up first. */
	pages = 512 * 256;
	move_sampled(d, extra, pages);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		pages += steps[i];
		move_sampled(d, extra, pages);
		pages -= steps[i];
		move_sampled(d, extra, pages);
	}
}

XT_TC(pv_no_overshoot,
    "PV: tot_pages sampled through moves of 1, 100, 511, 513 pages and "
    "1 GiB, down and up, never passes the target and ends on it")
ATF_TC_BODY(pv_no_overshoot, tc)
{

	no_overshoot("pv");
}

XT_TC(pvh_no_overshoot,
    "PVH: tot_pages sampled through moves of 1, 100, 511, 513 pages and "
    "1 GiB, down and up, never passes the target and ends on it")
ATF_TC_BODY(pvh_no_overshoot, tc)
{

	no_overshoot("pvh");
}

/*
 * The min floor in KiB: min below the floor the driver starts with is
 * refused, and so is a min above the target; a min equal to the target
 * is taken (guards a `>=' where `>' is right); a target below min is
 * refused and changes nothing, one at min is reached.
 */
static void
min_floor(const char *type)
{
	uint64_t extra = extra_pages(type), floor, tot;
	domid_t d;

	d = xt_balloon_guest(type, 512);
	tot = xt_dominfo(d).tot_pages;
	floor = get(MIN);
	ATF_REQUIRE(floor > 0 && floor < 524288);
	ATF_CHECK_EQ(get(TARGET), 524288);
	ATF_CHECK_EQ(get(MAX), 525312);

	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, floor - 1), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, 0), EPERM);
	ATF_CHECK_EQ(get(MIN), floor);
	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, 524288 + 4), EPERM);
	ATF_CHECK_EQ(get(MIN), floor);
	/* min = target: the target is not below min. */
	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, 524288), 0);
	ATF_CHECK_EQ(get(MIN), 524288);
	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, floor), 0);
	ATF_CHECK_EQ(get(MIN), floor);

	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, 131072), 0);
	ATF_CHECK_EQ(get(MIN), 131072);
	ATF_CHECK_EQ(xt_sysctl_set_quad(TARGET, 131068), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(TARGET, floor), EPERM);
	ATF_CHECK_EQ(get(TARGET), 524288);
	ATF_CHECK_EQ(xt_dominfo(d).tot_pages, tot);
	ATF_CHECK_EQ(xt_sysctl_set_quad(TARGET, 131072), 0);
	xt_balloon_settle(d, 32768 + extra);
	ATF_CHECK_EQ(get(TARGET), 131072);
	/* At the target reached, min = target again. */
	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, 131072 + 4), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(MIN, 131072), 0);
	ATF_CHECK_EQ(get(MIN), 131072);
	host_agrees(d);
}

XT_TC(pv_min_floor,
    "PV: min below the floor or above the target refused, min equal to "
    "the target taken, a target below min refused")
ATF_TC_BODY(pv_min_floor, tc)
{

	min_floor("pv");
}

XT_TC(pvh_min_floor,
    "PVH: min below the floor or above the target refused, min equal to "
    "the target taken, a target below min refused")
ATF_TC_BODY(pvh_min_floor, tc)
{

	min_floor("pvh");
}

/*
 * Hypercalls that do less than asked: a deflate the host cuts off after
 * 1000 pages, and an inflate Xen lets give back one page a call.  No
 * panic, the pages done are kept and accounted for (the host backs
 * exactly the reservation, the guest's current says it), the target is
 * not forgotten, and once Xen does all again the target is reached
 * exactly.
 */
static void
short_call(const char *type)
{
	uint64_t extra = extra_pages(type), tot;
	domid_t d;

	d = xt_balloon_guest(type, 512);
	xs_target_kib(d, 262144);
	xt_balloon_settle(d, 65536 + extra);

	/* Deflate: the host gives 1000 pages, then nothing. */
	xt_ctl("fault %u budget=1000", d);
	xs_target_kib(d, 524288);
	XT_WAIT_FOR(xt_dominfo(d).tot_pages == 66536 + extra);
	ATF_REQUIRE_MSG(!xt_panicked(), "the guest panicked");
	ATF_REQUIRE_EQ(xt_dominfo(d).tot_pages, 66536 + extra);
	ATF_CHECK_EQ(get(TARGET), 524288);
	host_agrees(d);
	xt_ctl("fault %u clear", d);
	/* The target again, for a driver that waits for news to retry. */
	xs_target_kib(d, 524288);
	xt_balloon_settle(d, 131072 + extra);
	host_agrees(d);

	/* Inflate: every call gives back one page at most. */
	xt_ctl("fault %u maxorder=0 extents=1", d);
	xs_target_kib(d, 262144);
	XT_WAIT_FOR(xt_dominfo(d).tot_pages <= 131072 + extra - 8);
	tot = xt_dominfo(d).tot_pages;
	ATF_REQUIRE_MSG(!xt_panicked(), "the guest panicked");
	ATF_REQUIRE_MSG(tot <= 131072 + extra - 8 && tot >= 65536 + extra,
	    "tot_pages %" PRIu64, tot);
	ATF_CHECK_EQ(get(TARGET), 262144);
	host_agrees(d);
	xt_ctl("fault %u clear", d);
	xs_target_kib(d, 262144);
	xt_balloon_settle(d, 65536 + extra);
	host_agrees(d);
	ATF_REQUIRE(xt_alive());
}

XT_TC(pv_short_call,
    "PV: deflate and inflate calls Xen cuts short lose nothing, panic "
    "nothing, and the target is reached once Xen does all again")
ATF_TC_BODY(pv_short_call, tc)
{

	short_call("pv");
}

XT_TC(pvh_short_call,
    "PVH: deflate and inflate calls Xen cuts short lose nothing, panic "
    "nothing, and the target is reached once Xen does all again")
ATF_TC_BODY(pvh_short_call, tc)
{

	short_call("pvh");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, pv_no_overshoot);
	ATF_TP_ADD_TC(tp, pvh_no_overshoot);
	ATF_TP_ADD_TC(tp, pv_min_floor);
	ATF_TP_ADD_TC(tp, pvh_min_floor);
	ATF_TP_ADD_TC(tp, pv_short_call);
	ATF_TP_ADD_TC(tp, pvh_short_call);
	return atf_no_error();
}
