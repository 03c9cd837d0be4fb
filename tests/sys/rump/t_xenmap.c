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
 * Frames the balloon takes back are in the guest's page table at once,
 * as Xen's populate leaves them, though the guest touched none: the
 * host side maps them, a part of a call behind the hypervisor.  And a
 * frame is mapped before it can go back to Xen, however late the
 * mapping runs: no access to a frame not the guest's, ever.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <inttypes.h>
#include <stdio.h>

#include <balloon.h>
#include <xensim.h>

#include "xensim_test.h"

#define GUEST_MIB	256
#define SWING_MIB	128

static domid_t
guest(const char *type, const char *cmdline)
{
	domid_t d;

	xt_start(0);
	d = (domid_t)xt_ctl("create name=g memory=%u maxmem=%u type=%s "
	    "kernel=%s/rumpxen%s%s", GUEST_MIB, GUEST_MIB, type, BINDIR,
	    cmdline != NULL ? " cmdline=" : "", cmdline != NULL ? cmdline : "");
	xt_sysctl_wait(d, BALLOON_SYSCTL "." BALLOON_NODE_TARGET);
	return d;
}

/* dom0's mem-set: memory/target in KiB, then wait for it. */
static void
mem_set(domid_t d, uint64_t base, uint64_t mib)
{
	char kib[32];

	snprintf(kib, sizeof(kib), "%" PRIu64, mib * 1024);
	xt_xs_target(d, kib);
	xt_balloon_settle(d, base - (GUEST_MIB - mib) * 256);
}

static void
mapped(const char *type)
{
	uint64_t base, out, back;
	domid_t d;

	d = guest(type, NULL);
	base = xt_dominfo(d).tot_pages;
	mem_set(d, base, GUEST_MIB - SWING_MIB);
	out = xt_rss_shmem(d);
	mem_set(d, base, GUEST_MIB);
	/* The last part may still be on its way. */
	XT_WAIT_FOR(xt_rss_shmem(d) >= out + SWING_MIB * 1024);
	back = xt_rss_shmem(d);
	ATF_CHECK_MSG(back >= out + SWING_MIB * 1024, "RssShmem %" PRIu64
	    " KiB out, %" PRIu64 " KiB back: %d MiB taken back, not mapped",
	    out, back, SWING_MIB);
	xt_no_foreign(d);
}

XT_TC(mapped_pv, "PV: the 128 MiB a deflation brings back are mapped in "
    "the guest's RAM, untouched by the guest")
ATF_TC_BODY(mapped_pv, tc)
{

	mapped("pv");
}

XT_TC(mapped_pvh, "PVH: the 128 MiB a deflation brings back are mapped in "
    "the guest's RAM, untouched by the guest")
ATF_TC_BODY(mapped_pvh, tc)
{

	mapped("pvh");
}

/*
 * With the mapping 20 ms late on every run, the balloon turns back in
 * the middle of each deflation and gives frames straight back: none is
 * touched by the late mapping once it is Xen's.
 */
static void
late(const char *type)
{
	uint64_t base;
	domid_t d;
	int i;

	d = guest(type, "RUMP_XENMAP_DELAY=20");
	ATF_CHECK(xt_console_has(d, "rumpuser: frames mapped 20 ms late"));
	base = xt_dominfo(d).tot_pages;
	for (i = 0; i < 4; i++) {
		mem_set(d, base, GUEST_MIB - SWING_MIB);
		xt_xs_target(d, "262144");
		xt_xs_target(d, "196608");
		mem_set(d, base, GUEST_MIB - 64);
	}
	mem_set(d, base, GUEST_MIB);
	xt_no_foreign(d);
}

XT_TC(late_pv, "PV: with the mapping of frames 20 ms late, a deflation "
    "turned back at once touches no frame given back")
ATF_TC_BODY(late_pv, tc)
{

	late("pv");
}

XT_TC(late_pvh, "PVH: with the mapping of frames 20 ms late, a deflation "
    "turned back at once touches no frame given back")
ATF_TC_BODY(late_pvh, tc)
{

	late("pvh");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, mapped_pv);
	ATF_TP_ADD_TC(tp, mapped_pvh);
	ATF_TP_ADD_TC(tp, late_pv);
	ATF_TP_ADD_TC(tp, late_pvh);
	return atf_no_error();
}
