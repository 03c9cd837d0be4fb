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
 * Mutexes, condition variables, and each host thread's own: its lwp,
 * its exit, its identity, for the rump kernel, over pthreads.
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rumpuser.h>

#include "rumpuser_int.h"

struct rumpuser_mtx {
	pthread_mutex_t	pthmtx;
};

struct rumpuser_cv {
	pthread_cond_t	pthcv;
};

/*
 * The calling thread's lwp: a thread variable to read it fast, and a
 * key whose destructor hands an implicit lwp back to the kernel when
 * its host thread ends (a kernel thread clears its own first).
 */
static __thread struct lwp *curlwp_tls;
static pthread_key_t curlwp_key;
static pthread_once_t curlwp_once = PTHREAD_ONCE_INIT;

static void
curlwp_dtor(void *l)
{

	curlwp_tls = NULL;
	(*rumpuser_hyp->hyp_lwpexit)(l);
}

static void
curlwp_keyinit(void)
{

	if (pthread_key_create(&curlwp_key, curlwp_dtor) != 0)
		abort();
}

void
rumpuser_curlwpop(int op, struct lwp *l)
{

	pthread_once(&curlwp_once, curlwp_keyinit);
	switch (op) {
	case RUMPUSER_LWP_SET:
		curlwp_tls = l;
		pthread_setspecific(curlwp_key, l);
		break;
	case RUMPUSER_LWP_CLEAR:
		curlwp_tls = NULL;
		pthread_setspecific(curlwp_key, NULL);
		break;
	default:
		break;
	}
}

struct lwp *
rumpuser_curlwp(void)
{

	return curlwp_tls;
}

void
rumpuser_thread_exit(void)
{

	pthread_exit(NULL);
}

/* Host threads are preempted by the host, anywhere. */
void
rumpuser_preempt(void)
{
}

unsigned long
rumpuser_thread_self(void)
{

	return (unsigned long)pthread_self();
}

void
rumpuser_mutex_init(struct rumpuser_mtx **mtxp)
{
	struct rumpuser_mtx *mtx;

	if ((mtx = malloc(sizeof(*mtx))) == NULL)
		abort();
	pthread_mutex_init(&mtx->pthmtx, NULL);
	*mtxp = mtx;
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{

	pthread_mutex_lock(&mtx->pthmtx);
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{

	return pthread_mutex_trylock(&mtx->pthmtx) == 0;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{

	pthread_mutex_unlock(&mtx->pthmtx);
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{

	pthread_mutex_destroy(&mtx->pthmtx);
	free(mtx);
}

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv;
	pthread_condattr_t attr;

	if ((cv = malloc(sizeof(*cv))) == NULL)
		abort();
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cv->pthcv, &attr);
	pthread_condattr_destroy(&attr);
	*cvp = cv;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{

	pthread_cond_destroy(&cv->pthcv);
	free(cv);
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{

	pthread_cond_wait(&cv->pthcv, &mtx->pthmtx);
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    int64_t sec, int64_t nsec)
{
	struct timespec ts;
	int error;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += sec;
	ts.tv_nsec += nsec;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	error = pthread_cond_timedwait(&cv->pthcv, &mtx->pthmtx, &ts);
	return error == ETIMEDOUT ? ETIMEDOUT : 0;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{

	pthread_cond_signal(&cv->pthcv);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{

	pthread_cond_broadcast(&cv->pthcv);
}
