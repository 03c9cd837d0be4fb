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
 * The queue of frames a guest's host side maps behind the hypervisor
 * (lib/librumpuser/rumpuser_xenmap.c), on its own: a machine frame still
 * queued is seen when a placement would move it, until it is mapped;
 * and what was posted ends up in the mapping.  The mapping thread is
 * made a second late on each run, so the queue holds still while it is
 * looked at.
 */

#include <sys/mman.h>

#include <atf-c.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../../lib/librumpuser/rumpuser_xenmap.c"

#define PAGES	64

/* Is the page at p in this process's page table?  /proc/self/pagemap. */
static bool
present(const void *p)
{
	uint64_t e = 0;
	int fd;

	ATF_REQUIRE((fd = open("/proc/self/pagemap", O_RDONLY)) != -1);
	ATF_REQUIRE_EQ(pread(fd, &e, sizeof(e),
	    (off_t)((uintptr_t)p / XM_PAGE_SIZE * sizeof(e))), sizeof(e));
	close(fd);
	return (e >> 63) != 0;
}

ATF_TC(moves);
ATF_TC_HEAD(moves, tc)
{

	atf_tc_set_md_var(tc, "descr", "a queued machine frame is a move "
	    "until the queue is mapped; frames not queued never are; what "
	    "was posted is mapped after xen_map_wait");
}
ATF_TC_BODY(moves, tc)
{
	char *ram;
	int fd;

	ATF_REQUIRE((fd = memfd_create("ram", 0)) != -1);
	ATF_REQUIRE_EQ(ftruncate(fd, PAGES * XM_PAGE_SIZE), 0);
	ATF_REQUIRE_EQ(fallocate(fd, 0, 0, PAGES * XM_PAGE_SIZE), 0);
	ram = mmap(NULL, PAGES * XM_PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	ATF_REQUIRE(ram != MAP_FAILED);
	ATF_REQUIRE_EQ(setenv("RUMP_XENMAP_DELAY", "1000", 1), 0);
	xen_map_init(ram, PAGES);
	ATF_REQUIRE(xm_thread);

	/* Machine frames 100..115 at pfns 0..15, then 116..119 at 16.. */
	xen_map_post(0, 100, 16);
	xen_map_post(16, 116, 4);
	/* Frames of an auto-translated guest: no machine frame to move. */
	xen_map_post(32, XM_NO_MFN, 8);
	xen_map_lag();
	ATF_CHECK(xen_map_moves(100, 1));
	ATF_CHECK(xen_map_moves(119, 1));
	ATF_CHECK(xen_map_moves(90, 11));
	ATF_CHECK(xen_map_moves(110, 100));
	ATF_CHECK(!xen_map_moves(90, 10));
	ATF_CHECK(!xen_map_moves(120, 8));
	ATF_CHECK(!xen_map_moves(XM_NO_MFN - 1, 1));
	ATF_CHECK(!present(ram));
	/* Out of the RAM: not queued. */
	xen_map_post(PAGES - 1, 500, 2);
	ATF_CHECK(!xen_map_moves(500, 2));

	xen_map_wait();
	ATF_CHECK(!xen_map_moves(100, 20));
	ATF_CHECK(present(ram));
	ATF_CHECK(present(ram + 19 * XM_PAGE_SIZE));
	ATF_CHECK(!present(ram + 20 * XM_PAGE_SIZE));
	ATF_CHECK(present(ram + 39 * XM_PAGE_SIZE));
	ATF_CHECK(!present(ram + 40 * XM_PAGE_SIZE));
	ATF_CHECK(!present(ram + (PAGES - 1) * XM_PAGE_SIZE));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, moves);
	return atf_no_error();
}
