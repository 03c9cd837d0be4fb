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
 * The policy: new targets for the guests balloond manages, from what
 * each needs and what the host has, in three steps:
 *
 * 1. If the pool holds every guest at the larger of its target and its
 *    need, that is what each gets: nobody is lowered, but a guest that
 *    deflates on OOM is held at its need.
 * 2. Otherwise guests with memory to spare are lowered toward their
 *    need (what they use and the goal), those with the most to spare
 *    first, and what that frees goes to the guests in need, in
 *    proportion to need times weight.
 * 3. If even that does not fit, nobody grows, and every guest is lowered
 *    toward its floor (dynamic-min, or what it uses plus a quarter of
 *    the goal) in proportion to what it has above it, over its weight.
 *
 * All figures are KiB; every domain's want, cur and lo already lie in
 * [lo, dmax] (dom.c), so no target leaves the policy's range.
 */

#include <err.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "balloond.h"

/*
 * Share amount among n items in proportion to share[], none past cap[]
 * (water filling: what a capped item cannot take goes to the others).
 * Adds each item's part to out[]; returns what was given.
 */
static uint64_t
fill(size_t n, uint64_t amount, const uint64_t *cap, const double *share,
    uint64_t *out)
{
	double sum, part;
	uint64_t given, g;
	bool *full, capped;
	size_t i;

	if ((full = calloc(n > 0 ? n : 1, sizeof(*full))) == NULL)
		err(1, "calloc");
	given = 0;
	for (i = 0; i < n; i++)
		full[i] = cap[i] == 0 || share[i] <= 0;
	for (;;) {
		sum = 0;
		for (i = 0; i < n; i++)
			if (!full[i])
				sum += share[i];
		if (sum <= 0 || amount == 0)
			break;
		/* First give the items that would overflow their cap. */
		capped = false;
		for (i = 0; i < n; i++) {
			if (full[i])
				continue;
			part = (double)amount * share[i] / sum;
			if (part >= (double)cap[i]) {
				out[i] += cap[i];
				given += cap[i];
				amount -= cap[i] < amount ? cap[i] : amount;
				full[i] = true;
				capped = true;
			}
		}
		if (capped)
			continue;	/* what is left, among the rest */
		for (i = 0; i < n; i++) {
			if (full[i])
				continue;
			g = (uint64_t)((double)amount * share[i] / sum);
			if (g > cap[i])
				g = cap[i];
			out[i] += g;
			given += g;
		}
		break;
	}
	free(full);
	return given;
}

/*
 * What a guest holds when the host has room for every need: its need,
 * if it deflates on OOM (what it has beyond goes back to the host, where
 * every such guest can take it at once), else the larger of its target
 * and its need (nobody is lowered).
 */
static uint64_t
up(const struct bd_dom *d)
{

	return d->oom ? d->want : max64(d->cur, d->want);
}

/* For qsort: the smaller cap first. */
static const uint64_t *cmp_cap;

static int
cmp_small(const void *a, const void *b)
{
	uint64_t x = cmp_cap[*(const size_t *)a];
	uint64_t y = cmp_cap[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/*
 * Sets each domain's t.  False if the pool cannot hold every guest even
 * at its floor (the reserve cannot be kept): then every t is its lo.
 */
bool
balance(struct bd_dom **doms, size_t n, int64_t pool)
{
	uint64_t *cap, *out, sum_up, sum_base, base, left, g;
	double *share;
	struct bd_dom *d;
	size_t i, *order;
	bool fits = true;

	if ((cap = calloc(n + 1, sizeof(*cap))) == NULL ||
	    (out = calloc(n + 1, sizeof(*out))) == NULL ||
	    (share = calloc(n + 1, sizeof(*share))) == NULL ||
	    (order = calloc(n + 1, sizeof(*order))) == NULL)
		err(1, "calloc");
	sum_up = sum_base = 0;
	for (i = 0; i < n; i++) {
		sum_up += up(doms[i]);
		sum_base += min64(doms[i]->cur, doms[i]->spare);
	}

	/* Within a step of the pool is close enough: no moves for rounding. */
	if (pool >= 0 && sum_up <= (uint64_t)pool + n * BD_STEP_KIB) {
		/* 1: room for every need. */
		for (i = 0; i < n; i++)
			doms[i]->t = up(doms[i]);
	} else if (pool >= 0 && sum_base <= (uint64_t)pool) {
		/* 2: the needy first, by need and weight ... */
		left = (uint64_t)pool - sum_base;
		for (i = 0; i < n; i++) {
			d = doms[i];
			cap[i] = d->want > d->cur ? d->want - d->cur : 0;
			share[i] = (double)cap[i] * d->weight;
		}
		left -= fill(n, left, cap, share, out);
		/*
		 * ... then what is left back to those who gave it, those
		 * with the least to give first: the cut falls on the few
		 * with the most to spare, in fewer, larger moves.
		 */
		for (i = 0; i < n; i++) {
			d = doms[i];
			base = min64(d->cur, d->spare) + out[i];
			if (d->oom)
				cap[i] = d->want > base ? d->want - base : 0;
			else
				cap[i] = d->cur > d->spare ? d->cur - d->spare : 0;
			order[i] = i;
		}
		cmp_cap = cap;
		qsort(order, n, sizeof(*order), cmp_small);
		for (i = 0; i < n && left > 0; i++) {
			g = min64(cap[order[i]], left);
			out[order[i]] += g;
			left -= g;
		}
		for (i = 0; i < n; i++)
			doms[i]->t = min64(doms[i]->cur, doms[i]->spare) +
			    out[i];
	} else {
		/* 3: everyone toward the floor; the heavy keep the most. */
		left = 0;
		for (i = 0; i < n; i++) {
			d = doms[i];
			base = min64(d->cur, d->spare);
			cap[i] = base - d->lo;
			share[i] = (double)cap[i] * d->weight;
			left += d->lo;
		}
		if (pool < 0 || left > (uint64_t)pool) {
			fits = false;
			for (i = 0; i < n; i++)
				doms[i]->t = doms[i]->lo;
		} else {
			/* Cut sum_base - pool: keep the rest above lo. */
			(void)fill(n, (uint64_t)pool - left, cap, share, out);
			for (i = 0; i < n; i++)
				doms[i]->t = doms[i]->lo + out[i];
		}
	}
	free(cap);
	free(out);
	free(share);
	free(order);
	return fits;
}
