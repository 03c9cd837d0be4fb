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
 * Everything at once, in a PV and a PVH guest of one host: dom0
 * writing memory/target, root writing the driver's target,
 * deflate_on_oom and free_page_reporting, the guest's workload growing
 * and shrinking (and so deflations on OOM and reported runs taken
 * back), each from a process of its own, for RACE_SECONDS.  Then the
 * workloads stop, dom0 writes a last target, and the rule of balloon(4)
 * says what must happen: the last target written wins and is reached,
 * and every page is accounted for.
 */

#include <sys/param.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
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

#define RACE_SECONDS	60
#define GUEST_MIB	512
#define LOW_MIB		96		/* targets between this and GUEST_MIB */
#define LAST_KIB	(256 * 1024)

#define NODE(n)		BALLOON_SYSCTL "." n
#define STAT(n)		BALLOON_SYSCTL "." BALLOON_NODE_STATS "." n
#define get(n)		xt_sysctl_quad(n)

typedef void	racer_fn(domid_t, unsigned int);

/* A KiB target between LOW_MIB and GUEST_MIB, in whole MiB. */
static uint64_t
some_target(unsigned int *seed)
{

	return (LOW_MIB + rand_r(seed) % (GUEST_MIB - LOW_MIB + 1)) * 1024ULL;
}

/* dom0: memory/target, as xl mem-set writes it. */
static void
race_dom0(domid_t d, unsigned int seed)
{
	char path[64], val[32];
	struct xs_handle *xs;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", d);
	if ((xs = xs_open(0)) == NULL)
		_exit(1);
	snprintf(val, sizeof(val), "%" PRIu64, some_target(&seed));
	if (!xs_write(xs, XBT_NULL, path, val, strlen(val)))
		_exit(1);
	xs_close(xs);
	usleep(50000 + rand_r(&seed) % 150000);
}

/*
 * root in the guest: the driver's target, and now and then
 * deflate_on_oom or free_page_reporting, mostly on.
 */
static void
race_root(domid_t d __attribute__((__unused__)), unsigned int seed)
{
	uint64_t kib = some_target(&seed);
	int oom, report;

	/* EPERM is the driver's answer to a target out of range. */
	if (sysctlbyname(NODE(BALLOON_NODE_TARGET), NULL, NULL, &kib,
	    sizeof(kib)) == -1 && errno != EPERM)
		_exit(1);
	if (rand_r(&seed) % 8 == 0) {
		oom = rand_r(&seed) % 8 != 0;
		if (sysctlbyname(NODE(BALLOON_NODE_DEFLATE_ON_OOM), NULL, NULL,
		    &oom, sizeof(oom)) == -1)
			_exit(1);
	}
	/* EAGAIN: Xen kept some reported runs; they come back later. */
	if (rand_r(&seed) % 8 == 0) {
		report = rand_r(&seed) % 8 != 0;
		if (sysctlbyname(NODE(BALLOON_NODE_REPORTING), NULL, NULL,
		    &report, sizeof(report)) == -1 && errno != EAGAIN)
			_exit(1);
	}
	usleep(50000 + rand_r(&seed) % 150000);
}

/*
 * The workload: from a quarter to all of the guest's RAM, often more
 * than the target leaves it, so that it runs out again and again; and
 * every 32nd time, little for 3 s, so that memory stays free long
 * enough to be reported.
 */
static void
race_workload(domid_t d __attribute__((__unused__)), unsigned int seed)
{
	uint64_t kib;
	bool quiet = seed % 32 == 24;

	kib = (GUEST_MIB / 4 + rand_r(&seed) % (GUEST_MIB * 3 / 4 + 1)) *
	    1024ULL;
	if (quiet)
		kib = GUEST_MIB / 8 * 1024ULL;
	if (sysctlbyname("debug.memhog", NULL, NULL, &kib, sizeof(kib)) == -1)
		_exit(1);
	usleep(quiet ? 3000000 : 100000 + rand_r(&seed) % 300000);
}

/* Run fn over and over in a child, on d's sysctls, until the time is up. */
static pid_t
racer(domid_t d, racer_fn *fn, unsigned int seed, double until)
{
	pid_t pid;

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid != 0)
		return pid;
	if (xt_sysctl_use(d) != 0)
		_exit(1);
	while (xt_now() < until)
		(*fn)(d, seed++);
	_exit(0);
}

struct guest {
	const char	*type;
	uint64_t	extra;		/* frames beyond RAM (PVH: 17) */
	domid_t		d;
	uint64_t	reported;	/* the most KiB reported at once */
};

static void
race_start(struct guest *g)
{
	int on = 1;

	g->d = xt_balloon_add(g->type, g->type, GUEST_MIB);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(NODE(BALLOON_NODE_DEFLATE_ON_OOM),
	    on), 0);
	/*
	 * Start small, so that the workload's first size runs it out;
	 * reporting on only then, for free memory reported would take the
	 * reservation below the target before it is seen there.
	 */
	xt_xs_target(g->d, "131072");
	xt_balloon_settle(g->d, 32768 + g->extra);
	ATF_REQUIRE_EQ(xt_sysctl_set_int(NODE(BALLOON_NODE_REPORTING), on),
	    0);
}

/* The race is over: the rule holds and no page is lost. */
static void
race_check(struct guest *g)
{
	struct xensim_dominfo di;
	uint64_t balloon;
	int oom;

	ATF_REQUIRE_EQ(xt_sysctl_use(g->d), 0);
	printf("%s: %" PRIu64 " deflations on OOM, %" PRIu64 " pages back, "
	    "%" PRIu64 " stopped by max_pages, up to %" PRIu64 " KiB reported, %"
	    PRIu64 " hypercalls, %" PRIu64 " failed allocations\n", g->type,
	    xt_evcnt(BALLOON_EV_OOM_DEFLATIONS),
	    xt_evcnt(BALLOON_EV_OOM_PAGES),
	    xt_evcnt(BALLOON_EV_OOM_MAXPAGES), g->reported,
	    xt_evcnt(BALLOON_EV_HYPERCALLS), get("debug.memhog_failed"));
	fflush(stdout);
	ATF_CHECK_MSG(xt_evcnt(BALLOON_EV_OOM_DEFLATIONS) > 0,
	    "%s: no deflation on OOM", g->type);

	/* Reporting off: every reported run comes back. */
	ATF_REQUIRE_EQ(xt_sysctl_set_int(NODE(BALLOON_NODE_REPORTING), 0),
	    0);
	ATF_CHECK_EQ_MSG(get(STAT(BALLOON_STAT_REPORTED)), 0, "%s",
	    g->type);

	/* The workload gone, dom0's last target wins and is reached. */
	ATF_REQUIRE_EQ(xt_sysctl_set_quad("debug.memhog", 0), 0);
	XT_WAIT_FOR(get("debug.memhog_held") == 0);
	ATF_REQUIRE_EQ(get("debug.memhog_held"), 0);
	xt_xs_target(g->d, "262144");
	xt_balloon_settle(g->d, LAST_KIB / 4 + g->extra);
	ATF_CHECK_EQ_MSG(get(NODE(BALLOON_NODE_TARGET)), LAST_KIB, "%s",
	    g->type);

	/* No page lost: driver, hypervisor and host memory agree. */
	di = xt_dominfo(g->d);
	balloon = get(STAT(BALLOON_STAT_BALLOON));
	ATF_CHECK_EQ_MSG(di.ram_allocated_pages, di.tot_pages, "%s",
	    g->type);
	ATF_CHECK_EQ_MSG(balloon, GUEST_MIB * 1024ULL - LAST_KIB, "%s",
	    g->type);
	ATF_CHECK_EQ_MSG(get(NODE(BALLOON_NODE_CURRENT)), di.tot_pages * 4,
	    "%s", g->type);
	ATF_CHECK_EQ_MSG(get(STAT(BALLOON_STAT_INFLATED)) -
	    get(STAT(BALLOON_STAT_DEFLATED)), balloon, "%s", g->type);
	oom = xt_sysctl_int(NODE(BALLOON_NODE_DEFLATE_ON_OOM));
	ATF_CHECK_EQ_MSG(get(STAT(BALLOON_STAT_INFLATED_TOTAL)),
	    oom ? 0 : balloon, "%s", g->type);
	ATF_CHECK_EQ_MSG(get(STAT(BALLOON_STAT_INFLATED_FREE)),
	    oom ? balloon : 0, "%s", g->type);
}

XT_TC(race,
    "A PV and a PVH guest of one host, for a minute: dom0 targets, "
    "root's targets, deflate_on_oom and free page reporting toggled, "
    "workloads growing and shrinking, deflations on OOM, all at once; "
    "the last target is reached and no page is lost")
ATF_TC_BODY(race, tc)
{
	struct guest g[2] = {
		{ .type = "pv", .extra = 0 },
		{ .type = "pvh", .extra = 17 },
	};
	pid_t pids[6];
	double until;
	int status, i, n;

	xt_start(0);
	for (n = 0; n < 2; n++)
		race_start(&g[n]);
	/* kyua -v test_suites.xenballoon.race_seconds=N: make test's TSan pass. */
	until = xt_now() + atf_tc_get_config_var_as_long_wd(tc,
	    "race_seconds", RACE_SECONDS);
	for (i = 0, n = 0; n < 2; n++) {
		pids[i++] = racer(g[n].d, race_dom0, 1 + n * 100000, until);
		pids[i++] = racer(g[n].d, race_root, 1000 + n * 100000, until);
		pids[i++] = racer(g[n].d, race_workload, 2000 + n * 100000, until);
	}
	/* Meanwhile, the most memory each guest reported free at once. */
	while (xt_now() < until) {
		for (n = 0; n < 2; n++) {
			ATF_REQUIRE_EQ(xt_sysctl_use(g[n].d), 0);
			g[n].reported = MAX(g[n].reported,
			    get(STAT(BALLOON_STAT_REPORTED)));
		}
		usleep(20000);
	}
	for (i = 0; i < 6; i++) {
		ATF_REQUIRE(waitpid(pids[i], &status, 0) == pids[i]);
		ATF_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "racer %d failed", i);
	}
	ATF_REQUIRE(xt_alive());
	for (n = 0; n < 2; n++)
		race_check(&g[n]);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, race);
	return atf_no_error();
}
