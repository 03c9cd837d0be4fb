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

#ifndef _SYS_LWP_H_
#define _SYS_LWP_H_

/*
 * The part of NetBSD's struct lwp the bench's kernel uses.  Every thread
 * in the kernel has one: kthread_create(9) makes it, and a host thread
 * that enters the kernel on its own (the sysctl server's, the xenstore
 * watch thread, the main thread) gets one the first time it asks for
 * curlwp, as NetBSD's rump kernels give one to an implicit thread.
 */

#include <sys/param.h>

struct cpu_info;

struct lwp {
	struct cpu_info	*l_cpu;		/* the CPU it runs on */
	int		l_pflag;	/* LP_* */
	int		l_nopreempt;	/* kpreempt_disable() depth */
	int		l_ipl;		/* spl(9) level */
	void		(*l_func)(void *);
	void		*l_arg;
	void		*l_hyp;		/* the host's thread, to join */
	char		l_name[MAXCOMLEN];
};

#define LP_BOUND	0x00000020	/* bound to its CPU */
#define LP_IMPLICIT	0x80000000	/* a host thread's (the bench's own) */

#ifdef _KERNEL
struct lwp	*rump_curlwp(void);

#define curlwp		rump_curlwp()
#endif

#endif /* _SYS_LWP_H_ */
