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
 * The domains: what xenstore and the hypervisor say of each, the policy
 * nodes checked, one balance() over those balloond manages, and the
 * targets and max_pages it decides written back, through balloonctl's
 * hypervisor layer (hv.c), the same on the bench and on a real dom0.
 */

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include <balloon.h>

#include "balloond.h"
#include "hv.h"
#include "size.h"

static struct bd_dom	*doms;
static unsigned int	 gen;
static bool		 short_said;	/* "cannot keep the reserve" said */

static uint64_t
clamp64(uint64_t v, uint64_t lo, uint64_t hi)
{

	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t
dist64(uint64_t a, uint64_t b)
{

	return a > b ? a - b : b - a;
}

/*
 * A KiB value from /local/domain/N/<node>: 1 and *valp set, 0 if the
 * node is absent, -1 if it holds anything but a decimal number of at
 * most SIZE_MAX_KIB (its text, cut short, in bad).
 */
static int
readnum(const struct bd_dom *d, const char *node, uint64_t *valp,
    char *bad, size_t badlen)
{
	char path[128], *s, *ep;
	unsigned int len;
	unsigned long long v;
	int rv;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", d->id, node);
	if ((s = xs_read(bd_xsh, XBT_NULL, path, &len)) == NULL)
		return 0;
	errno = 0;
	v = strtoull(s, &ep, 10);
	if (!isdigit((unsigned char)*s) || *ep != '\0' || errno != 0 ||
	    v > SIZE_MAX_KIB) {
		if (bad != NULL)
			snprintf(bad, badlen, "%.32s", s);
		rv = -1;
	} else {
		*valp = v;
		rv = 1;
	}
	free(s);
	return rv;
}

/* A figure the guest writes: anything but a number counts as none. */
static bool
guestnum(const struct bd_dom *d, const char *node, uint64_t *valp)
{

	return readnum(d, node, valp, NULL, 0) == 1;
}

/*
 * The policy nodes, checked whole: a malformed or inconsistent one is
 * refused with one log line (once per value) and the domain keeps the
 * policy it had, or is left alone if it never had one.
 */
static void
read_policy(struct bd_dom *d)
{
	static const char *nodes[] = { BD_NODE_DMIN, BD_NODE_DMAX,
	    BD_NODE_WEIGHT };
	char why[128], bad[40], node[64];
	uint64_t v[3];
	bool have[3];
	size_t i;
	int r;

	why[0] = '\0';
	for (i = 0; i < 3 && why[0] == '\0'; i++) {
		snprintf(node, sizeof(node), "memory/%s", nodes[i]);
		r = readnum(d, node, &v[i], bad, sizeof(bad));
		have[i] = r == 1;
		if (r == -1)
			snprintf(why, sizeof(why), "memory/%s \"%s\" is not a "
			    "number of KiB", nodes[i], bad);
	}
	if (why[0] == '\0') {
		if (!have[0])
			v[0] = min64(bd_conf.floor, d->staticmax);
		if (!have[1])
			v[1] = d->staticmax;
		if (!have[2])
			v[2] = BD_WEIGHT_DEFAULT;
		if (have[0] && v[0] < BD_SLACK_KIB)
			snprintf(why, sizeof(why), "memory/%s %" PRIu64
			    " is below %d KiB", BD_NODE_DMIN, v[0],
			    BD_SLACK_KIB);
		else if (v[0] > v[1])
			snprintf(why, sizeof(why), "memory/%s %" PRIu64
			    " is above memory/%s %" PRIu64, BD_NODE_DMIN, v[0],
			    BD_NODE_DMAX, v[1]);
		else if (v[1] > d->staticmax)
			snprintf(why, sizeof(why), "memory/%s %" PRIu64
			    " is above memory/static-max %" PRIu64,
			    BD_NODE_DMAX, v[1], d->staticmax);
		else if (v[2] < 1 || v[2] > BD_WEIGHT_MAX)
			snprintf(why, sizeof(why), "memory/%s %" PRIu64
			    " is not within 1 to %d", BD_NODE_WEIGHT, v[2],
			    BD_WEIGHT_MAX);
	}
	if (why[0] != '\0') {
		if (strcmp(why, d->refused) != 0)
			log_info("domain %u (%s): %s: policy refused, %s",
			    d->id, d->name, why, d->policy_ok ?
			    "the last one kept" : "domain left alone");
		snprintf(d->refused, sizeof(d->refused), "%s", why);
		return;
	}
	d->refused[0] = '\0';
	d->policy_ok = true;
	d->dmin = v[0];
	d->dmax = v[1];
	d->weight = (unsigned int)v[2];
}

/* This pass's figures for one domain; false if it is not ours to manage. */
static bool
read_dom(struct bd_dom *d, const struct hv_dominfo *hi)
{
	char path[128], *s;
	unsigned int len;
	uint64_t v, total, ballooned;

	d->tot = hi->tot_pages * 4;
	d->maxkib = hi->max_pages * 4;
	snprintf(path, sizeof(path), "/local/domain/%u/name", d->id);
	if ((s = xs_read(bd_xsh, XBT_NULL, path, &len)) != NULL) {
		snprintf(d->name, sizeof(d->name), "%s", s);
		free(s);
	}
	/* A domain still being built has no target yet. */
	if (readnum(d, "memory/target", &d->target, NULL, 0) != 1 ||
	    readnum(d, "memory/static-max", &d->staticmax, NULL, 0) != 1)
		return false;
	read_policy(d);
	d->has_free = guestnum(d, "data/meminfo_free", &d->free);
	/*
	 * What it uses, from figures the guest wrote together: the
	 * hypervisor's tot_pages moves before the guest's free does.
	 */
	if (d->has_free && guestnum(d, "data/meminfo_total", &total) &&
	    guestnum(d, "data/meminfo_ballooned", &ballooned) &&
	    total >= ballooned + d->free)
		d->used = total - ballooned - d->free;
	else
		d->used = d->has_free && d->tot > d->free ? d->tot - d->free :
		    0;
	d->oom = guestnum(d, BALLOON_XS_DIR "/" BALLOON_XS_OOM, &v) && v == 1;
	if (!guestnum(d, BALLOON_XS_DIR "/" BALLOON_XS_TARGET, &d->btarget))
		d->btarget = 0;
	if (!guestnum(d, "data/meminfo_min", &d->gmin))
		d->gmin = 0;
	if (!guestnum(d, "data/meminfo_keep", &d->keep))
		d->keep = 0;
	return d->policy_ok;
}

/* Just given memory: not lowered yet. */
static bool
calm(const struct bd_dom *d, time_t now)
{

	return now - d->raised_at < (d->oom ? BD_CALM_OOM_S : BD_CALM_S);
}

/*
 * Its floor, need and target within the policy.  What a guest publishes
 * moves them only within [dynamic-min, dynamic-max]: a guest that lies
 * can take no more than its dynamic-max.
 */
static void
assess(struct bd_dom *d, time_t now)
{
	uint64_t used = d->used, goal = bd_conf.goal, beyond;

	/*
	 * What its balloon keeps free (deflate on OOM) counts as used: the
	 * goal is room beyond it, and no target leaves less (the guest
	 * would stop short of it, or deflate straight back).
	 */
	used += d->keep;
	beyond = d->free > d->keep ? d->free - d->keep : 0;
	d->short_free = d->has_free && beyond < goal / 2;
	/* The guest refuses a target below its own min: never ask one. */
	d->lo = max64(d->dmin, d->gmin);
	if (d->has_free)
		d->lo = max64(d->lo, used + goal / 4);
	d->lo = min64(d->lo, d->dmax);
	d->cur = clamp64(d->target, d->lo, d->dmax);
	d->want = d->cur;
	/*
	 * Hysteresis: only a guest well off its goal moves, and one just
	 * given memory is not found to have too much until its workload
	 * has taken it.
	 */
	if (d->short_free)
		d->want = max64(d->cur, used + goal);
	else if (d->has_free && beyond > goal * 2 &&
	    !calm(d, now))
		d->want = used + goal;
	/*
	 * A deflation on OOM reached this: keep it.  Not the target this
	 * daemon just lowered, which the guest has not yet replaced.
	 */
	if (d->btarget > d->target && d->btarget != d->dropped)
		d->want = max64(d->want, d->btarget);
	d->want = clamp64(d->want, d->lo, d->dmax);
	/*
	 * Within the hysteresis its target stands, unless the host is short
	 * and another needs memory: then it gives what it has beyond its
	 * goal.  One short of free memory gives nothing.
	 */
	d->spare = d->want;
	if (d->has_free && !d->short_free)
		d->spare = min64(d->want, clamp64(used + goal, d->lo, d->dmax));
}

/*
 * A guest asked to move and not there: left where it is, said once,
 * when it came no closer for bd_conf.stall seconds.
 */
static void
track(struct bd_dom *d, time_t now)
{
	uint64_t dist;

	if (d->stuck) {
		if (dist64(d->tot, d->stuck_tot) <= BD_SLACK_KIB)
			return;
		log_info("domain %u (%s): moves again (%" PRIu64 " KiB)",
		    d->id, d->name, d->tot);
		d->stuck = false;
		d->asked = 0;
	}
	if (d->asked == 0)
		return;
	dist = dist64(d->tot, d->asked);
	if (dist <= BD_SLACK_KIB) {
		d->asked = 0;
		return;
	}
	if (dist + BD_STEP_KIB <= d->best) {
		d->best = dist;
		d->asked_at = now;
		return;
	}
	if (now - d->asked_at < (time_t)bd_conf.stall)
		return;
	log_info("domain %u (%s): did not move toward %" PRIu64 " KiB in %u s; "
	    "left at %" PRIu64 " KiB", d->id, d->name, d->asked, bd_conf.stall,
	    d->tot);
	d->stuck = true;
	d->stuck_tot = d->tot;
	d->asked = 0;
	/* Promise it nothing more, and let it take nothing more. */
	(void)hv_setmaxmem(d->id, d->tot + BD_SLACK_KIB);
	if (dist64(d->target, d->tot) >= BD_STEP_KIB) {
		char path[128], buf[32];

		snprintf(path, sizeof(path), "/local/domain/%u/memory/target",
		    d->id);
		snprintf(buf, sizeof(buf), "%" PRIu64, d->tot & ~UINT64_C(3));
		(void)xs_write(bd_xsh, XBT_NULL, path, buf, strlen(buf));
	}
}

/* Every domain but dom0 in the list, new ones added, gone ones freed. */
static size_t
scan(time_t now, struct bd_pass *p, struct bd_dom ***managedp)
{
	struct hv_dominfo *infos;
	struct bd_dom *d, **dp, **managed;
	unsigned int i, n;
	size_t nm;

	if (hv_list(&infos, &n) == -1) {
		log_info("cannot list domains: %s", strerror(errno));
		*managedp = NULL;
		return 0;
	}
	gen++;
	if ((managed = calloc(n + 1, sizeof(*managed))) == NULL)
		err(1, "calloc");
	nm = 0;
	for (i = 0; i < n; i++) {
		if (infos[i].domid == 0)
			continue;
		for (d = doms; d != NULL && d->id != infos[i].domid; d = d->next)
			continue;
		if (d == NULL) {
			if ((d = calloc(1, sizeof(*d))) == NULL)
				err(1, "calloc");
			d->id = infos[i].domid;
			d->next = doms;
			doms = d;
			if (gen > 1)
				p->newdom = true;
		}
		d->gen = gen;
		if (!read_dom(d, &infos[i]))
			continue;
		track(d, now);
		if (d->stuck)
			continue;
		if (d->asked != 0)
			p->busy = true;
		assess(d, now);
		managed[nm++] = d;
	}
	free(infos);
	for (dp = &doms; (d = *dp) != NULL;) {
		if (d->gen != gen) {
			*dp = d->next;
			free(d);
		} else
			dp = &d->next;
	}
	*managedp = managed;
	return nm;
}

/* Writes the target and max_pages decided; one log line per move. */
static void
apply(struct bd_dom *d, uint64_t a, uint64_t room, time_t now)
{
	char path[128], buf[32];
	uint64_t maxkib;
	bool move;

	a &= ~UINT64_C(3);		/* whole pages */
	maxkib = a + BD_SLACK_KIB + room;
	/* Growing: max_pages first, so the guest never meets it early. */
	if (a > d->target && dist64(maxkib, d->maxkib) >= 4 &&
	    hv_setmaxmem(d->id, maxkib) == -1)
		log_act("domain %u (%s): cannot set max_pages: %s", d->id,
		    d->name, strerror(errno));
	move = a != d->target && (dist64(a, d->target) >= BD_STEP_KIB ||
	    a == d->dmin || a == d->dmax);
	if (move) {
		snprintf(path, sizeof(path), "/local/domain/%u/memory/target",
		    d->id);
		snprintf(buf, sizeof(buf), "%" PRIu64, a);
		if (!xs_write(bd_xsh, XBT_NULL, path, buf, strlen(buf))) {
			log_act("domain %u (%s): cannot write %s: %s", d->id,
			    d->name, path, strerror(errno));
			return;
		}
		log_act("domain %u (%s): target %" PRIu64 " -> %" PRIu64
		    " KiB", d->id, d->name, d->target, a);
		if (d->asked == 0) {
			d->asked_at = now;
			d->best = dist64(d->tot, a);
		}
		if (a > d->target)
			d->raised_at = now;
		else
			d->dropped = d->target;
		d->asked = a;
		d->target = a;
	}
	if (a <= d->target && dist64(maxkib, d->maxkib) >= 4 &&
	    hv_setmaxmem(d->id, maxkib) == -1)
		log_act("domain %u (%s): cannot set max_pages: %s", d->id,
		    d->name, strerror(errno));
}

/*
 * One pass: every domain read, balanced and written.  Growth is held to
 * what the host has free now above the reserve and the reservations, so
 * that host free memory never dips below them while others shrink; a
 * guest that deflates on OOM gets all that is left as room above its
 * target (within its dynamic-max) to deflate into: a burst comes at
 * once in one guest or another, not in all, and a share would stop
 * each at max_pages long before the host is short.
 */
void
dom_pass(time_t now, uint64_t held, struct bd_pass *p)
{
	struct bd_dom **m, *d;
	uint64_t total, sumtot, raise, t;
	int64_t pool, avail, left;
	size_t i, n;

	memset(p, 0, sizeof(*p));
	n = scan(now, p, &m);
	if (m == NULL)
		return;
	if (hv_hostinfo(&total, &p->hostfree) == -1) {
		log_act("cannot read the host's free memory: %s",
		    strerror(errno));
		free(m);
		return;
	}
	sumtot = raise = 0;
	avail = (int64_t)p->hostfree - (int64_t)bd_conf.reserve -
	    (int64_t)held;
	p->freeable = p->hostfree;
	for (i = 0; i < n; i++) {
		d = m[i];
		sumtot += d->tot;
		/* What each may still take unasked, its slack included. */
		if (d->target + BD_SLACK_KIB > d->tot)
			avail -= (int64_t)(d->target + BD_SLACK_KIB - d->tot);
		if (d->tot > d->lo + BD_SLACK_KIB)
			p->freeable += d->tot - d->lo - BD_SLACK_KIB;
	}
	pool = (int64_t)(p->hostfree + sumtot) - (int64_t)bd_conf.reserve -
	    (int64_t)held - (int64_t)(n * BD_SLACK_KIB);
	/*
	 * Floors that do not all fit (guests using more than the host has
	 * beyond the reserve) leave guests short, not the host: nobody
	 * grows into the reserve.  It is lost only when the host would
	 * lack it even with every guest at its floor.
	 */
	(void)balance(m, n, pool);
	if (p->freeable < bd_conf.reserve + held) {
		if (!short_said)
			log_info("cannot keep %" PRIu64 " KiB free: every guest "
			    "is at its floor", bd_conf.reserve + held);
		short_said = true;
	} else
		short_said = false;

	for (i = 0; i < n; i++) {
		d = m[i];
		if (d->t > d->target)
			raise += d->t - d->target;
	}
	left = avail - (int64_t)raise;
	for (i = 0; i < n; i++) {
		d = m[i];
		t = d->t;
		/*
		 * Just raised: not lowered until its workload has taken
		 * what it was given, whose figures are in flux until then.
		 * The raise came out of free memory, so the reserve holds.
		 * Short of free memory: it uses all it has, whatever its
		 * figures (written one by one while it deflates) say.
		 */
		if (t < d->target && (calm(d, now) || d->short_free))
			t = d->target;
		/* Not more growth than is free now: the rest next pass. */
		if (t > d->target && (int64_t)raise > avail)
			t = d->target + (avail <= 0 ? 0 : (uint64_t)((double)
			    (t - d->target) * (double)avail / (double)raise));
		apply(d, t, d->oom && left > 0 ? min64(d->dmax - min64(t,
		    d->dmax), (uint64_t)left) : 0, now);
		if (d->asked != 0)
			p->busy = true;
	}
	free(m);
}

/* SIGHUP: stuck guests tried again, refusals said again. */
void
dom_forget(void)
{
	struct bd_dom *d;

	for (d = doms; d != NULL; d = d->next) {
		d->stuck = false;
		d->asked = 0;
		d->refused[0] = '\0';
	}
	short_said = false;
}
