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
 * evcnt(9): the list of event counters, and kern.evcnt, which lists
 * them for vmstat -e as NetBSD's does: struct evcnt_sysctl records,
 * filtered by type and by count.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/evcnt.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

struct evcntlist allevents = TAILQ_HEAD_INITIALIZER(allevents);
static kmutex_t evcnt_lock;
static bool evcnt_inited;
static struct sysctllog *evcnt_log;

static int	sysctl_doevcnt(SYSCTLFN_PROTO);
static size_t	evcnt_fill(const struct evcnt *, struct evcnt_sysctl *,
		    size_t *);

void
evcnt_init(void)
{
	int error;

	KASSERT(!evcnt_inited);
	mutex_init(&evcnt_lock, MUTEX_DEFAULT, IPL_NONE);
	evcnt_inited = true;

	/* NetBSD's SYSCTL_SETUP for it; the bench calls it from here. */
	error = sysctl_createv(&evcnt_log, 0, NULL, NULL,
	    CTLFLAG_PERMANENT, CTLTYPE_NODE, "kern", NULL,
	    NULL, 0, NULL, 0, CTL_KERN, CTL_EOL);
	if (error == 0)
		error = sysctl_createv(&evcnt_log, 0, NULL, NULL,
		    CTLFLAG_PERMANENT, CTLTYPE_STRUCT, "evcnt",
		    SYSCTL_DESCR("Kernel evcnt information"),
		    sysctl_doevcnt, 0, NULL, 0, CTL_KERN, KERN_EVCNT, CTL_EOL);
	if (error != 0)
		panic("evcnt_init: kern.evcnt: error %d", error);
}

/* A counter whose type, group and name are set. */
void
evcnt_attach_static(struct evcnt *ev)
{
	size_t glen, nlen;

	KASSERTMSG(evcnt_inited, "evcnt %s %s attached before evcnt_init",
	    ev->ev_group, ev->ev_name);
	glen = strlen(ev->ev_group);
	nlen = strlen(ev->ev_name);
	/* NetBSD panics on these under DIAGNOSTIC; the bench always. */
	KASSERTMSG(glen > 0 && glen < EVCNT_STRING_MAX,
	    "evcnt group length (%s)", ev->ev_group);
	KASSERTMSG(nlen > 0 && nlen < EVCNT_STRING_MAX,
	    "evcnt name length (%s)", ev->ev_name);
	ev->ev_grouplen = (unsigned char)glen;
	ev->ev_namelen = (unsigned char)nlen;

	mutex_enter(&evcnt_lock);
	TAILQ_INSERT_TAIL(&allevents, ev, ev_list);
	mutex_exit(&evcnt_lock);
}

void
evcnt_attach_dynamic_nozero(struct evcnt *ev, int type,
    const struct evcnt *parent, const char *group, const char *name)
{

	ev->ev_type = (unsigned char)type;
	ev->ev_parent = parent;
	ev->ev_group = group;
	ev->ev_name = name;
	evcnt_attach_static(ev);
}

void
evcnt_attach_dynamic(struct evcnt *ev, int type, const struct evcnt *parent,
    const char *group, const char *name)
{

	memset(ev, 0, sizeof(*ev));
	evcnt_attach_dynamic_nozero(ev, type, parent, group, name);
}

/* Stricter than NetBSD: a counter not on the list is a panic. */
void
evcnt_detach(struct evcnt *ev)
{
	const struct evcnt *e;

	mutex_enter(&evcnt_lock);
	TAILQ_FOREACH(e, &allevents, ev_list)
		if (e == ev)
			break;
	KASSERTMSG(e != NULL, "evcnt_detach: %s %s not attached",
	    ev->ev_group, ev->ev_name);
	TAILQ_REMOVE(&allevents, ev, ev_list);
	mutex_exit(&evcnt_lock);
}

/*
 * One record (into evs, unless NULL): its length, a multiple of 8; the
 * bytes that carry it in *copylenp.  No kernel address goes out.
 */
static size_t
evcnt_fill(const struct evcnt *ev, struct evcnt_sysctl *evs,
    size_t *copylenp)
{
	size_t copylen;

	copylen = offsetof(struct evcnt_sysctl, ev_strings) +
	    ev->ev_grouplen + 1 + ev->ev_namelen + 1;
	if (evs != NULL) {
		evs->ev_count = atomic_load_relaxed(&ev->ev_count);
		evs->ev_addr = 0;
		evs->ev_parent = 0;
		evs->ev_type = ev->ev_type;
		evs->ev_grouplen = ev->ev_grouplen;
		evs->ev_namelen = ev->ev_namelen;
		evs->ev_len = (uint8_t)(roundup(copylen, 8) / 8);
		memcpy(evs->ev_strings, ev->ev_group, ev->ev_grouplen + 1);
		memcpy(evs->ev_strings + ev->ev_grouplen + 1, ev->ev_name,
		    ev->ev_namelen + 1);
	}
	*copylenp = copylen;
	return roundup(copylen, 8);
}

/*
 * kern.evcnt.TYPE.COUNT.  Without a buffer, the room needed and 1 KiB
 * to spare, as NetBSD answers; with one too short, the records that
 * fit (and sysctl(3) says ENOMEM).
 */
static int
sysctl_doevcnt(SYSCTLFN_ARGS)
{
	const struct evcnt *ev;
	char *dp = oldp;
	size_t len, need, elen, copylen;
	int type;
	u_int count;

	if (namelen != 2)
		return EINVAL;
	type = name[0];
	if (type != EVCNT_TYPE_ANY && type != EVCNT_TYPE_MISC &&
	    type != EVCNT_TYPE_INTR && type != EVCNT_TYPE_TRAP)
		return EINVAL;
	count = (u_int)name[1];
	if (count != KERN_EVCNT_COUNT_ANY && count != KERN_EVCNT_COUNT_NONZERO)
		return EINVAL;
	if (newp != NULL)
		return EPERM;

	len = oldp != NULL ? *oldlenp : 0;
	need = 0;
	mutex_enter(&evcnt_lock);
	TAILQ_FOREACH(ev, &allevents, ev_list) {
		if (type != EVCNT_TYPE_ANY && type != ev->ev_type)
			continue;
		if (count == KERN_EVCNT_COUNT_NONZERO &&
		    atomic_load_relaxed(&ev->ev_count) == 0)
			continue;
		elen = evcnt_fill(ev, NULL, &copylen);
		need += elen;
		if (dp == NULL || len < elen) {
			dp = NULL;	/* the rest is only counted */
			continue;
		}
		/* Zeroed to the record's end: nothing stale goes out. */
		memset(dp, 0, elen);
		(void)evcnt_fill(ev, (struct evcnt_sysctl *)(void *)dp,
		    &copylen);
		dp += elen;
		len -= elen;
	}
	mutex_exit(&evcnt_lock);

	*oldlenp = oldp == NULL ? need + 1024 : need;
	return 0;
}
