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
 * The hypervisor's table of domains, by id: a leaf the rest of the
 * hypervisor looks domains up in, and what dom0 reads of one.
 */

#include <sys/stat.h>

#include <errno.h>
#include <string.h>

#include "hvvar.h"

#define HV_MAX_DOMID	(DOMID_FIRST_RESERVED - 1)

static struct hv_domain	*domains[DOMID_FIRST_RESERVED];
static domid_t		 next_domid = 1;

/* A free domain id, in turn as Xen gives them; 0 if none. */
domid_t
hv_domid_alloc(void)
{
	domid_t id, i;

	for (i = 0; i < HV_MAX_DOMID; i++) {
		id = next_domid;
		next_domid = next_domid >= HV_MAX_DOMID ? 1 : next_domid + 1;
		if (domains[id] == NULL)
			return id;
	}
	return 0;
}

void
hv_domain_enter(struct hv_domain *d)
{

	domains[d->d_id] = d;
}

void
hv_domain_leave(struct hv_domain *d)
{

	domains[d->d_id] = NULL;
}

struct hv_domain *
hv_domain_lookup(domid_t id)
{

	if (id == 0 || id > HV_MAX_DOMID)
		return NULL;
	return domains[id];
}

struct hv_domain *
hv_domain_byname(const char *name)
{
	domid_t id;

	for (id = 1; id <= HV_MAX_DOMID; id++)
		if (domains[id] != NULL && strcmp(domains[id]->d_name, name) == 0)
			return domains[id];
	return NULL;
}

struct hv_domain *
hv_domain_next(domid_t after)
{
	domid_t id;

	for (id = after + 1; id <= HV_MAX_DOMID; id++)
		if (domains[id] != NULL)
			return domains[id];
	return NULL;
}

void
hv_domain_info(const struct hv_domain *d, struct xensim_dominfo *di)
{
	struct stat st;

	memset(di, 0, sizeof(*di));
	di->domid = d->d_id;
	memcpy(di->name, d->d_name, sizeof(di->name));
	di->kind = d->d_kind;
	di->tot_pages = d->d_tot_pages;
	di->max_pages = d->d_max_pages;
	di->running = d->d_pid != 0;
	di->pid = (int)d->d_pid;
	if (fstat(d->d_memfd, &st) == 0)
		di->ram_allocated_pages =
		    (uint64_t)st.st_blocks * 512 / HV_PAGE_SIZE;
	di->memory_kib = d->d_memory_kib;
	di->maxmem_kib = d->d_maxmem_kib;
	di->dirty_given = d->d_dirty_given;
	di->ram_watched = d->d_uffd != -1;
	di->foreign_accesses = d->d_foreign;
	di->pod_entries = d->d_pod_entries;
	di->pod_cache = d->d_pod_count;
	di->crashed = d->d_crashed;
	di->moved_ns = d->d_moved_ns;
	di->mmu_calls = d->d_mmu_calls;
}

/*
 * XENMEM_memory_map: the map the toolstack set, at most max entries.
 * libxl gives a PV domain one RAM entry of maxmem (its slack_memkb is
 * 0 by default), so that the guest sees how far it may grow; a domain
 * without a map (dom0 here; PVH, whose map is not modelled yet) gets
 * ENOSYS, as from Xen.
 */
int64_t
hv_memory_map(const struct hv_domain *d, struct xw_e820 *map, uint64_t max,
    uint64_t *np)
{

	*np = 0;
	if (d == NULL || d->d_kind != XENSIM_PV)
		return -ENOSYS;
	if (max == 0)
		return 0;
	memset(map, 0, sizeof(*map));
	map->addr = 0;
	map->size = d->d_maxmem_kib * 1024;
	map->type = XW_E820_RAM;
	*np = 1;
	return 0;
}
