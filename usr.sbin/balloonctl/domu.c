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
 * Inside a domU: the balloon's sysctl tree, printed and written the way
 * sysctl(8) does it, and its counters.
 */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <balloon.h>
#include <rumpsysctl.h>

#include "balloonctl.h"
#include "size.h"

#define PREFIX		BALLOON_SYSCTL "."

void
domu_check_guest(void)
{
	const char *path;
	struct stat st;

	path = getenv("RUMP_SERVER");
	if (path == NULL || *path == '\0')
		errx(1, "no guest: set RUMP_SERVER or use -s socket");
	if (strncmp(path, "unix://", 7) == 0)
		path += 7;
	if (stat(path, &st) == -1)
		err(1, "%s", path);
	if (!S_ISSOCK(st.st_mode))
		errx(1, "%s: not a socket", path);
}

/*
 * Read one node below machdep.xen.balloon, an int or a quad, whichever
 * the node is.  0 or -1 with errno.
 */
int
domu_read(const char *node, uint64_t *valp)
{
	char name[256];
	union {
		uint64_t q;
		int32_t i;
	} v;
	size_t len;

	snprintf(name, sizeof(name), PREFIX "%s", node);
	memset(&v, 0, sizeof(v));
	len = sizeof(v);
	if (sysctlbyname(name, &v, &len, NULL, 0) == -1)
		return -1;
	if (len == sizeof(v.q))
		*valp = v.q;
	else if (len == sizeof(v.i))
		*valp = v.i < 0 ? 0 : (uint64_t)v.i;
	else {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static void
tree_err(const char *name)
{

	if (errno == ENOENT)
		errx(1, "%s: no such node (is the balloon driver attached?)",
		    name);
	err(1, "%s", name);
}

/* The balloon's subtree as sysctl(8) prints it (librumpsysctl). */
int
domu_show(void)
{
	int rv;

	if ((rv = rumpsysctl_print(BALLOON_SYSCTL, 0)) == -1)
		tree_err(BALLOON_SYSCTL);
	return rv == 0 ? 0 : 1;
}

struct assign {
	const char	*node;		/* BALLOON_NODE_TARGET or _MIN */
	uint64_t	 kib;
};

/* Parsed -w assignments; kept reachable for an exit on any error. */
static struct assign *a;

/* "target", "min" or their full names; anything else is refused. */
static const char *
writable_node(const char *name)
{
	static const char *const ro[] = {
		BALLOON_NODE_CURRENT, BALLOON_NODE_MAX, BALLOON_NODE_STATS
	};
	const char *last;
	size_t i;

	last = name;
	if (strncmp(name, PREFIX, strlen(PREFIX)) == 0)
		last = name + strlen(PREFIX);
	if (strcmp(last, BALLOON_NODE_TARGET) == 0)
		return BALLOON_NODE_TARGET;
	if (strcmp(last, BALLOON_NODE_MIN) == 0)
		return BALLOON_NODE_MIN;
	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		if (strcmp(last, ro[i]) == 0 ||
		    (strncmp(last, ro[i], strlen(ro[i])) == 0 &&
		    last[strlen(ro[i])] == '.'))
			errx(1, PREFIX "%s: read-only node", last);
	errx(1, "unknown node: %s", name);
}

/*
 * -w target=size, -w min=size: every assignment is parsed, then checked
 * against min <= target <= max, in order, before the first is written.
 */
int
domu_write(char **assigns, int nassigns)
{
	char name[128], *eq;
	uint64_t cur_min, cur_target, cur_max, old, new;
	size_t len;
	int i;

	if ((a = calloc((size_t)nassigns, sizeof(*a))) == NULL)
		err(1, "calloc");
	for (i = 0; i < nassigns; i++) {
		if ((eq = strchr(assigns[i], '=')) == NULL)
			errx(1, "%s: expected node=size", assigns[i]);
		*eq = '\0';
		a[i].node = writable_node(assigns[i]);
		/* A bare number is KiB, the node's unit, as for sysctl -w. */
		a[i].kib = getsize(eq + 1, SIZE_BARE_KIB);
	}
	domu_check_guest();

	if (domu_read(BALLOON_NODE_MIN, &cur_min) == -1)
		tree_err(PREFIX BALLOON_NODE_MIN);
	if (domu_read(BALLOON_NODE_TARGET, &cur_target) == -1)
		tree_err(PREFIX BALLOON_NODE_TARGET);
	if (domu_read(BALLOON_NODE_MAX, &cur_max) == -1)
		tree_err(PREFIX BALLOON_NODE_MAX);
	for (i = 0; i < nassigns; i++) {
		if (strcmp(a[i].node, BALLOON_NODE_TARGET) == 0) {
			if (a[i].kib < cur_min)
				errx(1, PREFIX "target: %" PRIu64 " KiB is below "
				    PREFIX "min (%" PRIu64 " KiB)",
				    a[i].kib, cur_min);
			if (a[i].kib > cur_max)
				errx(1, PREFIX "target: %" PRIu64 " KiB is above "
				    PREFIX "max (%" PRIu64 " KiB)",
				    a[i].kib, cur_max);
			cur_target = a[i].kib;
		} else {
			if (a[i].kib > cur_target)
				errx(1, PREFIX "min: %" PRIu64 " KiB is above "
				    PREFIX "target (%" PRIu64 " KiB)",
				    a[i].kib, cur_target);
			cur_min = a[i].kib;
		}
	}

	for (i = 0; i < nassigns; i++) {
		snprintf(name, sizeof(name), PREFIX "%s", a[i].node);
		new = a[i].kib;
		len = sizeof(old);
		if (sysctlbyname(name, &old, &len, &new, sizeof(new)) == -1) {
			/* Out of range is EPERM, as for non-root. */
			if (errno == EPERM && geteuid() == 0)
				errx(1, "%s: %" PRIu64 " KiB refused by the "
				    "driver (see dmesg for why)", name, new);
			err(1, "%s", name);
		}
		printf("%s: %" PRIu64 " -> %" PRIu64 "\n", name, old, new);
	}
	free(a);
	a = NULL;
	return 0;
}

static const char *const state_names[] = {
	[BALLOON_STATE_IDLE] = "idle",
	[BALLOON_STATE_INFLATING] = "inflating",
	[BALLOON_STATE_DEFLATING] = "deflating",
	[BALLOON_STATE_BACKOFF] = "backoff",
	[BALLOON_STATE_STALLED] = "stalled",
};

const char *
domu_state_name(uint64_t state)
{

	if (state < sizeof(state_names) / sizeof(state_names[0]) &&
	    state_names[state] != NULL)
		return state_names[state];
	return "unknown";
}

/* Counters in KiB, printed with their MiB beside them. */
static int
is_kib(const char *node)
{
	static const char *const kib[] = {
		BALLOON_STAT_BALLOON, BALLOON_STAT_REPORTED,
		BALLOON_STAT_INFLATED, BALLOON_STAT_DEFLATED,
		BALLOON_STAT_INFLATED_TOTAL, BALLOON_STAT_INFLATED_FREE,
		BALLOON_STAT_KEEP
	};
	size_t i;

	for (i = 0; i < sizeof(kib) / sizeof(kib[0]); i++)
		if (strcmp(node, kib[i]) == 0)
			return 1;
	return 0;
}

struct stat_row {
	char		name[sizeof(((struct rumpsysctl_evcnt *)0)->name)];
	char		val[64];
	char		*descr;		/* strdup'd */
};

/* The event counters' descriptions: evcnt(9) has none. */
static const struct {
	const char	*name;
	const char	*descr;
} ev_descrs[] = {
	{ BALLOON_EV_HYPERCALLS, "Reservation hypercalls made" },
	{ BALLOON_EV_PARTIAL, "Hypercalls that did less than asked" },
	{ BALLOON_EV_RETRIES, "Retries after a backoff" },
	{ BALLOON_EV_OOM_DEFLATIONS, "Deflations on out of memory" },
	{ BALLOON_EV_OOM_PAGES, "Pages they took back" },
	{ BALLOON_EV_OOM_MAXPAGES,
	    "Deflations on out of memory that max_pages stopped" },
};

/* One figure's value as the stats command shows it. */
#define RUMPSYSCTL_NAMELEN	sizeof(((struct rumpsysctl_node *)0)->name)

static int
stat_value(const char *name, char *val, size_t len)
{
	char node[sizeof(BALLOON_NODE_STATS) + RUMPSYSCTL_NAMELEN];
	uint64_t v;

	snprintf(node, sizeof(node), BALLOON_NODE_STATS ".%s", name);
	if (domu_read(node, &v) == -1) {
		warn(PREFIX "%s", node);
		return -1;
	}
	if (strcmp(name, BALLOON_STAT_STATE) == 0)
		snprintf(val, len, "%s", domu_state_name(v));
	else if (strcmp(name, BALLOON_STAT_ERROR) == 0)
		snprintf(val, len, "%s", v == 0 ? "none" : strerror((int)v));
	else if (is_kib(name))
		snprintf(val, len, "%" PRIu64 " KiB (%" PRIu64 " MiB)", v,
		    v / 1024);
	else
		snprintf(val, len, "%" PRIu64, v);
	return 0;
}

/* The balloon's group in kern.evcnt: "balloon" and a unit number. */
static int
is_balloon_group(const char *group)
{
	size_t n = strlen(BALLOON_EVCNT_GROUP);

	return strncmp(group, BALLOON_EVCNT_GROUP, n) == 0 &&
	    group[n] != '\0' && strspn(group + n, "0123456789") ==
	    strlen(group + n);
}

/* The figures under stats, then the event counters: rows in r. */
static size_t
stat_rows(struct stat_row **rp, int *rvp)
{
	struct rumpsysctl_node *nodes;
	struct rumpsysctl_evcnt *evs;
	struct stat_row *r;
	size_t i, j, n, nev, nr;

	if (rumpsysctl_children(PREFIX BALLOON_NODE_STATS, &nodes, &n) == -1)
		tree_err(PREFIX BALLOON_NODE_STATS);
	if (rumpsysctl_evcnt(&evs, &nev) == -1)
		err(1, "kern.evcnt");
	if ((r = calloc(n + nev + 1, sizeof(*r))) == NULL)
		err(1, "calloc");
	nr = 0;
	for (i = 0; i < n; i++) {
		if (nodes[i].type != RUMPSYSCTL_INT &&
		    nodes[i].type != RUMPSYSCTL_QUAD)
			continue;
		snprintf(r[nr].name, sizeof(r[nr].name), "%s", nodes[i].name);
		if (stat_value(nodes[i].name, r[nr].val, sizeof(r[nr].val)) ==
		    -1) {
			*rvp = 1;
			continue;
		}
		r[nr].descr = strdup(nodes[i].descr);
		nr++;
	}
	for (i = 0; i < nev; i++) {
		if (!is_balloon_group(evs[i].group))
			continue;
		snprintf(r[nr].name, sizeof(r[nr].name), "%s", evs[i].name);
		snprintf(r[nr].val, sizeof(r[nr].val), "%" PRIu64,
		    evs[i].count);
		for (j = 0; j < sizeof(ev_descrs) / sizeof(ev_descrs[0]); j++)
			if (strcmp(evs[i].name, ev_descrs[j].name) == 0)
				break;
		r[nr].descr = strdup(j < sizeof(ev_descrs) /
		    sizeof(ev_descrs[0]) ? ev_descrs[j].descr : "");
		nr++;
	}
	free(evs);
	free(nodes);
	*rp = r;
	return nr;
}

/*
 * The figures and counters in three columns, each as wide as its widest
 * entry, so that a long name does not push its value out of line.
 */
int
domu_stats(void)
{
	struct stat_row *r;
	size_t i, n;
	int namew, valw, rv;

	rv = 0;
	n = stat_rows(&r, &rv);
	namew = valw = 0;
	for (i = 0; i < n; i++) {
		if (r[i].descr == NULL)
			err(1, "strdup");
		if ((int)strlen(r[i].name) > namew)
			namew = (int)strlen(r[i].name);
		if ((int)strlen(r[i].val) > valw)
			valw = (int)strlen(r[i].val);
	}
	for (i = 0; i < n; i++) {
		printf("%-*s  %-*s  %s\n", namew, r[i].name, valw, r[i].val,
		    r[i].descr);
		free(r[i].descr);
	}
	free(r);
	return rv;
}
