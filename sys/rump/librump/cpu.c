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
 * The bench's virtual CPUs, curlwp, and preemption, for what a driver
 * may rely on in NetBSD-current (kern_cpu.c, kern_lwp.c, kern_synch.c,
 * x86's spl and cpu_kpreempt_disabled()):
 *
 * - there are ncpu >= 2 CPUs, and a thread runs on one of them;
 * - a thread not bound to its CPU (kthread_create(9) with a NULL
 *   cpu_info, or a host thread in the kernel) moves to the next CPU at
 *   every preemption point: mutex_exit(9), the return of cv_wait(9)
 *   and cv_timedwait(9), kpreempt_enable(9) back to zero, splx(9) back
 *   to IPL_NONE, kpause(9) and yield(9).  NetBSD may move it at any of
 *   them (and between any two instructions); the bench always does, so
 *   code that queues per-CPU work without kpreempt_disable() or spl
 *   finds it on another CPU at once;
 * - kpreempt_disable(9) or an spl above IPL_NONE keep the thread where
 *   it is until both are undone.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/cpu.h>
#include <sys/errno.h>
#include <sys/intr.h>
#include <sys/kernel.h>
#include <sys/lwp.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/systm.h>

#include <rumpuser.h>

#include "rump_private.h"

static struct cpu_info rump_cpus[MAXCPUS] = {
	{ .ci_self = &rump_cpus[0], .ci_index = 0, .ci_cpuid = 0 },
	{ .ci_self = &rump_cpus[1], .ci_index = 1, .ci_cpuid = 1 },
};
static struct cpu_info *rump_cpu_infos[MAXCPUS] = {
	&rump_cpus[0], &rump_cpus[1],
};

int ncpu = MAXCPUS;
u_int maxcpus = MAXCPUS;
struct cpu_info **cpu_infos = rump_cpu_infos;

static u_int rump_nextcpu;	/* where the next new lwp starts; atomic */
static uint64_t rump_nmigrate;	/* moves so far; atomic */

static kmutex_t kpause_lock;
static kcondvar_t kpause_cv;	/* never signalled: kpause(9) only times out */

void
rump_cpu_init(void)
{

	mutex_init(&kpause_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&kpause_cv, "kpause");
}

struct cpu_info *
cpu_lookup(u_int idx)
{

	KASSERT(idx < maxcpus);
	return cpu_infos[idx];
}

/* A new lwp's CPU: each one the next, as the scheduler spreads them. */
struct cpu_info *
rump_lwp_cpu(void)
{
	u_int i;

	i = __atomic_fetch_add(&rump_nextcpu, 1, __ATOMIC_RELAXED);
	return cpu_infos[i % (u_int)ncpu];
}

/*
 * curlwp: a host thread that enters the kernel on its own gets an lwp
 * the first time, from the host's heap (kmem(9) may need curlwp).
 */
struct lwp *
rump_curlwp(void)
{
	struct lwp *l;
	void *p;

	if (__predict_true((l = rumpuser_curlwp()) != NULL))
		return l;
	if (rumpuser_malloc(sizeof(*l), 0, &p) != 0)
		panic("curlwp: no memory for an implicit lwp");
	l = p;
	memset(l, 0, sizeof(*l));
	l->l_cpu = rump_lwp_cpu();
	l->l_pflag = LP_IMPLICIT;
	snprintf(l->l_name, sizeof(l->l_name), "implicit");
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	return l;
}

/* The host thread of an implicit lwp ended. */
void
rump_lwpexit(struct lwp *l)
{

	KASSERT(l->l_pflag & LP_IMPLICIT);
	rumpuser_free(l, sizeof(*l));
}

/* A preemption point: an unbound thread that may move does. */
void
rump_preempt_point(void)
{
	struct lwp *l = curlwp;

	if (l->l_nopreempt != 0 || l->l_ipl != IPL_NONE)
		return;
	/* A cooperative host (pvhxen) may switch threads here. */
	rumpuser_preempt();
	if ((l->l_pflag & LP_BOUND) != 0)
		return;
	l->l_cpu = cpu_infos[(cpu_index(l->l_cpu) + 1) % (u_int)ncpu];
	__atomic_add_fetch(&rump_nmigrate, 1, __ATOMIC_RELAXED);
}

uint64_t
rump_cpu_nmigrate(void)
{

	return __atomic_load_n(&rump_nmigrate, __ATOMIC_RELAXED);
}

/* kpreempt_disable(9), as kern_cpu.c: per lwp, nested. */
void
kpreempt_disable(void)
{

	curlwp->l_nopreempt++;
}

void
kpreempt_enable(void)
{
	struct lwp *l = curlwp;

	KASSERT(l->l_nopreempt > 0);
	if (--l->l_nopreempt == 0)
		rump_preempt_point();
}

/* As x86's: kpreempt_disable() or an IPL above IPL_NONE. */
bool
kpreempt_disabled(void)
{
	struct lwp *l = curlwp;

	return l->l_nopreempt != 0 || l->l_ipl > IPL_NONE;
}

/* spl(9): splraise() never lowers; splx() restores what it returned. */
int
splraise(int ipl)
{
	struct lwp *l = curlwp;
	int s = l->l_ipl;

	if (ipl > s)
		l->l_ipl = ipl;
	return s;
}

void
spllower(int s)
{
	struct lwp *l = curlwp;

	KASSERT(s <= l->l_ipl);
	l->l_ipl = s;
	if (s == IPL_NONE)
		rump_preempt_point();
}

/*
 * kpause(9): sleep for timo ticks (at least one), releasing mtx if
 * given; the bench has no signals, so intr changes nothing.
 */
int
kpause(const char *wmesg, bool intr, int timo, kmutex_t *mtx)
{

	KASSERT(timo > 0);
	if (mtx != NULL)
		mutex_exit(mtx);
	mutex_enter(&kpause_lock);
	(void)cv_timedwait(&kpause_cv, &kpause_lock, timo);
	mutex_exit(&kpause_lock);
	if (mtx != NULL)
		mutex_enter(mtx);
	return EWOULDBLOCK;
}

/* yield(9): the bench runs every thread at once; only a preemption point. */
void
yield(void)
{

	rump_preempt_point();
}
