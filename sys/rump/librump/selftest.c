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
 * Tests of the bench's kernel itself, not of any driver: debug.selftest.*
 * nodes that a test writes to make the guest kernel show NetBSD-current's
 * behaviour where a driver depends on it.
 *
 *   ncpu		the virtual CPUs (read)
 *   migrate		write N: an unbound and a bound kernel thread each
 *			pass N rounds of preemption points; then
 *   unbound_cpus,	read the CPUs (a bit each) each thread was seen on,
 *   bound_cpus
 *   pinned_moved	and how often a thread moved while preemption was
 *			disabled or the IPL raised (must stay 0)
 *   xpq_unpinned	write 1: queue an M2P update with preemption
 *			enabled; panics (hypervisor.c asserts it)
 *   pool_busy		write 1: destroy a pool with an item out; panics
 *   pool_waitok	write 1: with every page of uvm taken, a PR_NOWAIT
 *			get fails and a PR_WAITOK one sleeps; the pages
 *			freed, it returns.  It runs in a thread of its own
 *			(a sysctl handler must not wait for memory: the
 *			page daemon's report reads sysctl); then
 *   waitok_done	reads 1, and
 *   nowait_failed	1 if the PR_NOWAIT get failed,
 *   waitok_slept,	1 if the PR_WAITOK one was still asleep after
 *			300 ms without a page,
 *   waitok_woke	1 if it returned once pages were freed
 *   drain_cycle	pools the pool drain thread visited in its last
 *			full cycle (read)
 *   detach		write 1: attach a device whose driver has no detach
 *			routine and detach it; then
 *   detach_error,	read what config_detach() returned,
 *   detach_kept	1 if the device and its softc are still there
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/condvar.h>
#include <sys/cpu.h>
#include <sys/device.h>
#include <sys/errno.h>
#include <sys/intr.h>
#include <sys/kernel.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/pool.h>
#include <sys/proc.h>
#include <sys/sched.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/xenpmap.h>

#include "rump_private.h"

#define SELFTEST_MAXROUNDS	1000

struct selftest_thread {
	u_int	st_rounds;
	int	st_cpus;		/* a bit per CPU it ran on */
	int	st_moved;		/* moves while it must not */
};

static kmutex_t selftest_lock;		/* one test at a time */
static kmutex_t selftest_point;		/* only for its mutex_exit() */
static kcondvar_t selftest_cv;		/* never signalled */
static int selftest_unbound_cpus;	/* protected by selftest_lock */
static int selftest_bound_cpus;		/* protected by selftest_lock */
static int selftest_pinned_moved;	/* protected by selftest_lock */
static int selftest_waitok_done;	/* protected by selftest_lock */
static bool selftest_waitok_running;	/* protected by selftest_lock */
static int selftest_nowait_failed;	/* protected by selftest_lock */
static int selftest_waitok_slept;	/* protected by selftest_lock */
static int selftest_waitok_woke;	/* protected by selftest_lock */
static int selftest_drain_cycle;	/* uvmpd_drain_cycle(), when read */
static int selftest_detach_error;	/* protected by selftest_lock */
static int selftest_detach_kept;	/* protected by selftest_lock */

/* pool_waitok's sleeper, with selftest_point */
static kcondvar_t selftest_waiter_cv;
static struct pool selftest_pool;
static int selftest_waiter_state;	/* 0 wait, 1 go, 2 done */
static void *selftest_waiter_item;
static struct sysctllog *selftest_log;

static void	selftest_migrate_thread(void *);
static int	selftest_migrate(int);
static int	selftest_xpq_unpinned(int);
static int	selftest_pool_busy(int);
static int	selftest_pool_waitok(int);
static void	selftest_pool_waitok_thread(void *);
static int	selftest_detach(int);
static int	sysctl_debug_selftest_run(SYSCTLFN_PROTO);
static int	sysctl_debug_selftest_read(SYSCTLFN_PROTO);

static const struct {
	const char	*name;
	const char	*descr;
	int		(*run)(int);
} selftest_actions[] = {
	{ "migrate", "Run kernel threads through preemption points",
	    selftest_migrate },
	{ "xpq_unpinned", "Queue an M2P update with preemption enabled",
	    selftest_xpq_unpinned },
	{ "pool_busy", "Destroy a pool with an item out",
	    selftest_pool_busy },
	{ "pool_waitok", "Get pool items while uvm has no page",
	    selftest_pool_waitok },
	{ "detach", "Detach a driver that has no detach routine",
	    selftest_detach },
};

static const struct {
	const char	*name;
	const char	*descr;
	int		*var;
} selftest_results[] = {
	{ "ncpu", "Virtual CPUs", &ncpu },
	{ "unbound_cpus", "CPUs the unbound thread ran on, a bit each",
	    &selftest_unbound_cpus },
	{ "bound_cpus", "CPUs the bound thread ran on, a bit each",
	    &selftest_bound_cpus },
	{ "pinned_moved", "Moves while preemption was disabled",
	    &selftest_pinned_moved },
	{ "waitok_done", "The pool_waitok test has ended",
	    &selftest_waitok_done },
	{ "nowait_failed", "A PR_NOWAIT get failed without a page",
	    &selftest_nowait_failed },
	{ "waitok_slept", "A PR_WAITOK get slept without a page",
	    &selftest_waitok_slept },
	{ "waitok_woke", "The PR_WAITOK get returned once pages were freed",
	    &selftest_waitok_woke },
	{ "drain_cycle", "Pools the drain thread visited in its last cycle",
	    &selftest_drain_cycle },
	{ "detach_error", "What config_detach() returned",
	    &selftest_detach_error },
	{ "detach_kept", "The device and its softc are still there",
	    &selftest_detach_kept },
};

void
rump_selftest_init(void)
{
	const struct sysctlnode *rnode = NULL, *snode = NULL;
	size_t i;
	int error;

	mutex_init(&selftest_lock, MUTEX_DEFAULT, IPL_NONE);
	mutex_init(&selftest_point, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&selftest_cv, "selftest");
	cv_init(&selftest_waiter_cv, "stwaiter");

	error = rump_sysctl_debug(&selftest_log, &rnode);
	if (error == 0)
		error = sysctl_createv(&selftest_log, 0, &rnode, &snode,
		    CTLFLAG_PERMANENT, CTLTYPE_NODE, "selftest",
		    SYSCTL_DESCR("Tests of the bench's kernel"),
		    NULL, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	for (i = 0; error == 0 && i < __arraycount(selftest_actions); i++)
		error = sysctl_createv(&selftest_log, 0, &snode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_INT,
		    selftest_actions[i].name,
		    SYSCTL_DESCR(selftest_actions[i].descr),
		    sysctl_debug_selftest_run, 0, (void *)selftest_actions[i].run,
		    0, CTL_CREATE, CTL_EOL);
	for (i = 0; error == 0 && i < __arraycount(selftest_results); i++)
		error = sysctl_createv(&selftest_log, 0, &snode, NULL,
		    CTLFLAG_PERMANENT, CTLTYPE_INT, selftest_results[i].name,
		    SYSCTL_DESCR(selftest_results[i].descr),
		    sysctl_debug_selftest_read, 0, selftest_results[i].var, 0,
		    CTL_CREATE, CTL_EOL);
	if (error != 0)
		printf("selftest: cannot create debug.selftest: error %d\n",
		    error);
}

/* Note where the thread runs now. */
static void
selftest_seen(struct selftest_thread *st)
{

	st->st_cpus |= 1 << cpu_index(curcpu());
}

/* Preemption points inside: the thread must not move. */
static void
selftest_pinned(struct selftest_thread *st)
{
	struct cpu_info *ci;
	int s;

	kpreempt_disable();
	ci = curcpu();
	mutex_enter(&selftest_point);
	mutex_exit(&selftest_point);
	yield();
	if (curcpu() != ci)
		st->st_moved++;
	kpreempt_enable();

	s = splvm();
	ci = curcpu();
	mutex_enter(&selftest_point);
	mutex_exit(&selftest_point);
	if (curcpu() != ci)
		st->st_moved++;
	splx(s);
}

static void
selftest_migrate_thread(void *arg)
{
	struct selftest_thread *st = arg;
	u_int i;

	for (i = 0; i < st->st_rounds; i++) {
		selftest_seen(st);
		mutex_enter(&selftest_point);
		mutex_exit(&selftest_point);
		selftest_seen(st);
		kpreempt_disable();
		kpreempt_enable();
		selftest_seen(st);
		mutex_enter(&selftest_point);
		(void)cv_timedwait(&selftest_cv, &selftest_point, 1);
		mutex_exit(&selftest_point);
		selftest_seen(st);
		(void)kpause("selftest", false, 1, NULL);
		selftest_seen(st);
		yield();
		selftest_seen(st);
		selftest_pinned(st);
	}
	kthread_exit(0);
}

static int
selftest_migrate(int rounds)
{
	struct selftest_thread unbound, bound;
	struct lwp *lu, *lb;
	int error;

	if (rounds <= 0 || rounds > SELFTEST_MAXROUNDS)
		return EINVAL;
	memset(&unbound, 0, sizeof(unbound));
	memset(&bound, 0, sizeof(bound));
	unbound.st_rounds = bound.st_rounds = (u_int)rounds;
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    NULL, selftest_migrate_thread, &unbound, &lu, "selftest_u");
	if (error != 0)
		return error;
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    cpu_lookup((u_int)ncpu - 1), selftest_migrate_thread, &bound,
	    &lb, "selftest_b");
	(void)kthread_join(lu);
	if (error != 0)
		return error;
	(void)kthread_join(lb);
	selftest_unbound_cpus = unbound.st_cpus;
	selftest_bound_cpus = bound.st_cpus;
	selftest_pinned_moved = unbound.st_moved + bound.st_moved;
	return 0;
}

/* What a driver that forgot kpreempt_disable() does: panics here. */
static int
selftest_xpq_unpinned(int v)
{

	if (v != 1)
		return EINVAL;
	printf("selftest: queueing an M2P update with preemption enabled\n");
	xpq_queue_machphys_update(0, 0);
	kpreempt_disable();
	xpq_flush_queue();
	kpreempt_enable();
	return 0;
}

/* What a driver that leaves an item out does: panics here. */
static int
selftest_pool_busy(int v)
{

	if (v != 1)
		return EINVAL;
	pool_init(&selftest_pool, 64, 0, 0, 0, "selftest", NULL, IPL_NONE);
	(void)pool_get(&selftest_pool, PR_WAITOK);
	printf("selftest: destroying a pool with an item out\n");
	pool_destroy(&selftest_pool);
	return 0;
}

static void
selftest_waiter(void *arg)
{
	void *item;

	mutex_enter(&selftest_point);
	while (selftest_waiter_state == 0)
		cv_wait(&selftest_waiter_cv, &selftest_point);
	mutex_exit(&selftest_point);
	item = pool_get(&selftest_pool, PR_WAITOK);
	mutex_enter(&selftest_point);
	selftest_waiter_item = item;
	selftest_waiter_state = 2;
	cv_broadcast(&selftest_waiter_cv);
	mutex_exit(&selftest_point);
	kthread_exit(0);
}

/*
 * Every page of uvm taken (reserve and all), a PR_NOWAIT get fails and
 * a PR_WAITOK one sleeps in uvm_wait(); the pages freed, it returns.
 * The sleeper exists before the pages go: creating it needs memory.
 */
static int
selftest_pool_waitok(int v)
{
	int error;

	KASSERT(mutex_owned(&selftest_lock));
	if (v != 1)
		return EINVAL;
	if (selftest_waitok_running)
		return EBUSY;
	selftest_waitok_done = 0;
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE, NULL,
	    selftest_pool_waitok_thread, NULL, NULL, "selftest_p");
	if (error == 0)
		selftest_waitok_running = true;
	return error;
}

static void
selftest_pool_waitok_thread(void *arg)
{
	struct pglist held;
	struct vm_page *pg;
	struct lwp *l;
	void *item;
	int i, error, nowait_failed, slept, woke;

	pool_init(&selftest_pool, 64, 0, 0, 0, "selftest", NULL, IPL_NONE);
	selftest_waiter_state = 0;
	selftest_waiter_item = NULL;
	error = kthread_create(PRI_NONE, KTHREAD_MPSAFE | KTHREAD_MUSTJOIN,
	    NULL, selftest_waiter, NULL, &l, "selftest_w");
	if (error != 0) {
		pool_destroy(&selftest_pool);
		mutex_enter(&selftest_lock);
		selftest_waitok_running = false;
		selftest_waitok_done = 1;
		mutex_exit(&selftest_lock);
		kthread_exit(0);
	}

	TAILQ_INIT(&held);
	while ((pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE)) !=
	    NULL)
		TAILQ_INSERT_TAIL(&held, pg, pageq.queue);
	item = pool_get(&selftest_pool, PR_NOWAIT);
	nowait_failed = item == NULL;
	if (item != NULL)
		pool_put(&selftest_pool, item);

	mutex_enter(&selftest_point);
	selftest_waiter_state = 1;
	cv_broadcast(&selftest_waiter_cv);
	mutex_exit(&selftest_point);
	(void)kpause("stwait", false, MAX(1, hz * 3 / 10), NULL);
	mutex_enter(&selftest_point);
	slept = selftest_waiter_state == 1;
	mutex_exit(&selftest_point);

	uvm_pglistfree(&held);
	mutex_enter(&selftest_point);
	for (i = 0; i < 50 && selftest_waiter_state != 2; i++)
		(void)cv_timedwait(&selftest_waiter_cv, &selftest_point,
		    MAX(1, hz / 10));
	woke = selftest_waiter_state == 2;
	mutex_exit(&selftest_point);

	(void)kthread_join(l);
	pool_put(&selftest_pool, selftest_waiter_item);
	pool_destroy(&selftest_pool);

	mutex_enter(&selftest_lock);
	selftest_nowait_failed = nowait_failed;
	selftest_waitok_slept = slept;
	selftest_waitok_woke = woke;
	selftest_waitok_running = false;
	selftest_waitok_done = 1;
	mutex_exit(&selftest_lock);
	kthread_exit(0);
}

/* A driver with no detach routine, as NetBSD's that cannot detach. */
#define SELFTEST_MAGIC	0x5e1f7e57U

struct selftest_softc {
	u_int	sc_magic;
};

static int
selftest_match(device_t parent, cfdata_t cf, void *aux)
{

	return 1;
}

static void
selftest_attach(device_t parent, device_t self, void *aux)
{
	struct selftest_softc *sc = device_private(self);

	sc->sc_magic = SELFTEST_MAGIC;
	aprint_normal(": bench self-test device\n");
}

static struct cfattach selftest_ca = {
	.ca_name = "selftest",
	.ca_devsize = sizeof(struct selftest_softc),
	.ca_match = selftest_match,
	.ca_attach = selftest_attach,
};

static int
selftest_detach(int v)
{
	static const int loc[] = { 0 };
	struct cfdata cf = { .cf_name = "selftest", .cf_unit = 0,
	    .cf_loc = loc };
	struct selftest_softc *sc;
	device_t dev;

	if (v != 1)
		return EINVAL;
	if ((dev = config_attach(NULL, &cf, NULL, &selftest_ca)) == NULL)
		return EINVAL;
	sc = device_private(dev);
	selftest_detach_error = config_detach(dev, 0);
	/* Not detached: the device and its softc stay, as in NetBSD. */
	selftest_detach_kept = selftest_detach_error != 0 &&
	    device_private(dev) == sc && sc->sc_magic == SELFTEST_MAGIC;
	return 0;
}

static int
sysctl_debug_selftest_run(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	int (*run)(int) = rnode->sysctl_data;
	int v = 0, error;

	node = *rnode;
	node.sysctl_data = &v;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;
	mutex_enter(&selftest_lock);
	error = (*run)(v);
	mutex_exit(&selftest_lock);
	return error;
}

static int
sysctl_debug_selftest_read(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	int v;

	node = *rnode;
	mutex_enter(&selftest_lock);
	selftest_drain_cycle = (int)uvmpd_drain_cycle();
	v = *(int *)rnode->sysctl_data;
	mutex_exit(&selftest_lock);
	node.sysctl_data = &v;
	return sysctl_lookup(SYSCTLFN_CALL(&node));
}
