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
 * Free page reporting (machdep.xen.balloon.free_page_reporting) in a
 * bench guest under its memory workload: freed memory goes back to the
 * host, comes back to the guest before it is needed, and every page is
 * accounted for by the driver, the hypervisor and the host's memfd.
 */

#include <sys/types.h>
#include <sys/time.h>

#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include <balloon.h>
#include <rumpsysctl.h>
#include <xensim.h>

#include "xensim_test.h"

#define NODE(n)		BALLOON_SYSCTL "." n
#define STAT(n)		BALLOON_SYSCTL "." BALLOON_NODE_STATS "." n
#define REPORTING	NODE(BALLOON_NODE_REPORTING)
#define REPORTED	STAT(BALLOON_STAT_REPORTED)
#define MIB		256			/* pages */
#define FREED_KIB	(512 * 1024)		/* what the workload frees */

/* The domain's pages beyond its RAM (PVH builder pages), at boot. */
static uint64_t slack;
static unsigned int guest_mib;

/* A bench guest with its balloon and workload up, reporting off. */
static domid_t
guest(const char *type, unsigned int mib)
{
	domid_t d;

	d = xt_balloon_guest(type, mib);
	xt_sysctl_wait(d, REPORTING);
	xt_sysctl_wait(d, "debug.memhog");
	guest_mib = mib;
	slack = xt_dominfo(d).tot_pages - (uint64_t)mib * MIB;
	return d;
}

/* The hypervisor's pages are the host's: tot_pages = memfd's pages. */
static void
host_agrees(domid_t d)
{
	struct xensim_dominfo di = xt_dominfo(d);

	ATF_CHECK_EQ_MSG(di.ram_allocated_pages, di.tot_pages,
	    "memfd holds %" PRIu64 " pages, tot_pages %" PRIu64,
	    di.ram_allocated_pages, di.tot_pages);
}

/*
 * Driver = hypervisor = memfd: what the guest lacks of its RAM is in
 * the balloon or reported, and the reservation is what Xen and the host
 * hold.  Read twice around the hypervisor's figures so that a report
 * under way is not taken for a lost page.
 */
static bool
accounted(domid_t d, char *why, size_t len)
{
	struct xensim_dominfo di;
	uint64_t rep, rep2, bal, cur;

	rep = xt_sysctl_quad(REPORTED);
	bal = xt_sysctl_quad(STAT(BALLOON_STAT_BALLOON));
	cur = xt_sysctl_quad(NODE(BALLOON_NODE_CURRENT));
	di = xt_dominfo(d);
	rep2 = xt_sysctl_quad(REPORTED);
	snprintf(why, len, "tot_pages %" PRIu64 ", memfd %" PRIu64 ", current "
	    "%" PRIu64 " KiB, balloon %" PRIu64 " KiB, reported %" PRIu64
	    " KiB", di.tot_pages, di.ram_allocated_pages, cur, bal, rep2);
	return rep == rep2 && di.ram_allocated_pages == di.tot_pages &&
	    cur == di.tot_pages * 4 &&
	    ((uint64_t)guest_mib * MIB + slack - di.tot_pages) * 4 ==
	    bal + rep;
}

static void
check_accounted(domid_t d)
{
	char why[256];
	bool ok = false;

	/* A report in flight between two reads is not a lost page. */
	XT_WAIT_FOR((ok = accounted(d, why, sizeof(why))));
	ATF_CHECK_MSG(ok, "not accounted: %s", why);
	/* Every frame given to Xen was zero; none was touched after. */
	ATF_CHECK_EQ(xt_dominfo(d).dirty_given, 0);
	xt_no_foreign(d);
}

/*
 * The workload holds kib, every allocation met, every page zeroed as
 * promised; seconds it took.
 */
static double
memhog_to(uint64_t kib)
{
	uint64_t failed0 = xt_sysctl_quad("debug.memhog_failed"), failed;
	double t0 = xt_now();

	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", kib), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == kib);
	ATF_REQUIRE_EQ(xt_sysctl_quad("debug.memhog_held"), kib);
	/*
	 * The balloon's thread sees a workload eat into its cushion at the
	 * next tick and takes reported runs back from then on, counted as
	 * pages on their way, so the workload waits for them; what it asks
	 * for before such a tick, past the cushion, may fail
	 * (balloon(4) BUGS): a few allocations a burst, never a stream.
	 */
	failed = xt_sysctl_quad("debug.memhog_failed") - failed0;
	printf("%" PRIu64 " KiB taken, %" PRIu64 " failed allocations\n",
	    kib, failed);
	ATF_CHECK_MSG(failed <= 16, "%" PRIu64 " failed allocations", failed);
	/* Frames from Xen reach the workload zeroed. */
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_dirty"), 0);
	return xt_now() - t0;
}

/*
 * The numbers of free page reporting: the workload frees 512 MiB and
 * at least 90% of it is back on the host (the memfd shrinks) within
 * 5 s; it then takes all 512 MiB again, a few failed allocations at
 * most.
 */
static void
report_cycle(const char *type)
{
	uint64_t before, after = 0, want;
	double t0, t90 = -1, taken;
	domid_t d;
	int i;

	d = guest(type, 768);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 1), 0);
	ATF_CHECK_EQ(xt_sysctl_int(REPORTING), 1);
	/* The workload's 512 MiB come out of what was reported at boot. */
	XT_WAIT_FOR(xt_sysctl_quad(REPORTED) >= FREED_KIB);
	ATF_REQUIRE(xt_sysctl_quad(REPORTED) >= FREED_KIB);
	(void)memhog_to(FREED_KIB);
	check_accounted(d);

	before = xt_dominfo(d).ram_allocated_pages;
	want = (uint64_t)FREED_KIB / 4 * 9 / 10;
	t0 = xt_now();
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 0), 0);
	/* A bounded poll: 5 s, every 50 ms; the host agrees throughout. */
	for (i = 0; i < 100; i++) {
		host_agrees(d);
		after = xt_dominfo(d).ram_allocated_pages;
		if (after + want <= before) {
			t90 = xt_now() - t0;
			break;
		}
		usleep(50000);
	}
	ATF_CHECK_MSG(after + want <= before, "memfd %" PRIu64 " -> %" PRIu64
	    " pages within 5 s, not 90%% of 512 MiB less", before, after);
	check_accounted(d);

	taken = memhog_to(FREED_KIB);
	check_accounted(d);
	printf("%s: 90%% of 512 MiB back on the host in %.2f s, "
	    "taken back by the workload in %.2f s\n", type, t90, taken);
}

XT_TC(report_pvh,
    "PVH: 90% of 512 MiB freed by the workload is back on the host "
    "within 5 s, the workload takes it all again without a failure, "
    "driver, hypervisor and memfd agree")
ATF_TC_BODY(report_pvh, tc)
{

	report_cycle("pvh");
}

XT_TC(report_pv,
    "PV: 90% of 512 MiB freed by the workload is back on the host "
    "within 5 s, the workload takes it all again without a failure, "
    "driver, hypervisor and memfd agree")
ATF_TC_BODY(report_pv, tc)
{

	report_cycle("pv");
}

XT_TC(report_off,
    "free_page_reporting is 0 at boot, takes only 0 or 1 (root); turned "
    "off, every reported run is back before the write returns")
ATF_TC_BODY(report_off, tc)
{
	uint64_t v = 1;
	domid_t d;

	d = guest("pvh", 256);
	ATF_CHECK_EQ(xt_sysctl_int(REPORTING), 0);
	ATF_CHECK_EQ(xt_sysctl_quad(REPORTED), 0);
	ATF_CHECK_EQ(xt_sysctl_set_int(REPORTING, 2), EINVAL);
	ATF_CHECK_EQ(xt_sysctl_set_int(REPORTING, -1), EINVAL);
	ATF_CHECK_EQ(xt_sysctl_set_quad(REPORTING, 1), EINVAL);
	ATF_CHECK_EQ(xt_sysctl_int(REPORTING), 0);
	ATF_CHECK_ERRNO(EPERM, sysctlbyname(REPORTED, NULL, NULL, &v,
	    sizeof(v)) == -1);

	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 1), 0);
	XT_WAIT_FOR(xt_sysctl_quad(REPORTED) >= 128 * 1024);
	ATF_REQUIRE(xt_sysctl_quad(REPORTED) >= 128 * 1024);
	check_accounted(d);
	ATF_CHECK(xt_dominfo(d).tot_pages <= 128 * MIB + slack);

	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 0), 0);
	ATF_CHECK_EQ(xt_sysctl_quad(REPORTED), 0);
	ATF_CHECK_EQ(xt_dominfo(d).tot_pages, 256 * MIB + slack);
	host_agrees(d);
	check_accounted(d);
}

/* The guest's data/meminfo_reported, or -1. */
static long long
xs_reported(domid_t d)
{
	struct xs_handle *xs;
	char path[64], *v;
	unsigned int len;
	long long kib = -1;

	snprintf(path, sizeof(path), "/local/domain/%u/data/meminfo_reported",
	    d);
	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	if ((v = xs_read(xs, XBT_NULL, path, &len)) != NULL) {
		kib = strtoll(v, NULL, 10);
		free(v);
	}
	xs_close(xs);
	return kib;
}

XT_TC(report_target,
    "With runs reported, a dom0 target change reaches the target exactly "
    "(reported runs join the balloon, the rest comes from uvm without a "
    "backoff), and the guest publishes the reported KiB in "
    "data/meminfo_reported")
ATF_TC_BODY(report_target, tc)
{
	uint64_t rep;
	domid_t d;

	d = guest("pv", 512);
	(void)memhog_to(128 * 1024);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 1), 0);
	XT_WAIT_FOR(xt_sysctl_quad(REPORTED) >= 320 * 1024);
	ATF_REQUIRE(xt_sysctl_quad(REPORTED) >= 320 * 1024);
	XT_WAIT_FOR(xs_reported(d) == (long long)xt_sysctl_quad(REPORTED));
	ATF_CHECK_EQ(xs_reported(d), (long long)xt_sysctl_quad(REPORTED));

	/* More to balloon than is reported: the rest is free in uvm. */
	(void)memhog_to(0);
	xt_xs_target(d, "65536");
	XT_WAIT_FOR(xt_sysctl_quad(STAT(BALLOON_STAT_BALLOON)) == 458752 &&
	    xt_sysctl_int(STAT(BALLOON_STAT_STATE)) == BALLOON_STATE_IDLE);
	ATF_CHECK_EQ(xt_sysctl_quad(STAT(BALLOON_STAT_BALLOON)), 458752);
	ATF_CHECK_EQ(xt_sysctl_quad(NODE(BALLOON_NODE_TARGET)), 65536);
	ATF_CHECK(!xt_console_has(d, "backing off"));
	check_accounted(d);
	rep = xt_sysctl_quad(REPORTED);
	ATF_CHECK_EQ(xt_dominfo(d).tot_pages + rep / 4, 64 * MIB + slack);

	/* Off: the reservation is the target, exactly. */
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 0), 0);
	ATF_CHECK_EQ(xt_dominfo(d).tot_pages, 64 * MIB + slack);
	check_accounted(d);

	/* And back up with reporting on again. */
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 1), 0);
	xt_xs_target(d, "524288");
	XT_WAIT_FOR(xt_sysctl_quad(STAT(BALLOON_STAT_BALLOON)) == 0);
	ATF_CHECK_EQ(xt_sysctl_quad(STAT(BALLOON_STAT_BALLOON)), 0);
	check_accounted(d);
	XT_WAIT_FOR(xs_reported(d) == (long long)xt_sysctl_quad(REPORTED));
	ATF_CHECK_EQ(xs_reported(d), (long long)xt_sysctl_quad(REPORTED));
}

XT_TC(report_suspend,
    "Suspend and resume with runs reported: not vetoed, nothing lost, "
    "the runs come back to the workload afterwards")
ATF_TC_BODY(report_suspend, tc)
{
	struct xs_handle *xs;
	char path[64];
	domid_t d;

	d = guest("pv", 256);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 1), 0);
	XT_WAIT_FOR(xt_sysctl_quad(REPORTED) >= 128 * 1024);
	ATF_REQUIRE(xt_sysctl_quad(REPORTED) >= 128 * 1024);

	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", d);
	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	ATF_REQUIRE(xs_write(xs, XBT_NULL, path, "suspend", 7));
	xs_close(xs);
	XT_WAIT_FOR(xt_console_has(d, "xenbus0: resumed"));
	ATF_REQUIRE(xt_console_has(d, "xenbus0: resumed"));
	ATF_CHECK(xt_console_has(d, "xenbus0: suspended"));
	ATF_CHECK(!xt_console_has(d, "suspend refused"));
	ATF_CHECK(xt_sysctl_quad(REPORTED) >= 128 * 1024);
	check_accounted(d);

	(void)memhog_to(192 * 1024);
	check_accounted(d);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 0), 0);
	ATF_CHECK_EQ(xt_sysctl_quad(REPORTED), 0);
	ATF_CHECK_EQ(xt_dominfo(d).tot_pages, 256 * MIB + slack);
	check_accounted(d);
}

/* The guest's data/meminfo_free (uvm's free memory), or -1. */
static long long
xs_free(domid_t d)
{
	struct xs_handle *xs;
	char path[64], *v;
	unsigned int len;
	long long kib = -1;

	snprintf(path, sizeof(path), "/local/domain/%u/data/meminfo_free", d);
	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	if ((v = xs_read(xs, XBT_NULL, path, &len)) != NULL) {
		kib = strtoll(v, NULL, 10);
		free(v);
	}
	xs_close(xs);
	return kib;
}

/*
 * uvm's freetarg (341 pages) and what the reporter keeps beyond it: the
 * cushion, a sixteenth of the guest's 256 MiB.
 */
#define FREETARG_KIB	1364
#define KEEP_KIB	16384
#define RUN_KIB		2048

XT_TC(report_keeps_freetarg,
    "Reporting leaves uvm its free target and the reporter's keep: once "
    "it settles, free memory is never below freetarg + 16 MiB, whatever "
    "the free memory was off the 2 MiB grid (guards a reporter that "
    "forgets freetarg and reports the page daemon's reserve)")
ATF_TC_BODY(report_keeps_freetarg, tc)
{
	long long f, low;
	domid_t d;
	int step, i;

	d = guest("pvh", 256);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 1), 0);
	(void)memhog_to(8192);
	/*
	 * Free 512 KiB at a time: the free memory the reporter stops at
	 * walks the 2 MiB between one run and the next, so a reporter that
	 * keeps too little goes below the line at one step or another.
	 */
	for (step = 0; step < 4; step++) {
		(void)memhog_to(8192 - step * 512);
		/* Settled: less than one run beyond what it keeps. */
		XT_WAIT_FOR((f = xs_free(d)) >= 0 &&
		    f < FREETARG_KIB + KEEP_KIB + RUN_KIB);
		ATF_REQUIRE_MSG(f >= 0 && f < FREETARG_KIB + KEEP_KIB + RUN_KIB,
		    "step %d: free %lld KiB, not reported down", step, f);
		/* Then no pass goes further: watch the figure a while. */
		for (i = 0, low = f; i < 4; i++) {
			usleep(250000);
			f = xs_free(d);
			low = f < low ? f : low;
		}
		ATF_CHECK_MSG(low >= FREETARG_KIB + KEEP_KIB, "step %d: free "
		    "%lld KiB, below freetarg %d KiB + %d KiB", step, low,
		    FREETARG_KIB, KEEP_KIB);
	}
	check_accounted(d);
}

#define SHORT_LINE	"balloon0: free page reporting: Xen gave back 0 of "

XT_TC(report_host_short,
    "The host has no memory to give reported runs back: the guest says "
    "so once, the runs stay reported and accounted, the workload's "
    "allocations fail cleanly, the target stays, and writing 0 fails "
    "with EAGAIN; once the host has memory, the runs come back")
ATF_TC_BODY(report_host_short, tc)
{
	domid_t d;

	d = guest("pvh", 256);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 1), 0);
	XT_WAIT_FOR(xt_sysctl_quad(REPORTED) >= 128 * 1024);
	ATF_REQUIRE(xt_sysctl_quad(REPORTED) >= 128 * 1024);
	xt_ctl("fault %u pool=empty", d);

	/* The workload wants memory only the reported runs can give. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 200 * 1024), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_failed") > 0 &&
	    xt_console_count(d, SHORT_LINE) > 0);
	ATF_CHECK(xt_sysctl_quad("debug.memhog_failed") > 0);
	ATF_CHECK(xt_sysctl_quad("debug.memhog_held") < 200 * 1024);
	ATF_CHECK(xt_sysctl_quad(REPORTED) >= 64 * 1024);
	ATF_CHECK_EQ(xt_sysctl_quad(NODE(BALLOON_NODE_TARGET)), 256 * 1024);
	check_accounted(d);
	ATF_CHECK_EQ(xt_sysctl_set_int(REPORTING, 0), EAGAIN);
	ATF_CHECK_EQ(xt_sysctl_int(REPORTING), 0);
	ATF_CHECK(xt_sysctl_quad(REPORTED) >= 64 * 1024);
	ATF_CHECK_EQ(xt_console_count(d, SHORT_LINE), 1);
	ATF_REQUIRE(xt_alive());

	xt_ctl("fault %u clear", d);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == 200 * 1024);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_held"), 200 * 1024);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_dirty"), 0);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(REPORTING, 0), 0);
	ATF_CHECK_EQ(xt_sysctl_quad(REPORTED), 0);
	ATF_CHECK_EQ(xt_dominfo(d).tot_pages, 256 * MIB + slack);
	ATF_CHECK_EQ(xt_console_count(d, SHORT_LINE), 1);
	check_accounted(d);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, report_pvh);
	ATF_TP_ADD_TC(tp, report_pv);
	ATF_TP_ADD_TC(tp, report_off);
	ATF_TP_ADD_TC(tp, report_target);
	ATF_TP_ADD_TC(tp, report_suspend);
	ATF_TP_ADD_TC(tp, report_host_short);
	ATF_TP_ADD_TC(tp, report_keeps_freetarg);
	return atf_no_error();
}
