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
 * kthread(9) over the host's threads.  A thread starts on the next CPU
 * in turn, or, given a cpu_info, is bound to it for life, as in
 * NetBSD-current's kern_kthread.c.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/cpu.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/lwp.h>
#include <sys/systm.h>

#include <stdarg.h>

#include <rump.h>
#include <rumpuser.h>

#include "rump_private.h"

static void *
kthread_trampoline(void *arg)
{
	struct lwp *l = arg;

	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	(*l->l_func)(l->l_arg);
	kthread_exit(0);
}

int
kthread_create(int pri, int flags, struct cpu_info *ci,
    void (*func)(void *), void *arg, struct lwp **lp, const char *fmt, ...)
{
	struct lwp *l;
	va_list ap;
	int error, join;

	join = (flags & KTHREAD_MUSTJOIN) != 0;
	KASSERT(!join || lp != NULL);
	l = kmem_zalloc(sizeof(*l), KM_SLEEP);
	l->l_func = func;
	l->l_arg = arg;
	if (ci != NULL) {
		l->l_cpu = ci;
		l->l_pflag |= LP_BOUND;
	} else
		l->l_cpu = rump_lwp_cpu();
	va_start(ap, fmt);
	vsnprintf(l->l_name, sizeof(l->l_name), fmt, ap);
	va_end(ap);
	if (rump_fault("kthread", l->l_name)) {
		kmem_free(l, sizeof(*l));
		return EAGAIN;
	}

	error = rumpuser_thread_create(kthread_trampoline, l, l->l_name,
	    join, &l->l_hyp);
	if (error != 0) {
		kmem_free(l, sizeof(*l));
		return error;
	}
	if (lp != NULL)
		*lp = l;
	/* A detached thread's record is never freed: threads are few. */
	return 0;
}

void
kthread_exit(int ecode)
{

	KASSERT(!kpreempt_disabled());
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, curlwp);
	rumpuser_thread_exit();
}

int
kthread_join(struct lwp *l)
{
	int error;

	error = rumpuser_thread_join(l->l_hyp);
	kmem_free(l, sizeof(*l));
	return error;
}
