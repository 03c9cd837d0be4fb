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
 * The size syntax shared by every balloonctl command, kept in a file of
 * its own so that a test program can exercise it directly.
 */

#include <ctype.h>
#include <err.h>
#include <stddef.h>
#include <stdint.h>

#include "size.h"

int
size_parse(const char *s, uint64_t *kibp, const char **whyp)
{

	return size_parse_unit(s, SIZE_BARE_MIB, kibp, whyp);
}

int
size_parse_unit(const char *s, unsigned int bareshift, uint64_t *kibp,
    const char **whyp)
{
	const char *p;
	uint64_t n, kib;
	unsigned int shift, d;
	int bytes;

	if (*s == '\0') {
		*whyp = "empty";
		return -1;
	}
	if (*s == '-') {
		*whyp = "negative";
		return -1;
	}
	if (!isdigit((unsigned char)*s)) {
		*whyp = "not a number";
		return -1;
	}

	/* Only overflow stops the digits; the unit decides what is too large. */
	n = 0;
	for (p = s; isdigit((unsigned char)*p); p++) {
		d = (unsigned int)(*p - '0');
		if (n > (UINT64_MAX - d) / 10) {
			*whyp = "too large";
			return -1;
		}
		n = n * 10 + d;
	}

	bytes = 0;
	shift = bareshift;
	if (*p != '\0') {
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			*whyp = "not a whole number";
			return -1;
		}
		if (p[1] != '\0') {
			*whyp = "unknown suffix";
			return -1;
		}
		switch (tolower((unsigned char)*p)) {
		case 'b':
			bytes = 1;
			shift = 0;
			break;
		case 'k':
			shift = 0;
			break;
		case 'm':
			shift = 10;
			break;
		case 'g':
			shift = 20;
			break;
		case 't':
			shift = 30;
			break;
		default:
			*whyp = "unknown suffix";
			return -1;
		}
	}

	if (bytes)
		kib = n >> 10;
	else {
		if (n > (SIZE_MAX_KIB >> shift)) {
			*whyp = "too large";
			return -1;
		}
		kib = n << shift;
	}
	if (kib > SIZE_MAX_KIB) {
		*whyp = "too large";
		return -1;
	}
	if (kib == 0) {
		*whyp = n == 0 ? "zero" : "less than 1 KiB";
		return -1;
	}
	*kibp = kib;
	return 0;
}

uint64_t
getsize(const char *s, unsigned int bareshift)
{
	const char *why;
	uint64_t kib;

	if (size_parse_unit(s, bareshift, &kib, &why) == -1)
		errx(1, "invalid memory size: %s: %s", s, why);
	return kib;
}
