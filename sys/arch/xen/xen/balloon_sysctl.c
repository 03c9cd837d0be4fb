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
 * The Xen balloon driver's sysctl tree, machdep.xen.balloon: current,
 * target, min and max in KiB as NetBSD's driver has them, the driver's
 * own settings, and its figures under stats, made from one table; and
 * its event counters, evcnt(9).
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/device.h>
#include <sys/errno.h>
#include <sys/evcnt.h>
#include <sys/inttypes.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/balloon.h>
#include <xen/balloonvar.h>

/* A node: where it goes, its type, and who answers it. */
struct balloon_node {
	const char	*bn_name;
	const char	*bn_descr;
	int		bn_type;	/* CTLTYPE_QUAD or CTLTYPE_INT */
	int		bn_flags;	/* CTLFLAG_READONLY or _READWRITE */
	sysctlfn	bn_func;
	bool		bn_stat;	/* under stats: the softc at bn_off */
	size_t		bn_off;
	bool		bn_kb;		/* a stat in pages, shown in KiB */
};

/* An event counter: its name, and the softc's evcnt at be_off. */
struct balloon_ev {
	const char	*be_name;
	size_t		be_off;
};

static int	balloon_sysctl_node(struct balloon_xenbus_softc *,
		    const struct sysctlnode **, const struct balloon_node *);
static int	balloon_sysctl_reservation(SYSCTLFN_PROTO, unsigned int);
static int	balloon_sysctl_current(SYSCTLFN_PROTO);
static int	balloon_sysctl_target(SYSCTLFN_PROTO);
static int	balloon_sysctl_min(SYSCTLFN_PROTO);
static int	balloon_sysctl_max(SYSCTLFN_PROTO);
static int	balloon_sysctl_retry(SYSCTLFN_PROTO);
static int	balloon_sysctl_oom(SYSCTLFN_PROTO);
static int	balloon_sysctl_stat(SYSCTLFN_PROTO);
static int	balloon_sysctl_keep(SYSCTLFN_PROTO);
static struct evcnt *balloon_ev(struct balloon_xenbus_softc *,
		    const struct balloon_ev *);

#define BN(name, descr, type, flags, func)				\
	{ name, descr, type, CTLFLAG_##flags, func, false, 0, false }
#define BN_STAT(name, descr, type, member, kb)				\
	{ name, descr, type, CTLFLAG_READONLY, balloon_sysctl_stat, true, \
	    offsetof(struct balloon_xenbus_softc, member), kb }

static const struct balloon_node balloon_nodes[] = {
	BN(BALLOON_NODE_CURRENT, "Current memory reservation, in KiB",
	    CTLTYPE_QUAD, READONLY, balloon_sysctl_current),
	BN(BALLOON_NODE_TARGET, "Target guest memory, in KiB",
	    CTLTYPE_QUAD, READWRITE, balloon_sysctl_target),
	BN(BALLOON_NODE_MIN, "Lowest target allowed, in KiB",
	    CTLTYPE_QUAD, READWRITE, balloon_sysctl_min),
	BN(BALLOON_NODE_MAX, "Maximum memory reservation, in KiB",
	    CTLTYPE_QUAD, READONLY, balloon_sysctl_max),
	BN(BALLOON_NODE_RETRY, "Seconds between retries of a stalled balloon",
	    CTLTYPE_INT, READWRITE, balloon_sysctl_retry),
	BN(BALLOON_NODE_DEFLATE_ON_OOM, "Give ballooned memory back when the "
	    "guest runs out (0 or 1)",
	    CTLTYPE_INT, READWRITE, balloon_sysctl_oom),
	BN(BALLOON_NODE_REPORTING, "Give free 2 MiB runs to Xen until needed "
	    "(0/1)",
	    CTLTYPE_INT, READWRITE, balloon_sysctl_reporting),
	BN_STAT(BALLOON_STAT_BALLOON, "Memory held by Xen now, in KiB",
	    CTLTYPE_QUAD, sc_npages, true),
	BN_STAT(BALLOON_STAT_REPORTED, "Free memory reported to Xen now, "
	    "in KiB", CTLTYPE_QUAD, sc_nreported, true),
	BN_STAT(BALLOON_STAT_INFLATED, "Memory given to Xen in total, in KiB",
	    CTLTYPE_QUAD, sc_inflated, true),
	BN_STAT(BALLOON_STAT_DEFLATED, "Memory taken back in total, in KiB",
	    CTLTYPE_QUAD, sc_deflated, true),
	BN_STAT(BALLOON_STAT_INFLATED_TOTAL, "Ballooned memory taken off the "
	    "guest's total RAM (deflate_on_oom off), in KiB",
	    CTLTYPE_QUAD, sc_inflated_total, true),
	BN_STAT(BALLOON_STAT_INFLATED_FREE, "Ballooned memory counted as used "
	    "(deflate_on_oom on), in KiB",
	    CTLTYPE_QUAD, sc_inflated_free, true),
	{ BALLOON_STAT_KEEP, "Free memory inflation leaves the guest "
	    "(deflate_on_oom on), in KiB", CTLTYPE_QUAD, CTLFLAG_READONLY,
	    balloon_sysctl_keep, true, 0, true },
	BN_STAT(BALLOON_STAT_STATE, "Thread state: 0 idle, 1 inflating, "
	    "2 deflating, 3 backoff, 4 stalled", CTLTYPE_INT, sc_state, false),
	BN_STAT(BALLOON_STAT_ERROR, "errno of the last stall, or 0",
	    CTLTYPE_INT, sc_error, false),
	BN_STAT(BALLOON_STAT_DELAY, "Current retry delay, in ms, or 0",
	    CTLTYPE_INT, sc_delay_ms, false),
};

/* The event counters, in the device's group. */
static const struct balloon_ev balloon_evs[] = {
#define BE(name, member)						\
	{ name, offsetof(struct balloon_xenbus_softc, member) }
	BE(BALLOON_EV_HYPERCALLS, sc_ev_hypercalls),
	BE(BALLOON_EV_PARTIAL, sc_ev_partial),
	BE(BALLOON_EV_RETRIES, sc_ev_retries),
	BE(BALLOON_EV_OOM_DEFLATIONS, sc_ev_oom_deflations),
	BE(BALLOON_EV_OOM_PAGES, sc_ev_oom_pages),
	BE(BALLOON_EV_OOM_MAXPAGES, sc_ev_oom_maxpages),
#undef BE
};

static struct evcnt *
balloon_ev(struct balloon_xenbus_softc *sc, const struct balloon_ev *be)
{

	return (struct evcnt *)((char *)sc + be->be_off);
}

void
balloon_evcnt_attach(struct balloon_xenbus_softc *sc)
{
	size_t i;

	for (i = 0; i < __arraycount(balloon_evs); i++)
		evcnt_attach_dynamic(balloon_ev(sc, &balloon_evs[i]),
		    EVCNT_TYPE_MISC, NULL, device_xname(sc->sc_dev),
		    balloon_evs[i].be_name);
}

void
balloon_evcnt_detach(struct balloon_xenbus_softc *sc)
{
	size_t i;

	for (i = 0; i < __arraycount(balloon_evs); i++)
		evcnt_detach(balloon_ev(sc, &balloon_evs[i]));
}

/* machdep.xen.balloon and its children; 0 or the first error. */
int
balloon_sysctl_setup(struct balloon_xenbus_softc *sc)
{
	const struct sysctlnode *node, *bnode, *snode = NULL;
	const struct balloon_node *bn;
	size_t i;
	int error;

	error = sysctl_createv(&sc->sc_log, 0, NULL, &node,
	    CTLFLAG_PERMANENT, CTLTYPE_NODE, "machdep", NULL,
	    NULL, 0, NULL, 0, CTL_MACHDEP, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &node, &node,
		    CTLFLAG_PERMANENT, CTLTYPE_NODE, "xen",
		    SYSCTL_DESCR("Xen top level node"),
		    NULL, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&sc->sc_log, 0, &node, &bnode,
		    CTLFLAG_PERMANENT, CTLTYPE_NODE, "balloon",
		    SYSCTL_DESCR("Balloon details"),
		    NULL, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	for (i = 0; error == 0 && i < __arraycount(balloon_nodes); i++) {
		bn = &balloon_nodes[i];
		if (bn->bn_stat && snode == NULL)
			error = sysctl_createv(&sc->sc_log, 0, &bnode, &snode,
			    CTLFLAG_PERMANENT, CTLTYPE_NODE,
			    BALLOON_NODE_STATS,
			    SYSCTL_DESCR("Balloon thread statistics"),
			    NULL, 0, NULL, 0, CTL_CREATE, CTL_EOL);
		if (error == 0)
			error = balloon_sysctl_node(sc,
			    bn->bn_stat ? &snode : &bnode, bn);
	}
	return error;
}

/* One node of the table; sysctl_createv() wants its type constant. */
static int
balloon_sysctl_node(struct balloon_xenbus_softc *sc,
    const struct sysctlnode **parent, const struct balloon_node *bn)
{

	if (bn->bn_type == CTLTYPE_QUAD)
		return sysctl_createv(&sc->sc_log, 0, parent, NULL,
		    CTLFLAG_PERMANENT | bn->bn_flags, CTLTYPE_QUAD,
		    bn->bn_name, SYSCTL_DESCR(bn->bn_descr),
		    bn->bn_func, 0, __UNCONST(bn), 0, CTL_CREATE, CTL_EOL);
	return sysctl_createv(&sc->sc_log, 0, parent, NULL,
	    CTLFLAG_PERMANENT | bn->bn_flags, CTLTYPE_INT,
	    bn->bn_name, SYSCTL_DESCR(bn->bn_descr),
	    bn->bn_func, 0, __UNCONST(bn), 0, CTL_CREATE, CTL_EOL);
}

/* A KiB figure of the hypervisor's, read-only. */
static int
balloon_sysctl_reservation(SYSCTLFN_ARGS, unsigned int cmd)
{
	struct sysctlnode node = *rnode;
	u_quad_t kb;

	kb = BALLOON_PAGES_TO_KB(xenmem_get_reservation(cmd));
	node.sysctl_data = &kb;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}

static int
balloon_sysctl_current(SYSCTLFN_ARGS)
{

	return balloon_sysctl_reservation(SYSCTLFN_CALL(rnode),
	    XENMEM_current_reservation);
}

static int
balloon_sysctl_max(SYSCTLFN_ARGS)
{

	return balloon_sysctl_reservation(SYSCTLFN_CALL(rnode),
	    XENMEM_maximum_reservation);
}

/*
 * Root's own target.  The guest cannot write memory/target (dom0 owns
 * it), so this sets the driver's target directly; the next write from
 * dom0 wins.
 */
static int
balloon_sysctl_target(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	u_quad_t kb;
	int error;

	mutex_enter(&sc->sc_lock);
	kb = BALLOON_PAGES_TO_KB(sc->sc_target);
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &kb;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;
	return balloon_try_target(sc, kb, "target", "refused");
}

/*
 * The lowest target accepted: never under the floor the kernel needs
 * (uvm's free minimum plus a ballast), never above the target itself.
 */
static int
balloon_sysctl_min(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	u_quad_t kb, floor_kb;
	int error = 0;

	mutex_enter(&sc->sc_lock);
	kb = sc->sc_min_kb;
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &kb;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;

	floor_kb = BALLOON_PAGES_TO_KB(BALLOON_FLOOR);
	mutex_enter(&sc->sc_lock);
	if (kb < floor_kb) {
		device_printf(sc->sc_dev, "min %" PRIu64 " KiB below the "
		    "floor of %" PRIu64 " KiB, refused\n", kb, floor_kb);
		error = EPERM;
	} else if (kb > BALLOON_PAGES_TO_KB(sc->sc_target)) {
		device_printf(sc->sc_dev, "min %" PRIu64 " KiB above the "
		    "target %" PRIu64 " KiB, refused\n", kb,
		    BALLOON_PAGES_TO_KB(sc->sc_target));
		error = EPERM;
	} else
		sc->sc_min_kb = kb;
	mutex_exit(&sc->sc_lock);
	return error;
}

/*
 * How long a stalled balloon waits between tries.  A new value wakes
 * the thread, which waits the new interval from then on.
 */
static int
balloon_sysctl_retry(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	int s, error;

	mutex_enter(&sc->sc_lock);
	s = sc->sc_retry_s;
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &s;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;

	if (s < BALLOON_RETRY_MIN_S || s > BALLOON_RETRY_MAX_S) {
		device_printf(sc->sc_dev, "retry %d s not within %d to %d s, "
		    "refused\n", s, BALLOON_RETRY_MIN_S, BALLOON_RETRY_MAX_S);
		return EPERM;
	}
	mutex_enter(&sc->sc_lock);
	sc->sc_retry_s = s;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	return 0;
}

/*
 * deflate_on_oom, 0 or 1.  The accounting follows at once; the thread
 * tells dom0.
 */
static int
balloon_sysctl_oom(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	int v, error;

	mutex_enter(&sc->sc_lock);
	v = sc->sc_oom;
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &v;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;
	if (v != 0 && v != 1)
		return EINVAL;

	mutex_enter(&sc->sc_lock);
	sc->sc_oom = v;
	balloon_account(sc);
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	return 0;
}

/* A statistic of the softc, read under its lock. */
static int
balloon_sysctl_stat(SYSCTLFN_ARGS)
{
	const struct balloon_node *bn = rnode->sysctl_data;
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	const char *p = (const char *)sc + bn->bn_off;
	u_quad_t q;
	int i;

	mutex_enter(&sc->sc_lock);
	if (bn->bn_type == CTLTYPE_QUAD)
		q = *(const uint64_t *)p;
	else
		i = *(const int *)p;
	mutex_exit(&sc->sc_lock);
	if (bn->bn_type == CTLTYPE_QUAD) {
		if (bn->bn_kb)
			q = BALLOON_PAGES_TO_KB(q);
		node.sysctl_data = &q;
	} else
		node.sysctl_data = &i;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}

/* What inflation leaves free now (balloon_keep()), in KiB. */
static int
balloon_sysctl_keep(SYSCTLFN_ARGS)
{
	struct balloon_xenbus_softc *sc = balloon_sc;
	struct sysctlnode node = *rnode;
	u_quad_t q;

	mutex_enter(&sc->sc_lock);
	q = BALLOON_PAGES_TO_KB(balloon_keep(sc));
	mutex_exit(&sc->sc_lock);
	node.sysctl_data = &q;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}
