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
 * dom0 lowers a domain's max_pages (XENMEM via privcmd, as libxenctrl's
 * xc_domain_setmaxmem) under a balloon that is deflating: the deflate
 * stops short at max_pages with exact accounting, and finishes once
 * max_pages is raised again.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <xenstore.h>

#include <balloon.h>
#include <xensim.h>

#include "xensim_test.h"

#define NODE(n)		BALLOON_SYSCTL "." n
#define get(n)		xt_sysctl_quad(n)
#define geti(n)		xt_sysctl_int(n)
#define tot_pages(d)	xt_dominfo(d).tot_pages
#define max_pages(d)	xt_dominfo(d).max_pages
#define settle(d, p)	xt_balloon_settle(d, p)

static void
xs_target(domid_t domid, uint64_t kib)
{
	struct xs_handle *xs;
	char path[64], val[32];

	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
	snprintf(val, sizeof(val), "%" PRIu64, kib);
	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	ATF_REQUIRE(xs_write(xs, XBT_NULL, path, val, strlen(val)));
	xs_close(xs);
}

static void
fault(domid_t domid, int64_t budget)
{
	struct xensim_fault f = { .domid = domid, .alloc_budget = budget };
	struct xensim *h = xt_dom0();

	ATF_REQUIRE_EQ(xensim_fault(h, &f), 0);
	xensim_close(h);
}

static void
setmaxmem(domid_t domid, uint64_t kib)
{
	struct xensim *h = xt_dom0();

	ATF_REQUIRE_EQ(xensim_domain_setmaxmem(h, domid, kib), 0);
	xensim_close(h);
}

static void
check_accounts(domid_t domid, uint64_t ram_pages, uint64_t extra)
{
	uint64_t tot = tot_pages(domid);

	ATF_CHECK_EQ(get(NODE("stats.balloon")), (ram_pages + extra - tot) * 4);
	ATF_CHECK_EQ(get(NODE("current")), tot * 4);
	ATF_CHECK_EQ(get(NODE("stats.inflated")) - get(NODE("stats.deflated")),
	    get(NODE("stats.balloon")));
	xt_no_foreign(domid);
}

static void
maxpages(const char *type, uint64_t extra)
{
	domid_t d;
	int st;

	d = xt_balloon_guest(type, 512);
	xs_target(d, 262144);
	settle(d, 65536 + extra);

	/* Hold the deflate back, then cut max_pages under it. */
	fault(d, 0);
	xs_target(d, 393216);
	XT_WAIT_FOR(xt_evcnt(BALLOON_EV_PARTIAL) != 0);
	ATF_REQUIRE(xt_evcnt(BALLOON_EV_PARTIAL) > 0);
	setmaxmem(d, 80000 * 4);
	ATF_REQUIRE_EQ(max_pages(d), 80000);
	fault(d, -1);
	if (geti(NODE("stats.state")) == 4)
		xs_target(d, 393216);	/* stalled: ask again */

	XT_WAIT_FOR(tot_pages(d) == 80000);
	ATF_REQUIRE_EQ(tot_pages(d), 80000);
	XT_WAIT_FOR((st = geti(NODE("stats.state"))) == 3 || st == 4);
	ATF_CHECK(st == 3 || st == 4);
	ATF_CHECK_EQ(tot_pages(d), 80000);
	check_accounts(d, 131072, extra);

	setmaxmem(d, 525312);
	if (geti(NODE("stats.state")) == 4)
		xs_target(d, 393216);
	settle(d, 98304 + extra);
	check_accounts(d, 131072, extra);
	ATF_CHECK_EQ(get(NODE("stats.balloon")), 131072);
}

XT_TC(pv_maxpages,
    "PV: max_pages lowered under a deflate stops it there")
ATF_TC_BODY(pv_maxpages, tc)
{
	maxpages("pv", 0);
}

XT_TC(pvh_maxpages,
    "PVH: max_pages lowered under a deflate stops it there")
ATF_TC_BODY(pvh_maxpages, tc)
{
	maxpages("pvh", 17);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pv_maxpages);
	ATF_TP_ADD_TC(tp, pvh_maxpages);
	return atf_no_error();
}
