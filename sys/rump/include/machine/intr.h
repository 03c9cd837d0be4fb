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

#ifndef _X86_INTR_H_
#define _X86_INTR_H_

/*
 * Interrupt priority levels and spl(9), as NetBSD's x86 <machine/intr.h>
 * and <x86/intr.h>.  The bench keeps the level per lwp, not per CPU
 * (several host threads may share a virtual CPU); a level above
 * IPL_NONE keeps the lwp on its CPU, as the x86 cpu_kpreempt_disabled().
 */

#define IPL_NONE	0x0	/* nothing blocked */
#define IPL_PREEMPT	0x1	/* fake, used by kpreempt */
#define IPL_SOFTCLOCK	0x2
#define IPL_SOFTBIO	0x3
#define IPL_SOFTNET	0x4
#define IPL_SOFTSERIAL	0x5
#define IPL_VM		0x6	/* memory allocation */
#define IPL_SCHED	0x7	/* clock */
#define IPL_HIGH	0x8	/* everything */

#ifdef _KERNEL
int	splraise(int);
void	spllower(int);

#define splvm()		splraise(IPL_VM)
#define splsched()	splraise(IPL_SCHED)
#define splhigh()	splraise(IPL_HIGH)
#define splx(s)		spllower(s)
#endif

#endif /* _X86_INTR_H_ */
