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
 * A conformance sequence, not part of any driver: writing 1 to
 * debug.xenmem_conform makes the guest call XENMEM_* on itself in a
 * fixed order and print, for each call, its answer and the reservation
 * after it:
 *	xenmem_conform STEP RESULT CURRENT MAXIMUM
 * The same kernel runs on a real Xen (pvhxen) and on xensimd (rumpxen),
 * so the two consoles can be compared line by line
 * (tools/realxen/conform.sh).  The frames it gives away come from uvm
 * and go back to it; the pages it leaves charged on purpose (populating
 * a populated frame) stay charged: run it on a guest of its own.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/hypervisor.h>

#include "rump_private.h"

#define CONFORM_SMALL	4		/* single frames */
#define CONFORM_RUN	1024		/* an order-10 aligned run */
#define CONFORM_PART	10		/* frames left in a partial extent */
#define CONFORM_DATA	0x5a5a5a5a5a5a5a5aULL	/* written before giving */
/* Outside the memory map of every guest this runs in: 4 GiB. */
#define CONFORM_HIGH	0x100000UL

static kmutex_t conform_lock;		/* one sequence at a time */
static int conform_runs;
static struct sysctllog *conform_log;

static int	sysctl_debug_xenmem_conform(SYSCTLFN_PROTO);

void
rump_xenmem_conform_init(void)
{
	const struct sysctlnode *rnode = NULL;
	int error;

	mutex_init(&conform_lock, MUTEX_DEFAULT, IPL_NONE);
	error = rump_sysctl_debug(&conform_log, &rnode);
	if (error == 0)
		error = sysctl_createv(&conform_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_INT,
		    "xenmem_conform",
		    SYSCTL_DESCR("Write 1: run the XENMEM conformance "
		    "sequence on the console; reads the runs done"),
		    sysctl_debug_xenmem_conform, 0, NULL, 0,
		    CTL_CREATE, CTL_EOL);
	if (error != 0)
		printf("xenmem_conform: cannot create its node: error %d\n",
		    error);
}

static long
reservation(unsigned int cmd)
{
	domid_t domid = DOMID_SELF;

	return HYPERVISOR_memory_op(cmd, &domid);
}

static void
report(const char *step, const char *result)
{

	printf("xenmem_conform %s %s %ld %ld\n", step, result,
	    reservation(XENMEM_current_reservation),
	    reservation(XENMEM_maximum_reservation));
}

/* One call on n extents of frames[], its return value reported. */
static int
memop(const char *step, unsigned int cmd, xen_pfn_t *frames, size_t n,
    u_int order)
{
	struct xen_memory_reservation res;
	char buf[24];
	int ret;

	memset(&res, 0, sizeof(res));
	set_xen_guest_handle(res.extent_start, frames);
	res.nr_extents = n;
	res.extent_order = order;
	res.domid = DOMID_SELF;
	ret = HYPERVISOR_memory_op(cmd, &res);
	snprintf(buf, sizeof(buf), "%d", ret);
	report(step, buf);
	return ret;
}

/* What the guest reads in a page: its first word. */
static void
peek(const char *step, struct vm_page *pg)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64,
	    *(volatile uint64_t *)rump_page_data(pg));
	report(step, buf);
}

static void
sequence(xen_pfn_t *f, struct vm_page *small[], paddr_t run)
{
	xen_pfn_t r0 = atop(run), r1 = r0 + CONFORM_RUN / 2;
	long cur, max, room;
	size_t i, n;
	int ret;

	report("start", "0");
	/* Data in them, to see whether frames come back scrubbed. */
	for (i = 0; i < CONFORM_SMALL; i++) {
		f[i] = atop(VM_PAGE_TO_PHYS(small[i]));
		*(volatile uint64_t *)rump_page_data(small[i]) = CONFORM_DATA;
	}

	/* Order 0: give four frames away, again, read one, take back. */
	memop("dec0", XENMEM_decrease_reservation, f, CONFORM_SMALL, 0);
	memop("dec0_gone", XENMEM_decrease_reservation, f, CONFORM_SMALL, 0);
	peek("read_gone", small[0]);
	memop("pop0", XENMEM_populate_physmap, f, CONFORM_SMALL, 0);
	peek("read_pop", small[0]);

	/* A frame already given away in the middle of the list. */
	memop("dec0_one", XENMEM_decrease_reservation, &f[2], 1, 0);
	memop("dec0_badmid", XENMEM_decrease_reservation, f, CONFORM_SMALL,
	    0);
	memop("dec0_after", XENMEM_decrease_reservation, &f[3], 1, 0);
	memop("pop0_back", XENMEM_populate_physmap, f, CONFORM_SMALL, 0);

	/* A frame already populated: populated again. */
	memop("pop0_again", XENMEM_populate_physmap, f, 1, 0);

	/* Order 9, then order 10 with the room for it. */
	f[0] = r0;
	f[1] = r1;
	memop("dec9", XENMEM_decrease_reservation, f, 2, 9);
	memop("dec9_gone", XENMEM_decrease_reservation, f, 1, 9);
	memop("pop10", XENMEM_populate_physmap, f, 1, 10);
	memop("dec10", XENMEM_decrease_reservation, f, 1, 10);
	memop("pop9", XENMEM_populate_physmap, f, 2, 9);

	/* Order 9 over a partly populated extent. */
	for (i = 0; i < CONFORM_RUN / 2 - CONFORM_PART; i++)
		f[i] = r0 + CONFORM_PART + i;
	memop("dec0_most", XENMEM_decrease_reservation, f, i, 0);
	f[0] = r0;
	memop("dec9_part", XENMEM_decrease_reservation, f, 1, 9);
	memop("pop9_part", XENMEM_populate_physmap, f, 1, 9);

	/* Outside the memory map; then more than max_pages allows. */
	f[0] = CONFORM_HIGH;
	memop("pop0_high", XENMEM_populate_physmap, f, 1, 0);
	memop("dec0_high", XENMEM_decrease_reservation, f, 1, 0);
	memop("pop9_max", XENMEM_populate_physmap, f, 1, 9);
	cur = reservation(XENMEM_current_reservation);
	max = reservation(XENMEM_maximum_reservation);
	room = max > cur ? max - cur : 0;
	n = MIN((size_t)room + CONFORM_SMALL, CONFORM_RUN);
	for (i = 0; i < n; i++)
		f[i] = CONFORM_HIGH + i;
	ret = memop("pop0_max", XENMEM_populate_physmap, f, n, 0);
	memop("dec0_max", XENMEM_decrease_reservation, f,
	    ret > 0 ? (size_t)ret : 0, 0);
	report("end", "0");
}

static void
xenmem_conform(void)
{
	struct vm_page *pg[CONFORM_SMALL];
	struct pglist run;
	xen_pfn_t *f;
	size_t i;

	f = kmem_alloc(CONFORM_RUN * sizeof(*f), KM_SLEEP);
	for (i = 0; i < CONFORM_SMALL; i++) {
		if ((pg[i] = uvm_pagealloc(NULL, 0, NULL, 0)) == NULL)
			break;
	}
	if (i < CONFORM_SMALL || uvm_pglistalloc(ptoa(CONFORM_RUN), 0,
	    ~(paddr_t)0, ptoa(CONFORM_RUN), 0, &run, 1, 0) != 0) {
		printf("xenmem_conform: no free frames for the sequence\n");
		while (i-- > 0)
			uvm_pagefree(pg[i]);
		kmem_free(f, CONFORM_RUN * sizeof(*f));
		return;
	}
	sequence(f, pg, VM_PAGE_TO_PHYS(TAILQ_FIRST(&run)));
	/* Every frame of ours is populated again: uvm may have them. */
	for (i = 0; i < CONFORM_SMALL; i++)
		uvm_pagefree(pg[i]);
	uvm_pglistfree(&run);
	kmem_free(f, CONFORM_RUN * sizeof(*f));
}

static int
sysctl_debug_xenmem_conform(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	int v, error;

	node = *rnode;
	mutex_enter(&conform_lock);
	v = conform_runs;
	node.sysctl_data = &v;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL) {
		mutex_exit(&conform_lock);
		return error;
	}
	if (v != 1) {
		mutex_exit(&conform_lock);
		return EINVAL;
	}
	xenmem_conform();
	conform_runs++;
	mutex_exit(&conform_lock);
	return 0;
}
