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
 * Deflate on OOM (machdep.xen.balloon.deflate_on_oom) and the balloon's
 * accounting, on a guest whose workload (debug.memhog) runs it out of
 * memory: the case Firecracker's users report (a 1 GiB guest ballooned
 * to 124 MiB asked for 800 MiB), with the option on and off, max_pages
 * in the way, and who wins afterwards.  Every page stays accounted for:
 * the driver's balloon, the hypervisor's reservation and the host
 * memory behind the guest's RAM agree.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include <balloon.h>
#include <rumpsysctl.h>
#include <xensim.h>

#include "xensim_test.h"

#define NODE(n)		BALLOON_SYSCTL "." n
#define STAT(n)		BALLOON_SYSCTL "." BALLOON_NODE_STATS "." n
#define OOM_NODE	NODE(BALLOON_NODE_DEFLATE_ON_OOM)
#define get(n)		xt_sysctl_quad(n)

#define GUEST_KIB	1048576		/* 1 GiB */
#define SMALL_KIB	126976		/* ballooned to 124 MiB */
#define HOG_KIB		819200		/* the workload asks for 800 MiB */
#define FREETARG_KIB	1364		/* uvm's freetarg, 341 pages */
#define CUSHION_KIB	32768		/* balloon(4)'s cushion, 1 GiB and up */
#define OOM_LINE	"pagedaemon: out of memory: "
#define MAXPAGES_LINE	"balloon0: deflate on OOM: stopped at max_pages"

static uint64_t
extra_pages(const char *type)
{

	return strcmp(type, "pvh") == 0 ? 17 : 0;
}

/* A node under the domain's data/, or "" when absent. */
static void
xs_data(domid_t d, const char *node, char *buf, size_t size)
{
	struct xs_handle *xs;
	unsigned int len;
	char path[128];
	char *v;

	snprintf(path, sizeof(path), "/local/domain/%u/data/%s", d, node);
	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	v = xs_read(xs, XBT_NULL, path, &len);
	snprintf(buf, size, "%s", v != NULL ? v : "");
	free(v);
	xs_close(xs);
}

static bool
xs_data_is(domid_t d, const char *node, const char *want)
{
	char buf[64];

	xs_data(d, node, buf, sizeof(buf));
	return strcmp(buf, want) == 0;
}

static bool
xs_data_num(domid_t d, const char *node, uint64_t want)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%" PRIu64, want);
	return xs_data_is(d, node, buf);
}

/* balloonctl mem-set g MIB, as dom0. */
static void
mem_set(unsigned int mib)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s/balloonctl mem-set g %u", BINDIR, mib);
	ATF_REQUIRE_EQ_MSG(system(cmd), 0, "%s failed", cmd);
}

static bool
idle(void)
{

	return xt_sysctl_int(STAT(BALLOON_STAT_STATE)) == BALLOON_STATE_IDLE;
}

/*
 * Every page in one place: the host backs exactly the reservation, the
 * balloon holds the rest of the guest's RAM, and the driver's counters
 * add up.
 */
static void
check_pages(domid_t d, uint64_t extra)
{
	struct xensim_dominfo di = xt_dominfo(d);
	uint64_t balloon = get(STAT(BALLOON_STAT_BALLOON));

	ATF_CHECK_EQ(di.ram_allocated_pages, di.tot_pages);
	ATF_CHECK_EQ_MSG(balloon, (GUEST_KIB / 4 + extra - di.tot_pages) * 4,
	    "balloon %" PRIu64 " KiB, tot_pages %" PRIu64, balloon,
	    di.tot_pages);
	ATF_CHECK_EQ(get(NODE(BALLOON_NODE_CURRENT)), di.tot_pages * 4);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED)) -
	    get(STAT(BALLOON_STAT_DEFLATED)), balloon);
}

/* A 1 GiB guest, deflate_on_oom as asked, ballooned to 124 MiB by dom0. */
static domid_t
small_guest(const char *type, int oom)
{
	domid_t d;

	d = xt_balloon_guest(type, GUEST_KIB / 1024);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(OOM_NODE, oom), 0);
	XT_WAIT_FOR(xs_data_is(d, BALLOON_XS_OOM, oom ? "1" : "0"));
	ATF_REQUIRE(xs_data_is(d, BALLOON_XS_OOM, oom ? "1" : "0"));
	mem_set(SMALL_KIB / 1024);
	xt_balloon_settle(d, SMALL_KIB / 4 + extra_pages(type));
	check_pages(d, extra_pages(type));
	return d;
}

static void
oom_deflate(const char *type)
{
	uint64_t extra = extra_pages(type), balloon, target, hypercalls;
	uint64_t failed, deflations;
	double t0, t1;
	domid_t d;

	d = small_guest(type, 1);
	/* The guest said it deflates on OOM: max_pages stays at static-max. */
	ATF_CHECK_EQ(xt_dominfo(d).max_pages, GUEST_KIB / 4 + 256);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_FREE)),
	    GUEST_KIB - SMALL_KIB);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_TOTAL)), 0);
	hypercalls = xt_evcnt(BALLOON_EV_HYPERCALLS);

	/* The workload asks for 800 MiB of the 124 the guest has. */
	t0 = xt_now();
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", HOG_KIB), 0);
	/* Looked at every millisecond: the time printed is a measurement. */
	while (get("debug.memhog_held") != HOG_KIB && xt_now() - t0 < 30)
		usleep(1000);
	t1 = xt_now();
	ATF_REQUIRE_EQ(get("debug.memhog_held"), HOG_KIB);
	XT_WAIT_FOR(idle());
	ATF_REQUIRE(idle());
	check_pages(d, extra);

	balloon = get(STAT(BALLOON_STAT_BALLOON));
	target = get(NODE(BALLOON_NODE_TARGET));
	deflations = xt_evcnt(BALLOON_EV_OOM_DEFLATIONS);
	failed = get("debug.memhog_failed");
	printf("%s: 800 MiB held after %.3f s: %" PRIu64 " deflations on "
	    "OOM, %" PRIu64 " KiB back, %" PRIu64 " hypercalls, %" PRIu64
	    " failed allocations\n", type, t1 - t0, deflations,
	    xt_evcnt(BALLOON_EV_OOM_PAGES) * 4,
	    xt_evcnt(BALLOON_EV_HYPERCALLS) - hypercalls, failed);
	fflush(stdout);
	ATF_CHECK(deflations >= 1);
	/*
	 * A guest that ate the last step fast gets twice as much the next
	 * time: about 700 MiB come back in steps of 4 MiB, 8, 16 and so on,
	 * 8 or 9 of them.  Without the doubling it takes 170 steps of
	 * 4 MiB; 16 leaves room for steps a loaded host makes slow.
	 */
	ATF_CHECK_MSG(deflations <= 16, "%" PRIu64 " deflations on OOM: "
	    "the step does not double", deflations);
	/*
	 * The page daemon waits for the deflation: no allocation fails but
	 * one or two, rarely, when the workload eats the whole cushion
	 * before the thread's next tick (balloon(4) BUGS).  Without the
	 * pages counted on their way, dozens fail.
	 */
	ATF_CHECK_MSG(failed <= 2, "%" PRIu64 " failed allocations", failed);
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_OOM_PAGES) * 4,
	    get(STAT(BALLOON_STAT_DEFLATED)));
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_OOM_MAXPAGES), 0);
	ATF_CHECK(balloon <= GUEST_KIB - SMALL_KIB - (HOG_KIB - SMALL_KIB));
	/* What the deflation reached is the target, for dom0 to read. */
	ATF_CHECK_EQ(target, GUEST_KIB - balloon);
	XT_WAIT_FOR(xs_data_num(d, BALLOON_XS_TARGET, target));
	ATF_CHECK(xs_data_num(d, BALLOON_XS_TARGET, target));
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_FREE)), balloon);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_TOTAL)), 0);
	XT_WAIT_FOR(xs_data_num(d, "meminfo_oom_deflations", deflations));
	ATF_CHECK(xs_data_num(d, "meminfo_oom_deflations", deflations));
	ATF_CHECK(xs_data_num(d, "meminfo_total", GUEST_KIB));
	ATF_CHECK_EQ(xt_console_count(d, MAXPAGES_LINE), 0);

	/*
	 * dom0's next target wins, but the balloon stops where free pages
	 * would fall below freetarg: no new shortage, no failed
	 * allocation.
	 */
	mem_set(SMALL_KIB / 1024);
	XT_WAIT_FOR(xt_sysctl_int(STAT(BALLOON_STAT_STATE)) >=
	    BALLOON_STATE_BACKOFF);
	ATF_REQUIRE(xt_sysctl_int(STAT(BALLOON_STAT_STATE)) >=
	    BALLOON_STATE_BACKOFF);
	ATF_CHECK_EQ(get(NODE(BALLOON_NODE_TARGET)), SMALL_KIB);
	ATF_CHECK_EQ(get("debug.memhog_held"), HOG_KIB);
	ATF_CHECK_EQ(get("debug.memhog_failed"), failed);
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_OOM_DEFLATIONS), deflations);
	XT_WAIT_FOR(xs_data_num(d, "meminfo_free", FREETARG_KIB + CUSHION_KIB));
	ATF_CHECK(xs_data_num(d, "meminfo_free", FREETARG_KIB + CUSHION_KIB));
	check_pages(d, extra);

	/* The workload gone, dom0 asks again and the target is reached. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 0), 0);
	XT_WAIT_FOR(get("debug.memhog_held") == 0);
	mem_set(SMALL_KIB / 1024);
	xt_balloon_settle(d, SMALL_KIB / 4 + extra);
	check_pages(d, extra);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_BALLOON)), GUEST_KIB - SMALL_KIB);
}

XT_TC(pv_oom_deflate,
    "PV: with deflate_on_oom, a 1 GiB guest ballooned to 124 MiB gets "
    "the 800 MiB its workload asks for; the target is what it reached; "
    "dom0's next target wins down to freetarg")
ATF_TC_BODY(pv_oom_deflate, tc)
{
	oom_deflate("pv");
}

XT_TC(pvh_oom_deflate,
    "PVH: with deflate_on_oom, a 1 GiB guest ballooned to 124 MiB gets "
    "the 800 MiB its workload asks for; the target is what it reached; "
    "dom0's next target wins down to freetarg")
ATF_TC_BODY(pvh_oom_deflate, tc)
{
	oom_deflate("pvh");
}

XT_TC(oom_off,
    "Without deflate_on_oom the workload fails cleanly, the balloon "
    "keeps its pages, the guest stays up, uvm's total is left alone, "
    "and the page daemon's out-of-memory line and the balloon's own "
    "say so once")
ATF_TC_BODY(oom_off, tc)
{
	char line[256];
	domid_t d;

	d = small_guest("pvh", 0);
	/* xl's rule for such a guest: max_pages is the target + 1 MiB. */
	ATF_CHECK_EQ(xt_dominfo(d).max_pages, SMALL_KIB / 4 + 256);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_TOTAL)),
	    GUEST_KIB - SMALL_KIB);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_FREE)), 0);
	/* The balloon says what it took; uvm's own total is uvm's. */
	XT_WAIT_FOR(xs_data_num(d, "meminfo_total", GUEST_KIB));
	ATF_CHECK(xs_data_num(d, "meminfo_total", GUEST_KIB));
	XT_WAIT_FOR(xs_data_num(d, "meminfo_ballooned",
	    GUEST_KIB - SMALL_KIB));
	ATF_CHECK(xs_data_num(d, "meminfo_ballooned", GUEST_KIB - SMALL_KIB));

	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", HOG_KIB), 0);
	XT_WAIT_FOR(get("debug.memhog_failed") >= 20);
	ATF_REQUIRE(get("debug.memhog_failed") >= 20);
	ATF_CHECK(get("debug.memhog_held") < SMALL_KIB);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_BALLOON)), GUEST_KIB - SMALL_KIB);
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_OOM_DEFLATIONS), 0);
	/* uvm's own figures, and the balloon's in a line of its own. */
	snprintf(line, sizeof(line), OOM_LINE "Total:%ukB Free:20kB "
	    "Min:1024kB Target:%ukB", GUEST_KIB, FREETARG_KIB);
	XT_WAIT_FOR(xt_console_count(d, line) == 1);
	ATF_CHECK_EQ_MSG(xt_console_count(d, line), 1, "no line \"%s\"", line);
	snprintf(line, sizeof(line), "balloon0: out of memory with %u KiB "
	    "in the balloon, deflate_on_oom off", GUEST_KIB - SMALL_KIB);
	XT_WAIT_FOR(xt_console_count(d, line) == 1);
	ATF_CHECK_EQ_MSG(xt_console_count(d, line), 1, "no line \"%s\"", line);

	/* Still up: it answers and lets the workload go. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 0), 0);
	XT_WAIT_FOR(get("debug.memhog_held") == 0);
	ATF_CHECK_EQ(get("debug.memhog_held"), 0);
	ATF_CHECK(idle());
	check_pages(d, extra_pages("pvh"));
}

XT_TC(oom_maxpages,
    "A deflation on OOM that max_pages stops is said once and counted; "
    "what it reached is the target")
ATF_TC_BODY(oom_maxpages, tc)
{
	uint64_t target;
	domid_t d;

	/* Ballooned by xl's rule first: max_pages 1 MiB above the target. */
	d = small_guest("pv", 0);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(OOM_NODE, 1), 0);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", HOG_KIB), 0);
	XT_WAIT_FOR(get("debug.memhog_failed") >= 20 &&
	    xt_evcnt(BALLOON_EV_OOM_MAXPAGES) >= 2);
	ATF_CHECK(xt_evcnt(BALLOON_EV_OOM_MAXPAGES) >= 2);
	ATF_CHECK_EQ(xt_console_count(d, MAXPAGES_LINE), 1);
	ATF_CHECK_EQ(xt_dominfo(d).tot_pages, SMALL_KIB / 4 + 256);
	ATF_CHECK(get("debug.memhog_held") < SMALL_KIB + 1024);

	/* The shortage over, what the deflations reached is the target. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 0), 0);
	XT_WAIT_FOR(get("debug.memhog_held") == 0);
	ATF_CHECK_EQ(get("debug.memhog_held"), 0);
	XT_WAIT_FOR(idle());
	target = get(NODE(BALLOON_NODE_TARGET));
	ATF_CHECK_EQ_MSG(target, SMALL_KIB + 1024, "target %" PRIu64, target);
	XT_WAIT_FOR(xs_data_num(d, BALLOON_XS_TARGET, target));
	ATF_CHECK(xs_data_num(d, BALLOON_XS_TARGET, target));
	ATF_CHECK_EQ(xt_console_count(d, MAXPAGES_LINE), 1);
	check_pages(d, 0);
}

/* A write of deflate_on_oom as nobody, in a child; its errno. */
static int
set_as_nobody(domid_t d, int v)
{
	char dir[PATH_MAX + 64];
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/domains/%u", xt_dir, d);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		if (chdir(dir) == -1 || setenv("RUMP_SERVER", "sysctl", 1) ||
		    setgid(65534) == -1 || setuid(65534) == -1)
			_exit(255);
		_exit(xt_sysctl_set_int(OOM_NODE, v));
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status));
	return WEXITSTATUS(status);
}

XT_TC(oom_sysctl,
    "deflate_on_oom is 0 or 1, off by default, root's only; it moves the "
    "balloon between inflated_total and inflated_free, is published "
    "for dom0, and decides max_pages at balloonctl mem-set")
ATF_TC_BODY(oom_sysctl, tc)
{
	uint64_t q = 1;
	domid_t d;

	d = xt_balloon_guest("pv", 256);
	ATF_CHECK_EQ(xt_sysctl_int(OOM_NODE), 0);
	XT_WAIT_FOR(xs_data_is(d, BALLOON_XS_OOM, "0"));
	ATF_CHECK(xs_data_is(d, BALLOON_XS_OOM, "0"));
	ATF_CHECK(xs_data_num(d, BALLOON_XS_TARGET, 262144));
	ATF_CHECK_EQ(xt_sysctl_set_int(OOM_NODE, 2), EINVAL);
	ATF_CHECK_EQ(xt_sysctl_set_int(OOM_NODE, -1), EINVAL);
	ATF_CHECK_ERRNO(EINVAL,
	    sysctlbyname(OOM_NODE, NULL, NULL, &q, sizeof(q)) == -1);
	ATF_CHECK_EQ(set_as_nobody(d, 1), EPERM);
	ATF_CHECK_EQ(xt_sysctl_int(OOM_NODE), 0);

	mem_set(128);
	xt_balloon_settle(d, 32768);
	ATF_CHECK_EQ(xt_dominfo(d).max_pages, 32768 + 256);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_TOTAL)), 131072);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_FREE)), 0);
	/* uvm's total is uvm's: the balloon does not write it. */
	ATF_CHECK(xs_data_num(d, "meminfo_total", 262144));

	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_KEEP)), 0);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(OOM_NODE, 1), 0);
	ATF_CHECK_EQ(xt_sysctl_int(OOM_NODE), 1);
	/* A sixteenth of 256 MiB: a 16 MiB cushion. */
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_KEEP)), FREETARG_KIB + 16384);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_TOTAL)), 0);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_FREE)), 131072);
	XT_WAIT_FOR(xs_data_is(d, BALLOON_XS_OOM, "1"));
	ATF_CHECK(xs_data_num(d, "meminfo_total", 262144));
	ATF_CHECK(xs_data_is(d, BALLOON_XS_OOM, "1"));
	mem_set(100);
	ATF_CHECK_EQ(xt_dominfo(d).max_pages, 65536 + 256);
	xt_balloon_settle(d, 25600);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_FREE)), 156 * 1024);

	ATF_REQUIRE_EQ(xt_sysctl_set_int(OOM_NODE, 0), 0);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_KEEP)), 0);
	XT_WAIT_FOR(xs_data_is(d, BALLOON_XS_OOM, "0"));
	mem_set(100);
	ATF_CHECK_EQ(xt_dominfo(d).max_pages, 25600 + 256);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_TOTAL)), 156 * 1024);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_INFLATED_FREE)), 0);
	XT_WAIT_FOR(xs_data_num(d, BALLOON_XS_TARGET, 102400));
	ATF_CHECK(xs_data_num(d, BALLOON_XS_TARGET, 102400));
}

XT_TC(oom_cushion,
    "With deflate_on_oom, inflation leaves a 64 MiB guest freetarg and a "
    "cushion of 8 MiB, the least, not the 32 MiB a large guest keeps, "
    "and publishes what it keeps for dom0")
ATF_TC_BODY(oom_cushion, tc)
{
	const uint64_t keep = FREETARG_KIB + 8192;
	domid_t d;

	d = xt_balloon_guest("pvh", 64);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(OOM_NODE, 1), 0);
	ATF_CHECK_EQ(get(STAT(BALLOON_STAT_KEEP)), keep);
	XT_WAIT_FOR(xs_data_num(d, "meminfo_keep", keep));
	ATF_CHECK(xs_data_num(d, "meminfo_keep", keep));
	/* Asked below what it uses and keeps, it stops at the keep. */
	mem_set(4);
	XT_WAIT_FOR(xt_sysctl_int(STAT(BALLOON_STAT_STATE)) >=
	    BALLOON_STATE_BACKOFF);
	ATF_REQUIRE(xt_sysctl_int(STAT(BALLOON_STAT_STATE)) >=
	    BALLOON_STATE_BACKOFF);
	XT_WAIT_FOR(xs_data_num(d, "meminfo_free", keep));
	ATF_CHECK(xs_data_num(d, "meminfo_free", keep));
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_OOM_DEFLATIONS), 0);
}

XT_TC(oom_backoff,
    "A balloon that backs off or stalls, its inflation stopped by the "
    "memory it keeps free, still deflates on OOM for a workload that "
    "then grows: the workload gets all it asks, no allocation fails")
ATF_TC_BODY(oom_backoff, tc)
{
	domid_t d;

	d = xt_balloon_guest("pvh", 64);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(OOM_NODE, 1), 0);
	mem_set(4);
	XT_WAIT_FOR(xt_sysctl_int(STAT(BALLOON_STAT_STATE)) >=
	    BALLOON_STATE_BACKOFF);
	ATF_REQUIRE(xt_sysctl_int(STAT(BALLOON_STAT_STATE)) >=
	    BALLOON_STATE_BACKOFF);
	/* 64 MiB a second: its cushion lasts several ticks. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog_rate", 65536), 0);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 24576), 0);
	XT_WAIT_FOR(get("debug.memhog_held") == 24576);
	ATF_CHECK_EQ(get("debug.memhog_held"), 24576);
	ATF_CHECK_EQ(get("debug.memhog_failed"), 0);
	ATF_CHECK(xt_evcnt(BALLOON_EV_OOM_DEFLATIONS) >= 1);
	ATF_CHECK_EQ(xt_console_count(d, OOM_LINE), 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, pv_oom_deflate);
	ATF_TP_ADD_TC(tp, pvh_oom_deflate);
	ATF_TP_ADD_TC(tp, oom_off);
	ATF_TP_ADD_TC(tp, oom_maxpages);
	ATF_TP_ADD_TC(tp, oom_sysctl);
	ATF_TP_ADD_TC(tp, oom_cushion);
	ATF_TP_ADD_TC(tp, oom_backoff);
	return atf_no_error();
}
