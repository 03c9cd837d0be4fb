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
 * The hypervisor interface of a Xen guest kernel: hypercalls, feature
 * flags, and a PV guest's P2M table with its queue of M2P updates.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/cpu.h>
#include <sys/mutex.h>
#include <sys/systm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/xenpmap.h>

#include <rumpuser.h>

#include "rump_private.h"

unsigned long *xpmap_phys_to_machine_mapping;

/* XENFEAT_*, read once at boot, as NetBSD's xen_init_features(). */
bool xen_feature_tables[XENFEAT_NR_SUBMAPS * 32];

/*
 * Queued M2P updates, one queue per CPU, as NetBSD-current's
 * x86_xpmap.c (xpq_queue_array[], ci_xpq_idx): a caller queues and
 * flushes on one CPU, so it must not migrate in between.  NetBSD's
 * functions trust their callers (its balloon wraps them in splvm());
 * these assert it.  The lock is the bench's own: two host threads may
 * share a virtual CPU here, one lwp at a time runs on a NetBSD CPU.
 */
#define XPQUEUE_SIZE	2048
static mmu_update_t xpq_queue_array[MAXCPUS][XPQUEUE_SIZE];
static kmutex_t xpq_lock[MAXCPUS];	/* ci_xpq_idx, the CPU's queue */

void
rump_xen_init(bool pv, unsigned long *p2m)
{
	struct xen_feature_info fi;
	u_int i;

	xen_init_features();
	/* No XENVER_get_features: the start info's word is all we have. */
	memset(&fi, 0, sizeof(fi));
	if (HYPERVISOR_xen_version(XENVER_get_features, &fi) < 0 && !pv)
		xen_feature_tables[XENFEAT_auto_translated_physmap] = true;
	if (pv != !xen_feature(XENFEAT_auto_translated_physmap))
		panic("start info says %s, features say otherwise",
		    pv ? "PV" : "PVH");
	xpmap_phys_to_machine_mapping = p2m;
	for (i = 0; i < maxcpus; i++)
		mutex_init(&xpq_lock[i], MUTEX_DEFAULT, IPL_VM);
}

int
HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{

	return (int)rumpuser_xen_memory_op(cmd, arg);
}

int
HYPERVISOR_mmu_update(mmu_update_t *req, unsigned int count,
    unsigned int *success_count, domid_t domid)
{

	return rumpuser_xen_mmu_update(req, count, success_count, domid);
}

int
HYPERVISOR_xen_version(int cmd, void *arg)
{

	return rumpuser_xen_version(cmd, arg);
}

void
xen_init_features(void)
{
	struct xen_feature_info fi;
	u_int sm, f;

	for (sm = 0; sm < XENFEAT_NR_SUBMAPS; sm++) {
		memset(&fi, 0, sizeof(fi));
		fi.submap_idx = sm;
		if (HYPERVISOR_xen_version(XENVER_get_features, &fi) < 0)
			break;
		for (f = 0; f < 32; f++)
			xen_feature_tables[sm * 32 + f] =
			    (fi.submap & (1U << f)) != 0;
	}
}

/* Flush ci's queue, which must be the caller's CPU's. */
static void
xpq_flush_cpu(struct cpu_info *ci)
{
	mmu_update_t *xpq_queue = xpq_queue_array[cpu_index(ci)];
	unsigned int done = 0;
	int error;

	KASSERT(ci == curcpu());
	KASSERT(mutex_owned(&xpq_lock[cpu_index(ci)]));
	if (ci->ci_xpq_idx == 0)
		return;
	error = HYPERVISOR_mmu_update(xpq_queue, ci->ci_xpq_idx, &done,
	    DOMID_SELF);
	if (error < 0 || done != ci->ci_xpq_idx)
		panic("xpq_flush_queue: %u of %zu entries, error %d",
		    done, ci->ci_xpq_idx, error);
	ci->ci_xpq_idx = 0;
}

void
xpq_queue_machphys_update(paddr_t ma, paddr_t pa)
{
	struct cpu_info *ci;
	mmu_update_t *xpq_queue;

	KASSERT(kpreempt_disabled());
	ci = curcpu();
	xpq_queue = xpq_queue_array[cpu_index(ci)];
	mutex_enter(&xpq_lock[cpu_index(ci)]);
	xpq_queue[ci->ci_xpq_idx].ptr = (ma & ~(paddr_t)PAGE_MASK) |
	    MMU_MACHPHYS_UPDATE;
	xpq_queue[ci->ci_xpq_idx].val = pa >> PAGE_SHIFT;
	if (++ci->ci_xpq_idx == XPQUEUE_SIZE)
		xpq_flush_cpu(ci);
	mutex_exit(&xpq_lock[cpu_index(ci)]);
}

void
xpq_flush_queue(void)
{
	struct cpu_info *ci;

	KASSERT(kpreempt_disabled());
	ci = curcpu();
	mutex_enter(&xpq_lock[cpu_index(ci)]);
	xpq_flush_cpu(ci);
	mutex_exit(&xpq_lock[cpu_index(ci)]);
}
