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
 * The fuzz host (fuzz_host.c): the real rump kernel and driver over a
 * host with no xensimd, driven by a fuzz target.
 */

#ifndef _FUZZ_FUZZ_HOST_H_
#define _FUZZ_FUZZ_HOST_H_

#include <stddef.h>

#define FUZZ_PAGES	4096		/* guest RAM: 16 MiB */
#define FUZZ_MAX_PAGES	(FUZZ_PAGES + 256)	/* as libxl: 1 MiB more */
#define FUZZ_XS_VALMAX	4096		/* XENSTORE_PAYLOAD_MAX */
#define FUZZ_TARGET	"/local/domain/1/memory/target"

/* Boot the kernel in a thread of its own; returns when it is up. */
void	fuzz_kernel_boot(void);
/* What a read of memory/target answers from now on (any bytes). */
void	fuzz_set_target(const void *, size_t);
/* Fire the kernel's watch on an absolute path, as xenstored would. */
void	fuzz_fire(const char *);
/* sysctlbyname(3) in the kernel, as the sysctl server calls it. */
int	fuzz_sysctl(const char *, void *, size_t *, const void *, size_t);

#endif /* _FUZZ_FUZZ_HOST_H_ */
