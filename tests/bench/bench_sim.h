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
 * What balloon_bench and balloond_bench share: the clock, xensimd
 * started in OUTDIR/xensim, and a guest's sysctl tree and event
 * counters through librumpsysctl.
 */

#ifndef _BENCH_SIM_H_
#define _BENCH_SIM_H_

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>

#include <xensim.h>

extern char	simdir[PATH_MAX];	/* OUTDIR/xensim */

double	now(void);
void	nap(long);
pid_t	xensimd_start(const char *, const char *, uintmax_t);
void	use_guest(domid_t);
int64_t	guest_quad(domid_t, const char *);
int	guest_int(domid_t, const char *);
int64_t	guest_evcnt(domid_t, const char *);
void	guest_set(domid_t, const char *, const void *, size_t);

#endif /* _BENCH_SIM_H_ */
