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
 * The hypervisor's memory: the host's machine frames, each domain's
 * physmap, and the XENMEM_* and mmu_update hypercalls, answered as
 * xen/common/memory.c does (Xen 4.17).  Every reservation call of every
 * caller goes through hv_memory_op(): the place for fault injection.
 */

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv.h"
#include "hvvar.h"
#include "log.h"

bool	hv_scrub = false;
bool	hv_check_given = true;

/* What a frame Xen did not scrub holds here: recognisable garbage. */
#define DIRTY_TEXT	"xensimd: frame not scrubbed "
#define RAM_CHUNK	(UINT64_C(2) << 20)	/* bytes per pread/pwrite */
static char	*dirty_chunk, *check_chunk;

/* The frame table: who owns each machine frame, and at which gfn. */
static uint16_t	*ft_owner;	/* domid + 1; 0: free */
static uint64_t	*ft_gfn;	/* HV_NO_GFN: owned but not placed */
static uint64_t	 ft_pages, ft_free, ft_cursor;

int
hv_mem_init(uint64_t host_pages)
{
	uint64_t i;

	ft_owner = calloc(host_pages, sizeof(*ft_owner));
	ft_gfn = calloc(host_pages, sizeof(*ft_gfn));
	if (ft_owner == NULL || ft_gfn == NULL)
		return ENOMEM;
	for (i = 0; i < host_pages; i++)
		ft_gfn[i] = HV_NO_GFN;
	ft_pages = ft_free = host_pages;
	ft_cursor = 0;
	dirty_chunk = malloc(RAM_CHUNK);
	check_chunk = malloc(RAM_CHUNK);
	if (dirty_chunk == NULL || check_chunk == NULL)
		return ENOMEM;
	for (i = 0; i < RAM_CHUNK; i++)
		dirty_chunk[i] = DIRTY_TEXT[i % (sizeof(DIRTY_TEXT) - 1)];
	return 0;
}

void
hv_mem_fini(void)
{

	free(ft_owner);
	free(ft_gfn);
	free(dirty_chunk);
	free(check_chunk);
	ft_owner = NULL;
	ft_gfn = NULL;
	dirty_chunk = check_chunk = NULL;
}

uint64_t
hv_free_pages(void)
{

	return ft_free;
}

uint64_t
hv_total_pages(void)
{

	return ft_pages;
}

static void	frames_take(struct hv_domain *, uint64_t, uint64_t);
static void	frame_map(struct hv_domain *, uint64_t, uint64_t, uint64_t);

static bool
block_free(uint64_t mfn, uint64_t n)
{
	uint64_t j;

	for (j = 0; j < n; j++)
		if (ft_owner[mfn + j] != 0)
			return false;
	return true;
}

/* Find a free, naturally aligned block of 2^order frames. */
static bool
find_block(unsigned int order, uint64_t *mfnp)
{
	uint64_t n = UINT64_C(1) << order, start, mfn, tries;

	if (n > ft_pages)
		return false;
	start = ft_cursor & ~(n - 1);
	for (mfn = start, tries = 0; tries <= ft_pages / n;
	    tries++, mfn += n) {
		if (mfn + n > ft_pages)
			mfn = 0;
		if (block_free(mfn, n)) {
			*mfnp = mfn;
			ft_cursor = mfn + n;
			if (ft_cursor >= ft_pages)
				ft_cursor = 0;
			return true;
		}
	}
	return false;
}

/*
 * alloc_domheap_pages() then assign_pages(): the heap first, then the
 * domain's limits, with Xen's messages.
 */
int
hv_frame_alloc(struct hv_domain *d, unsigned int order, uint64_t *mfnp)
{
	uint64_t n = UINT64_C(1) << order, mfn;

	if (d->d_pool_empty || d->d_alloc_budget == 0 ||
	    (d->d_alloc_budget > 0 && (uint64_t)d->d_alloc_budget < n) ||
	    ft_free < n || !find_block(order, &mfn)) {
		hv_glog(d->d_id, "Could not allocate order=%u extent: id=%u "
		    "(%" PRIu64 " free)", order, d->d_id, ft_free);
		return ENOMEM;
	}
	if (d->d_tot_pages > d->d_max_pages) {
		hv_glog(d->d_id, "Inconsistent allocation for d%u: %" PRIu64
		    " > %" PRIu64, d->d_id, d->d_tot_pages, d->d_max_pages);
		return EPERM;
	}
	if (n > d->d_max_pages - d->d_tot_pages) {
		hv_glog(d->d_id, "Over-allocation for d%u: %" PRIu64 " > %"
		    PRIu64, d->d_id, d->d_tot_pages + n, d->d_max_pages);
		return E2BIG;
	}
	frames_take(d, mfn, n);
	if (d->d_alloc_budget > 0)
		d->d_alloc_budget -= n;
	*mfnp = mfn;
	return 0;
}

/* n free frames from mfn now belong to d, not yet placed. */
static void
frames_take(struct hv_domain *d, uint64_t mfn, uint64_t n)
{
	uint64_t j;

	for (j = 0; j < n; j++) {
		ft_owner[mfn + j] = d->d_id + 1;
		ft_gfn[mfn + j] = HV_NO_GFN;
	}
	ft_free -= n;
	d->d_tot_pages += n;
}

void
hv_frame_free(struct hv_domain *d, uint64_t mfn)
{

	ft_owner[mfn] = 0;
	ft_gfn[mfn] = HV_NO_GFN;
	ft_free++;
	d->d_tot_pages--;
}

static void
ram_punch(struct hv_domain *d, uint64_t gfn, uint64_t n)
{

	if (gfn >= d->d_memfd_pages || n == 0)
		return;
	if (n > d->d_memfd_pages - gfn)
		n = d->d_memfd_pages - gfn;
	if (fallocate(d->d_memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)(gfn * HV_PAGE_SIZE), (off_t)(n * HV_PAGE_SIZE)) == -1)
		hv_glog(d->d_id, "d%u: punching gfn %#" PRIx64 "+%" PRIu64
		    ": %s", d->d_id, gfn, n, strerror(errno));
}

static void
ram_back(struct hv_domain *d, uint64_t gfn, uint64_t n)
{

	if (gfn >= d->d_memfd_pages || n == 0)
		return;
	if (n > d->d_memfd_pages - gfn)
		n = d->d_memfd_pages - gfn;
	if (fallocate(d->d_memfd, 0, (off_t)(gfn * HV_PAGE_SIZE),
	    (off_t)(n * HV_PAGE_SIZE)) == -1)
		hv_glog(d->d_id, "d%u: backing gfn %#" PRIx64 "+%" PRIu64
		    ": %s", d->d_id, gfn, n, strerror(errno));
}

/* Fill frames just placed with garbage, as an unscrubbed heap would. */
static void
ram_dirty(struct hv_domain *d, uint64_t gfn, uint64_t n)
{
	uint64_t off, end, len;

	if (hv_scrub || gfn >= d->d_memfd_pages || n == 0)
		return;
	if (n > d->d_memfd_pages - gfn)
		n = d->d_memfd_pages - gfn;
	end = (gfn + n) * HV_PAGE_SIZE;
	for (off = gfn * HV_PAGE_SIZE; off < end; off += len) {
		len = end - off < RAM_CHUNK ? end - off : RAM_CHUNK;
		if (pwrite(d->d_memfd, dirty_chunk, len, (off_t)off) !=
		    (ssize_t)len) {
			hv_glog(d->d_id, "d%u: dirtying gfn %#" PRIx64 ": %s",
			    d->d_id, off / HV_PAGE_SIZE, strerror(errno));
			return;
		}
	}
}

static bool
page_is_zero(const char *p)
{
	const uint64_t *w = (const uint64_t *)(const void *)p;
	size_t i;

	for (i = 0; i < HV_PAGE_SIZE / sizeof(*w); i++)
		if (w[i] != 0)
			return false;
	return true;
}

/*
 * A suspicious hypervisor's look at frames a guest gives back, before
 * they are punched: each one should read as zero, or the guest leaked
 * its data.  Counted per domain, logged once per call.
 */
static void
ram_check_given(struct hv_domain *d, uint64_t gfn, uint64_t n)
{
	uint64_t off, end, len, j, bad = 0, first = 0;
	ssize_t got;

	if (!hv_check_given || gfn >= d->d_memfd_pages || n == 0)
		return;
	if (n > d->d_memfd_pages - gfn)
		n = d->d_memfd_pages - gfn;
	end = (gfn + n) * HV_PAGE_SIZE;
	for (off = gfn * HV_PAGE_SIZE; off < end; off += len) {
		len = end - off < RAM_CHUNK ? end - off : RAM_CHUNK;
		if ((got = pread(d->d_memfd, check_chunk, len, (off_t)off)) !=
		    (ssize_t)len)
			return;
		for (j = 0; j < len; j += HV_PAGE_SIZE)
			if (!page_is_zero(check_chunk + j) && bad++ == 0)
				first = (off + j) / HV_PAGE_SIZE;
	}
	if (bad == 0)
		return;
	d->d_dirty_given += bad;
	hv_glog(d->d_id, "d%u: %" PRIu64 " frame(s) given back holding data, "
	    "first at gfn %#" PRIx64, d->d_id, bad, first);
}

/*
 * Map n owned frames from mfn at gfn.  A frame already there is left
 * owned but unplaced (Xen orphans it: the domain stays charged), and
 * the RAM there reads as the new frame.
 */
void
hv_frame_place(struct hv_domain *d, uint64_t gfn, uint64_t mfn,
    unsigned int n)
{

	frame_map(d, gfn, mfn, n);
	ram_back(d, gfn, n);
	ram_dirty(d, gfn, n);
}

/* The P2M half of hv_frame_place(): the caller backs the RAM. */
static void
frame_map(struct hv_domain *d, uint64_t gfn, uint64_t mfn, uint64_t n)
{
	uint64_t j, old;
	bool replaced = false;

	for (j = 0; j < n; j++) {
		if ((old = d->d_p2m[gfn + j]) == HV_P2M_POD)
			hv_pod_forget(d, gfn + j);
		else if (old != 0) {
			old--;
			if (ft_gfn[old] == gfn + j)
				ft_gfn[old] = HV_NO_GFN;
			replaced = true;
		}
		if (ft_gfn[mfn + j] != HV_NO_GFN &&
		    d->d_p2m[ft_gfn[mfn + j]] == mfn + j + 1) {
			/* A PV frame moving to another pfn leaves the old. */
			d->d_p2m[ft_gfn[mfn + j]] = 0;
			ram_punch(d, ft_gfn[mfn + j], 1);
		}
		d->d_p2m[gfn + j] = (uint32_t)(mfn + j + 1);
		ft_gfn[mfn + j] = gfn + j;
	}
	if (replaced)
		ram_punch(d, gfn, n);
}

/*
 * The builder: n fresh frames at gfn.., backed with one fallocate.  As
 * libxenguest's meminit, aligned 2 MiB stretches get a 2 MiB machine
 * extent when the host has a free one, single frames otherwise.
 */
int
hv_boot_ram(struct hv_domain *d, uint64_t gfn, uint64_t n)
{
	uint64_t j, k, mfn, sp = UINT64_C(1) << HV_DOMU_MAX_ORDER;

	for (j = 0; j < n; j += k) {
		k = 1;
		if ((gfn + j) % sp == 0 && n - j >= sp &&
		    d->d_alloc_budget == -1 && !d->d_pool_empty &&
		    ft_free >= sp && d->d_tot_pages <= d->d_max_pages &&
		    d->d_max_pages - d->d_tot_pages >= sp &&
		    find_block(HV_DOMU_MAX_ORDER, &mfn)) {
			k = sp;
			frames_take(d, mfn, sp);
		} else if (hv_frame_alloc(d, 0, &mfn) != 0)
			return ENOMEM;
		for (; k > 0 && mfn < ft_pages; k--, j++, mfn++) {
			d->d_p2m[gfn + j] = (uint32_t)(mfn + 1);
			ft_gfn[mfn] = gfn + j;
		}
		k = 0;
	}
	ram_back(d, gfn, n);
	return 0;
}

/*
 * A PVH domain's frames beyond its RAM, as libxl populates them: the
 * special pages and the ACPI tables (HV_BUILDER_PAGES).
 */
int
hv_boot_builder_pages(struct hv_domain *d)
{

	if (hv_boot_ram(d, HV_SPECIAL_GFN, HV_SPECIAL_PAGES) != 0 ||
	    hv_boot_ram(d, HV_ACPI_GFN, HV_ACPI_PAGES) != 0)
		return ENOMEM;
	return 0;
}

/* Domain death: every frame back to the host. */
void
hv_frames_release(struct hv_domain *d)
{
	uint64_t mfn;

	for (mfn = 0; mfn < ft_pages; mfn++)
		if (ft_owner[mfn] == d->d_id + 1)
			hv_frame_free(d, mfn);
}

/* guest_remove_page() on an auto-translated domain: by gfn. */
static bool
remove_gfn(struct hv_domain *d, uint64_t gfn)
{
	uint64_t mfn;

	if (gfn >= HV_MAX_GFN || d->d_p2m[gfn] == 0)
		return false;
	if (d->d_p2m[gfn] == HV_P2M_POD) {
		hv_pod_forget(d, gfn);
		return true;
	}
	mfn = d->d_p2m[gfn] - 1;
	d->d_p2m[gfn] = 0;
	if (!hv_pod_steal(d, mfn))
		hv_frame_free(d, mfn);
	return true;
}

/*
 * RAM to punch or to back, gathered into one run of guest frames: a
 * guest gives frames back and takes them one extent at a time (a PV
 * guest by machine frame), but the frames mostly follow each other up
 * or down, and one fallocate per run costs what one per extent costs.
 */
struct gfn_run {
	uint64_t	gr_gfn;
	uint64_t	gr_n;
	/* What to do with a whole run: punch it, or back it. */
	void		(*gr_do)(struct hv_domain *, uint64_t, uint64_t);
};

/* Does gfn..gfn+n-1 extend the run at either end?  Then it does. */
static bool
run_grow(struct gfn_run *gr, uint64_t gfn, uint64_t n)
{

	if (gr->gr_n != 0 && gfn == gr->gr_gfn + gr->gr_n) {
		gr->gr_n += n;
		return true;
	}
	if (gr->gr_n != 0 && gfn + n == gr->gr_gfn) {
		gr->gr_gfn = gfn;
		gr->gr_n += n;
		return true;
	}
	return false;
}

static void
run_punch(struct hv_domain *d, uint64_t gfn, uint64_t n)
{

	ram_check_given(d, gfn, n);
	ram_punch(d, gfn, n);
}

static void
run_back(struct hv_domain *d, uint64_t gfn, uint64_t n)
{

	ram_back(d, gfn, n);
	ram_dirty(d, gfn, n);
}

static void
run_flush(struct hv_domain *d, struct gfn_run *gr)
{

	(*gr->gr_do)(d, gr->gr_gfn, gr->gr_n);
	gr->gr_n = 0;
}

static void
run_add(struct hv_domain *d, struct gfn_run *gr, uint64_t gfn, uint64_t n)
{

	if (n == 0 || run_grow(gr, gfn, n))
		return;
	run_flush(d, gr);
	gr->gr_gfn = gfn;
	gr->gr_n = n;
}

/* guest_remove_page() on a PV domain: by machine frame. */
static bool
remove_mfn(struct hv_domain *d, uint64_t mfn, struct gfn_run *pr)
{
	uint64_t gfn;

	if (mfn >= ft_pages || ft_owner[mfn] != d->d_id + 1) {
		hv_glog(d->d_id, "Error mfn %" PRIx64 ": rd=d%u od=%s", mfn,
		    d->d_id, mfn < ft_pages && ft_owner[mfn] != 0 ? "other" :
		    "NULL");
		return false;
	}
	if ((gfn = ft_gfn[mfn]) != HV_NO_GFN && d->d_p2m[gfn] == mfn + 1) {
		d->d_p2m[gfn] = 0;
		run_add(d, pr, gfn, 1);
	}
	hv_frame_free(d, mfn);
	return true;
}

static uint64_t
increase_reservation(struct hv_domain *d, struct xw_memop *m,
    xen_pfn_t *list, uint64_t end)
{
	uint64_t i, mfn;

	for (i = m->start; i < end; i++) {
		if (hv_frame_alloc(d, m->extent_order, &mfn) != 0)
			break;
		/* Only a PV guest learns the machine address. */
		if (d->d_kind == XENSIM_PV && list != NULL)
			list[i - m->start] = mfn;
	}
	return i;
}

static uint64_t
decrease_reservation(struct hv_domain *d, struct xw_memop *m,
    xen_pfn_t *list, uint64_t end)
{
	struct gfn_run pr = { 0, 0, run_punch };
	uint64_t i, j, n = UINT64_C(1) << m->extent_order, base;
	bool ok = true;

	if (list == NULL)
		return m->start;
	for (i = m->start; i < end && ok; i++) {
		base = list[i - m->start];
		for (j = 0; j < n && ok; j++) {
			if (d->d_kind == XENSIM_PV)
				ok = remove_mfn(d, base + j, &pr);
			else if (!(ok = remove_gfn(d, base + j)))
				j--;
		}
		if (d->d_kind != XENSIM_PV)
			run_add(d, &pr, base, j);
	}
	run_flush(d, &pr);
	/* Frames before the hole stay removed (3d). */
	return ok ? i : i - 1;
}

static uint64_t
populate_physmap(struct hv_domain *d, struct xw_memop *m,
    xen_pfn_t *list, uint64_t end)
{
	struct gfn_run br = { 0, 0, run_back };
	uint64_t i, gfn, mfn, n = UINT64_C(1) << m->extent_order;

	if (list == NULL)
		return m->start;
	for (i = m->start; i < end; i++) {
		gfn = list[i - m->start];
		if (gfn >= HV_MAX_GFN || n > HV_MAX_GFN - gfn)
			break;
		if (hv_frame_alloc(d, m->extent_order, &mfn) != 0)
			break;
		frame_map(d, gfn, mfn, n);
		run_add(d, &br, gfn, n);
		if (d->d_kind == XENSIM_PV)
			list[i - m->start] = mfn;
	}
	run_flush(d, &br);
	return i;
}

/*
 * XENMEM_{increase,decrease}_reservation, XENMEM_populate_physmap for
 * the extents [m->start, m->start + m->count) of a call of m->nr_extents
 * (all of them when there is no list).  Returns the index of the first
 * extent not done, as Xen's continuation does: never negative.  A
 * caller that can continue (XW_MF_PREEMPT) is stopped after about
 * HV_PREEMPT_PAGES, with *preempted set, as Xen's
 * hypercall_preempt_check() stops a long call.
 */
int64_t
hv_memory_op(domid_t caller, bool priv, struct xw_memop *m, xen_pfn_t *list,
    bool *preempted)
{
	struct hv_domain *d;
	struct timespec ts;
	domid_t target;
	uint64_t end, cap, tot;
	int64_t rc;

	if (m->nr_extents > (UINT_MAX >> HV_MEMOP_EXTENT_SHIFT))
		return m->start;
	if (m->start >= m->nr_extents)
		return m->start;
	if (m->extent_order > (priv ? HV_CTLDOM_MAX_ORDER : HV_DOMU_MAX_ORDER))
		return m->start;
	target = m->domid == DOMID_SELF ? caller : (domid_t)m->domid;
	if (m->domid > DOMID_SELF || (!priv && target != caller))
		return m->start;
	if ((d = hv_domain_lookup(target)) == NULL)
		return m->start;
	hv_ram_settle(d);
	/* Fault: as a lower memop-max-order, larger extents do nothing. */
	if (d->d_limit_order && m->extent_order > d->d_max_order)
		return m->start;
	if (m->has_list) {
		end = m->start + m->count;
		if (end > m->nr_extents)
			end = m->nr_extents;
	} else {
		list = NULL;
		end = m->nr_extents;
	}
	/* Fault: the call stops after so many extents, whatever it does. */
	if (d->d_limit_extents && end > d->d_max_extents)
		end = d->d_max_extents > m->start ? d->d_max_extents :
		    m->start;
	cap = end;
	if ((m->flags & XW_MF_PREEMPT) && m->has_list) {
		cap = HV_PREEMPT_PAGES >> m->extent_order;
		cap = m->start + (cap > 0 ? cap : 1);
		if (cap > end)
			cap = end;
	}
	tot = d->d_tot_pages;
	switch (m->cmd) {
	case XENMEM_increase_reservation:
		rc = (int64_t)increase_reservation(d, m, list, cap);
		break;
	case XENMEM_decrease_reservation:
		rc = (int64_t)decrease_reservation(d, m, list, cap);
		hv_pod_trim(d);
		break;
	case XENMEM_populate_physmap:
		rc = (int64_t)populate_physmap(d, m, list, cap);
		break;
	default:
		return -ENOSYS;
	}
	/* When it moved, for dom0's clock (make bench's latency). */
	if (d->d_tot_pages != tot &&
	    clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		d->d_moved_ns = (uint64_t)ts.tv_sec * 1000000000 +
		    (uint64_t)ts.tv_nsec;
	/* All it was let do, and more to come: the caller goes on. */
	*preempted = (uint64_t)rc == cap && cap < end;
	return rc;
}

/* XENMEM_current_reservation, XENMEM_maximum_reservation. */
int64_t
hv_reservation_query(domid_t caller, bool priv, unsigned int cmd,
    domid_t target)
{
	struct hv_domain *d;

	if (target == DOMID_SELF)
		target = caller;
	if ((d = hv_domain_lookup(target)) == NULL)
		return -ESRCH;
	if (!priv && target != caller)
		return -EPERM;
	return (int64_t)(cmd == XENMEM_current_reservation ?
	    d->d_tot_pages : d->d_max_pages);
}

/*
 * HYPERVISOR_mmu_update: only MMU_MACHPHYS_UPDATE, which a PV guest
 * uses to place a frame it owns at one of its pfns.
 */
int64_t
hv_mmu_update(domid_t caller, const struct mmu_update *reqs,
    unsigned int count, unsigned int *done)
{
	struct hv_domain *d;
	uint64_t mfn, pfn, mfn0 = 0, pfn0 = 0;
	unsigned int i, n;
	int64_t error = 0;

	*done = 0;
	if ((d = hv_domain_lookup(caller)) == NULL)
		return -ESRCH;
	if (d->d_kind != XENSIM_PV)
		return -ENOSYS;
	d->d_mmu_calls++;
	hv_ram_settle(d);
	/* Frames placed at consecutive pfns are backed in one go. */
	for (i = 0; i < count; i += n) {
		for (n = 0; i + n < count; n++) {
			if ((reqs[i + n].ptr & 3) != MMU_MACHPHYS_UPDATE) {
				error = -ENOSYS;
				break;
			}
			mfn = reqs[i + n].ptr >> HV_PAGE_SHIFT;
			pfn = reqs[i + n].val;
			if (mfn >= ft_pages || ft_owner[mfn] != d->d_id + 1) {
				hv_glog(d->d_id, "d%u: could not get page for "
				    "mach->phys update of mfn %" PRIx64,
				    d->d_id, mfn);
				error = -EINVAL;
				break;
			}
			if (pfn >= HV_MAX_GFN) {
				error = -EINVAL;
				break;
			}
			if (n > 0 && (mfn != mfn0 + n || pfn != pfn0 + n))
				break;
			if (n == 0) {
				mfn0 = mfn;
				pfn0 = pfn;
			}
		}
		if (n > 0)
			hv_frame_place(d, pfn0, mfn0, n);
		*done = i + n;
		if (error != 0)
			return error;
	}
	return 0;
}
