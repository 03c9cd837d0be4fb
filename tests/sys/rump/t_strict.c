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
 * The bench's kernel is as strict as NetBSD-current where a driver
 * depends on it (sys/rump/librump/selftest.c drives it): several CPUs,
 * threads that change CPU at preemption points unless bound or pinned,
 * a per-CPU MMU update queue that asserts its caller cannot move;
 * pools whose pages come from the guest's RAM, PR_WAITOK sleeping for
 * one, a busy pool_destroy() that panics, a drain thread that goes
 * round robin over a kernel's worth of pools; and config_detach() of a
 * driver that cannot detach.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rumpsysctl.h>
#include <xensim.h>

#include "xensim_test.h"

#define ASSERTION	"panic: kernel diagnostic assertion "

static domid_t
guest(const char *type)
{
	domid_t d;

	xt_start(0);
	d = (domid_t)xt_ctl("create name=g memory=64 maxmem=64 type=%s "
	    "kernel=%s/rumpxen", type, BINDIR);
	xt_sysctl_wait(d, "debug.selftest.ncpu");
	return d;
}

static int
popcount(int v)
{

	return __builtin_popcount((unsigned int)v);
}

XT_TC(cpus,
    "The guest kernel has at least two CPUs; an unbound kernel thread runs "
    "on more than one, a bound one only on its own, and neither moves "
    "while preemption is disabled or the IPL raised")
ATF_TC_BODY(cpus, tc)
{
	int ncpu, bound;

	(void)guest("pv");
	ncpu = xt_sysctl_int("debug.selftest.ncpu");
	ATF_REQUIRE_MSG(ncpu >= 2, "ncpu %d", ncpu);
	ATF_REQUIRE_EQ(xt_sysctl_set_int("debug.selftest.migrate", 20), 0);
	ATF_CHECK_MSG(popcount(xt_sysctl_int("debug.selftest.unbound_cpus"))
	    >= 2, "unbound thread on CPUs 0x%x",
	    xt_sysctl_int("debug.selftest.unbound_cpus"));
	bound = xt_sysctl_int("debug.selftest.bound_cpus");
	ATF_CHECK_MSG(bound == 1 << (ncpu - 1), "bound thread on CPUs 0x%x",
	    bound);
	ATF_CHECK_EQ(xt_sysctl_int("debug.selftest.pinned_moved"), 0);
}

XT_TC(xpq_unpinned,
    "Queueing an M2P update with preemption enabled panics: the queue is "
    "per CPU, as NetBSD's x86_xpmap.c")
ATF_TC_BODY(xpq_unpinned, tc)
{
	domid_t d;

	d = guest("pv");
	ATF_CHECK(xt_sysctl_set_int("debug.selftest.xpq_unpinned", 1) != 0);
	XT_WAIT_FOR(xt_console_has(d, ASSERTION));
	ATF_CHECK(xt_console_has(d, ASSERTION
	    "\"kpreempt_disabled()\" failed"));
}

XT_TC(pool_busy,
    "pool_destroy() with an item out panics with NetBSD's message")
ATF_TC_BODY(pool_busy, tc)
{
	domid_t d;

	d = guest("pvh");
	ATF_CHECK(xt_sysctl_set_int("debug.selftest.pool_busy", 1) != 0);
	XT_WAIT_FOR(xt_console_has(d, "panic: "));
	ATF_CHECK(xt_console_has(d,
	    "panic: pool_destroy: [selftest] pool busy: still out: 1"));
}

XT_TC(pool_waitok,
    "With no free page, a PR_NOWAIT pool_get fails and a PR_WAITOK one "
    "sleeps; it returns once pages are freed")
ATF_TC_BODY(pool_waitok, tc)
{

	(void)guest("pv");
	ATF_REQUIRE_EQ(xt_sysctl_set_int("debug.selftest.pool_waitok", 1), 0);
	XT_WAIT_FOR(xt_sysctl_int("debug.selftest.waitok_done") == 1);
	ATF_REQUIRE_EQ(xt_sysctl_int("debug.selftest.waitok_done"), 1);
	ATF_CHECK_EQ(xt_sysctl_int("debug.selftest.nowait_failed"), 1);
	ATF_CHECK_EQ(xt_sysctl_int("debug.selftest.waitok_slept"), 1);
	ATF_CHECK_EQ(xt_sysctl_int("debug.selftest.waitok_woke"), 1);
}

XT_TC(pool_drain,
    "Under memory pressure the pool drain thread visits a GENERIC "
    "kernel's worth of pools (100 or more) in one cycle, round robin")
ATF_TC_BODY(pool_drain, tc)
{
	int n;

	(void)guest("pvh");
	ATF_CHECK_EQ(xt_sysctl_int("debug.selftest.drain_cycle"), 0);
	/* A PR_WAITOK sleeper keeps the page daemon looping. */
	ATF_REQUIRE_EQ(xt_sysctl_set_int("debug.selftest.pool_waitok", 1), 0);
	XT_WAIT_FOR(xt_sysctl_int("debug.selftest.waitok_done") == 1);
	n = xt_sysctl_int("debug.selftest.drain_cycle");
	ATF_CHECK_MSG(n >= 100, "%d pools in the last drain cycle", n);
}

XT_TC(detach,
    "config_detach() of a driver without a detach routine returns "
    "EOPNOTSUPP and keeps its softc")
ATF_TC_BODY(detach, tc)
{
	domid_t d;

	d = guest("pv");
	ATF_REQUIRE_EQ(xt_sysctl_set_int("debug.selftest.detach", 1), 0);
	ATF_CHECK_EQ(xt_sysctl_int("debug.selftest.detach_error"), EOPNOTSUPP);
	ATF_CHECK_EQ(xt_sysctl_int("debug.selftest.detach_kept"), 1);
	ATF_CHECK(!xt_console_has(d, "selftest0 detached"));
}

XT_TC(evcnt,
    "kern.evcnt answers as NetBSD's: two filters, each checked; a size "
    "query with 1 KiB to spare; ENOMEM for a short buffer; no writes")
ATF_TC_BODY(evcnt, tc)
{
	static const char *const bad[] = { "kern.evcnt", "kern.evcnt.3.0",
	    "kern.evcnt.0.2", "kern.evcnt.0.0.", "kern.evcnt.0.1x" };
	struct rumpsysctl_evcnt *evs;
	char buf[4096];
	size_t i, len, need, n;

	guest("pvh");
	ATF_REQUIRE_EQ(sysctlbyname("kern.evcnt.-1.0", NULL, &need, NULL, 0),
	    0);
	ATF_CHECK(need >= 1024 && need % 8 == 0);
	len = sizeof(buf);
	ATF_REQUIRE_EQ(sysctlbyname("kern.evcnt.-1.0", buf, &len, NULL, 0), 0);
	ATF_CHECK_EQ(len, need - 1024);
	ATF_REQUIRE_EQ(rumpsysctl_evcnt(&evs, &n), 0);
	free(evs);
	if (len > 0) {
		len -= 8;
		errno = 0;
		ATF_CHECK_EQ(sysctlbyname("kern.evcnt.-1.0", buf, &len, NULL,
		    0), -1);
		ATF_CHECK_EQ(errno, ENOMEM);
	}
	len = sizeof(buf);
	ATF_REQUIRE_EQ(sysctlbyname("kern.evcnt.2.1", buf, &len, NULL, 0), 0);
	ATF_CHECK_EQ(len, 0);	/* no trap counted */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = sizeof(buf);
		errno = 0;
		ATF_CHECK_EQ_MSG(sysctlbyname(bad[i], buf, &len, NULL, 0), -1,
		    "%s", bad[i]);
		ATF_CHECK_EQ_MSG(errno, EINVAL, "%s: errno %d", bad[i], errno);
	}
	errno = 0;
	ATF_CHECK_EQ(sysctlbyname("kern.evcnt.0.0", NULL, NULL, buf, 8), -1);
	ATF_CHECK_EQ(errno, EPERM);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, cpus);
	ATF_TP_ADD_TC(tp, xpq_unpinned);
	ATF_TP_ADD_TC(tp, pool_busy);
	ATF_TP_ADD_TC(tp, pool_waitok);
	ATF_TP_ADD_TC(tp, pool_drain);
	ATF_TP_ADD_TC(tp, detach);
	ATF_TP_ADD_TC(tp, evcnt);
	return atf_no_error();
}
