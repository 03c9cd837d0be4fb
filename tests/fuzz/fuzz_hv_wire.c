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
 * xensimd's hypervisor: the packets a guest sends on its hypercall
 * socket, framed and answered by the real code (hv_conn_packet and
 * everything below it).  The first byte picks the caller, a PV or a
 * PVH domain; the rest is packets, each a 16-bit length and its bytes.
 *
 * Checked after every packet: the reply is framed right and no larger
 * than a packet; a guest is refused every dom0 operation; a
 * reservation call answers an extent index within the call (as Xen's
 * continuations count: from its start); and every
 * frame is accounted for: the host's free frames and the two domains'
 * tot_pages add up to the host, no domain past its max_pages.  Both
 * domains are built anew for every input.
 */

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "hv.h"
#include "hvvar.h"
#include "xenstored.h"

#define HOST_PAGES	1536		/* 6 MiB: cheap to scan, soon full */
#define P2M_PAGES	(HV_MAX_GFN * sizeof(uint32_t) / 4096)

static struct hv_domain	*doms[2];
static unsigned char	 pkt[XW_MAX_PACKET + sizeof(struct xw_hdr)]
			    __attribute__((__aligned__(16)));
static unsigned char	 reply[XW_MAX_PACKET + sizeof(struct xw_rhdr)]
			    __attribute__((__aligned__(16)));

static struct hv_domain *
mkdom(const char *name, enum xensim_kind kind)
{
	struct xensim_domcfg cfg;
	domid_t id;

	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, name);
	cfg.memory_kib = 1024;
	/* PVH at maxmem: rebuild() remakes RAM as the plain builder does. */
	cfg.maxmem_kib = kind == XENSIM_PVH ? 1024 : 2048;
	cfg.kind = kind;
	cfg.toolstack = XENSIM_LIBXL;
	FUZZ_CHECK(hv_domain_create(&cfg, &id) == 0, "creating %s", name);
	return hv_domain_lookup(id);
}

/* Zero the P2M where it was touched: cheaper than all 64 MiB of it. */
/* Housekeeping, not code under test: no coverage to trace. */
#define NOTRACE		__attribute__((__no_sanitize__("coverage")))

static NOTRACE void
p2m_clear(struct hv_domain *d)
{
	static unsigned char resident[P2M_PAGES];
	static const uint32_t zero[4096 / sizeof(uint32_t)];
	uint32_t *page;
	size_t i;

	FUZZ_CHECK(mincore(d->d_p2m, P2M_PAGES * 4096, resident) == 0,
	    "mincore");
	for (i = 0; i < P2M_PAGES; i++) {
		page = d->d_p2m + i * (4096 / sizeof(uint32_t));
		if ((resident[i] & 1) && memcmp(page, zero, 4096) != 0)
			memset(page, 0, 4096);
	}
}

/* Back to what the builder made (hv.c's build()), on the same domain. */
static NOTRACE void
rebuild(struct hv_domain *d)
{

	hv_frames_release(d);
	FUZZ_CHECK(d->d_tot_pages == 0, "d%u: %ju frames not released",
	    d->d_id, (uintmax_t)d->d_tot_pages);
	p2m_clear(d);
	FUZZ_CHECK(hv_boot_ram(d, 0, d->d_nr_pages) == 0, "boot RAM");
	if (d->d_kind == XENSIM_PVH)
		FUZZ_CHECK(hv_boot_builder_pages(d) == 0, "builder pages");
}

static void
check_frames(void)
{
	uint64_t held = 0;
	int i;

	for (i = 0; i < 2; i++) {
		FUZZ_CHECK(doms[i]->d_tot_pages <= doms[i]->d_max_pages,
		    "d%u: tot_pages %ju above max_pages %ju", doms[i]->d_id,
		    (uintmax_t)doms[i]->d_tot_pages,
		    (uintmax_t)doms[i]->d_max_pages);
		held += doms[i]->d_tot_pages;
	}
	FUZZ_CHECK(hv_free_pages() + held == hv_total_pages(),
	    "%ju free + %ju held != %ju frames", (uintmax_t)hv_free_pages(),
	    (uintmax_t)held, (uintmax_t)hv_total_pages());
}

static void
check_reply(const struct hv_domain *d, size_t n, size_t rlen, int sfd)
{
	struct xw_hdr h;
	struct xw_rhdr rh;
	struct xw_memop m;

	FUZZ_CHECK(rlen >= sizeof(rh) && rlen <= sizeof(reply),
	    "reply of %zu bytes", rlen);
	memcpy(&rh, reply, sizeof(rh));
	FUZZ_CHECK(rh.len == rlen - sizeof(rh), "reply header says %u of %zu",
	    rh.len, rlen - sizeof(rh));
	memset(&h, 0, sizeof(h));
	memcpy(&h, pkt, n < sizeof(h) ? n : sizeof(h));
	if (n < sizeof(h) || h.magic != XW_MAGIC || h.len != n - sizeof(h)) {
		FUZZ_CHECK(rh.rc == -EINVAL && rh.len == 0,
		    "a broken frame answered %lld", (long long)rh.rc);
		return;
	}
	if (h.op >= XW_DOMAIN_CREATE)
		FUZZ_CHECK(rh.rc == -EPERM && rh.len == 0,
		    "guest d%u got dom0's op %u: %lld", d->d_id, h.op,
		    (long long)rh.rc);
	FUZZ_CHECK(sfd == -1 || (h.op == XW_START_INFO && sfd == d->d_memfd),
	    "descriptor %d passed for op %u", sfd, h.op);
	if (h.op == XW_MEMORY_OP && h.len >= sizeof(m)) {
		memcpy(&m, pkt + sizeof(h), sizeof(m));
		if ((m.cmd == XENMEM_increase_reservation ||
		    m.cmd == XENMEM_decrease_reservation ||
		    m.cmd == XENMEM_populate_physmap) && rh.rc >= 0)
			/* Xen answers start itself for a start past the end. */
			FUZZ_CHECK((uint64_t)rh.rc >= m.start &&
			    ((uint64_t)rh.rc <= m.nr_extents ||
			    (uint64_t)rh.rc == m.start),
			    "memory_op %u from %ju: %lld of %ju extents",
			    m.cmd, (uintmax_t)m.start, (long long)rh.rc,
			    (uintmax_t)m.nr_extents);
	}
}

static char	hostdir[] = "/tmp/fuzz_hv_wire.XXXXXX";

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{

	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

/* The host's directory goes with the run. */
static void
cleanup(void)
{

	hv_fini();
	(void)nftw(hostdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	fuzz_init();
	FUZZ_CHECK(mkdtemp(hostdir) != NULL, "mkdtemp");
	FUZZ_CHECK(xsd_init() == 0 && hv_init(hostdir, HOST_PAGES) == 0,
	    "host in %s", hostdir);
	atexit(cleanup);
	doms[0] = mkdom("pv", XENSIM_PV);
	doms[1] = mkdom("pvh", XENSIM_PVH);
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct hv_domain *d;
	size_t off, n, rlen;
	uint16_t len;
	int sfd;

	if (size < 1)
		return -1;
	d = doms[data[0] & 1];
	rebuild(doms[0]);
	rebuild(doms[1]);
	check_frames();
	for (off = 1; size - off >= sizeof(len); off += n) {
		memcpy(&len, data + off, sizeof(len));
		off += sizeof(len);
		n = len < size - off ? len : size - off;
		memcpy(pkt, data + off, n);
		rlen = hv_conn_packet(d->d_id, false, pkt, n, reply, &sfd);
		check_reply(d, n, rlen, sfd);
		check_frames();
	}
	return 0;
}
