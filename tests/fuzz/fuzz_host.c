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
 * The fuzz host: the host side of the bench's rump kernel, as
 * librumpuser is, but with no xensimd behind it.  The kernel side, the
 * driver among it, is the real one, unmodified.  Here:
 *
 *   xenstore    reads of memory/target answer what the fuzzer wrote
 *               (fuzz_set_target), anything else is ENOENT; watches are
 *               recorded and fired by hand (fuzz_fire)
 *   hypercalls  a PVH domain of FUZZ_PAGES frames whose maximum
 *               reservation is FUZZ_MAX_PAGES; reservation changes are
 *               refused (the balloon thread never runs anyway)
 *   threads     kernel threads are not started, so that one input does
 *               not race the next
 *
 * rumpuser.c (parameters, memory, console, clock) and rumpuser_sync.c
 * (locks, condvars, a thread's lwp, exit and identity) are linked as
 * they are.
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/features.h>
#include <xen/version.h>

#include <rump.h>
#include <rumpuser.h>

#include "fuzz.h"
#include "fuzz_host.h"
#include "rumpuser_int.h"

#define FUZZ_DOMID	1
#define FUZZ_HOME	"/local/domain/1"
#define MAXWATCH	8

static struct {
	char	*path;
	void	*cookie;
}			 watches[MAXWATCH];
static pthread_mutex_t	 host_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 host_cv = PTHREAD_COND_INITIALIZER;
static char		 target[FUZZ_XS_VALMAX];
static size_t		 targetlen;
static bool		 has_target;
static void		*ram;

/* threads: recorded, never run (their records stay reachable) */
#define MAXTHREAD	32
static void	*threads[MAXTHREAD];
static int	 nthreads;

int
rumpuser_thread_create(void *(*f)(void *), void *arg, const char *name,
    int joinable, void **tptr)
{

	(void)f;
	(void)name;
	(void)joinable;
	pthread_mutex_lock(&host_lock);
	if (nthreads < MAXTHREAD)
		threads[nthreads++] = arg;
	pthread_mutex_unlock(&host_lock);
	*tptr = NULL;
	return 0;
}

int
rumpuser_thread_join(void *p)
{

	(void)p;
	return 0;
}

/* hypercalls: a PVH domain that never changes size */
int
rumpuser_xen_boot(struct rumpuser_xen_boot *boot)
{

	if (ram == NULL &&
	    (ram = aligned_alloc(4096, (size_t)FUZZ_PAGES * 4096)) == NULL)
		return ENOMEM;
	memset(ram, 0, (size_t)FUZZ_PAGES * 4096);
	boot->domid = FUZZ_DOMID;
	boot->pv = 0;
	boot->nr_pages = FUZZ_PAGES;
	boot->ram = ram;
	boot->p2m = NULL;
	return 0;
}

void
rumpuser_xen_zero_page(uint64_t pa)
{

	memset((char *)ram + pa, 0, 4096);
}

long
rumpuser_xen_memory_op(unsigned int cmd, void *arg)
{
	const domid_t *domid = arg;

	switch (cmd) {
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		FUZZ_CHECK(*domid == DOMID_SELF, "reservation of domain %u",
		    *domid);
		return cmd == XENMEM_current_reservation ? FUZZ_PAGES :
		    FUZZ_MAX_PAGES;
	default:
		/* A host out of memory, and out of room for more. */
		return 0;
	}
}

int
rumpuser_xen_mmu_update(void *reqs, unsigned int count, unsigned int *done,
    unsigned int domid)
{

	(void)reqs;
	(void)count;
	(void)domid;
	*done = 0;
	return -ENOSYS;		/* PVH */
}

int
rumpuser_xen_version(int cmd, void *arg)
{
	struct xen_feature_info *fi = arg;

	if (cmd != XENVER_get_features)
		return -ENOSYS;
	fi->submap = fi->submap_idx == 0 ?
	    1U << XENFEAT_auto_translated_physmap : 0;
	return 0;
}

/* xenstore: memory/target only */
int
rumpuser_xs_read(const char *path, char *buf, size_t buflen, size_t *lenp)
{
	int error = 0;

	pthread_mutex_lock(&host_lock);
	if (strcmp(path, FUZZ_HOME "/memory/target") != 0 || !has_target)
		error = ENOENT;
	else if (targetlen >= buflen)
		error = ERANGE;		/* as rumpuser_xs.c */
	else {
		memcpy(buf, target, targetlen);
		buf[targetlen] = '\0';
		*lenp = targetlen;
	}
	pthread_mutex_unlock(&host_lock);
	return error;
}

int
rumpuser_xs_write(const char *path, const char *val)
{

	(void)val;
	/* libxl does not let a guest write its control/ nodes. */
	return strncmp(path, FUZZ_HOME "/control/", 23) == 0 ? EACCES : 0;
}

int
rumpuser_xs_rm(const char *path)
{

	(void)path;
	return ENOENT;
}

int
rumpuser_xs_watch(const char *path, void *cookie)
{
	int i;

	pthread_mutex_lock(&host_lock);
	for (i = 0; i < MAXWATCH && watches[i].path != NULL; i++)
		continue;
	if (i == MAXWATCH || (watches[i].path = strdup(path)) == NULL) {
		pthread_mutex_unlock(&host_lock);
		return ENOMEM;
	}
	watches[i].cookie = cookie;
	pthread_cond_broadcast(&host_cv);
	pthread_mutex_unlock(&host_lock);
	return 0;
}

int
rumpuser_xs_unwatch(const char *path, void *cookie)
{
	int i;

	pthread_mutex_lock(&host_lock);
	for (i = 0; i < MAXWATCH; i++) {
		if (watches[i].path != NULL && watches[i].cookie == cookie &&
		    strcmp(watches[i].path, path) == 0) {
			free(watches[i].path);
			watches[i].path = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&host_lock);
	return i == MAXWATCH ? ENOENT : 0;
}

/* The fuzzer's side. */
static int
watch_index(const char *path)
{
	int i;

	for (i = 0; i < MAXWATCH; i++)
		if (watches[i].path != NULL &&
		    strcmp(watches[i].path, path) == 0)
			return i;
	return -1;
}

static void *
kernel_main(void *arg)
{

	(void)arg;
	FUZZ_CHECK(rump_xen_main() == 0, "the kernel stopped");
	return NULL;
}

void
fuzz_kernel_boot(void)
{
	pthread_t t;

	FUZZ_CHECK(pthread_create(&t, NULL, kernel_main, NULL) == 0,
	    "pthread_create");
	/* Up when the last watch it sets, control/shutdown, is there. */
	pthread_mutex_lock(&host_lock);
	while (watch_index(FUZZ_HOME "/control/shutdown") == -1)
		pthread_cond_wait(&host_cv, &host_lock);
	pthread_mutex_unlock(&host_lock);
	FUZZ_CHECK(watch_index(FUZZ_HOME "/memory/target") != -1,
	    "the balloon did not watch memory/target");
}

void
fuzz_set_target(const void *value, size_t len)
{

	FUZZ_CHECK(len <= sizeof(target), "a value of %zu bytes", len);
	pthread_mutex_lock(&host_lock);
	memcpy(target, value, len);
	targetlen = len;
	has_target = true;
	pthread_mutex_unlock(&host_lock);
}

void
fuzz_fire(const char *path)
{
	void *cookie;
	int i;

	pthread_mutex_lock(&host_lock);
	i = watch_index(path);
	cookie = i == -1 ? NULL : watches[i].cookie;
	pthread_mutex_unlock(&host_lock);
	FUZZ_CHECK(cookie != NULL, "no watch on %s", path);
	/* As rumpuser_xs.c's watch thread does. */
	(*rumpuser_hyp->hyp_xswatch)(cookie, path);
}

int
fuzz_sysctl(const char *name, void *oldp, size_t *oldlenp, const void *newp,
    size_t newlen)
{

	return (*rumpuser_hyp->hyp_sysctl)(name, oldp, oldlenp, newp, newlen);
}
