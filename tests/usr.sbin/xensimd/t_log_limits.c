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
 * No guest can fill dom0's disk through xensimd's log: each message a
 * guest can cause at will is let through 10 times, then once per 5 s
 * per domain; the rest are counted and said once, "xensimd: N messages
 * from dN suppressed" (xensimd(8)).  A guest hammers each such message;
 * the lines it got into the log are bounded, and those shown plus those
 * said suppressed are exactly the messages it caused.  The bound grows
 * with the time the hammering took, so that a slow machine passes too:
 * what is asserted is a count, never a duration.
 */

#include <sys/mman.h>

#include <inttypes.h>

#include "xs_test.h"

#define BURST		10	/* messages let through at once */
#define INTERVAL	5.0	/* s, then one per interval */

/* Where the log stood before the hammering. */
struct mark {
	long	m_off;
	double	m_t0;
};

static char log_path[PATH_MAX + 16];
static char line[1024];

static void
mark(struct mark *m)
{
	FILE *fp;

	snprintf(log_path, sizeof(log_path), "%s/xensimd.log", xt_dir);
	ATF_REQUIRE((fp = fopen(log_path, "r")) != NULL);
	ATF_REQUIRE(fseek(fp, 0, SEEK_END) == 0);
	m->m_off = ftell(fp);
	fclose(fp);
	m->m_t0 = xt_now();
}

/*
 * Lines written since the mark that hold text (all of them when text is
 * NULL); with id set, the sum of the counts in the lines saying domain
 * id's messages were suppressed instead.
 */
static unsigned long
scan(const struct mark *m, const char *text, domid_t id)
{
	char said[64];
	unsigned long n = 0, k;
	FILE *fp;

	snprintf(said, sizeof(said), " messages from d%u suppressed", id);
	ATF_REQUIRE((fp = fopen(log_path, "r")) != NULL);
	ATF_REQUIRE(fseek(fp, m->m_off, SEEK_SET) == 0);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (text != NULL) {
			n += strstr(line, text) != NULL;
			continue;
		}
		if (id == 0) {
			n++;
			continue;
		}
		if (strstr(line, said) != NULL &&
		    sscanf(line, "xensimd: %lu messages", &k) == 1)
			n += k;
	}
	fclose(fp);
	return n;
}

/* The most lines of one kind a domain may get in since the mark. */
static unsigned long
bound(const struct mark *m)
{

	return BURST + (unsigned long)((xt_now() - m->m_t0) / INTERVAL) + 1;
}

/*
 * Domain id caused n messages since the mark, shown in lines holding
 * text (or text2): dom0 destroys it, which says the count it had
 * suppressed, and then the count must be exact and the log's growth
 * bounded (the messages, a suppressed line before each, and the
 * destroy's).
 */
static void
check_limited(struct xensim *h, domid_t id, const struct mark *m,
    unsigned long n, const char *text, const char *text2)
{
	unsigned long max, shown, missed, lines;

	max = bound(m);
	ATF_REQUIRE_EQ(xensim_domain_destroy(h, id), 0);
	shown = scan(m, text, 0) + (text2 != NULL ? scan(m, text2, 0) : 0);
	missed = scan(m, NULL, id);
	lines = scan(m, NULL, 0);
	printf("d%u: %lu messages caused, %lu shown, %lu said suppressed, "
	    "log grew %lu lines\n", id, n, shown, missed, lines);
	ATF_CHECK_EQ_MSG(shown + missed, n, "%lu shown, %lu suppressed, "
	    "%lu caused", shown, missed, n);
	ATF_CHECK_MSG(shown >= BURST, "only %lu shown", shown);
	ATF_CHECK_MSG(shown <= max, "%lu shown, at most %lu expected",
	    shown, max);
	ATF_CHECK_MSG(missed > 0, "nothing said suppressed");
	ATF_CHECK_MSG(lines <= 2 * max + 4, "the log grew %lu lines", lines);
}

/* A host of 256 MiB and a 16 MiB domain on it: dom0's and its handle. */
static domid_t
guest(enum xensim_kind kind, struct xensim **hp, struct xensim **up)
{
	domid_t id;

	xt_start(256);
	*hp = xt_dom0();
	id = xt_create(*hp, "g", kind, 16, 16);
	*up = xt_domu(id);
	return id;
}

static long
memop(struct xensim *u, unsigned int cmd, xen_pfn_t *list,
    unsigned int order)
{
	struct xen_memory_reservation r;

	memset(&r, 0, sizeof(r));
	set_xen_guest_handle(r.extent_start, list);
	r.nr_extents = 1;
	r.extent_order = order;
	r.domid = DOMID_SELF;
	return xensim_memory_op(u, cmd, &r);
}

/* n increase_reservation calls of 2 MiB past max_pages (256 pages off). */
static void
overallocate(struct xensim *u, unsigned long n)
{
	xen_pfn_t l[1];
	unsigned long i;

	for (i = 0; i < n; i++)
		ATF_REQUIRE_EQ(memop(u, XENMEM_increase_reservation, l, 9),
		    0);
}

/* A connection to domain id's xenstore, closed at once by xenstored. */
static void
xs_closed(unsigned int id, bool oversized)
{
	struct xsd_sockmsg hdr = { XS_READ, 1, 0, 5 };
	int fd;

	fd = xst_connect(id);
	if (oversized)
		hdr.len = XENSTORE_PAYLOAD_MAX + 1;
	(void)send(fd, &hdr, sizeof(hdr), MSG_NOSIGNAL);
	if (!oversized)
		(void)send(fd, "name", 5, MSG_NOSIGNAL);
	ATF_REQUIRE_EQ_MSG(xst_readn(fd, &hdr, sizeof(hdr)), 0,
	    "connection not closed");
	close(fd);
}

XT_TC(over_allocation, "100,000 increase_reservation calls past max_pages "
    "get a bounded number of Over-allocation lines, the rest counted")
ATF_TC_BODY(over_allocation, tc)
{
	struct xensim *h, *u;
	struct mark m;
	char text[64];
	domid_t id;

	id = guest(XENSIM_PV, &h, &u);
	snprintf(text, sizeof(text), "Over-allocation for d%u: ", id);
	mark(&m);
	overallocate(u, 100000);
	check_limited(h, id, &m, 100000, text, NULL);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(bad_extents, "decrease_reservation of frames not the domain's and "
    "mach->phys updates of them, 50,000 each: bounded, counted")
ATF_TC_BODY(bad_extents, tc)
{
	struct mmu_update mu;
	struct xensim *h, *u;
	struct mark m;
	char text[64], text2[64];
	xen_pfn_t l[1];
	unsigned int done;
	domid_t id;
	int i;

	id = guest(XENSIM_PV, &h, &u);
	snprintf(text, sizeof(text), ": rd=d%u od=", id);
	snprintf(text2, sizeof(text2), "d%u: could not get page for ", id);
	mark(&m);
	for (i = 0; i < 50000; i++) {
		l[0] = 0xfffffff;
		ATF_REQUIRE_EQ(memop(u, XENMEM_decrease_reservation, l, 0), 0);
		mu.ptr = ((uint64_t)0xfffffff << 12) | MMU_MACHPHYS_UPDATE;
		mu.val = 0;
		ATF_REQUIRE(xensim_mmu_update(u, &mu, 1, &done,
		    DOMID_SELF) != 0);
	}
	check_limited(h, id, &m, 100000, text, text2);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(dirty_given, "a frame populated (garbage) and given back holding "
    "data, 20,000 times: bounded, counted")
ATF_TC_BODY(dirty_given, tc)
{
	struct xensim *h, *u;
	struct mark m;
	char text[64];
	xen_pfn_t l[1];
	domid_t id;
	int i;

	id = guest(XENSIM_PVH, &h, &u);
	snprintf(text, sizeof(text), "d%u: 1 frame(s) given back holding "
	    "data", id);
	mark(&m);
	for (i = 0; i < 20000; i++) {
		l[0] = 6000;
		ATF_REQUIRE_EQ(memop(u, XENMEM_populate_physmap, l, 0), 1);
		ATF_REQUIRE_EQ(memop(u, XENMEM_decrease_reservation, l, 0), 1);
	}
	check_limited(h, id, &m, 20000, text, NULL);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(foreign, "5,000 reads of a frame the guest does not own, through "
    "its RAM watch: bounded, counted")
ATF_TC_BODY(foreign, tc)
{
	struct xensim_start_info si;
	struct xensim *h, *u;
	struct mark m;
	char text[64], text2[64];
	volatile uint32_t *w;
	unsigned char *ram;
	domid_t id, self = DOMID_SELF;
	int i;

	id = guest(XENSIM_PVH, &h, &u);
	ATF_REQUIRE(xensim_start_info(u, &si) == 0);
	ATF_REQUIRE((ram = mmap(NULL, si.memfd_pages * 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0)) != MAP_FAILED);
	/* Its line is one of the domain's messages too. */
	mark(&m);
	if (xensim_ram_watch(u, ram, si.memfd_pages) != 0)
		atf_tc_skip("no userfaultfd: %s", strerror(errno));
	snprintf(text, sizeof(text), "d%u: read of gfn 0x1770, not the "
	    "domain's", id);
	snprintf(text2, sizeof(text2), "d%u: guest RAM watched", id);
	w = (volatile uint32_t *)(void *)(ram + 6000 * 4096);
	for (i = 0; i < 5000; i++) {
		ATF_REQUIRE_EQ(*w, 0xffffffff);
		/* The page of ones goes before the next call: faults again. */
		ATF_REQUIRE(xensim_memory_op(u, XENMEM_current_reservation,
		    &self) > 0);
	}
	ATF_REQUIRE_EQ(xt_dominfo(id).foreign_accesses, 5000);
	check_limited(h, id, &m, 5000 + 1, text, text2);
	munmap(ram, si.memfd_pages * 4096);
	close(si.memfd);
	xensim_close(u);
	xensim_close(h);
}

XT_TC(xs_refused, "5,000 xenstore connections past a domU's 64, each "
    "refused: bounded, counted")
ATF_TC_BODY(xs_refused, tc)
{
	struct xensim *h;
	struct mark m;
	char text[64];
	int fd[64], i;
	domid_t id;

	xt_start(256);
	h = xt_dom0();
	id = xst_domain("g");
	for (i = 0; i < 64; i++) {
		fd[i] = xst_connect(id);
		xst_call(fd[i], XS_READ, "name", XS_READ, line);
	}
	snprintf(text, sizeof(text), "domain %u: more than 64 connections, "
	    "refused", id);
	mark(&m);
	for (i = 0; i < 5000; i++)
		xs_closed(id, false);
	check_limited(h, id, &m, 5000, text, NULL);
	for (i = 0; i < 64; i++)
		close(fd[i]);
	xensim_close(h);
}

XT_TC(xs_dropped, "5,000 xenstore clients announcing an oversized "
    "payload, each dropped: bounded, counted")
ATF_TC_BODY(xs_dropped, tc)
{
	struct xensim *h;
	struct mark m;
	char text[64];
	domid_t id;
	int i;

	xt_start(256);
	h = xt_dom0();
	id = xst_domain("g");
	snprintf(text, sizeof(text), "dropping domain %u client: payload "
	    "too long", id);
	mark(&m);
	for (i = 0; i < 5000; i++)
		xs_closed(id, true);
	check_limited(h, id, &m, 5000, text, NULL);
	xensim_close(h);
}

XT_TC(per_domain, "one noisy guest does not silence another's first "
    "message, nor dom0's own lines about it")
ATF_TC_BODY(per_domain, tc)
{
	struct xensim_fault fa;
	struct xensim *h, *ua, *ub;
	struct mark m;
	char text[64];
	domid_t a, b;

	xt_start(256);
	h = xt_dom0();
	a = xt_create(h, "a", XENSIM_PV, 16, 16);
	b = xt_create(h, "b", XENSIM_PV, 16, 16);
	ua = xt_domu(a);
	ub = xt_domu(b);
	mark(&m);
	overallocate(ua, 100000);
	/* b's first: shown. */
	overallocate(ub, 1);
	snprintf(text, sizeof(text), "Over-allocation for d%u: ", b);
	ATF_CHECK_EQ(scan(&m, text, 0), 1);
	ATF_CHECK_EQ(scan(&m, NULL, b), 0);
	/* dom0's own line about a: shown. */
	memset(&fa, 0, sizeof(fa));
	fa.domid = a;
	fa.alloc_budget = -1;
	ATF_REQUIRE_EQ(xensim_fault(h, &fa), 0);
	snprintf(text, sizeof(text), "d%u: fault: alloc budget -1", a);
	ATF_CHECK_EQ(scan(&m, text, 0), 1);
	/* a, bounded, its count said when it goes. */
	snprintf(text, sizeof(text), "Over-allocation for d%u: ", a);
	check_limited(h, a, &m, 100000, text, NULL);
	ATF_CHECK_EQ(scan(&m, NULL, b), 0);
	xensim_close(ua);
	xensim_close(ub);
	xensim_close(h);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, over_allocation);
	ATF_TP_ADD_TC(tp, bad_extents);
	ATF_TP_ADD_TC(tp, dirty_given);
	ATF_TP_ADD_TC(tp, foreign);
	ATF_TP_ADD_TC(tp, xs_refused);
	ATF_TP_ADD_TC(tp, xs_dropped);
	ATF_TP_ADD_TC(tp, per_domain);
	return atf_no_error();
}
