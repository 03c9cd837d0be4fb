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
 * The bench guest's memory workload (debug.memhog) and the pressure it
 * puts on the guest's uvm: pages held and really touched, allocations
 * that fail cleanly when uvm is empty, the guest still answering, and
 * the page daemon's out-of-memory line, once per episode.
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

#define OOM_LINE	"pagedaemon: out of memory: "

static domid_t
guest(const char *type, unsigned int mib)
{
	domid_t d;

	xt_start(0);
	d = (domid_t)xt_ctl("create name=g memory=%u maxmem=%u type=%s "
	    "kernel=%s/rumpxen", mib, mib, type, BINDIR);
	xt_sysctl_wait(d, "debug.memhog");
	return d;
}

/*
 * Free everything (free pages back above freetarg), then run short
 * again; true once the page daemon has reported a second episode (it
 * notices the end of one within a second).
 */
static bool
oom_again(domid_t d)
{
	uint64_t failed;

	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 0), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == 0);
	failed = xt_sysctl_quad("debug.memhog_failed");
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 131072), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_failed") > failed);
	return xt_console_count(d, OOM_LINE) >= 2;
}

XT_TC(memhog_held,
    "debug.memhog_held reaches the KiB asked for, the guest really touches "
    "them, and gives them back when asked for less")
ATF_TC_BODY(memhog_held, tc)
{
	uint64_t before, after;
	domid_t d;

	d = guest("pvh", 128);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog"), 0);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_held"), 0);
	before = xt_rss_shmem(d);

	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 65536), 0);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog"), 65536);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == 65536);
	ATF_REQUIRE_EQ(xt_sysctl_quad("debug.memhog_held"), 65536);
	/* Every page written: the host backs 64 MiB more for the guest. */
	after = xt_rss_shmem(d);
	ATF_CHECK_MSG(after >= before + 65536 && after <= before + 65536 +
	    4096, "RssShmem %" PRIu64 " KiB -> %" PRIu64 " KiB", before,
	    after);

	/* A size that is not whole pages is rounded up. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 16383), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == 16384);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_held"), 16384);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog"), 16384);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_failed"), 0);
	ATF_CHECK_EQ(xt_console_count(d, OOM_LINE), 0);
}

XT_TC(memhog_rate,
    "debug.memhog_rate limits the KiB a second the workload takes: asked "
    "for 64 MiB at 1 MiB a second, it does not hold them all at once, "
    "and with the limit lifted it does")
ATF_TC_BODY(memhog_rate, tc)
{
	uint64_t held;

	(void)guest("pvh", 128);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_rate"), 0);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog_rate", 1024), 0);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_rate"), 1024);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 65536), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") > 0);
	/* 64 s at that rate: nowhere near all of it now. */
	held = xt_sysctl_quad("debug.memhog_held");
	ATF_CHECK_MSG(held > 0 && held < 65536, "held %" PRIu64 " KiB", held);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog_rate", 0), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == 65536);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_held"), 65536);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_failed"), 0);
}

XT_TC(memhog_refused,
    "debug.memhog refuses an absurd size and a wrong length, changing "
    "nothing; memhog_held and memhog_failed are read-only")
ATF_TC_BODY(memhog_refused, tc)
{
	uint64_t v = 1;
	int i = 1;

	(void)guest("pv", 64);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 8192), 0);
	ATF_CHECK_EQ(xt_sysctl_set_quad("debug.memhog", (1ULL << 40) + 1), EINVAL);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog"), 8192);
	ATF_CHECK_ERRNO(EINVAL,
	    sysctlbyname("debug.memhog", NULL, NULL, &i, sizeof(i)) == -1);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog"), 8192);
	ATF_CHECK_ERRNO(EPERM, sysctlbyname("debug.memhog_held", NULL, NULL,
	    &v, sizeof(v)) == -1);
	ATF_CHECK_ERRNO(EPERM, sysctlbyname("debug.memhog_failed", NULL, NULL,
	    &v, sizeof(v)) == -1);
}

XT_TC(memhog_oom,
    "Asked for more than the guest has, the workload holds all but uvm's "
    "reserve, counts failed allocations, the guest still answers, and "
    "the page daemon reports it once per episode")
ATF_TC_BODY(memhog_oom, tc)
{
	char line[128];
	uint64_t held;
	domid_t d;

	d = guest("pv", 64);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 131072), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_failed") >= 20);
	ATF_REQUIRE(xt_sysctl_quad("debug.memhog_failed") >= 20);
	/* All of RAM but uvm's reserve_kernel (5 pages) and a little. */
	held = xt_sysctl_quad("debug.memhog_held");
	ATF_CHECK_MSG(held <= 65536 - 20 && held >= 65536 - 1024,
	    "held %" PRIu64 " KiB", held);

	/* The guest still answers: its balloon's tree, a new target. */
	ATF_CHECK_EQ(xt_sysctl_quad(BALLOON_SYSCTL "." BALLOON_NODE_MAX),
	    65536 + 1024);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 32768), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == 32768);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_held"), 32768);

	/* Many failures, one line, with the figures. */
	ATF_CHECK_EQ(xt_console_count(d, OOM_LINE), 1);
	/* 64 MiB: freemin 256 pages, freetarg 341; 5 reserved. */
	snprintf(line, sizeof(line), OOM_LINE "Total:65536kB Free:20kB "
	    "Min:1024kB Target:1364kB");
	ATF_CHECK_EQ_MSG(xt_console_count(d, line), 1, "no line \"%s\"", line);

	/*
	 * Free memory back above freetarg ends the episode: the next
	 * shortage is reported again.
	 */
	XT_WAIT_FOR(oom_again(d));
	ATF_CHECK_EQ(xt_console_count(d, OOM_LINE), 2);
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 0), 0);
	XT_WAIT_FOR(xt_sysctl_quad("debug.memhog_held") == 0);
	ATF_CHECK_EQ(xt_sysctl_quad("debug.memhog_held"), 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, memhog_held);
	ATF_TP_ADD_TC(tp, memhog_rate);
	ATF_TP_ADD_TC(tp, memhog_refused);
	ATF_TP_ADD_TC(tp, memhog_oom);
	return atf_no_error();
}
