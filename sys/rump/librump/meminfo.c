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
 * The guest's memory figures for dom0, under its own xenstore data/
 * directory (guest-writable under libxl), with the names and unit (KiB)
 * XenServer's guest agent uses: data/meminfo_total, data/meminfo_free.
 * A thread looks four times a second (debug.meminfo_period_ms) and
 * writes what changed, so dom0 sees a figure at most a quarter second
 * old and xenstored gets at most four writes a second per figure.
 * A move of the balloon changes them all at once: the thread also
 * watches data/balloon-target, which the balloon driver writes when it
 * settles, and publishes as soon as that fires rather than on the next
 * tick.
 *
 * A figure is a line of meminfo_fields: a function of the platform, or
 * a sysctl node that a driver creates (not published while the node
 * does not exist): the balloon's KiB, its count of deflations on out
 * of memory (an evcnt(9) counter, read from kern.evcnt as vmstat -e
 * does), its min, the lowest target it takes, so that dom0 never asks
 * for less, and the free memory it keeps (stats.keep), so that dom0
 * never asks a target that leaves less.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/evcnt.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xenbus.h>

#include "rump_private.h"

#define MEMINFO_PERIOD_MS	250
/* The balloon driver's "where it got to", written when it settles. */
#define MEMINFO_SETTLED_NODE	"data/balloon-target"

static bool	meminfo_total(uint64_t *);
static bool	meminfo_free(uint64_t *);
static bool	meminfo_oom_deflations(uint64_t *);
static void	meminfo_thread(void *);
static void	meminfo_settled(struct xenbus_watch *, const char **,
		    unsigned int);

static const struct meminfo_field {
	const char	*mf_node;		/* under data/ */
	bool		(*mf_get)(uint64_t *);	/* KiB, or NULL: */
	const char	*mf_sysctl;		/* a KiB sysctl node */
} meminfo_fields[] = {
	{ "meminfo_total",	meminfo_total,	NULL },
	{ "meminfo_free",	meminfo_free,	NULL },
	{ "meminfo_reported",	NULL,	"machdep.xen.balloon.stats.reported" },
	{ "meminfo_ballooned",	NULL,	"machdep.xen.balloon.stats.balloon" },
	{ "meminfo_oom_deflations", meminfo_oom_deflations, NULL },
	{ "meminfo_min",	NULL,	"machdep.xen.balloon.min" },
	{ "meminfo_keep",	NULL,	"machdep.xen.balloon.stats.keep" },
};

/* The thread's own: what xenstore holds now. */
static uint64_t meminfo_written[__arraycount(meminfo_fields)];
static bool meminfo_valid[__arraycount(meminfo_fields)];

static kmutex_t meminfo_lock;
static kcondvar_t meminfo_cv;		/* a move settled, or the clock */
static bool meminfo_kick;		/* protected by meminfo_lock */
static int64_t meminfo_period_ms = MEMINFO_PERIOD_MS;
static struct sysctllog *meminfo_log;

static struct xenbus_watch meminfo_watch = {
	.node = __UNCONST(MEMINFO_SETTLED_NODE),
	.xbw_callback = meminfo_settled,
};

void
rump_meminfo_init(void)
{
	const struct sysctlnode *rnode = NULL;
	int error;

	mutex_init(&meminfo_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&meminfo_cv, "meminfo");
	error = rump_sysctl_debug(&meminfo_log, &rnode);
	if (error == 0)
		error = sysctl_createv(&meminfo_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_QUAD,
		    "meminfo_period_ms",
		    SYSCTL_DESCR("Milliseconds between two looks at the "
		    "memory figures"),
		    NULL, 0, &meminfo_period_ms, 0, CTL_CREATE, CTL_EOL);
	if (error != 0)
		printf("xenbus0: cannot create debug.meminfo_period_ms: "
		    "error %d\n", error);
	/* Without the watch the clock alone keeps them current. */
	if ((error = register_xenbus_watch(&meminfo_watch)) != 0)
		printf("xenbus0: cannot watch %s: error %d\n",
		    MEMINFO_SETTLED_NODE, error);
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL,
	    meminfo_thread, NULL, NULL, "meminfo");
	if (error != 0)
		printf("xenbus0: cannot publish memory figures: error %d\n",
		    error);
}

static bool
meminfo_total(uint64_t *kib)
{

	*kib = (uint64_t)uvmexp.npages * (PAGE_SIZE / 1024);
	return true;
}

static bool
meminfo_free(uint64_t *kib)
{

	*kib = (uint64_t)uvm_availmem(false) * (PAGE_SIZE / 1024);
	return true;
}

/*
 * The balloon's evcnt "oom_deflations"; false while there is none.  The
 * balloon's counters come first (attach order): a buffer on the stack
 * holds them, and allocates nothing while the guest is short.
 */
static bool
meminfo_oom_deflations(uint64_t *v)
{
	const struct evcnt_sysctl *evs;
	uint64_t buf[128];
	size_t len, off;
	int error;

	len = sizeof(buf);
	error = sysctl_byname("kern.evcnt.0.0", buf, &len, NULL, 0);
	if (error != 0 && error != ENOMEM)
		return false;
	len = MIN(len, sizeof(buf));
	for (off = 0; off + sizeof(*evs) <= len; off += evs->ev_len * 8) {
		evs = (const struct evcnt_sysctl *)((char *)buf + off);
		if (evs->ev_len == 0)
			break;
		if (strcmp(evs->ev_strings, "balloon0") == 0 &&
		    strcmp(evs->ev_strings + evs->ev_grouplen + 1,
		    "oom_deflations") == 0) {
			*v = evs->ev_count;
			return true;
		}
	}
	return false;
}

/* An int or quad sysctl node; false if there is none (yet). */
static bool
meminfo_sysctl(const char *name, uint64_t *kib)
{
	union {
		u_quad_t	q;
		int		i;
	} v;
	size_t len = sizeof(v);

	v.q = 0;
	if (sysctl_byname(name, &v, &len, NULL, 0) != 0)
		return false;
	if (len == sizeof(v.q))
		*kib = v.q;
	else if (len == sizeof(v.i) && v.i >= 0)
		*kib = (uint64_t)v.i;
	else
		return false;
	return true;
}

static void
meminfo_publish(void)
{
	const struct meminfo_field *mf;
	char buf[32];
	uint64_t kib;
	size_t i;
	bool ok;

	for (i = 0; i < __arraycount(meminfo_fields); i++) {
		mf = &meminfo_fields[i];
		ok = mf->mf_get != NULL ? (*mf->mf_get)(&kib) :
		    meminfo_sysctl(mf->mf_sysctl, &kib);
		if (!ok || (meminfo_valid[i] && meminfo_written[i] == kib))
			continue;
		snprintf(buf, sizeof(buf), "%" PRIu64, kib);
		/* A failed write is tried again next time round. */
		meminfo_valid[i] = xenbus_write(NULL, "data", mf->mf_node,
		    buf) == 0;
		meminfo_written[i] = kib;
	}
}

/* The balloon settled: publish now, not on the next tick. */
static void
meminfo_settled(struct xenbus_watch *w, const char **vec, unsigned int len)
{

	mutex_enter(&meminfo_lock);
	meminfo_kick = true;
	cv_signal(&meminfo_cv);
	mutex_exit(&meminfo_lock);
}

static void
meminfo_thread(void *arg)
{
	int64_t ms;

	for (;;) {
		meminfo_publish();
		mutex_enter(&meminfo_lock);
		ms = meminfo_period_ms > 0 && meminfo_period_ms < 86400000 ?
		    meminfo_period_ms : MEMINFO_PERIOD_MS;
		if (!meminfo_kick)
			(void)cv_timedwait(&meminfo_cv, &meminfo_lock,
			    mstohz((int)ms));
		meminfo_kick = false;
		mutex_exit(&meminfo_lock);
	}
}
