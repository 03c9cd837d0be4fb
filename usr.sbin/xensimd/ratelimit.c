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
 * A guest must not be able to fill dom0's disk through our log: a loop
 * of reservation calls past max_pages would otherwise write one line a
 * call.  Xen bounds what a guest can make it print with
 * printk_ratelimit() (xen/drivers/char/console.c): a bucket of
 * printk_ratelimit_burst (10) messages that refills one message every
 * printk_ratelimit_ms (5000 ms); a message finding it empty is counted,
 * and the next one let through is preceded by "printk: N messages
 * suppressed."  The same here, but with a bucket per domain, so that
 * one noisy guest cannot silence another's first message.
 */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <xen/xen.h>

#include "ratelimit.h"

/*
 * One domain's bucket, kept as the tokens spent (in ms, Xen's toks
 * counted down from a full bucket), so that a zeroed one is full.
 */
struct rl_dom {
	uint64_t	rd_spent;	/* ms of tokens used */
	uint64_t	rd_last;	/* ms, when last refilled */
	uint64_t	rd_missed;	/* messages suppressed since */
};

static struct rl_dom	rl_doms[DOMID_FIRST_RESERVED];

static uint64_t	rl_now_ms(void);
static void	rl_say_missed(unsigned int, struct rl_dom *);

static uint64_t
rl_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
rl_say_missed(unsigned int domid, struct rl_dom *rd)
{

	if (rd->rd_missed == 0)
		return;
	fprintf(stderr, "xensimd: %" PRIu64 " messages from d%u suppressed\n",
	    rd->rd_missed, domid);
	fflush(stderr);
	rd->rd_missed = 0;
}

bool
rl_allow(unsigned int domid)
{
	struct rl_dom *rd;
	uint64_t now, elapsed;

	if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
		return true;
	rd = &rl_doms[domid];
	now = rl_now_ms();
	elapsed = now - rd->rd_last;
	rd->rd_spent = elapsed >= rd->rd_spent ? 0 : rd->rd_spent - elapsed;
	rd->rd_last = now;
	if (rd->rd_spent + RL_INTERVAL_MS >
	    (uint64_t)RL_BURST * RL_INTERVAL_MS) {
		rd->rd_missed++;
		return false;
	}
	rd->rd_spent += RL_INTERVAL_MS;
	rl_say_missed(domid, rd);
	return true;
}

void
rl_forget(unsigned int domid)
{
	struct rl_dom *rd;

	if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
		return;
	rd = &rl_doms[domid];
	rl_say_missed(domid, rd);
	memset(rd, 0, sizeof(*rd));
}
