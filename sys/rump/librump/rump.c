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
 * Boot and run the bench's rump kernel as a Xen domU: map the domain's
 * RAM, hand it to uvm, attach the xenbus devices (the balloon), serve
 * sysctl, and power off when the toolstack says so.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/device.h>
#include <sys/errno.h>
#include <sys/evcnt.h>
#include <sys/inttypes.h>
#include <sys/kernel.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/pool.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/xenbus.h>

#include <rumpuser.h>

#include "locators.h"
#include "rump.h"
#include "rump_private.h"

int hz = 100;

/* getticks(9): the host's monotonic clock, in ticks of hz. */
int
getticks(void)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec) != 0)
		return 0;
	return (int)(sec * hz + nsec / (1000000000L / hz));
}

extern struct cfattach balloon_ca;

static kmutex_t shutdown_lock;
static kcondvar_t shutdown_cv;		/* with shutdown_lock */
static bool shutdown_requested;		/* protected by shutdown_lock */
static bool shutdown_watched;		/* protected by shutdown_lock */

static struct device hypervisor_dev = { .dv_xname = "hypervisor0" };
static struct device xenbus_dev = { .dv_xname = "xenbus0" };

static void	rump_shutdown_watcher(struct xenbus_watch *, const char **,
		    unsigned int);

static struct xenbus_watch rump_shutdown_watch = {
	.node = __UNCONST("control/shutdown"),
	.xbw_callback = rump_shutdown_watcher,
};

/* The sysctl server's upcalls. */
static int
rump_sysctl(const char *name, void *oldp, size_t *oldlenp,
    const void *newp, size_t newlen)
{

	return sysctl_byname(name, oldp, oldlenp, newp, newlen);
}

struct rump_children {
	struct rumpuser_sysctl_node	*rc_nodes;
	size_t				 rc_max;
	size_t				 rc_count;
};

static void
rump_sysctl_child(void *arg, const struct sysctlnode *node)
{
	struct rump_children *rc = arg;
	struct rumpuser_sysctl_node *n;

	if (rc->rc_count < rc->rc_max) {
		n = &rc->rc_nodes[rc->rc_count];
		memset(n, 0, sizeof(*n));
		snprintf(n->name, sizeof(n->name), "%s", node->sysctl_name);
		n->type = SYSCTL_TYPE(node->sysctl_flags);
		n->writable = (node->sysctl_flags & CTLFLAG_RWMASK) ==
		    CTLFLAG_READWRITE;
		snprintf(n->descr, sizeof(n->descr), "%s",
		    node->sysctl_desc != NULL ? node->sysctl_desc : "");
	}
	rc->rc_count++;
}

static int
rump_sysctl_children(const char *name, struct rumpuser_sysctl_node *nodes,
    size_t max, size_t *countp)
{
	struct rump_children rc = { nodes, max, 0 };
	int error;

	error = sysctl_children_byname(name, rump_sysctl_child, &rc);
	*countp = MIN(rc.rc_count, max);
	return error;
}

/*
 * The debug node, made once by whichever of the bench's debug modules
 * comes first and found again by the others (sysctl_createv returns an
 * existing node of the same name and type).
 */
int
rump_sysctl_debug(struct sysctllog **log, const struct sysctlnode **rnodep)
{

	return sysctl_createv(log, 0, NULL, rnodep,
	    CTLFLAG_PERMANENT, CTLTYPE_NODE, "debug",
	    SYSCTL_DESCR("Debugging"),
	    NULL, 0, NULL, 0, CTL_DEBUG, CTL_EOL);
}

static const struct rumpuser_hyperup rump_hyperup = {
	.hyp_xswatch = rump_xenbus_watch_fired,
	.hyp_sysctl = rump_sysctl,
	.hyp_sysctl_children = rump_sysctl_children,
	.hyp_lwpexit = rump_lwpexit,
};

/*
 * "suspend", as NetBSD's xen_suspend: every device suspends (one that
 * cannot vetoes), the domain is saved, then every device resumes.  The
 * bench keeps no image, so the domain resumes where it stood.
 */
static void
rump_suspend(void)
{

	printf("xenbus0: suspending\n");
	if (!pmf_system_suspend(PMF_Q_NONE)) {
		printf("xenbus0: suspend refused, resuming\n");
		return;
	}
	printf("xenbus0: suspended\n");
	pmf_system_resume(PMF_Q_NONE);
	printf("xenbus0: resumed\n");
}

/*
 * control/shutdown: "poweroff" (or "halt") stops the guest, "suspend"
 * suspends and resumes it; anything else is not ours to do and is left
 * for the toolstack to see.
 */
static void
rump_shutdown_watcher(struct xenbus_watch *watch, const char **vec,
    unsigned int len)
{
	char reason[32];

	mutex_enter(&shutdown_lock);
	shutdown_watched = true;
	cv_broadcast(&shutdown_cv);
	mutex_exit(&shutdown_lock);
	if (xenbus_read(NULL, "control", "shutdown", reason,
	    sizeof(reason)) != 0 || reason[0] == '\0')
		return;
	if (strcmp(reason, "suspend") == 0) {
		(void)xenbus_write(NULL, "control", "shutdown", "");
		rump_suspend();
		return;
	}
	if (strcmp(reason, "poweroff") != 0 && strcmp(reason, "halt") != 0) {
		printf("xenbus0: unsupported shutdown request \"%s\"\n",
		    reason);
		return;
	}
	/* Acknowledge, as NetBSD's xen_shutdown_xenbus does. */
	(void)xenbus_write(NULL, "control", "shutdown", "");
	mutex_enter(&shutdown_lock);
	shutdown_requested = true;
	cv_broadcast(&shutdown_cv);
	mutex_exit(&shutdown_lock);
}

int
rump_xen_main(void)
{
	struct rumpuser_xen_boot boot;
	struct xenbusdev_attach_args xa;
	static const int balloon_loc[] = { XENBUSCF_ID_DEFAULT };
	struct cfdata cf = { .cf_name = "balloon", .cf_unit = 0,
	    .cf_loc = balloon_loc };
	char dir[200], path[256];
	device_t balloon;
	int error;

	if ((error = rumpuser_init(RUMPUSER_VERSION, &rump_hyperup)) != 0)
		return 1;
	rump_cons_init();
	rump_cpu_init();
	rump_fault_init();
	pool_subsystem_init();
	kmem_init();
	sysctl_init();
	evcnt_init();
	mutex_init(&shutdown_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&shutdown_cv, "shutdown");

	memset(&boot, 0, sizeof(boot));
	if ((error = rumpuser_xen_boot(&boot)) != 0) {
		printf("rump: cannot start as a Xen domain: error %d\n", error);
		return 1;
	}
	if (boot.nram == 0) {
		/* RAM from frame 0 on, in one run. */
		boot.ram_segs[0].start = 0;
		boot.ram_segs[0].npages = boot.nr_pages;
		boot.nram = 1;
	}
	rump_uvm_init(boot.ram, boot.ram_segs, boot.nram, boot.kern_pages,
	    boot.ram_pages);
	uvm_km_init();
	rump_pools_init();
	rump_xen_init(boot.pv != 0, boot.p2m);
	rump_xenbus_init(boot.domid);
	rump_memhog_init();
	rump_meminfo_init();
	rump_xenmem_conform_init();
	rump_touch_given_init();
	rump_selftest_init();
	rump_plug_probe_init();

	printf("NetBSD-style rump kernel, Xen domain %u\n", boot.domid);
	printf("cpus: %d virtual\n", ncpu);
	printf("total memory = %" PRIu64 " KiB\n",
	    boot.nr_pages * (PAGE_SIZE / 1024));
	printf("hypervisor0 at mainbus0: Xen %s guest\n",
	    boot.pv ? "PV" : "PVH");
	printf("xenbus0 at hypervisor0: Xen Virtual Bus Interface\n");
	xenbus_dev.dv_parent = &hypervisor_dev;

	memset(&xa, 0, sizeof(xa));
	xa.xa_type = "balloon";
	balloon = config_attach(&xenbus_dev, &cf, &xa, &balloon_ca);

	/*
	 * Watches fire in the order they were set, one at a time: once
	 * this one's first event is through, the balloon has read its
	 * first memory/target.
	 */
	if ((error = register_xenbus_watch(&rump_shutdown_watch)) != 0)
		printf("xenbus0: cannot watch control/shutdown: error %d\n",
		    error);
	mutex_enter(&shutdown_lock);
	while (error == 0 && !shutdown_watched)
		cv_wait(&shutdown_cv, &shutdown_lock);
	mutex_exit(&shutdown_lock);

	if (rumpuser_getparam("XENSIM_DOMDIR", dir, sizeof(dir)) == 0) {
		snprintf(path, sizeof(path), "%s/sysctl", dir);
		if ((error = rumpuser_sp_init(path)) != 0)
			printf("rump: no sysctl server at %s: error %d\n",
			    path, error);
	}
	/*
	 * Up: announce the PV control interface, as a guest's drivers do
	 * when they are ready; xensimctl create waits for it.
	 */
	(void)xenbus_write(NULL, "control", "feature-poweroff", "1");

	mutex_enter(&shutdown_lock);
	while (!shutdown_requested)
		cv_wait(&shutdown_cv, &shutdown_lock);
	mutex_exit(&shutdown_lock);

	printf("xenbus0: powering off\n");
	unregister_xenbus_watch(&rump_shutdown_watch);
	if (balloon != NULL && (error = config_detach(balloon, 0)) != 0)
		printf("rump: cannot detach %s: error %d\n",
		    device_xname(balloon), error);
	printf("halted\n");
	return 0;
}
