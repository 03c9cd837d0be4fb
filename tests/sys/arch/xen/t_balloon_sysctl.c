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
 * machdep.xen.balloon through sysctl(3) (librumpsysctl) inside a bench
 * guest: values, refusals and their errno, permissions, and a target set
 * in the guest against one set from dom0.
 */

#include <sys/types.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include <balloon.h>
#include <rumpsysctl.h>
#include <rumpsysctl_wire.h>
#include <xensim.h>

#include "xensim_test.h"

#define NODE(n)		BALLOON_SYSCTL "." n
#define get(n)		xt_sysctl_quad(n)
#define tot_pages(d)	xt_dominfo(d).tot_pages
#define settle(d, p)	xt_balloon_settle(d, p)
#define start(type)	xt_balloon_guest(type, 512)

XT_TC(target_range,
    "A target below min or above max is EPERM and changes nothing")
ATF_TC_BODY(target_range, tc)
{
	uint64_t min, max;

	start("pv");
	min = get(NODE("min"));
	max = get(NODE("max"));
	ATF_CHECK_EQ(min, 2048);
	ATF_CHECK_EQ(max, 525312);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), min - 4), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 0), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), max + 4), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), UINT64_MAX), EPERM);
	ATF_CHECK_EQ(get(NODE("target")), 524288);
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_HYPERCALLS), 0);
	ATF_CHECK_EQ(tot_pages(1), 131072);
}

XT_TC(target_edges,
    "A sysctl target exactly at min or max is taken, one KiB below min "
    "or one page above max is not")
ATF_TC_BODY(target_edges, tc)
{

	start("pvh");
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 2048 - 1), EPERM);
	ATF_CHECK_EQ(get(NODE("target")), 524288);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 2048), 0);
	ATF_CHECK_EQ(get(NODE("target")), 2048);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 525312 + 4), EPERM);
	ATF_CHECK_EQ(get(NODE("target")), 2048);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 525312), 0);
	ATF_CHECK_EQ(get(NODE("target")), 525312);
	ATF_CHECK(xt_console_has(1, "target 2047 KiB below min 2048 KiB, "
	    "refused"));
	ATF_CHECK(xt_console_has(1, "target 525316 KiB above max 525312 KiB, "
	    "refused"));
}

XT_TC(xenstore_edges,
    "memory/target exactly at min or max is taken, one KiB below min "
    "or one page above max is ignored")
ATF_TC_BODY(xenstore_edges, tc)
{

	start("pv");
	/* The watch reads the node's value then: one write at a time. */
	xt_xs_target(1, "2047");
	XT_WAIT_FOR(xt_console_has(1, "memory/target 2047 KiB below min "
	    "2048 KiB, ignored"));
	ATF_CHECK(xt_console_has(1, "memory/target 2047 KiB below min "
	    "2048 KiB, ignored"));
	ATF_CHECK_EQ(get(NODE("target")), 524288);
	xt_xs_target(1, "2048");
	XT_WAIT_FOR(get(NODE("target")) == 2048);
	ATF_CHECK_EQ(get(NODE("target")), 2048);
	xt_xs_target(1, "525316");
	XT_WAIT_FOR(xt_console_has(1, "memory/target 525316 KiB above max "
	    "525312 KiB, ignored"));
	ATF_CHECK(xt_console_has(1, "memory/target 525316 KiB above max "
	    "525312 KiB, ignored"));
	ATF_CHECK_EQ(get(NODE("target")), 2048);
	xt_xs_target(1, "525312");
	XT_WAIT_FOR(get(NODE("target")) == 525312);
	ATF_CHECK_EQ(get(NODE("target")), 525312);
	ATF_CHECK(!xt_console_has(1, "memory/target 2048 KiB"));
	ATF_CHECK(!xt_console_has(1, "memory/target 525312 KiB"));
}

XT_TC(backoff_delays,
    "During an empty-pool stall the retry delay doubles from 50 ms to "
    "1 s, and a new target or a success resets it")
ATF_TC_BODY(backoff_delays, tc)
{
	static const int want[] = { 50, 100, 200, 400, 800, 1000 };
	int seen[16], nseen = 0, d, i, j, tries;

	start("pvh");
	xt_sysctl_set_quad(NODE("target"), 262144);
	settle(1, 65536 + 17);
	xt_ctl("fault 1 pool=empty");
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 524288), 0);
	/* Sample the node until the stall; keep each new value once. */
	for (tries = 0; tries < 200000; tries++) {
		if (xt_sysctl_int(NODE("stats.state")) == 4)
			break;
		d = xt_sysctl_int(NODE("stats.delay"));
		if (d != 0 && (nseen == 0 || seen[nseen - 1] != d) &&
		    nseen < (int)(sizeof(seen) / sizeof(seen[0])))
			seen[nseen++] = d;
		usleep(2000);
	}
	ATF_REQUIRE_EQ(xt_sysctl_int(NODE("stats.state")), 4);
	ATF_CHECK_EQ(xt_sysctl_int(NODE("stats.delay")), 0);
	/*
	 * Each value seen is the next rung of the ladder or a later one
	 * (a sample can miss a short rung on a busy host), and the top
	 * is reached: a delay that never doubles, or grows past 1 s,
	 * shows here.
	 */
	ATF_REQUIRE_MSG(nseen >= 3, "%d distinct delays seen", nseen);
	for (i = 0, j = 0; i < nseen; i++, j++) {
		while (j < (int)(sizeof(want) / sizeof(want[0])) &&
		    want[j] != seen[i])
			j++;
		ATF_CHECK_MSG(j < (int)(sizeof(want) / sizeof(want[0])),
		    "delay %d: %d ms is off the ladder or out of order", i,
		    seen[i]);
	}
	ATF_CHECK_MSG(seen[0] <= 100, "first delay %d ms", seen[0]);
	ATF_CHECK_EQ(seen[nseen - 1], 1000);

	/* A new target: a fresh start at 50 ms (or the next rung). */
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 524284), 0);
	for (tries = 0, d = 0; tries < 200000 && d == 0; tries++) {
		d = xt_sysctl_int(NODE("stats.delay"));
		usleep(2000);
	}
	ATF_CHECK_MSG(d == 50 || d == 100, "delay after a new target: %d ms",
	    d);

	/* Memory again: success resets the delay. */
	xt_ctl("fault 1 clear");
	settle(1, 131071 + 17);
	ATF_CHECK_EQ(xt_sysctl_int(NODE("stats.delay")), 0);
}

XT_TC(min_floor,
    "min is refused below the kernel's floor and above the target")
ATF_TC_BODY(min_floor, tc)
{

	start("pvh");
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("min"), 2047), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("min"), 0), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("min"), 524292), EPERM);
	ATF_CHECK_EQ(get(NODE("min")), 2048);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("min"), 4096), 0);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("min"), 2048), 0);
	ATF_CHECK_EQ(get(NODE("min")), 2048);
	ATF_CHECK(xt_console_has(1, "min 2047 KiB below the floor of "
	    "2048 KiB, refused"));
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("min"), 131072), 0);
	ATF_CHECK_EQ(get(NODE("min")), 131072);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 131068), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 131072), 0);
	settle(1, 32768 + 17);
	ATF_CHECK_EQ(get(NODE("current")), (32768 + 17) * 4);
}

XT_TC(readonly,
    "current, max and the statistics are read-only; bad writes fail")
ATF_TC_BODY(readonly, tc)
{
	uint32_t small = 1000;
	uint64_t v = 1;

	start("pv");
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("current"), 262144), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("max"), 262144), EPERM);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("stats.inflated"), 0), EPERM);
	ATF_CHECK_EQ(get(NODE("current")), 524288);
	ATF_CHECK_EQ(get(NODE("max")), 525312);

	/* A 4-byte value for a 64-bit node. */
	ATF_CHECK_EQ(sysctlbyname(NODE("target"), NULL, NULL, &small,
	    sizeof(small)), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(sysctlbyname(NODE("nonexistent"), &v, &(size_t){ 8 },
	    NULL, 0), -1);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_CHECK_EQ(sysctlbyname(BALLOON_SYSCTL "..target", &v,
	    &(size_t){ 8 }, NULL, 0), -1);
	ATF_CHECK_EQ(get(NODE("target")), 524288);
}

ATF_TC_WITH_CLEANUP(nonroot);
ATF_TC_HEAD(nonroot, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Only root may write; anyone may read");
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(nonroot, tc)
{
	pid_t pid;
	int status;

	start("pv");
	if ((pid = fork()) == 0) {
		uint64_t v = 262144, old = 0;
		size_t len = sizeof(old);

		/*
		 * The server sees our effective uid; keep root's file
		 * system uid only to reach the socket in the test's
		 * private work directory.
		 */
		if (setegid(65534) == -1 || seteuid(65534) == -1)
			_exit(2);
		(void)setfsuid(0);
		if (sysctlbyname(NODE("target"), &old, &len, NULL, 0) != 0 ||
		    old != 524288)
			_exit(3);
		if (sysctlbyname(NODE("target"), NULL, NULL, &v,
		    sizeof(v)) == 0 || errno != EPERM)
			_exit(4);
		_exit(0);
	}
	ATF_REQUIRE(pid != -1);
	ATF_REQUIRE_EQ(waitpid(pid, &status, 0), pid);
	ATF_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "non-root child: status %#x", status);
	ATF_CHECK_EQ(get(NODE("target")), 524288);
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_HYPERCALLS), 0);
}
ATF_TC_CLEANUP(nonroot, tc)
{
	xt_stop();
}

XT_TC(guest_then_dom0,
    "A target set in the guest acts at once; dom0's next one wins")
ATF_TC_BODY(guest_then_dom0, tc)
{
	struct xs_handle *xs;

	start("pv");
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 262144), 0);
	settle(1, 65536);
	ATF_CHECK_EQ(get(NODE("target")), 262144);
	ATF_CHECK_EQ(get(NODE("stats.balloon")), 262144);

	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	ATF_REQUIRE(xs_write(xs, XBT_NULL, "/local/domain/1/memory/target",
	    "393216", 6));
	xs_close(xs);
	settle(1, 98304);
	ATF_CHECK_EQ(get(NODE("target")), 393216);
	ATF_CHECK_EQ(get(NODE("current")), 393216);
	ATF_CHECK_EQ(get(NODE("stats.balloon")), 131072);
}

XT_TC(children,
    "The tree: seven nodes and the stats subtree, described")
ATF_TC_BODY(children, tc)
{
	static const char *const names[] = { "current", "target", "min",
	    "max", "retry", "deflate_on_oom", "free_page_reporting", "stats" };
	static const int writable[] = { 0, 1, 1, 0, 1, 1, 1, 0 };
	static const int types[] = { RUMPSYSCTL_QUAD, RUMPSYSCTL_QUAD,
	    RUMPSYSCTL_QUAD, RUMPSYSCTL_QUAD, RUMPSYSCTL_INT, RUMPSYSCTL_INT,
	    RUMPSYSCTL_INT, RUMPSYSCTL_NODE };
	struct rumpsysctl_node *nodes;
	size_t n, i;

	start("pvh");
	ATF_REQUIRE_EQ(rumpsysctl_children(BALLOON_SYSCTL, &nodes, &n), 0);
	ATF_REQUIRE_EQ(n, 8);
	for (i = 0; i < n; i++) {
		ATF_CHECK_STREQ(nodes[i].name, names[i]);
		ATF_CHECK_EQ(nodes[i].writable, writable[i]);
		ATF_CHECK(nodes[i].descr[0] != '\0');
		ATF_CHECK_EQ(nodes[i].type, types[i]);
	}
	free(nodes);
	ATF_REQUIRE_EQ(rumpsysctl_children(BALLOON_SYSCTL "."
	    BALLOON_NODE_STATS, &nodes, &n), 0);
	ATF_CHECK_EQ(n, 10);
	free(nodes);
	ATF_CHECK_EQ(get(NODE("current")), (131072 + 17) * 4);
}

/* Send raw bytes to the guest's sysctl server, then hang up. */
static void
raw(const void *buf, size_t len)
{
	struct sockaddr_un sun;
	char junk[256];
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
	    getenv("RUMP_SERVER"));
	ATF_REQUIRE((fd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
	ATF_REQUIRE(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	(void)send(fd, buf, len, MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	while (read(fd, junk, sizeof(junk)) > 0)
		continue;
	close(fd);
}

struct hostile_msg {
	struct rumpsysctl_req req;
	char name[64];
};

/* A LOOKUP of the 26-byte name, wanting the old value if oldlen. */
static void
lookup(struct hostile_msg *m, uint32_t namelen, uint64_t oldlen,
    const char *name)
{

	memset(m, 0, sizeof(*m));
	m->req.op = RUMPSYSCTL_OP_LOOKUP;
	m->req.namelen = namelen;
	m->req.oldlen = oldlen;
	m->req.wantold = oldlen != 0;
	memcpy(m->name, name, 26);
}

XT_TC(hostile,
    "Malformed requests to the sysctl server change nothing and "
    "crash nothing")
ATF_TC_BODY(hostile, tc)
{
	static const char target[] = "machdep.xen.balloon.target";
	static const uint32_t namelens[] = { 0, 100000, 0xffffffff, 5 };
	struct hostile_msg m;
	size_t i;

	start("pv");
	for (i = 0; i < sizeof(namelens) / sizeof(namelens[0]); i++) {
		lookup(&m, namelens[i], UINT64_MAX, target);
		m.req.newlen = i == 3 ? 0xffffffff : 8;
		raw(&m, sizeof(m));
	}
	/* A name with a NUL inside, an unknown op, a short request. */
	lookup(&m, 26, 0, "machdep\0xen.balloon.target");
	raw(&m, sizeof(m.req) + 26);
	m.req.op = 77;
	raw(&m, sizeof(m.req) + 26);
	raw(&m, 3);
	/* A huge oldlen is answered with the value's own size. */
	lookup(&m, 26, UINT64_MAX, target);
	raw(&m, sizeof(m.req) + 26);

	ATF_CHECK_EQ(get(NODE("target")), 524288);
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_HYPERCALLS), 0);
	ATF_CHECK_EQ(tot_pages(1), 131072);
	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 262144), 0);
	settle(1, 65536);
}

/* Each of the balloon's evcnt(9) counters, once, in kern.evcnt. */
static void
evcnt_check_all(uint64_t *hypercalls, uint64_t *partial)
{
	static const char *const names[] = {
		BALLOON_EV_HYPERCALLS, BALLOON_EV_PARTIAL, BALLOON_EV_RETRIES,
		BALLOON_EV_OOM_DEFLATIONS, BALLOON_EV_OOM_PAGES,
		BALLOON_EV_OOM_MAXPAGES,
	};
	struct rumpsysctl_evcnt *evs;
	size_t i, j, n, seen;

	ATF_REQUIRE_EQ_MSG(rumpsysctl_evcnt(&evs, &n), 0, "kern.evcnt: %s",
	    strerror(errno));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (j = 0, seen = 0; j < n; j++) {
			if (strcmp(evs[j].group, "balloon0") != 0 ||
			    strcmp(evs[j].name, names[i]) != 0)
				continue;
			seen++;
			ATF_CHECK_EQ(evs[j].type, RUMPSYSCTL_EVCNT_MISC);
			if (i == 0)
				*hypercalls = evs[j].count;
			else if (i == 1)
				*partial = evs[j].count;
			else
				ATF_CHECK_EQ_MSG(evs[j].count, 0, "%s",
				    names[i]);
		}
		ATF_CHECK_EQ_MSG(seen, 1, "balloon0 %s: %zu times", names[i],
		    seen);
	}
	free(evs);
}

XT_TC(evcnt,
    "The event counters are evcnt(9) counters of group balloon0 that "
    "kern.evcnt lists and that count, not sysctl nodes")
ATF_TC_BODY(evcnt, tc)
{
	uint64_t h = 1, p = 1, v;
	char buf[4096];
	size_t len;

	start("pv");
	evcnt_check_all(&h, &p);
	ATF_CHECK_EQ(h, 0);
	ATF_CHECK_EQ(p, 0);
	/* Only the non-zero ones: none of the balloon's yet. */
	len = sizeof(buf);
	ATF_REQUIRE_EQ(sysctlbyname("kern.evcnt.-1.1", buf, &len, NULL, 0), 0);
	ATF_CHECK_EQ(len, 0);
	/* The counts are not sysctl nodes any more. */
	ATF_CHECK_EQ(sysctlbyname(NODE("stats." BALLOON_EV_HYPERCALLS), &v,
	    &(size_t){ sizeof(v) }, NULL, 0), -1);
	ATF_CHECK_EQ(errno, ENOENT);

	ATF_CHECK_EQ(xt_sysctl_set_quad(NODE("target"), 262144), 0);
	settle(1, 65536);
	evcnt_check_all(&h, &p);
	/* 256 MiB out in 2 MiB extents, up to 512 a call. */
	ATF_CHECK(h > 0);
	ATF_CHECK_EQ(p, 0);
	ATF_CHECK_EQ(xt_evcnt(BALLOON_EV_HYPERCALLS), h);
	len = sizeof(buf);
	ATF_REQUIRE_EQ(sysctlbyname("kern.evcnt.0.1", buf, &len, NULL, 0), 0);
	ATF_CHECK(len > 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, target_range);
	ATF_TP_ADD_TC(tp, target_edges);
	ATF_TP_ADD_TC(tp, xenstore_edges);
	ATF_TP_ADD_TC(tp, backoff_delays);
	ATF_TP_ADD_TC(tp, min_floor);
	ATF_TP_ADD_TC(tp, readonly);
	ATF_TP_ADD_TC(tp, nonroot);
	ATF_TP_ADD_TC(tp, guest_then_dom0);
	ATF_TP_ADD_TC(tp, children);
	ATF_TP_ADD_TC(tp, hostile);
	ATF_TP_ADD_TC(tp, evcnt);
	return atf_no_error();
}
