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
 * The bench guest publishes its memory figures for dom0 under its own
 * xenstore data/ directory (data/meminfo_total, data/meminfo_free, KiB),
 * and keeps them current.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include <balloon.h>
#include <rumpsysctl.h>
#include <xensim.h>

#include "xensim_test.h"

/* A KiB figure the guest published, or -1 if there is none. */
static long long
figure(domid_t d, const char *node)
{
	struct xs_handle *xs;
	char path[128], *s, *ep;
	unsigned int len;
	long long v = -1;

	ATF_REQUIRE((xs = xs_open(XS_OPEN_SOCKETONLY)) != NULL);
	snprintf(path, sizeof(path), "/local/domain/%u/data/%s", d, node);
	if ((s = xs_read(xs, XBT_NULL, path, &len)) != NULL) {
		v = strtoll(s, &ep, 10);
		if (*s == '\0' || *ep != '\0')
			v = -2;
		free(s);
	}
	xs_close(xs);
	return v;
}

/* Within a few pages: the kernel's own allocations come and go. */
static bool
near(long long v, long long want)
{

	return v >= want - 64 && v <= want + 64;
}

XT_TC(meminfo,
    "data/meminfo_total is the guest's RAM and data/meminfo_free follows "
    "what the guest's workload takes and gives back")
ATF_TC_BODY(meminfo, tc)
{
	long long base;
	uint64_t kib;
	domid_t d;

	xt_start(0);
	d = (domid_t)xt_ctl("create name=g memory=128 maxmem=128 type=pv "
	    "kernel=%s/rumpxen", BINDIR);
	xt_sysctl_wait(d, "debug.memhog");
	XT_WAIT_FOR(figure(d, "meminfo_free") >= 0);
	ATF_CHECK_EQ(figure(d, "meminfo_total"), 131072);
	/*
	 * The kernel's pools and kmem take their pages from RAM, as in
	 * NetBSD: a page each for 100 stand-in pools and a few more.
	 */
	base = figure(d, "meminfo_free");
	ATF_CHECK_MSG(base < 131072 - 400 && base > 131072 - 2048,
	    "free %jd KiB of 131072", (intmax_t)base);

	kib = 65536;
	ATF_REQUIRE_EQ(sysctlbyname("debug.memhog", NULL, NULL, &kib,
	    sizeof(kib)), 0);
	XT_WAIT_FOR(near(figure(d, "meminfo_free"), base - 65536));
	ATF_CHECK_MSG(near(figure(d, "meminfo_free"), base - 65536),
	    "free %jd KiB, %jd expected", (intmax_t)figure(d, "meminfo_free"),
	    (intmax_t)(base - 65536));

	kib = 0;
	ATF_REQUIRE_EQ(sysctlbyname("debug.memhog", NULL, NULL, &kib,
	    sizeof(kib)), 0);
	XT_WAIT_FOR(near(figure(d, "meminfo_free"), base));
	ATF_CHECK_MSG(near(figure(d, "meminfo_free"), base),
	    "free %jd KiB, %jd expected", (intmax_t)figure(d, "meminfo_free"),
	    (intmax_t)base);
	ATF_CHECK_EQ(figure(d, "meminfo_total"), 131072);
}

XT_TC(meminfo_settled,
    "data/meminfo_free follows a move of the balloon when it settles, "
    "not on the publisher's next tick")
ATF_TC_BODY(meminfo_settled, tc)
{
	long long base, free;
	uint64_t tot;
	char kib[32];
	domid_t d;
	int i;

	d = xt_balloon_guest("pvh", 128);
	tot = xt_dominfo(d).tot_pages;
	XT_WAIT_FOR(figure(d, "meminfo_free") >= 0);
	/* An hour between ticks: only the move itself can publish. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.meminfo_period_ms",
	    3600000), 0);
	base = figure(d, "meminfo_free");
	for (i = 0; i < 10; i++) {
		snprintf(kib, sizeof(kib), "%u", i % 2 == 0 ? 65536 : 131072);
		xt_xs_target(d, kib);
		xt_balloon_settle(d, i % 2 == 0 ? tot - 64 * 256 : tot);
		/* Settled as dom0 sees it: the driver said where it got to. */
		XT_WAIT_FOR(figure(d, BALLOON_XS_TARGET) == atoll(kib));
		XT_WAIT_FOR(near(figure(d, "meminfo_free"),
		    i % 2 == 0 ? base - 65536 : base));
		free = figure(d, "meminfo_free");
		ATF_CHECK_MSG(near(free, i % 2 == 0 ? base - 65536 : base),
		    "move %d: free %lld KiB, %lld expected", i, free,
		    i % 2 == 0 ? base - 65536 : base);
	}
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, meminfo);
	ATF_TP_ADD_TC(tp, meminfo_settled);
	return atf_no_error();
}
