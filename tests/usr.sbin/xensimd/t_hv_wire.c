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
 * xensimd's hypercall sockets against hostile domU clients: raw
 * SOCK_SEQPACKET packets that are malformed, out of bounds, aimed at
 * dom0's calls or at another domain.  After each, the daemon must be
 * alive, a well-behaved client must get right answers, and no
 * domain's reservation nor the host's free pages may have moved.
 */

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "xensim.h"
#include "xensim_wire.h"
#include "xensim_test.h"

#include <xen/version.h>

#ifndef __arraycount
#define __arraycount(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define CLOSED		INT64_MIN	/* the daemon dropped the connection */

static unsigned char pkt[XW_MAX_PACKET * 2] __attribute__((__aligned__(16)));
static unsigned char rep[XW_MAX_PACKET * 2] __attribute__((__aligned__(16)));

/* What must not change. */
struct snap {
	uint64_t	free;
	uint64_t	tot_a, max_a, tot_b, max_b;
	unsigned int	ndom;
};

static domid_t da, db;

static struct snap
snap(void)
{
	struct xensim_hostinfo hi;
	struct xensim_dominfo *l, a, b;
	struct xensim *h;
	struct snap s;

	h = xt_dom0();
	ATF_REQUIRE_EQ(xensim_host_info(h, &hi), 0);
	ATF_REQUIRE_EQ(xensim_domain_list(h, &l, &s.ndom), 0);
	free(l);
	xensim_close(h);
	a = xt_dominfo(da);
	b = xt_dominfo(db);
	s.free = hi.free_pages;
	s.tot_a = a.tot_pages;
	s.max_a = a.max_pages;
	s.tot_b = b.tot_pages;
	s.max_b = b.max_pages;
	return s;
}

/* Two kernel-less PV domains: a (the attacker) and b (a bystander). */
static struct snap
setup(void)
{
	struct xensim *h;

	xt_start(0);
	h = xt_dom0();
	da = xt_create(h, "a", XENSIM_PV, 16, 32);
	db = xt_create(h, "b", XENSIM_PV, 16, 32);
	xensim_close(h);
	return snap();
}

static void
hyperpath(domid_t id, char *path, size_t len)
{

	int n;

	n = snprintf(path, len, "%s/domains/%u/hypercall", xt_dir, id);
	ATF_REQUIRE(n > 0 && (size_t)n < len);
}

static int
raw_connect(domid_t id)
{
	struct sockaddr_un sun;
	struct timeval tv = { 60, 0 };	/* a guard against a hang */
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	hyperpath(id, sun.sun_path, sizeof(sun.sun_path));
	ATF_REQUIRE((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) != -1);
	ATF_REQUIRE_MSG(connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == 0, "%s: %s", sun.sun_path, strerror(errno));
	ATF_REQUIRE(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == 0);
	return fd;
}

/* Send n bytes of pkt as one packet; the reply's rc, or CLOSED. */
static int64_t
raw_send(int fd, size_t n, size_t *replen)
{
	struct xw_rhdr rh;
	ssize_t r;

	if (send(fd, pkt, n, MSG_NOSIGNAL) == -1)
		return CLOSED;
	r = recv(fd, rep, sizeof(rep), 0);
	ATF_REQUIRE_MSG(r != -1, "no reply: %s", strerror(errno));
	if (r == 0)
		return CLOSED;
	ATF_REQUIRE((size_t)r >= sizeof(rh));
	memcpy(&rh, rep, sizeof(rh));
	ATF_REQUIRE_EQ(rh.len, (size_t)r - sizeof(rh));
	if (replen != NULL)
		*replen = rh.len;
	return rh.rc;
}

/* A well-formed header in pkt for op and len payload bytes at pkt + 16. */
static void
hdr(uint32_t op, size_t len)
{
	struct xw_hdr h;

	memset(&h, 0, sizeof(h));
	h.magic = XW_MAGIC;
	h.op = op;
	h.len = (uint32_t)len;
	memcpy(pkt, &h, sizeof(h));
}

static int64_t
call(int fd, uint32_t op, const void *p, size_t len, size_t *replen)
{

	hdr(op, len);
	if (len > 0)
		memcpy(pkt + sizeof(struct xw_hdr), p, len);
	return raw_send(fd, sizeof(struct xw_hdr) + len, replen);
}

/* A memory_op window of count extents, list entries v. */
static int64_t
memop(int fd, uint32_t cmd, uint32_t has_list, uint64_t nr, uint64_t start,
    uint64_t count, uint64_t listlen, uint32_t domid, xen_pfn_t v)
{
	struct xw_memop m;
	xen_pfn_t *list = (xen_pfn_t *)(void *)(pkt + sizeof(struct xw_hdr) +
	    sizeof(m));
	uint64_t i;

	memset(&m, 0, sizeof(m));
	m.cmd = cmd;
	m.has_list = has_list;
	m.nr_extents = nr;
	m.domid = domid;
	m.start = start;
	m.count = count;
	hdr(XW_MEMORY_OP, sizeof(m) + listlen * sizeof(*list));
	memcpy(pkt + sizeof(struct xw_hdr), &m, sizeof(m));
	for (i = 0; i < listlen; i++)
		list[i] = v + i;
	return raw_send(fd, sizeof(struct xw_hdr) + sizeof(m) +
	    listlen * sizeof(*list), NULL);
}

/*
 * The daemon is alive, nothing moved, and libxensim clients of dom0
 * and of domain a get right answers.
 */
static void
check(const struct snap *before)
{
	struct xen_feature_info fi;
	struct xensim_start_info si;
	struct xensim *h;
	struct snap now;
	domid_t self = DOMID_SELF;

	ATF_REQUIRE_MSG(xt_alive(), "xensimd died");
	now = snap();
	ATF_REQUIRE_EQ(now.free, before->free);
	ATF_REQUIRE_EQ(now.tot_a, before->tot_a);
	ATF_REQUIRE_EQ(now.max_a, before->max_a);
	ATF_REQUIRE_EQ(now.tot_b, before->tot_b);
	ATF_REQUIRE_EQ(now.max_b, before->max_b);
	ATF_REQUIRE_EQ(now.ndom, before->ndom);

	h = xt_domu(da);
	ATF_REQUIRE_EQ(xensim_memory_op(h, XENMEM_current_reservation, &self),
	    (long)before->tot_a);
	ATF_REQUIRE_EQ(xensim_memory_op(h, XENMEM_maximum_reservation, &self),
	    (long)before->max_a);
	memset(&fi, 0, sizeof(fi));
	ATF_REQUIRE_EQ(xensim_xen_version(h, XENVER_get_features, &fi), 0);
	ATF_REQUIRE(fi.submap & (1U << XENFEAT_memory_op_vnode_supported));
	memset(&si, 0, sizeof(si));
	ATF_REQUIRE_EQ(xensim_start_info(h, &si), 0);
	ATF_REQUIRE_EQ(si.domid, da);
	ATF_REQUIRE_EQ(si.nr_pages, 16 * 256);
	close(si.memfd);
	free(si.p2m);
	xensim_close(h);
}

XT_TC(framing, "empty, short, bad magic, wrong len, oversized packets, "
    "unknown ops")
ATF_TC_BODY(framing, tc)
{
	struct xw_hdr h;
	struct snap s;
	int64_t rc;
	int fd;

	s = setup();
	fd = raw_connect(da);

	/* Empty: Linux reads it as end of file; a reply or a close. */
	rc = raw_send(fd, 0, NULL);
	ATF_REQUIRE(rc == CLOSED || rc == -EINVAL);
	if (rc == CLOSED) {
		close(fd);
		fd = raw_connect(da);
	}
	hdr(XW_HOST_INFO, 0);
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(h) - 1, NULL), -EINVAL);
	ATF_REQUIRE_EQ(raw_send(fd, 4, NULL), -EINVAL);
	ATF_REQUIRE_EQ(raw_send(fd, 1, NULL), -EINVAL);

	/* Bad magic on an otherwise good call. */
	hdr(XW_XEN_VERSION, 0);
	pkt[0] ^= 0xff;
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(h), NULL), -EINVAL);

	/* len says more than was sent, then less. */
	hdr(XW_BOOT_P2M, sizeof(struct xw_range) + 8);
	memset(pkt + sizeof(h), 0, 64);
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(h) + sizeof(struct xw_range),
	    NULL), -EINVAL);
	hdr(XW_BOOT_P2M, sizeof(struct xw_range) - 8);
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(h) + sizeof(struct xw_range),
	    NULL), -EINVAL);
	hdr(XW_BOOT_P2M, UINT32_MAX);
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(h) + sizeof(struct xw_range),
	    NULL), -EINVAL);

	/* Larger than the daemon's buffer: cut short (MSG_TRUNC). */
	memset(pkt + sizeof(h), 0, XW_MAX_PACKET + 64);
	hdr(XW_MEMORY_OP, XW_MAX_PACKET + 64);
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(h) + XW_MAX_PACKET + 64, NULL),
	    -EINVAL);
	hdr(XW_MEMORY_OP, XW_MAX_PACKET + 1);
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(h) + XW_MAX_PACKET + 1, NULL),
	    -EINVAL);

	/* Unknown ops. */
	ATF_REQUIRE_EQ(call(fd, 0, NULL, 0, NULL), -ENOSYS);
	ATF_REQUIRE_EQ(call(fd, XW_RAM_WATCH + 1, NULL, 0, NULL), -ENOSYS);
	/* Only a domU hands over its RAM watch, and with a descriptor. */
	ATF_REQUIRE_EQ(call(fd, XW_RAM_WATCH, NULL, 0, NULL), -EINVAL);
	ATF_REQUIRE_EQ(call(fd, 63, NULL, 0, NULL), -ENOSYS);
	ATF_REQUIRE_EQ(call(fd, 1000, NULL, 0, NULL), -EPERM);
	ATF_REQUIRE_EQ(call(fd, UINT32_MAX, NULL, 0, NULL), -EPERM);

	/* The connection still serves. */
	ATF_REQUIRE_EQ(call(fd, XW_START_INFO, NULL, 0, NULL), 0);
	close(fd);
	check(&s);
}

XT_TC(dom0_ops, "dom0's calls from a domU are EPERM and change nothing")
ATF_TC_BODY(dom0_ops, tc)
{
	struct xensim_domcfg cfg;
	struct xensim_fault fa;
	struct xw_maxmem mm;
	struct xw_range r = { 0, 100 };
	struct snap s;
	uint32_t id;
	size_t n;
	int fd;

	s = setup();
	fd = raw_connect(da);
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "evil");
	cfg.kind = XENSIM_PV;
	cfg.memory_kib = 1024;
	ATF_REQUIRE_EQ(call(fd, XW_DOMAIN_CREATE, &cfg, sizeof(cfg), &n),
	    -EPERM);
	ATF_REQUIRE_EQ(n, 0);
	id = db;
	ATF_REQUIRE_EQ(call(fd, XW_DOMAIN_DESTROY, &id, sizeof(id), NULL),
	    -EPERM);
	id = da;
	ATF_REQUIRE_EQ(call(fd, XW_DOMAIN_DESTROY, &id, sizeof(id), NULL),
	    -EPERM);
	ATF_REQUIRE_EQ(call(fd, XW_DOMAIN_GETINFO, &id, sizeof(id), &n),
	    -EPERM);
	ATF_REQUIRE_EQ(n, 0);
	ATF_REQUIRE_EQ(call(fd, XW_DOMAIN_LIST, &r, sizeof(r), &n), -EPERM);
	ATF_REQUIRE_EQ(n, 0);
	memset(&mm, 0, sizeof(mm));
	mm.domid = da;
	mm.max_kib = 1024 * 1024;
	ATF_REQUIRE_EQ(call(fd, XW_DOMAIN_SETMAXMEM, &mm, sizeof(mm), NULL),
	    -EPERM);
	mm.domid = db;
	mm.max_kib = 0;
	ATF_REQUIRE_EQ(call(fd, XW_DOMAIN_SETMAXMEM, &mm, sizeof(mm), NULL),
	    -EPERM);
	ATF_REQUIRE_EQ(call(fd, XW_HOST_INFO, NULL, 0, &n), -EPERM);
	ATF_REQUIRE_EQ(n, 0);
	memset(&fa, 0, sizeof(fa));
	fa.domid = db;
	fa.pool_empty = 1;
	fa.alloc_budget = 0;
	ATF_REQUIRE_EQ(call(fd, XW_FAULT, &fa, sizeof(fa), NULL), -EPERM);
	close(fd);
	check(&s);

	/* b was not fault-injected: dom0 can grow it and shrink it back. */
	{
		struct xen_memory_reservation res;
		struct xensim *h = xt_dom0();
		xen_pfn_t mfn = 0;

		memset(&res, 0, sizeof(res));
		set_xen_guest_handle(res.extent_start, &mfn);
		res.nr_extents = 1;
		res.domid = db;
		ATF_REQUIRE_EQ(xensim_memory_op(h,
		    XENMEM_increase_reservation, &res), 1);
		ATF_REQUIRE_EQ(xt_dominfo(db).tot_pages, s.tot_b + 1);
		ATF_REQUIRE_EQ(xensim_memory_op(h,
		    XENMEM_decrease_reservation, &res), 1);
		xensim_close(h);
	}
	check(&s);
}

XT_TC(memop_windows, "memory_op windows inconsistent with nr_extents, "
    "unknown cmds, another domain's domid")
ATF_TC_BODY(memop_windows, tc)
{
	struct snap s;
	xen_pfn_t bogus = (xen_pfn_t)1 << 40;	/* no one's frame */
	uint32_t inc = XENMEM_increase_reservation;
	uint32_t dec = XENMEM_decrease_reservation;
	uint32_t pop = XENMEM_populate_physmap;
	domid_t self = DOMID_SELF;
	int64_t rc;
	int fd;

	s = setup();
	fd = raw_connect(da);

	/* start + count beyond nr_extents. */
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 1, 0, 2, 2, self, 0), -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, pop, 1, 4, 3, 2, 2, self, 0x100000),
	    -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 4, 5, 1, 1, self, 0), -EINVAL);
	/* A window larger than XW_MAX_WINDOW. */
	ATF_REQUIRE_EQ(memop(fd, inc, 1, XW_MAX_WINDOW + 1, 0,
	    XW_MAX_WINDOW + 1, XW_MAX_WINDOW + 1, self, 0), -EINVAL);
	/* count not matching the list carried, both ways. */
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 8, 0, 8, 4, self, 0), -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 8, 0, 4, 8, self, 0), -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 8, 0, UINT64_MAX, 1, self, 0),
	    -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 8, 0, (UINT64_MAX >> 3) + 2, 1,
	    self, 0), -EINVAL);
	/* start far beyond anything Xen's continuation can encode. */
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 8, UINT64_MAX - 1, 1, 1, self, 0),
	    -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, inc, 0, 8, UINT64_MAX - 1, 0, 0, self, 0),
	    -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, inc, 0, 8, UINT64_C(1) << 32, 0, 0, self,
	    0), -EINVAL);
	/* No list, but a count. */
	ATF_REQUIRE_EQ(memop(fd, inc, 0, 8, 0, 8, 0, self, 0), -EINVAL);
	ATF_REQUIRE_EQ(memop(fd, inc, 0, 8, 0, 8, 8, self, 0), -EINVAL);
	/* Unknown commands. */
	ATF_REQUIRE_EQ(memop(fd, 0x3f, 1, 1, 0, 1, 1, self, 0), -ENOSYS);
	ATF_REQUIRE_EQ(memop(fd, UINT32_MAX, 0, 1, 0, 0, 0, self, 0),
	    -ENOSYS);
	/* Short memop header. */
	hdr(XW_MEMORY_OP, 8);
	ATF_REQUIRE_EQ(raw_send(fd, sizeof(struct xw_hdr) + 8, NULL),
	    -EINVAL);

	/* Another domain: nothing done, as Xen (the start extent). */
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 1, 0, 1, 1, db, 0), 0);
	ATF_REQUIRE_EQ(memop(fd, inc, 0, 100, 0, 0, 0, db, 0), 0);
	ATF_REQUIRE_EQ(memop(fd, pop, 1, 4, 0, 4, 4, db, 0x1000), 0);
	ATF_REQUIRE_EQ(memop(fd, dec, 1, 4, 0, 4, 4, db, 0), 0);
	ATF_REQUIRE_EQ(memop(fd, dec, 1, 4, 0, 4, 4, 0, 0), 0);
	ATF_REQUIRE_EQ(memop(fd, dec, 1, 4, 0, 4, 4, DOMID_IO, 0), 0);
	ATF_REQUIRE_EQ(memop(fd, dec, 1, 4, 0, 4, 4, 0x10000 + db, 0), 0);
	ATF_REQUIRE_EQ(memop(fd, XENMEM_current_reservation, 0, 0, 0, 0, 0,
	    db, 0), -EPERM);
	/* dom0 is no simulated domain here: ESRCH, or EPERM as Xen. */
	rc = memop(fd, XENMEM_maximum_reservation, 0, 0, 0, 0, 0, 0, 0);
	ATF_REQUIRE(rc == -EPERM || rc == -ESRCH);
	ATF_REQUIRE_EQ(memop(fd, XENMEM_maximum_reservation, 0, 0, 0, 0, 0,
	    DOMID_IO, 0), -ESRCH);
	/* Frames that are not a's: nothing released. */
	ATF_REQUIRE_EQ(memop(fd, dec, 1, 4, 0, 4, 4, self, bogus), 0);
	ATF_REQUIRE_EQ(memop(fd, dec, 1, 4, 0, 4, 4, self, UINT64_MAX - 1),
	    0);
	/* populate_physmap beyond the guest space. */
	ATF_REQUIRE_EQ(memop(fd, pop, 1, 2, 0, 2, 2, self, bogus), 0);
	ATF_REQUIRE_EQ(memop(fd, pop, 1, 2, 0, 2, 2, self, UINT64_MAX - 1),
	    0);
	/* The empty windows libxensim sends are still fine. */
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 0, 0, 0, 0, self, 0), 0);
	ATF_REQUIRE_EQ(memop(fd, inc, 1, 4, 4, 0, 0, self, 0), 4);
	close(fd);
	check(&s);
}

XT_TC(mmu_update, "mmu_update with a short payload, foreign domains, "
    "frames of others, pfns out of range")
ATF_TC_BODY(mmu_update, tc)
{
	struct {
		struct xw_mmu	mu;
		struct mmu_update req[4];
	} b;
	struct xw_range r = { 0, 2 };
	xen_pfn_t own[2], other;
	struct xensim_start_info si;
	struct xensim *h;
	struct snap s;
	uint32_t done;
	size_t n;
	int fd;

	s = setup();
	/* b's first frame, from b's own boot P2M. */
	h = xt_domu(db);
	ATF_REQUIRE_EQ(xensim_start_info(h, &si), 0);
	other = si.p2m[0];
	close(si.memfd);
	free(si.p2m);
	xensim_close(h);

	fd = raw_connect(da);
	ATF_REQUIRE_EQ(call(fd, XW_BOOT_P2M, &r, sizeof(r), &n), 0);
	ATF_REQUIRE_EQ(n, sizeof(own));
	memcpy(own, rep + sizeof(struct xw_rhdr), sizeof(own));
	ATF_REQUIRE(own[0] != other && own[1] != other);

	memset(&b, 0, sizeof(b));
	b.mu.foreigndom = DOMID_SELF;
	/* count larger than the payload, and absurd. */
	b.mu.count = 4;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    2 * sizeof(b.req[0]), NULL), -EINVAL);
	b.mu.count = UINT32_MAX;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b), NULL), -EINVAL);
	b.mu.count = (uint32_t)(UINT32_MAX / sizeof(b.req[0]) + 1);
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu), NULL),
	    -EINVAL);
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, 4, NULL), -EINVAL);

	/* Another domain's updates, or dom0's. */
	b.mu.count = 1;
	b.req[0].ptr = ((uint64_t)own[0] << 12) | MMU_MACHPHYS_UPDATE;
	b.req[0].val = 1;
	b.mu.foreigndom = db;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), -EPERM);
	b.mu.foreigndom = 0;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), -EPERM);
	b.mu.foreigndom = DOMID_SELF;

	/* b's frame, a frame no one has, one beyond the host. */
	b.req[0].ptr = ((uint64_t)other << 12) | MMU_MACHPHYS_UPDATE;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), &n), -EINVAL);
	ATF_REQUIRE_EQ(n, sizeof(done));
	memcpy(&done, rep + sizeof(struct xw_rhdr), sizeof(done));
	ATF_REQUIRE_EQ(done, 0);
	b.req[0].ptr = (UINT64_C(1) << 40 << 12) | MMU_MACHPHYS_UPDATE;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), -EINVAL);
	b.req[0].ptr = ~UINT64_C(3) | MMU_MACHPHYS_UPDATE;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), -EINVAL);
	/* Own frame, pfn out of the guest space. */
	b.req[0].ptr = ((uint64_t)own[0] << 12) | MMU_MACHPHYS_UPDATE;
	b.req[0].val = UINT64_MAX;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), -EINVAL);
	b.req[0].val = UINT64_C(1) << 24;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), -EINVAL);
	/* A good update, then b's frame: done counts the first only. */
	b.mu.count = 2;
	b.req[0].val = 0;
	b.req[1].ptr = ((uint64_t)other << 12) | MMU_MACHPHYS_UPDATE;
	b.req[1].val = 1;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    2 * sizeof(b.req[0]), NULL), -EINVAL);
	memcpy(&done, rep + sizeof(struct xw_rhdr), sizeof(done));
	ATF_REQUIRE_EQ(done, 1);
	/* Own frame at a pfn beyond the memfd: placed, nothing charged. */
	b.mu.count = 1;
	b.req[0].ptr = ((uint64_t)own[1] << 12) | MMU_MACHPHYS_UPDATE;
	b.req[0].val = (UINT64_C(1) << 24) - 1;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), 0);
	memcpy(&done, rep + sizeof(struct xw_rhdr), sizeof(done));
	ATF_REQUIRE_EQ(done, 1);
	/* Not MMU_MACHPHYS_UPDATE. */
	b.req[0].ptr = (uint64_t)own[1] << 12;
	ATF_REQUIRE_EQ(call(fd, XW_MMU_UPDATE, &b, sizeof(b.mu) +
	    sizeof(b.req[0]), NULL), -ENOSYS);
	close(fd);
	check(&s);
}

XT_TC(boot_p2m, "XW_BOOT_P2M ranges out of bounds or wrapping")
ATF_TC_BODY(boot_p2m, tc)
{
	static const struct xw_range bad[] = {
		{ 0, 16 * 256 + 1 },
		{ 16 * 256, 1 },
		{ 16 * 256 + 1, 0 },
		{ 16 * 256 - 1, 2 },
		{ UINT64_MAX, 2 },
		{ UINT64_MAX - 1, 2 },
		{ 1, UINT64_MAX },
		{ 0, XW_MAX_WINDOW + 1 },
		{ UINT64_C(1) << 63, UINT64_C(1) << 63 },
	};
	struct xw_range r;
	struct snap s;
	size_t i, n;
	int fd;

	s = setup();
	fd = raw_connect(da);
	for (i = 0; i < __arraycount(bad); i++) {
		n = 1;
		ATF_REQUIRE_EQ_MSG(call(fd, XW_BOOT_P2M, &bad[i],
		    sizeof(bad[i]), &n), -EINVAL, "range %zu", i);
		ATF_REQUIRE_EQ(n, 0);
	}
	/* The edges are served. */
	r.start = 16 * 256 - 1;
	r.count = 1;
	ATF_REQUIRE_EQ(call(fd, XW_BOOT_P2M, &r, sizeof(r), &n), 0);
	ATF_REQUIRE_EQ(n, sizeof(xen_pfn_t));
	r.start = 16 * 256;
	r.count = 0;
	ATF_REQUIRE_EQ(call(fd, XW_BOOT_P2M, &r, sizeof(r), &n), 0);
	ATF_REQUIRE_EQ(n, 0);
	r.start = 0;
	r.count = 16 * 256;
	ATF_REQUIRE_EQ(call(fd, XW_BOOT_P2M, &r, sizeof(r), &n), 0);
	ATF_REQUIRE_EQ(n, 16 * 256 * sizeof(xen_pfn_t));
	close(fd);
	check(&s);
}

XT_TC(pipeline, "10000 requests before reading any reply")
ATF_TC_BODY(pipeline, tc)
{
	struct xen_feature_info fi;
	int32_t cmd = XENVER_get_features;
	struct snap s;
	unsigned int i, sent, got;
	bool reset;
	int64_t rc;
	int fd;

	s = setup();
	fd = raw_connect(da);
	memset(&fi, 0, sizeof(fi));
	hdr(XW_XEN_VERSION, sizeof(cmd) + sizeof(fi));
	memcpy(pkt + sizeof(struct xw_hdr), &cmd, sizeof(cmd));
	memcpy(pkt + sizeof(struct xw_hdr) + sizeof(cmd), &fi, sizeof(fi));
	for (sent = 0; sent < 10000; sent++)
		if (send(fd, pkt, sizeof(struct xw_hdr) + sizeof(cmd) +
		    sizeof(fi), MSG_NOSIGNAL) == -1)
			break;
	/*
	 * Replies until the daemon gave up on a client that does not read
	 * (it never blocks on one); how many came is a matter of timing.
	 */
	for (got = 0, reset = false; got < sent; got++) {
		ssize_t r = recv(fd, rep, sizeof(rep), 0);
		struct xw_rhdr rh;

		/* Linux reports the drop once, before what is queued. */
		if (r == -1 && errno == ECONNRESET && !reset) {
			reset = true;
			r = recv(fd, rep, sizeof(rep), 0);
		}
		ATF_REQUIRE_MSG(r != -1, "recv: %s", strerror(errno));
		if (r == 0)
			break;
		ATF_REQUIRE_EQ((size_t)r, sizeof(rh) + sizeof(fi));
		memcpy(&rh, rep, sizeof(rh));
		ATF_REQUIRE_EQ(rh.rc, 0);
		ATF_REQUIRE_EQ(rh.len, sizeof(fi));
		memcpy(&fi, rep + sizeof(rh), sizeof(fi));
		ATF_REQUIRE(fi.submap &
		    (1U << XENFEAT_memory_op_vnode_supported));
	}
	close(fd);
	check(&s);

	/* A new connection is served; so is b's. */
	for (i = 0; i < 2; i++) {
		fd = raw_connect(i == 0 ? da : db);
		rc = call(fd, XW_START_INFO, NULL, 0, NULL);
		ATF_REQUIRE_EQ(rc, 0);
		close(fd);
	}
	check(&s);
}

XT_TC(hangup, "clients that close before their reply, or never send")
ATF_TC_BODY(hangup, tc)
{
	struct xw_range r = { 0, XW_MAX_WINDOW };
	struct snap s;
	int fd, idle, i;

	s = setup();
	idle = raw_connect(da);
	for (i = 0; i < 50; i++) {
		fd = raw_connect(da);
		hdr(XW_BOOT_P2M, sizeof(r));
		memcpy(pkt + sizeof(struct xw_hdr), &r, sizeof(r));
		ATF_REQUIRE(send(fd, pkt, sizeof(struct xw_hdr) + sizeof(r),
		    MSG_NOSIGNAL) != -1);
		if (i % 2 == 0)
			shutdown(fd, SHUT_RD);
		close(fd);
		/* Connected, then gone without a word. */
		close(raw_connect(db));
	}
	/* A memfd passed to a client that is gone. */
	fd = raw_connect(da);
	hdr(XW_START_INFO, 0);
	ATF_REQUIRE(send(fd, pkt, sizeof(struct xw_hdr), MSG_NOSIGNAL) != -1);
	close(fd);
	check(&s);
	ATF_REQUIRE_EQ(call(idle, XW_START_INFO, NULL, 0, NULL), 0);
	close(idle);
	check(&s);
}

/* dom0 grows b by one page and back: the number of pages it got. */
static int
grow_b(void)
{
	struct xen_memory_reservation res;
	struct xensim *h = xt_dom0();
	xen_pfn_t mfn = 0;
	int rc;

	memset(&res, 0, sizeof(res));
	set_xen_guest_handle(res.extent_start, &mfn);
	res.nr_extents = 1;
	res.domid = db;
	rc = xensim_memory_op(h, XENMEM_increase_reservation, &res);
	if (rc == 1)
		ATF_REQUIRE_EQ(xensim_memory_op(h,
		    XENMEM_decrease_reservation, &res), 1);
	xensim_close(h);
	return rc;
}

XT_TC(fault_sizes, "XW_FAULT as sent before xs_drop is still understood; "
    "mem_keep leaves the memory faults alone; other sizes are EINVAL")
ATF_TC_BODY(fault_sizes, tc)
{
	struct sockaddr_un sun;
	struct xw_fault_v1 v1;
	struct xensim_fault fa;
	struct timeval tv = { 60, 0 };
	unsigned char big[sizeof(fa) + 8];
	int fd, n;

	(void)setup();
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/privcmd",
	    xt_dir);
	ATF_REQUIRE(n > 0 && (size_t)n < sizeof(sun.sun_path));
	ATF_REQUIRE((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) != -1);
	ATF_REQUIRE(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	ATF_REQUIRE(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == 0);

	/* The old layout, padding not zeroed: the pool empties. */
	memset(&v1, 0xa5, sizeof(v1));
	v1.domid = db;
	v1.alloc_budget = -1;
	v1.pool_empty = 1;
	v1.limit_order = 0;
	v1.max_order = 0;
	ATF_REQUIRE_EQ(call(fd, XW_FAULT, &v1, sizeof(v1), NULL), 0);
	ATF_REQUIRE_EQ(grow_b(), 0);
	v1.alloc_budget = -2;
	ATF_REQUIRE_EQ(call(fd, XW_FAULT, &v1, sizeof(v1), NULL), -EINVAL);
	ATF_REQUIRE_EQ(call(fd, XW_FAULT, &v1, sizeof(v1) - 1, NULL),
	    -EINVAL);
	memset(big, 0, sizeof(big));
	memcpy(big, &v1, sizeof(v1));
	ATF_REQUIRE_EQ(call(fd, XW_FAULT, big, sizeof(big), NULL), -EINVAL);

	/* xs_drop with mem_keep: the memory fields are ignored. */
	memset(&fa, 0, sizeof(fa));
	fa.domid = db;
	fa.alloc_budget = -7;
	fa.xs_drop = 1;
	fa.mem_keep = 1;
	ATF_REQUIRE_EQ(call(fd, XW_FAULT, &fa, sizeof(fa), NULL), 0);
	ATF_REQUIRE_EQ(grow_b(), 0);

	/* The new layout without mem_keep sets them all. */
	fa.alloc_budget = -1;
	fa.xs_drop = 0;
	fa.mem_keep = 0;
	ATF_REQUIRE_EQ(call(fd, XW_FAULT, &fa, sizeof(fa), NULL), 0);
	ATF_REQUIRE_EQ(grow_b(), 1);
	close(fd);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, framing);
	ATF_TP_ADD_TC(tp, dom0_ops);
	ATF_TP_ADD_TC(tp, memop_windows);
	ATF_TP_ADD_TC(tp, mmu_update);
	ATF_TP_ADD_TC(tp, boot_p2m);
	ATF_TP_ADD_TC(tp, pipeline);
	ATF_TP_ADD_TC(tp, hangup);
	ATF_TP_ADD_TC(tp, fault_sizes);

	return atf_no_error();
}
