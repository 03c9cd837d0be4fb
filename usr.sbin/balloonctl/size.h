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

#ifndef _BALLOONCTL_SIZE_H_
#define _BALLOONCTL_SIZE_H_

#include <stdint.h>

/*
 * Memory sizes as xl(1) takes them: a decimal number with an optional
 * suffix b, k, m, g or t (either case); a bare number is MiB (or, with
 * size_parse_unit, the unit the caller names: KiB for sysctl -w).  Bytes are
 * truncated to KiB, as xl does.  The result is in KiB, never zero and at
 * most SIZE_MAX_KIB, so that adding xl's 1 MiB slack cannot overflow.
 */
#define SIZE_MAX_KIB	(UINT64_C(1) << 50)	/* 1 EiB */

/* A bare number's unit, as a shift from KiB. */
#define SIZE_BARE_KIB	0	/* sysctl -w: the node's own unit */
#define SIZE_BARE_MIB	10	/* xl(1) */

/* 0 and *kibp set, or -1 and *whyp set to a short reason. */
int	size_parse(const char *, uint64_t *kibp, const char **whyp);
int	size_parse_unit(const char *, unsigned int bareshift, uint64_t *kibp,
	    const char **whyp);
/* The size in KiB, or balloonctl exits with the reason. */
uint64_t getsize(const char *, unsigned int bareshift);

#endif /* !_BALLOONCTL_SIZE_H_ */
