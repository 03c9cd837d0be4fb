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
 * balloonctl's size syntax (usr.sbin/balloonctl/size.c), as typed by
 * whoever runs balloonctl.  The first byte picks the bare unit (MiB as
 * xl, or KiB after -w), the rest is the argument.  Every answer is
 * checked against size.h's contract, worked out here independently:
 * digits with one optional suffix b, k, m, g or t, bytes truncated to
 * KiB, accepted exactly when the result is 1 KiB to SIZE_MAX_KIB.
 */

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "size.h"

#define ARGMAX	64

/* The contract: 1 and *kibp when s is a valid size, else 0. */
static int
expect(const char *s, unsigned int bareshift, uint64_t *kibp)
{
	unsigned __int128 n = 0, kib, cap = (unsigned __int128)1 << 100;
	const char *p;
	unsigned int shift = bareshift;
	int bytes = 0;

	for (p = s; *p >= '0' && *p <= '9'; p++)
		if ((n = n * 10 + (unsigned int)(*p - '0')) > cap)
			n = cap;
	if (p == s)
		return 0;
	if (*p != '\0') {
		if (p[1] != '\0')
			return 0;
		switch (*p) {
		case 'b': case 'B': bytes = 1; break;
		case 'k': case 'K': shift = 0; break;
		case 'm': case 'M': shift = 10; break;
		case 'g': case 'G': shift = 20; break;
		case 't': case 'T': shift = 30; break;
		default: return 0;
		}
	}
	kib = bytes ? n >> 10 : n << shift;
	if (kib == 0 || kib > SIZE_MAX_KIB)
		return 0;
	*kibp = (uint64_t)kib;
	return 1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char arg[ARGMAX + 1];
	const char *why = NULL;
	unsigned int bare;
	uint64_t kib = 0, want = 0;
	int rc, ok;

	if (size < 1 || size > ARGMAX + 1)
		return -1;
	bare = (data[0] & 1) ? SIZE_BARE_KIB : SIZE_BARE_MIB;
	memcpy(arg, data + 1, size - 1);
	arg[size - 1] = '\0';

	rc = size_parse_unit(arg, bare, &kib, &why);
	ok = expect(arg, bare, &want);
	FUZZ_CHECK(rc == 0 || rc == -1, "\"%s\": returned %d", arg, rc);
	if (ok)
		FUZZ_CHECK(rc == 0 && kib == want, "\"%s\" (bare shift %u): "
		    "want %ju KiB, got rc %d, %ju KiB (%s)", arg, bare,
		    (uintmax_t)want, rc, (uintmax_t)kib, rc ? why : "-");
	else
		FUZZ_CHECK(rc == -1 && why != NULL && *why != '\0',
		    "\"%s\" (bare shift %u): accepted as %ju KiB", arg, bare,
		    (uintmax_t)kib);
	/* size_parse is the MiB flavour. */
	if (bare == SIZE_BARE_MIB) {
		want = kib;
		FUZZ_CHECK(size_parse(arg, &kib, &why) == rc && kib == want,
		    "\"%s\": size_parse differs", arg);
	}
	return 0;
}
