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
 * balloonctl wait: follow the balloon thread until it is idle at its
 * target, or tell why it gave up.
 */

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <balloon.h>

#include "balloonctl.h"
#include "size.h"

#define POLL_MS		100
#define PLAIN_EVERY	10	/* polls between plain progress lines */
/*
 * A driver idle at its target may sit a little above it (builder pages
 * on PVH); further away than this, make sure it stays idle before
 * believing it, since the thread may not have seen a new target yet.
 */
#define SLACK_KIB	1024
#define IDLE_POLLS	10
#define BAR_WIDTH	30
/* Polls at another target before saying what is being waited for. */
#define ELSEWHERE_POLLS	100

struct sample {
	uint64_t	current;
	uint64_t	target;
	uint64_t	state;
	uint64_t	error;
	uint64_t	moved;		/* KiB inflated + deflated, total */
};

static void
sample(struct sample *s)
{
	uint64_t in, out;

	if (domu_read(BALLOON_NODE_CURRENT, &s->current) == -1)
		err(1, BALLOON_SYSCTL "." BALLOON_NODE_CURRENT);
	if (domu_read(BALLOON_NODE_TARGET, &s->target) == -1)
		err(1, BALLOON_SYSCTL "." BALLOON_NODE_TARGET);
	if (domu_read(BALLOON_NODE_STATS "." BALLOON_STAT_STATE,
	    &s->state) == -1)
		err(1, BALLOON_SYSCTL "." BALLOON_NODE_STATS "."
		    BALLOON_STAT_STATE);
	if (domu_read(BALLOON_NODE_STATS "." BALLOON_STAT_ERROR,
	    &s->error) == -1)
		err(1, BALLOON_SYSCTL "." BALLOON_NODE_STATS "."
		    BALLOON_STAT_ERROR);
	if (domu_read(BALLOON_NODE_STATS "." BALLOON_STAT_INFLATED,
	    &in) == -1)
		err(1, BALLOON_SYSCTL "." BALLOON_NODE_STATS "."
		    BALLOON_STAT_INFLATED);
	if (domu_read(BALLOON_NODE_STATS "." BALLOON_STAT_DEFLATED,
	    &out) == -1)
		err(1, BALLOON_SYSCTL "." BALLOON_NODE_STATS "."
		    BALLOON_STAT_DEFLATED);
	s->moved = in + out;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t
absdiff(uint64_t a, uint64_t b)
{

	return a > b ? a - b : b - a;
}

/* The driver works in pages: compare targets as it rounds them. */
static int
same_pages(uint64_t a_kib, uint64_t b_kib)
{

	return (a_kib + 3) / 4 == (b_kib + 3) / 4;
}

/* Why a stalled driver gave up, from its errno and the direction. */
static const char *
stall_reason(const struct sample *s)
{
	static char buf[128];
	int deflating = s->current < s->target;

	switch (s->error) {
	case ENOMEM:
		if (deflating)
			return "the hypervisor would not give memory "
			    "(host out of memory or max_pages reached)";
		return "the guest kernel could not spare any more pages";
	case EINVAL:
		return "the driver refused the target (outside "
		    BALLOON_SYSCTL ".min and .max)";
	case EBUSY:
	case EFAULT:
		return deflating ?
		    "the hypervisor refused to populate the guest's frames" :
		    "the hypervisor would not take the guest's pages";
	case 0:
		return "no reason given";
	default:
		snprintf(buf, sizeof(buf), "%s", strerror((int)s->error));
		return buf;
	}
}

static void
bar(FILE *fp, double frac, const struct sample *s, double rate)
{
	int i, fill;

	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * BAR_WIDTH + 0.5);
	fputs("\r[", fp);
	for (i = 0; i < BAR_WIDTH; i++)
		fputc(i < fill ? '#' : '.', fp);
	fprintf(fp, "] %3d%%  %6.1f MiB -> %6.1f MiB  ",
	    (int)(frac * 100 + 0.5), s->current / 1024.0, s->target / 1024.0);
	if (rate >= 0)
		fprintf(fp, "%7.1f MiB/s", rate);
	else
		fprintf(fp, "%7s MiB/s", "-");
	fprintf(fp, " %-9s", domu_state_name(s->state));
	fflush(fp);
}

int
domu_wait(const char *size)
{
	struct sample s;
	uint64_t want, start_dist, dist, start_moved;
	double t0, t, rate, frac;
	uint64_t min;
	int tty, polls, idle, done, elsewhere;

	want = size != NULL ? getsize(size, SIZE_BARE_MIB) : 0;
	domu_check_guest();
	tty = isatty(STDOUT_FILENO);
	/* The driver ignores such a target: it would never be reached. */
	if (want != 0) {
		if (domu_read(BALLOON_NODE_MIN, &min) == -1)
			err(1, BALLOON_SYSCTL "." BALLOON_NODE_MIN);
		if (want < min)
			errx(1, "%" PRIu64 " KiB is below " BALLOON_SYSCTL
			    "." BALLOON_NODE_MIN " (%" PRIu64 " KiB)",
			    want, min);
	}
	elsewhere = 0;
	sample(&s);
	start_moved = s.moved;
	start_dist = 0;
	t0 = now();
	idle = 0;
	for (polls = 0;; polls++) {
		if (polls > 0)
			sample(&s);
		t = now();
		if (s.state == BALLOON_STATE_STALLED) {
			if (tty)
				fputc('\n', stdout);
			fflush(stdout);
			errx(1, "balloon stalled at %" PRIu64 " KiB, target %"
			    PRIu64 " KiB: %s", s.current, s.target,
			    stall_reason(&s));
		}
		dist = absdiff(s.current, s.target);
		if (want == 0 || same_pages(s.target, want)) {
			if (dist > start_dist)
				start_dist = dist;
			idle = s.state == BALLOON_STATE_IDLE ? idle + 1 : 0;
			done = idle > 0 &&
			    (dist <= SLACK_KIB || idle >= IDLE_POLLS);
		} else {
			done = idle = 0;
			if (++elsewhere == ELSEWHERE_POLLS) {
				printf("%swaiting for the target to become %"
				    PRIu64 " KiB; it is %" PRIu64 " KiB (the "
				    "driver ignores a memory/target outside "
				    "min..max)\n", tty ? "\n" : "", want,
				    s.target);
				fflush(stdout);
			}
		}
		/*
		 * The driver's own count of what moved since we began: a
		 * move that ended before the first sample has no rate.
		 */
		rate = t > t0 && s.moved > start_moved ?
		    (s.moved - start_moved) / 1024.0 / (t - t0) : -1;
		frac = start_dist == 0 ? 1 :
		    (double)(start_dist - (dist < start_dist ? dist :
		    start_dist)) / start_dist;
		if (done)
			break;
		if (tty)
			bar(stdout, frac, &s, rate);
		else if (polls % PLAIN_EVERY == 0) {
			printf("current %" PRIu64 " KiB, target %" PRIu64
			    " KiB, %s", s.current, s.target,
			    domu_state_name(s.state));
			if (rate >= 0)
				printf(", %.1f MiB/s", rate);
			putchar('\n');
			fflush(stdout);
		}
		usleep(POLL_MS * 1000);
	}
	if (tty) {
		bar(stdout, 1, &s, rate);
		fputc('\n', stdout);
	}
	printf("at target %" PRIu64 " KiB (%" PRIu64 " MiB): current %"
	    PRIu64 " KiB, ", s.target, s.target / 1024, s.current);
	if (rate >= 0)
		printf("%.1f s, %.1f MiB/s\n", t - t0, rate);
	else
		printf("nothing moved while waiting\n");
	if (dist > SLACK_KIB)
		printf("note: the driver is idle %" PRIu64 " KiB %s its "
		    "target (a target beyond the guest's maxmem is "
		    "clipped to it)\n", dist,
		    s.current < s.target ? "below" : "above");
	return 0;
}
