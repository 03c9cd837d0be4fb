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
 * Populate-on-demand, as Xen's p2m-pod.c does for a PVH (HVM) domain
 * created with memory below maxmem: the memory map shows maxmem of RAM,
 * every frame of it a PoD entry, and the domain holds a cache of
 * "memory" frames, charged but not placed.  A touch of an entry places
 * a frame of the cache there (zeroed); a touch with the cache empty
 * crashes the domain.  Decreasing an entry only drops it; a populated
 * frame decreased while the entries outnumber the cache goes to the
 * cache; a cache larger than the entries left gives the rest back.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hvvar.h"
#include "log.h"

static bool
cache_push(struct hv_domain *d, uint64_t mfn)
{
	uint32_t *n;
	uint64_t cap;

	if (d->d_pod_count == d->d_pod_cap) {
		cap = d->d_pod_cap ? d->d_pod_cap * 2 : 1024;
		if ((n = reallocarray(d->d_pod_cache, cap, sizeof(*n))) == NULL)
			return false;
		d->d_pod_cache = n;
		d->d_pod_cap = cap;
	}
	d->d_pod_cache[d->d_pod_count++] = (uint32_t)mfn;
	return true;
}

/*
 * The builder: the memory map's RAM is entries, and a cache of
 * cache_pages frames, in 2 MiB extents where the host has them.
 */
int
hv_pod_build(struct hv_domain *d, uint64_t cache_pages)
{
	uint64_t gfn, mfn, j, n, sp = UINT64_C(1) << HV_DOMU_MAX_ORDER;
	unsigned int i;

	d->d_pod = true;
	for (j = 0; j < cache_pages; j += n) {
		n = cache_pages - j >= sp &&
		    hv_frame_alloc(d, HV_DOMU_MAX_ORDER, &mfn) == 0 ? sp : 1;
		if (n == 1 && hv_frame_alloc(d, 0, &mfn) != 0)
			return ENOMEM;
		for (; n > 0; n--, j++, mfn++)
			if (!cache_push(d, mfn))
				return ENOMEM;
		n = 0;
	}
	for (i = 0; i < d->d_nram; i++)
		for (gfn = d->d_ram[i].r_gfn;
		    gfn < d->d_ram[i].r_gfn + d->d_ram[i].r_n; gfn++)
			d->d_p2m[gfn] = HV_P2M_POD;
	d->d_pod_entries = d->d_nr_pages;
	return 0;
}

/* An entry is gone: decreased, or a frame placed over it. */
void
hv_pod_forget(struct hv_domain *d, uint64_t gfn)
{

	d->d_p2m[gfn] = 0;
	d->d_pod_entries--;
}

/*
 * A populated frame being decreased: while the entries outnumber the
 * cache, the cache keeps it and the domain stays charged.
 */
bool
hv_pod_steal(struct hv_domain *d, uint64_t mfn)
{

	if (!d->d_pod || d->d_pod_entries <= d->d_pod_count)
		return false;
	return cache_push(d, mfn);
}

/* More cache than entries: the rest goes back to the host. */
void
hv_pod_trim(struct hv_domain *d)
{

	while (d->d_pod_count > d->d_pod_entries)
		hv_frame_free(d, d->d_pod_cache[--d->d_pod_count]);
}

/*
 * A touch of an entry: frames from the cache.  As Xen, the whole
 * aligned 2 MiB around it when all of it is entries and the cache has
 * that much, else the one page.  Returns the pages placed from *basep on
 * (their RAM still to be filled with zeros); 0 when the cache is empty,
 * said as Xen says it: the caller crashes the domain.
 */
uint64_t
hv_pod_touch(struct hv_domain *d, uint64_t gfn, uint64_t *basep)
{
	uint64_t sp = UINT64_C(1) << HV_DOMU_MAX_ORDER, base, n, j;

	if (d->d_pod_count == 0) {
		hv_log("p2m_pod_demand_populate: Dom%u out of PoD memory! "
		    "(tot=%" PRIu64 " ents=%" PRIu64 " dom%u)", d->d_id,
		    d->d_tot_pages, d->d_pod_entries, d->d_id);
		hv_log("domain_crash called from p2m-pod.c");
		return 0;
	}
	base = gfn & ~(sp - 1);
	n = sp;
	for (j = 0; j < sp && d->d_pod_count >= sp; j++)
		if (base + j >= d->d_memfd_pages ||
		    d->d_p2m[base + j] != HV_P2M_POD)
			break;
	if (j < sp || d->d_pod_count < sp) {
		base = gfn;
		n = 1;
	}
	for (j = 0; j < n; j++)
		hv_frame_place(d, base + j,
		    d->d_pod_cache[--d->d_pod_count], 1);
	/* The cache's frames are zeroed: the watch fills the hole so. */
	if (fallocate(d->d_memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)(base * HV_PAGE_SIZE), (off_t)(n * HV_PAGE_SIZE)) == -1)
		hv_glog(d->d_id, "d%u: punching gfn %#" PRIx64 ": %s",
		    d->d_id, base, strerror(errno));
	*basep = base;
	return n;
}

/* Domain death: the cache's frames are the domain's, freed with it. */
void
hv_pod_release(struct hv_domain *d)
{

	free(d->d_pod_cache);
	d->d_pod_cache = NULL;
	d->d_pod_count = d->d_pod_cap = 0;
}
