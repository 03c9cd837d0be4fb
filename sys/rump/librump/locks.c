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
 * mutex(9) and condvar(9) over the host's locks.  mutex_exit() and the
 * return from a wait are preemption points (cpu.c).
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/systm.h>

#include <rumpuser.h>

#include "rump_private.h"

#define MTX(m)	((struct rumpuser_mtx *)(m)->mtx_hyp)
#define CV(c)	((struct rumpuser_cv *)(c)->cv_hyp)

/*
 * The owner is read without the lock by mutex_owned() in other threads
 * (who only compare it with themselves): keep its accesses atomic.
 */
#define OWNER_SET(m, v)							\
	__atomic_store_n(&(m)->mtx_owner, (v), __ATOMIC_RELAXED)

void
mutex_init(kmutex_t *mtx, kmutex_type_t type, int ipl)
{
	struct rumpuser_mtx *hmtx;

	rumpuser_mutex_init(&hmtx);
	mtx->mtx_hyp = hmtx;
	OWNER_SET(mtx, 0);
}

void
mutex_destroy(kmutex_t *mtx)
{

	KASSERT(!mutex_owned(mtx));
	rumpuser_mutex_destroy(MTX(mtx));
	mtx->mtx_hyp = NULL;
}

void
mutex_enter(kmutex_t *mtx)
{

	KASSERT(!mutex_owned(mtx));
	rumpuser_mutex_enter(MTX(mtx));
	OWNER_SET(mtx, rumpuser_thread_self());
}

int
mutex_tryenter(kmutex_t *mtx)
{

	if (!rumpuser_mutex_tryenter(MTX(mtx)))
		return 0;
	OWNER_SET(mtx, rumpuser_thread_self());
	return 1;
}

void
mutex_exit(kmutex_t *mtx)
{

	KASSERT(mutex_owned(mtx));
	OWNER_SET(mtx, 0);
	rumpuser_mutex_exit(MTX(mtx));
	rump_preempt_point();
}

int
mutex_owned(const kmutex_t *mtx)
{

	return __atomic_load_n(&mtx->mtx_owner, __ATOMIC_RELAXED) ==
	    rumpuser_thread_self();
}

void
cv_init(kcondvar_t *cv, const char *wmesg)
{
	struct rumpuser_cv *hcv;

	rumpuser_cv_init(&hcv);
	cv->cv_hyp = hcv;
	cv->cv_wmesg = wmesg;
}

void
cv_destroy(kcondvar_t *cv)
{

	rumpuser_cv_destroy(CV(cv));
	cv->cv_hyp = NULL;
}

void
cv_wait(kcondvar_t *cv, kmutex_t *mtx)
{

	KASSERT(mutex_owned(mtx));
	OWNER_SET(mtx, 0);
	rumpuser_cv_wait(CV(cv), MTX(mtx));
	OWNER_SET(mtx, rumpuser_thread_self());
	rump_preempt_point();
}

/* Wait at most ticks (0: forever); EWOULDBLOCK when the time ran out. */
int
cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, int ticks)
{
	int64_t ns;
	int error;

	if (ticks <= 0) {
		cv_wait(cv, mtx);
		return 0;
	}
	KASSERT(mutex_owned(mtx));
	ns = (int64_t)ticks * (1000000000 / hz);
	OWNER_SET(mtx, 0);
	error = rumpuser_cv_timedwait(CV(cv), MTX(mtx), ns / 1000000000,
	    ns % 1000000000);
	OWNER_SET(mtx, rumpuser_thread_self());
	rump_preempt_point();
	return error != 0 ? EWOULDBLOCK : 0;
}

void
cv_signal(kcondvar_t *cv)
{

	rumpuser_cv_signal(CV(cv));
}

void
cv_broadcast(kcondvar_t *cv)
{

	rumpuser_cv_broadcast(CV(cv));
}
