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
 * xenmemtime NAME DOMID MIB: time a domain's balloon, seen from dom0 on
 * a real Xen.  Starts "xl mem-set NAME MIB" and polls the hypervisor's
 * tot_pages through libxenctrl every 10 ms (xl list costs 0.1 s a call)
 * until it is within 64 pages of MIB (a PVH guest settles 16 or 17
 * pages above), or stalled: not moved for 5 s since it last moved, or
 * for 30 s from the start (a driver may zero a whole batch of pages
 * before its first hypercall), or 120 s passed.
 * Prints where tot_pages went, "XENTRACE ms pages" at most every 50 ms
 * while it moves, then one line
 *	XENTIME reached|stalled|timeout ms pages
 * (ms: when it reached the target, or its last move).  Exit status 0
 * when the target was reached, 1 otherwise, 2 on a usage error.
 */

#include <sys/wait.h>

#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#define POLL_NS		10000000LL	/* 10 ms */
#define TRACE_MS	50
#define STALL_MS	5000
#define FIRST_MS	30000
#define LIMIT_MS	120000
#define NEAR_PAGES	64

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
tot_pages(xc_interface *xch, uint32_t domid)
{
	xc_domaininfo_t di;

	if (xc_domain_getinfolist(xch, domid, 1, &di) != 1 ||
	    di.domain != domid)
		return -1;
	return (int64_t)di.tot_pages;
}

int
main(int argc, char **argv)
{
	struct timespec tick = { 0, POLL_NS };
	xc_interface *xch;
	int64_t t0, t, moved, traced, pages, last, want;
	const char *verdict;
	uint32_t domid;
	char *end;
	pid_t pid;
	int status;

	if (argc != 4)
		errx(2, "usage: xenmemtime NAME DOMID MIB");
	domid = (uint32_t)strtoul(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0')
		errx(2, "%s: not a domain id", argv[2]);
	want = strtoll(argv[3], &end, 10) * 256;
	if (*argv[3] == '\0' || *end != '\0' || want <= 0)
		errx(2, "%s: not a size in MiB", argv[3]);
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		err(1, "xc_interface_open");
	if ((last = tot_pages(xch, domid)) < 0)
		errx(1, "domain %u: no such domain", domid);

	t0 = now_ms();
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		execlp("xl", "xl", "mem-set", argv[1], argv[3], (char *)NULL);
		err(127, "xl");
	}
	printf("XENTRACE 0 %" PRId64 "\n", last);
	moved = traced = 0;
	verdict = "timeout";
	for (;;) {
		nanosleep(&tick, NULL);
		t = now_ms() - t0;
		if ((pages = tot_pages(xch, domid)) < 0)
			errx(1, "domain %u: gone", domid);
		if (pages != last) {
			moved = t;
			last = pages;
			if (t - traced >= TRACE_MS) {
				printf("XENTRACE %" PRId64 " %" PRId64 "\n",
				    t, pages);
				traced = t;
			}
		}
		if (llabs(pages - want) <= NEAR_PAGES) {
			verdict = "reached";
			moved = t;
			break;
		}
		if (moved > 0 ? t - moved >= STALL_MS : t >= FIRST_MS) {
			verdict = "stalled";
			break;
		}
		if (t >= LIMIT_MS)
			break;
	}
	printf("XENTRACE %" PRId64 " %" PRId64 "\n", moved, last);
	printf("XENTIME %s %" PRId64 " %" PRId64 "\n", verdict, moved, last);
	waitpid(pid, &status, 0);
	xc_interface_close(xch);
	return verdict[0] == 'r' ? 0 : 1;
}
