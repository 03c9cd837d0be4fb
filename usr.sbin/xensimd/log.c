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
 * xensimd's log (log.h), a leaf: it calls nothing of xensimd's but the
 * rate limit.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "log.h"
#include "ratelimit.h"

#define HV_PREFIX	"(XEN) "
#define XS_PREFIX	"xensimd: xenstored: "

static void	vlog(const char *, const char *, va_list)
		    __attribute__((__format__(__printf__, 2, 0)));

static void
vlog(const char *prefix, const char *fmt, va_list ap)
{

	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void
hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(HV_PREFIX, fmt, ap);
	va_end(ap);
}

void
hv_glog(unsigned int id, const char *fmt, ...)
{
	va_list ap;

	if (!rl_allow(id))
		return;
	va_start(ap, fmt);
	vlog(HV_PREFIX, fmt, ap);
	va_end(ap);
}

void
xs_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(XS_PREFIX, fmt, ap);
	va_end(ap);
}

void
xs_glog(unsigned int domid, const char *fmt, ...)
{
	va_list ap;

	if (!rl_allow(domid))
		return;
	va_start(ap, fmt);
	vlog(XS_PREFIX, fmt, ap);
	va_end(ap);
}
