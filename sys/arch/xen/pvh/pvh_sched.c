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
 * Threads, locks and condition variables of rumpuser(3) for the PVH
 * guest kernel: cooperative threads on the domain's one vCPU.  A thread
 * runs until it sleeps (on a lock, a condition variable, a xenstore
 * reply, a join); with no interrupts and no preemption, nothing can
 * happen between a check and the sleep that follows it.  When no thread
 * can run, the idle loop reads the xenstore ring and blocks in Xen
 * (SCHEDOP_poll on the store's event channel) until an event or the
 * nearest timeout.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/queue.h>
#include <sys/systm.h>

#include <xen/include/public/xen.h>
#include <xen/include/public/sched.h>

#include <rumpuser.h>

#include "pvh.h"

#define PVH_STACK_SIZE	(64 * 1024)

struct pvh_thread {
	TAILQ_ENTRY(pvh_thread)	t_entry;	/* all threads, run order */
	uint64_t		t_sp;		/* saved stack pointer */
	char			*t_stack;	/* NULL: the boot stack */
	void			*(*t_func)(void *);
	void			*t_arg;
	const void		*t_wchan;	/* sleeping on it, or NULL */
	uint64_t		t_deadline;	/* ns, 0: none */
	bool			t_timedout;
	bool			t_dead;
	bool			t_joinable;
	struct lwp		*t_lwp;		/* rumpuser_curlwp() */
};

struct rumpuser_mtx {
	struct pvh_thread	*m_owner;
};

struct rumpuser_cv {
	int			cv_waiters;
};

void	pvh_swtch(uint64_t *, uint64_t);

/* A thread that runs this long yields at the next preemption point. */
#define PVH_QUANTUM_NS	10000000

static TAILQ_HEAD(, pvh_thread) pvh_threads;
static uint64_t pvh_slice_start;	/* when curthread was last chosen */
static struct pvh_thread pvh_thread0;
static struct pvh_thread *curthread = &pvh_thread0;

void
pvh_sched_init(void)
{

	TAILQ_INIT(&pvh_threads);
	TAILQ_INSERT_TAIL(&pvh_threads, &pvh_thread0, t_entry);
}

static bool
pvh_runnable(struct pvh_thread *t, uint64_t now)
{

	if (t->t_dead)
		return false;
	if (t->t_wchan == NULL)
		return true;
	if (t->t_deadline != 0 && now >= t->t_deadline) {
		t->t_wchan = NULL;
		t->t_timedout = true;
		return true;
	}
	return false;
}

/* Nothing can run: wait in Xen for the store's event or a deadline. */
static void
pvh_idle(void)
{
	struct pvh_thread *t;
	struct sched_poll poll;
	evtchn_port_t port = pvh_xs_port();
	uint64_t timeout = 0;

	if (pvh_xs_poll())
		return;
	TAILQ_FOREACH(t, &pvh_threads, t_entry)
		if (!t->t_dead && t->t_wchan != NULL && t->t_deadline != 0 &&
		    (timeout == 0 || t->t_deadline < timeout))
			timeout = t->t_deadline;
	if (pvh_evtchn_test_and_clear(port))
		return;
	memset(&poll, 0, sizeof(poll));
	set_xen_guest_handle(poll.ports, &port);
	poll.nr_ports = 1;
	poll.timeout = timeout;
	(void)pvh_hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll,
	    (unsigned long)&poll, 0);
	(void)pvh_evtchn_test_and_clear(port);
}

/* Run the next runnable thread after the current one (maybe itself). */
static void
pvh_schedule(void)
{
	struct pvh_thread *t, *old = curthread;
	uint64_t now;

	for (;;) {
		now = pvh_clock_ns();
		t = old;
		do {
			t = TAILQ_NEXT(t, t_entry);
			if (t == NULL)
				t = TAILQ_FIRST(&pvh_threads);
			if (pvh_runnable(t, now))
				goto found;
		} while (t != old);
		pvh_idle();
	}
found:
	pvh_slice_start = now;
	if (t == old)
		return;
	curthread = t;
	pvh_swtch(&old->t_sp, t->t_sp);
}

void
pvh_yield(void)
{

	(void)pvh_xs_poll();
	pvh_schedule();
}

/*
 * A kernel preemption point: after a quantum, the others run, as a
 * preemptive kernel's scheduler would let them (the balloon's thread
 * among them, while a workload allocates without sleeping).
 */
void
rumpuser_preempt(void)
{

	if (pvh_clock_ns() - pvh_slice_start >= PVH_QUANTUM_NS)
		pvh_yield();
}

int
pvh_sleep(const void *wchan, uint64_t deadline)
{

	curthread->t_wchan = wchan;
	curthread->t_deadline = deadline;
	curthread->t_timedout = false;
	pvh_schedule();
	return curthread->t_timedout ? ETIMEDOUT : 0;
}

void
pvh_wakeup(const void *wchan, bool all)
{
	struct pvh_thread *t;

	TAILQ_FOREACH(t, &pvh_threads, t_entry)
		if (t->t_wchan == wchan) {
			t->t_wchan = NULL;
			if (!all)
				return;
		}
}

static void
pvh_thread_start(void)
{
	struct pvh_thread *t = curthread;

	(*t->t_func)(t->t_arg);
	rumpuser_thread_exit();
}

int
rumpuser_thread_create(void *(*func)(void *), void *arg, const char *name,
    int joinable, void **cookie)
{
	struct pvh_thread *t;
	uint64_t *sp;
	int error;

	(void)name;
	if ((error = rumpuser_malloc(sizeof(*t), 0, (void **)&t)) != 0)
		return error;
	memset(t, 0, sizeof(*t));
	if ((error = rumpuser_malloc(PVH_STACK_SIZE, 0,
	    (void **)&t->t_stack)) != 0) {
		rumpuser_free(t, sizeof(*t));
		return error;
	}
	t->t_func = func;
	t->t_arg = arg;
	t->t_joinable = joinable != 0;

	/* What pvh_swtch pops: six registers, then the "return" address. */
	sp = (uint64_t *)(t->t_stack + PVH_STACK_SIZE);
	*--sp = 0;				/* pvh_thread_start's caller */
	*--sp = (uint64_t)(uintptr_t)pvh_thread_start;
	sp -= 6;
	memset(sp, 0, 6 * sizeof(*sp));
	t->t_sp = (uint64_t)(uintptr_t)sp;

	TAILQ_INSERT_TAIL(&pvh_threads, t, t_entry);
	*cookie = t;
	return 0;
}

void
rumpuser_thread_exit(void)
{
	struct pvh_thread *t = curthread;

	/* An implicit lwp goes back to the kernel; a kthread's is cleared. */
	if (t->t_lwp != NULL)
		(*pvh_hyperup->hyp_lwpexit)(t->t_lwp);
	t->t_lwp = NULL;
	t->t_dead = true;
	pvh_wakeup(t, true);		/* the joiner */
	pvh_schedule();
	for (;;)
		continue;		/* never run again */
}

int
rumpuser_thread_join(void *cookie)
{
	struct pvh_thread *t = cookie;

	while (!t->t_dead)
		(void)pvh_sleep(t, 0);
	TAILQ_REMOVE(&pvh_threads, t, t_entry);
	rumpuser_free(t->t_stack, PVH_STACK_SIZE);
	rumpuser_free(t, sizeof(*t));
	return 0;
}

unsigned long
rumpuser_thread_self(void)
{

	return (unsigned long)(uintptr_t)curthread;
}

void
rumpuser_curlwpop(int op, struct lwp *l)
{

	if (op == RUMPUSER_LWP_SET)
		curthread->t_lwp = l;
	else if (op == RUMPUSER_LWP_CLEAR)
		curthread->t_lwp = NULL;
}

struct lwp *
rumpuser_curlwp(void)
{

	return curthread->t_lwp;
}

void
rumpuser_mutex_init(struct rumpuser_mtx **mp)
{
	void *p;

	if (rumpuser_malloc(sizeof(struct rumpuser_mtx), 0, &p) != 0)
		panic("rumpuser_mutex_init: out of memory");
	*mp = p;
	(*mp)->m_owner = NULL;
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *m)
{

	while (m->m_owner != NULL)
		(void)pvh_sleep(m, 0);
	m->m_owner = curthread;
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *m)
{

	if (m->m_owner != NULL)
		return 0;
	m->m_owner = curthread;
	return 1;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *m)
{

	m->m_owner = NULL;
	pvh_wakeup(m, false);
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{

	rumpuser_free(m, sizeof(*m));
}

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	void *p;

	if (rumpuser_malloc(sizeof(struct rumpuser_cv), 0, &p) != 0)
		panic("rumpuser_cv_init: out of memory");
	*cvp = p;
	(*cvp)->cv_waiters = 0;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{

	rumpuser_free(cv, sizeof(*cv));
}

static int
pvh_cv_sleep(struct rumpuser_cv *cv, struct rumpuser_mtx *m,
    uint64_t deadline)
{
	int error;

	rumpuser_mutex_exit(m);
	cv->cv_waiters++;
	error = pvh_sleep(cv, deadline);
	cv->cv_waiters--;
	rumpuser_mutex_enter(m);
	return error;
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{

	(void)pvh_cv_sleep(cv, m, 0);
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m,
    int64_t sec, int64_t nsec)
{
	uint64_t deadline;

	deadline = pvh_clock_ns() + (uint64_t)sec * 1000000000 +
	    (uint64_t)nsec;
	return pvh_cv_sleep(cv, m, deadline);
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{

	pvh_wakeup(cv, false);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{

	pvh_wakeup(cv, true);
}
