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
 * The Xen domain this process runs as: xensimd's hypercall socket (the
 * path in $XENSIM_HYPERCALL), the start info, and the guest's RAM, the
 * memfd the domain builder made, mapped shared.  A domain does not
 * outlive its host: EOF on the liveness descriptor xensimd passes
 * ($XENSIM_HOSTFD) halts the guest at once.
 */

#include <sys/types.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include <rumpuser.h>
#include <xensim.h>

#include "rumpuser_int.h"

#ifndef XEN_PAGE_SIZE
#define XEN_PAGE_SIZE	4096
#endif
#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT	12
#endif

static xensim_part_fn xen_populated;

static struct xensim *xen_handle;
static int xen_ram_fd = -1;		/* the RAM file, mapped at xen_ram */
static char *xen_ram;
static uint64_t xen_ram_pages;		/* frames the mapping covers */
static bool xen_pv;			/* frames from Xen are machine's */
/* One request at a time on the hypercall socket. */
static pthread_mutex_t xen_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
xen_host_watch(void *arg)
{
	struct pollfd pfd;
	char c;

	pthread_setname_np(pthread_self(), "hostwatch");
	pfd.fd = (int)(intptr_t)arg;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, -1) == -1)
			continue;
		/* Nobody writes: readable means the host is gone. */
		if (read(pfd.fd, &c, 1) != -1 || errno != EINTR)
			break;
	}
	fprintf(stderr, "rumpuser: host gone, halting\n");
	_exit(1);
}

/* Follow the host's liveness descriptor, if it gave us one. */
static int
xen_host_follow(void)
{
	pthread_t t;
	const char *s;
	char *ep;
	long fd;
	int error;

	if ((s = getenv("XENSIM_HOSTFD")) == NULL)
		return 0;
	fd = strtol(s, &ep, 10);
	if (*s == '\0' || *ep != '\0' || fd < 0 || fd > INT32_MAX ||
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1) {
		fprintf(stderr, "rumpuser: XENSIM_HOSTFD %s: not a "
		    "descriptor\n", s);
		return EBADF;
	}
	if ((error = pthread_create(&t, NULL, xen_host_watch,
	    (void *)(intptr_t)fd)) != 0)
		return error;
	pthread_detach(t);
	return 0;
}

/*
 * The RAM entries of the memory map, as uvm's segments: whole frames
 * within the RAM file, nr_pages of them in all.
 */
static int
xen_ram_segs(const struct xensim_start_info *si,
    struct rumpuser_xen_boot *boot)
{
	const struct hvm_memmap_table_entry *e;
	struct rumpuser_xen_ram *r;
	uint64_t total = 0;
	unsigned int i;

	boot->nram = 0;
	for (i = 0; i < si->nr_memmap; i++) {
		e = &si->memmap[i];
		if (e->type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		if (boot->nram == sizeof(boot->ram_segs) /
		    sizeof(boot->ram_segs[0]) ||
		    e->addr % XEN_PAGE_SIZE != 0 ||
		    e->size % XEN_PAGE_SIZE != 0 || e->size == 0 ||
		    e->addr / XEN_PAGE_SIZE > si->memfd_pages ||
		    e->size / XEN_PAGE_SIZE >
		    si->memfd_pages - e->addr / XEN_PAGE_SIZE)
			return EINVAL;
		r = &boot->ram_segs[boot->nram++];
		r->start = e->addr / XEN_PAGE_SIZE;
		r->npages = e->size / XEN_PAGE_SIZE;
		total += r->npages;
	}
	return total == si->nr_pages ? 0 : EINVAL;
}

int
rumpuser_xen_boot(struct rumpuser_xen_boot *boot)
{
	struct xensim_start_info si;
	const char *path;
	void *ram;
	int error;

	if ((error = xen_host_follow()) != 0)
		return error;

	if ((path = getenv("XENSIM_HYPERCALL")) == NULL) {
		fprintf(stderr, "rumpuser: XENSIM_HYPERCALL not set\n");
		return ENOENT;
	}
	if ((xen_handle = xensim_open_domain(path)) == NULL)
		return errno != 0 ? errno : EIO;
	memset(&si, 0, sizeof(si));
	if (xensim_start_info(xen_handle, &si) == -1)
		return errno != 0 ? errno : EIO;
	if (si.nr_pages == 0 || si.nr_pages > si.memfd_pages ||
	    si.memfd_pages > SIZE_MAX / XEN_PAGE_SIZE ||
	    (si.kind == XENSIM_PV && si.p2m == NULL) ||
	    xen_ram_segs(&si, boot) != 0) {
		fprintf(stderr, "rumpuser: bad start info: %ju of %ju "
		    "frames\n", (uintmax_t)si.nr_pages,
		    (uintmax_t)si.memfd_pages);
		return EINVAL;
	}
	ram = mmap(NULL, si.memfd_pages * XEN_PAGE_SIZE,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0);
	if (ram == MAP_FAILED)
		return errno;
	xen_ram_fd = si.memfd;
	xen_ram = ram;
	xen_ram_pages = si.memfd_pages;
	xen_pv = si.kind == XENSIM_PV;
	xen_map_init(ram, si.memfd_pages);
	xensim_set_part_hook(xen_handle, xen_populated, NULL);
	/* The hypervisor sees the guest touch what it does not own. */
	if (xensim_ram_watch(xen_handle, ram, si.memfd_pages) == -1)
		fprintf(stderr, "rumpuser: userfaultfd on guest RAM: %s; "
		    "accesses to frames not owned go unseen\n",
		    strerror(errno));

	boot->domid = si.domid;
	boot->pv = si.kind == XENSIM_PV;
	boot->nr_pages = si.nr_pages;
	boot->ram = ram;
	boot->ram_pages = si.memfd_pages;
	boot->p2m = boot->pv ? (unsigned long *)si.p2m : NULL;
	return 0;
}

/*
 * Pages to zero, gathered while they follow each other: the balloon
 * zeroes a 2 MiB run page by page before it hands the run to Xen.
 * Protected by xen_lock.
 */
#define XEN_ZERO_MAX	(512 * XEN_PAGE_SIZE)
static uint64_t xen_zero_pa, xen_zero_len;

/*
 * Frames are zeroed through the file, not the mapping, so that those
 * the guest never touched stay untouched here.  A page the file does
 * not hold (mincore(2): a hole, or reserved by the builder's fallocate
 * and never written) reads as zero already: writing it through the
 * mapping would cost a host page fault, the host's own clearing of the
 * page and our memset, all for zeros, the most of a first inflate.  It
 * is left as it is, unless the host has swap: mincore(2) does not tell
 * a page swapped out from a hole, so then every page the file does
 * not hold is written through the mapping, where the hypervisor sees
 * the access.
 */
static bool
xen_host_swaps(void)
{
	static int swaps = -1;
	unsigned long long kib = 1;
	char line[128];
	FILE *fp;

	if (swaps != -1)
		return swaps;
	if ((fp = fopen("/proc/meminfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line, "SwapTotal: %llu kB", &kib) == 1)
				break;
		fclose(fp);
	}
	swaps = kib != 0;
	return swaps;
}

static void
xen_zero_flush(void)
{
	static char zeros[XEN_ZERO_MAX];
	static unsigned char in[XEN_ZERO_MAX / XEN_PAGE_SIZE];
	size_t off = xen_zero_pa, len = xen_zero_len, n, i, j;
	bool held;

	if (len == 0)
		return;
	xen_zero_len = 0;
	n = len / XEN_PAGE_SIZE;
	if (mincore(xen_ram + off, len, in) != 0) {
		memset(xen_ram + off, 0, len);
		return;
	}
	/* Runs of pages alike, each in one call. */
	for (i = 0; i < n; i = j) {
		held = in[i] & 1;
		for (j = i + 1; j < n && (in[j] & 1) == held; j++)
			continue;
		if (held && pwrite(xen_ram_fd, zeros, (j - i) * XEN_PAGE_SIZE,
		    (off_t)(off + i * XEN_PAGE_SIZE)) ==
		    (ssize_t)((j - i) * XEN_PAGE_SIZE))
			continue;
		if (held || xen_host_swaps())
			memset(xen_ram + off + i * XEN_PAGE_SIZE, 0,
			    (j - i) * XEN_PAGE_SIZE);
	}
}

/*
 * pmap_zero_page(9) on the bench.  The page is zero by the time anyone
 * else can look at it: before the guest's next hypercall, and before
 * the next page that does not follow it is zeroed.
 */
void
rumpuser_xen_zero_page(uint64_t pa)
{

	pthread_mutex_lock(&xen_lock);
	if (xen_zero_len != 0 && pa != xen_zero_pa + xen_zero_len)
		xen_zero_flush();
	if (xen_zero_len == 0)
		xen_zero_pa = pa;
	xen_zero_len += XEN_PAGE_SIZE;
	if (xen_zero_len == XEN_ZERO_MAX)
		xen_zero_flush();
	pthread_mutex_unlock(&xen_lock);
}

/*
 * Auto-translated: the frames a part of populate_physmap placed are the
 * guest's, at the frame numbers it asked for.
 */
static void
xen_populated(void *arg, unsigned int cmd,
    const struct xen_memory_reservation *r, uint64_t from, uint64_t to)
{
	uint64_t i, n = (uint64_t)1 << r->extent_order;

	(void)arg;
	if (xen_pv || cmd != XENMEM_populate_physmap)
		return;
	for (i = from; i < to; i++)
		xen_map_post(r->extent_start.p[i], XM_NO_MFN, n);
	xen_map_lag();
}

long
rumpuser_xen_memory_op(unsigned int cmd, void *arg)
{
	long ret;

	pthread_mutex_lock(&xen_lock);
	xen_zero_flush();
	/* What goes back to Xen is mapped first (rumpuser_xenmap.c). */
	if (cmd != XENMEM_populate_physmap &&
	    cmd != XENMEM_increase_reservation)
		xen_map_wait();
	ret = xensim_memory_op(xen_handle, cmd, arg);
	pthread_mutex_unlock(&xen_lock);
	return ret;
}

/*
 * PV: the next run of mmu_update requests that place frames at
 * consecutive pfns and mfns, from req[*ip] on; *ip moves past it.
 * False when there is none.
 */
static bool
xen_next_run(const mmu_update_t *req, unsigned int count, unsigned int *ip,
    uint64_t *pfn, uint64_t *mfn, uint64_t *n)
{
	unsigned int i = *ip;

	while (i < count && (req[i].ptr & 3) != MMU_MACHPHYS_UPDATE)
		i++;
	if (i == count)
		return false;
	*pfn = req[i].val;
	*mfn = req[i].ptr >> XEN_PAGE_SHIFT;
	for (*n = 1, i++; i < count &&
	    (req[i].ptr & 3) == MMU_MACHPHYS_UPDATE &&
	    req[i].val == *pfn + *n &&
	    req[i].ptr >> XEN_PAGE_SHIFT == *mfn + *n; i++)
		(*n)++;
	*ip = i;
	return true;
}

int
rumpuser_xen_mmu_update(void *reqs, unsigned int count, unsigned int *done,
    unsigned int domid)
{
	uint64_t pfn, mfn, n;
	unsigned int i, d = 0;
	int ret;

	pthread_mutex_lock(&xen_lock);
	xen_zero_flush();
	/* A frame moving leaves a hole: mapped first if queued. */
	for (i = 0; xen_next_run(reqs, count, &i, &pfn, &mfn, &n);)
		if (xen_map_moves(mfn, n)) {
			xen_map_wait();
			break;
		}
	ret = xensim_mmu_update(xen_handle, reqs, count, &d, (domid_t)domid);
	/* PV: a machine frame given a guest frame is the guest's now. */
	for (i = 0; xen_next_run(reqs, d, &i, &pfn, &mfn, &n);)
		xen_map_post(pfn, mfn, n);
	xen_map_lag();
	if (done != NULL)
		*done = d;
	pthread_mutex_unlock(&xen_lock);
	return ret;
}

int
rumpuser_xen_version(int cmd, void *arg)
{
	int ret;

	pthread_mutex_lock(&xen_lock);
	ret = xensim_xen_version(xen_handle, cmd, arg);
	pthread_mutex_unlock(&xen_lock);
	return ret;
}
