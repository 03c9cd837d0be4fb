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
 * balloonctl's size syntax (usr.sbin/balloonctl/size.c), compiled in
 * here so that every good and bad input is checked directly.
 */

#include <atf-c.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../../usr.sbin/balloonctl/size.c"

#define KIB(x)	((uint64_t)(x))
#define MIB(x)	((uint64_t)(x) << 10)
#define GIB(x)	((uint64_t)(x) << 20)
#define TIB(x)	((uint64_t)(x) << 30)

static const struct {
	const char	*in;
	uint64_t	 kib;
} good[] = {
	{ "1",			MIB(1) },
	{ "256",		MIB(256) },
	{ "512",		MIB(512) },
	{ "0512",		MIB(512) },
	{ "256m",		MIB(256) },
	{ "256M",		MIB(256) },
	{ "262144k",		KIB(262144) },
	{ "262144K",		KIB(262144) },
	{ "1k",			KIB(1) },
	{ "1g",			GIB(1) },
	{ "2G",			GIB(2) },
	{ "1t",			TIB(1) },
	{ "3T",			TIB(3) },
	{ "268435456b",		KIB(262144) },
	{ "268435456B",		KIB(262144) },
	{ "1024b",		KIB(1) },
	{ "2047b",		KIB(1) },	/* truncated, as xl does */
	{ "1048576t",		UINT64_C(1) << 50 },	/* the largest */
	{ "1073741824g",	UINT64_C(1) << 50 },
	{ "1125899906842624k",	UINT64_C(1) << 50 },
	/* 1 EiB of bytes, and the most bytes that truncate to it */
	{ "1152921504606846976b", UINT64_C(1) << 50 },
	{ "1152921504606847999b", UINT64_C(1) << 50 },
};

static const struct {
	const char	*in;
	const char	*why;
} bad[] = {
	{ "",			"empty" },
	{ "-1",			"negative" },
	{ "-256m",		"negative" },
	{ "-0",			"negative" },
	{ "+256",		"not a number" },
	{ " 256",		"not a number" },
	{ "m",			"not a number" },
	{ "abc",		"not a number" },
	{ "0x100",		"unknown suffix" },
	{ "256q",		"unknown suffix" },
	{ "256mb",		"unknown suffix" },
	{ "256MiB",		"unknown suffix" },
	{ "256 ",		"unknown suffix" },
	{ "256m ",		"unknown suffix" },
	{ "1e3",		"unknown suffix" },
	{ "1.5",		"not a whole number" },
	{ "1.5g",		"not a whole number" },
	{ "0",			"zero" },
	{ "0k",			"zero" },
	{ "000",		"zero" },
	{ "0b",			"zero" },
	{ "1023b",		"less than 1 KiB" },
	{ "1b",			"less than 1 KiB" },
	{ "1048577t",		"too large" },
	{ "1073741825g",	"too large" },
	{ "1125899906842625k",	"too large" },
	{ "18446744073709551615", "too large" },
	{ "18446744073709551616", "too large" },
	{ "99999999999999999999999999999999", "too large" },
	{ "9223372036854775807k", "too large" },
	{ "1152921504606848000b", "too large" },
	{ "18446744073709551615b", "too large" },
	{ "18446744073709551616b", "too large" },
};

ATF_TC(good_sizes);
ATF_TC_HEAD(good_sizes, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Every accepted size gives the exact KiB value");
}
ATF_TC_BODY(good_sizes, tc)
{
	const char *why;
	uint64_t kib;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why = NULL;
		kib = 0;
		ATF_CHECK_MSG(size_parse(good[i].in, &kib, &why) == 0,
		    "\"%s\" refused: %s", good[i].in, why ? why : "?");
		ATF_CHECK_MSG(kib == good[i].kib,
		    "\"%s\" = %" PRIu64 " KiB, expected %" PRIu64,
		    good[i].in, kib, good[i].kib);
	}
}

ATF_TC(bad_sizes);
ATF_TC_HEAD(bad_sizes, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Every refused size gives its reason and leaves the result alone");
}
ATF_TC_BODY(bad_sizes, tc)
{
	const char *why;
	uint64_t kib;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		kib = 12345;
		ATF_CHECK_MSG(size_parse(bad[i].in, &kib, &why) == -1,
		    "\"%s\" accepted as %" PRIu64 " KiB", bad[i].in, kib);
		ATF_CHECK_MSG(why != NULL && strcmp(why, bad[i].why) == 0,
		    "\"%s\": reason \"%s\", expected \"%s\"", bad[i].in,
		    why ? why : "(none)", bad[i].why);
		ATF_CHECK_MSG(kib == 12345, "\"%s\" changed the result",
		    bad[i].in);
	}
}

ATF_TC(suffix_case);
ATF_TC_HEAD(suffix_case, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Each suffix means the same in either case, and a bare number "
	    "is MiB");
}
ATF_TC_BODY(suffix_case, tc)
{
	const char *sfx = "bkmgt", *why;
	uint64_t lo, up, bare, m;
	char buf[32];
	size_t i;

	for (i = 0; sfx[i] != '\0'; i++) {
		snprintf(buf, sizeof(buf), "4096%c", sfx[i]);
		ATF_REQUIRE(size_parse(buf, &lo, &why) == 0);
		snprintf(buf, sizeof(buf), "4096%c", sfx[i] - 'a' + 'A');
		ATF_REQUIRE(size_parse(buf, &up, &why) == 0);
		ATF_CHECK_EQ(lo, up);
	}
	ATF_REQUIRE(size_parse("4096", &bare, &why) == 0);
	ATF_REQUIRE(size_parse("4096m", &m, &why) == 0);
	ATF_CHECK_EQ(bare, m);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, good_sizes);
	ATF_TP_ADD_TC(tp, bad_sizes);
	ATF_TP_ADD_TC(tp, suffix_case);
	return atf_no_error();
}
