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
 * A driver bug on demand, not part of any driver: writing 1 to
 * debug.touch_given makes the guest give one frame to Xen
 * (XENMEM_decrease_reservation), then read it, write it, make a
 * hypercall and read it again, as a driver that touched a page it had
 * ballooned out would, and print
 *	touch_given: frame F given away: read R, wrote W, read V after a hypercall
 * On a real Xen a PVH guest reads all ones there and its write is lost
 * (XEN-GROUND-TRUTH.md); xensimd answers so too, for PV as well, and
 * counts each access (xensimctl list -l, Foreign).  The frame is taken
 * back afterwards.  A bench that lets this pass unseen would let such a
 * driver pass its tests.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/xenpmap.h>

#include "rump_private.h"

#define TOUCH_DATA	0x5a5a5a5a5a5a5a5aULL

static kmutex_t touch_lock;		/* one touch at a time */
static int touch_runs;			/* protected by touch_lock */
static struct sysctllog *touch_log;

static int	sysctl_debug_touch_given(SYSCTLFN_PROTO);
static long	touch_memop(unsigned int, xen_pfn_t *);
static void	touch_given(void);

void
rump_touch_given_init(void)
{
	const struct sysctlnode *rnode = NULL;
	int error;

	mutex_init(&touch_lock, MUTEX_DEFAULT, IPL_NONE);
	error = rump_sysctl_debug(&touch_log, &rnode);
	if (error == 0)
		error = sysctl_createv(&touch_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_INT,
		    "touch_given",
		    SYSCTL_DESCR("Write 1: touch a frame given to Xen, as a "
		    "driver bug would; reads the touches done"),
		    sysctl_debug_touch_given, 0, NULL, 0,
		    CTL_CREATE, CTL_EOL);
	if (error != 0)
		printf("touch_given: cannot create its node: error %d\n",
		    error);
}

/* One extent of order 0 on ourselves. */
static long
touch_memop(unsigned int cmd, xen_pfn_t *frame)
{
	struct xen_memory_reservation res;

	memset(&res, 0, sizeof(res));
	set_xen_guest_handle(res.extent_start, frame);
	res.nr_extents = 1;
	res.domid = DOMID_SELF;
	return HYPERVISOR_memory_op(cmd, &res);
}

static void
touch_given(void)
{
	volatile uint64_t *w;
	struct vm_page *pg;
	domid_t self = DOMID_SELF;
	xen_pfn_t frame;
	uint64_t r, v;
	paddr_t pa;
	bool pv;

	if ((pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO)) == NULL) {
		printf("touch_given: no free page\n");
		return;
	}
	pa = VM_PAGE_TO_PHYS(pg);
	w = rump_page_data(pg);
	pv = !xen_feature(XENFEAT_auto_translated_physmap);
	frame = pv ? atop(xpmap_ptom_masked(pa)) : atop(pa);
	if (touch_memop(XENMEM_decrease_reservation, &frame) != 1) {
		printf("touch_given: frame 0x%" PRIx64 " not taken\n",
		    (uint64_t)frame);
		uvm_pagefree(pg);
		return;
	}
	if (pv)
		xpmap_ptom_unmap(pa);

	/* The bug. */
	r = *w;
	*w = TOUCH_DATA;
	(void)HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
	v = *w;
	printf("touch_given: frame 0x%" PRIx64 " given away: read 0x%" PRIx64
	    ", wrote 0x%" PRIx64 ", read 0x%" PRIx64 " after a hypercall\n",
	    (uint64_t)frame, r, (uint64_t)TOUCH_DATA, v);

	/* Back, as a deflate takes it: a new frame on PV. */
	frame = pv ? 0 : atop(pa);
	if (touch_memop(pv ? XENMEM_increase_reservation :
	    XENMEM_populate_physmap, &frame) != 1) {
		printf("touch_given: frame not taken back; the page stays "
		    "out of uvm\n");
		return;
	}
	if (pv) {
		xpmap_ptom_map(pa, ptoa(frame));
		kpreempt_disable();
		xpq_queue_machphys_update(ptoa(frame), pa);
		xpq_flush_queue();
		kpreempt_enable();
	}
	uvm_pagefree(pg);
}

static int
sysctl_debug_touch_given(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	int v, error;

	node = *rnode;
	mutex_enter(&touch_lock);
	v = touch_runs;
	node.sysctl_data = &v;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL) {
		mutex_exit(&touch_lock);
		return error;
	}
	if (v != 1) {
		mutex_exit(&touch_lock);
		return EINVAL;
	}
	touch_given();
	touch_runs++;
	mutex_exit(&touch_lock);
	return 0;
}
