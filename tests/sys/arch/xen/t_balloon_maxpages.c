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
#include <sys/fsuid.h>
#include <sys/wait.h>

#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include <balloon.h>
#include <rumpsysctl.h>
#include <xensim.h>

#define NODE(n)		BALLOON_SYSCTL "." n

static char simdir[PATH_MAX + 16];

static void
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ATF_REQUIRE_EQ_MSG(system(cmd), 0, "failed: %s", cmd);
}

/* Start xensimd and a 512 MiB guest of the kind; its domid. */
static domid_t start_mem(const char *, int);

static domid_t
start(const char *type)
{
	return start_mem(type, 512);
}

static domid_t
start_mem(const char *type, int mib)
{
	char cwd[PATH_MAX], path[PATH_MAX + 64];
	int i;

	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(simdir, sizeof(simdir), "%s/xensim", cwd);
	setenv("XENSIM_DIR", simdir, 1);
	snprintf(path, sizeof(path), "%s/socket", simdir);
	setenv("XENSTORED_PATH", path, 1);
	sh("%s/xensimd -d %s", BINDIR, simdir);
	sh("%s/xensimctl create name=g memory=%d maxmem=%d type=%s "
	    "kernel=%s/rumpxen >/dev/null", BINDIR, mib, mib, type, BINDIR);
	snprintf(path, sizeof(path), "%s/domains/1/sysctl", simdir);
	setenv("RUMP_SERVER", path, 1);
	for (i = 0; i < 300; i++) {
		if (access(path, F_OK) == 0 &&
		    sysctlbyname(NODE("target"), NULL, NULL, NULL, 0) == 0)
			return 1;
		usleep(100000);
	}
	atf_tc_fail("the guest's sysctl server did not come up");
}

static void
stop(void)
{
	char cwd[PATH_MAX], cmd[PATH_MAX + 128];

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "pid=$(cat %s/xensim/xensimd.pid "
	    "2>/dev/null) && kill $pid && sleep 1; kill -9 $pid 2>/dev/null; "
	    "true", cwd);
	(void)system(cmd);
}

static uint64_t
get(const char *node)
{
	uint64_t v = 0;
	size_t len = sizeof(v);

	ATF_REQUIRE_EQ_MSG(sysctlbyname(node, &v, &len, NULL, 0), 0,
	    "%s: %s", node, strerror(errno));
	ATF_REQUIRE_EQ(len, sizeof(v));
	return v;
}

static int
geti(const char *node)
{
	int v = -1;
	size_t len = sizeof(v);

	ATF_REQUIRE_EQ_MSG(sysctlbyname(node, &v, &len, NULL, 0), 0,
	    "%s: %s", node, strerror(errno));
	ATF_REQUIRE_EQ(len, sizeof(v));
	return v;
}

static uint64_t
tot_pages(domid_t domid)
{
	struct xensim_dominfo di;
	struct xensim *h;

	ATF_REQUIRE((h = xensim_open_privcmd(simdir)) != NULL);
	ATF_REQUIRE_EQ(xensim_domain_getinfo(h, domid, &di), 0);
	xensim_close(h);
	return di.tot_pages;
}

/* Wait for the reservation to reach pages. */
static void
settle(domid_t domid, uint64_t pages)
{
	int i;

	for (i = 0; i < 300 && tot_pages(domid) != pages; i++)
		usleep(100000);
	ATF_REQUIRE_EQ_MSG(tot_pages(domid), pages, "tot_pages %" PRIu64
	    ", not %" PRIu64, tot_pages(domid), pages);
	for (i = 0; i < 300 && geti(NODE("stats.state")) != 0; i++)
		usleep(100000);
}

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
	struct xensim *h;

	ATF_REQUIRE((h = xensim_open_privcmd(simdir)) != NULL);
	ATF_REQUIRE_EQ(xensim_fault(h, &f), 0);
	xensim_close(h);
}

static void
setmaxmem(domid_t domid, uint64_t kib)
{
	struct xensim *h;

	ATF_REQUIRE((h = xensim_open_privcmd(simdir)) != NULL);
	ATF_REQUIRE_EQ(xensim_domain_setmaxmem(h, domid, kib), 0);
	xensim_close(h);
}

static uint64_t
max_pages(domid_t domid)
{
	struct xensim_dominfo di;
	struct xensim *h;

	ATF_REQUIRE((h = xensim_open_privcmd(simdir)) != NULL);
	ATF_REQUIRE_EQ(xensim_domain_getinfo(h, domid, &di), 0);
	xensim_close(h);
	return di.max_pages;
}

static void
check_accounts(domid_t domid, uint64_t ram_pages, uint64_t extra)
{
	uint64_t tot = tot_pages(domid);

	ATF_CHECK_EQ(get(NODE("stats.balloon")), (ram_pages + extra - tot) * 4);
	ATF_CHECK_EQ(get(NODE("current")), tot * 4);
	ATF_CHECK_EQ(get(NODE("stats.inflated")) - get(NODE("stats.deflated")),
	    get(NODE("stats.balloon")));
}

static void
maxpages(const char *type, uint64_t extra)
{
	domid_t d;
	int i, st;

	d = start(type);
	xs_target(d, 262144);
	settle(d, 65536 + extra);

	/* Hold the deflate back, then cut max_pages under it. */
	fault(d, 0);
	xs_target(d, 393216);
	for (i = 0; i < 300 && get(NODE("stats.partial")) == 0; i++)
		usleep(100000);
	ATF_REQUIRE(get(NODE("stats.partial")) > 0);
	setmaxmem(d, 80000 * 4);
	ATF_REQUIRE_EQ(max_pages(d), 80000);
	fault(d, -1);
	if (geti(NODE("stats.state")) == 4)
		xs_target(d, 393216);	/* stalled: ask again */

	for (i = 0; i < 300 && tot_pages(d) != 80000; i++)
		usleep(100000);
	ATF_REQUIRE_EQ(tot_pages(d), 80000);
	for (i = 0; i < 300; i++) {
		st = geti(NODE("stats.state"));
		if (st == 3 || st == 4)
			break;
		usleep(100000);
	}
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

ATF_TC_WITH_CLEANUP(pv_maxpages);
ATF_TC_HEAD(pv_maxpages, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "PV: max_pages lowered under a deflate stops it there");
}
ATF_TC_BODY(pv_maxpages, tc)
{
	maxpages("pv", 0);
}
ATF_TC_CLEANUP(pv_maxpages, tc)
{
	stop();
}

ATF_TC_WITH_CLEANUP(pvh_maxpages);
ATF_TC_HEAD(pvh_maxpages, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "PVH: max_pages lowered under a deflate stops it there");
}
ATF_TC_BODY(pvh_maxpages, tc)
{
	maxpages("pvh", 16);
}
ATF_TC_CLEANUP(pvh_maxpages, tc)
{
	stop();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pv_maxpages);
	ATF_TP_ADD_TC(tp, pvh_maxpages);
	return atf_no_error();
}
