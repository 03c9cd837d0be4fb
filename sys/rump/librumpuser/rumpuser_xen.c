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
 * The Xen domain this process runs as: xensimd's hypercall socket (the
 * path in $XENSIM_HYPERCALL), the start info, and the guest's RAM, the
 * memfd the domain builder made, mapped shared.  A domain does not
 * outlive its host: EOF on the liveness descriptor xensimd passes
 * ($XENSIM_HOSTFD) halts the guest at once.
 */

#include <sys/types.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include <rumpuser.h>
#include <xensim.h>

#include "rumpuser_int.h"

#ifndef XEN_PAGE_SIZE
#define XEN_PAGE_SIZE	4096
#endif

static struct xensim *xen_handle;
/* One request at a time on the hypercall socket. */
static pthread_mutex_t xen_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
xen_host_watch(void *arg)
{
	struct pollfd pfd;
	char c;

	pthread_setname_np(pthread_self(), "hostwatch");
	pfd.fd = (int)(intptr_t)arg;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, -1) == -1)
			continue;
		/* Nobody writes: readable means the host is gone. */
		if (read(pfd.fd, &c, 1) != -1 || errno != EINTR)
			break;
	}
	fprintf(stderr, "rumpuser: host gone, halting\n");
	_exit(1);
}

/* Follow the host's liveness descriptor, if it gave us one. */
static int
xen_host_follow(void)
{
	pthread_t t;
	const char *s;
	char *ep;
	long fd;
	int error;

	if ((s = getenv("XENSIM_HOSTFD")) == NULL)
		return 0;
	fd = strtol(s, &ep, 10);
	if (*s == '\0' || *ep != '\0' || fd < 0 || fd > INT32_MAX ||
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1) {
		fprintf(stderr, "rumpuser: XENSIM_HOSTFD %s: not a "
		    "descriptor\n", s);
		return EBADF;
	}
	if ((error = pthread_create(&t, NULL, xen_host_watch,
	    (void *)(intptr_t)fd)) != 0)
		return error;
	pthread_detach(t);
	return 0;
}

int
rumpuser_xen_boot(struct rumpuser_xen_boot *boot)
{
	struct xensim_start_info si;
	const char *path;
	void *ram;
	int error;

	if ((error = xen_host_follow()) != 0)
		return error;

	if ((path = getenv("XENSIM_HYPERCALL")) == NULL) {
		fprintf(stderr, "rumpuser: XENSIM_HYPERCALL not set\n");
		return ENOENT;
	}
	if ((xen_handle = xensim_open_domain(path)) == NULL)
		return errno != 0 ? errno : EIO;
	memset(&si, 0, sizeof(si));
	if (xensim_start_info(xen_handle, &si) == -1)
		return errno != 0 ? errno : EIO;
	if (si.nr_pages == 0 || si.nr_pages > si.memfd_pages ||
	    si.memfd_pages > SIZE_MAX / XEN_PAGE_SIZE ||
	    (si.kind == XENSIM_PV && si.p2m == NULL)) {
		fprintf(stderr, "rumpuser: bad start info: %ju of %ju "
		    "frames\n", (uintmax_t)si.nr_pages,
		    (uintmax_t)si.memfd_pages);
		return EINVAL;
	}
	ram = mmap(NULL, si.memfd_pages * XEN_PAGE_SIZE,
	    PROT_READ | PROT_WRITE, MAP_SHARED, si.memfd, 0);
	if (ram == MAP_FAILED)
		return errno;
	close(si.memfd);
	/* The hypervisor sees the guest touch what it does not own. */
	if (xensim_ram_watch(xen_handle, ram, si.memfd_pages) == -1)
		fprintf(stderr, "rumpuser: userfaultfd on guest RAM: %s; "
		    "accesses to frames not owned go unseen\n",
		    strerror(errno));

	boot->domid = si.domid;
	boot->pv = si.kind == XENSIM_PV;
	boot->nr_pages = si.nr_pages;
	boot->ram = ram;
	boot->p2m = boot->pv ? (unsigned long *)si.p2m : NULL;
	return 0;
}

long
rumpuser_xen_memory_op(unsigned int cmd, void *arg)
{
	long ret;

	pthread_mutex_lock(&xen_lock);
	ret = xensim_memory_op(xen_handle, cmd, arg);
	pthread_mutex_unlock(&xen_lock);
	return ret;
}

int
rumpuser_xen_mmu_update(void *reqs, unsigned int count, unsigned int *done,
    unsigned int domid)
{
	int ret;

	pthread_mutex_lock(&xen_lock);
	ret = xensim_mmu_update(xen_handle, reqs, count, done,
	    (domid_t)domid);
	pthread_mutex_unlock(&xen_lock);
	return ret;
}

int
rumpuser_xen_version(int cmd, void *arg)
{
	int ret;

	pthread_mutex_lock(&xen_lock);
	ret = xensim_xen_version(xen_handle, cmd, arg);
	pthread_mutex_unlock(&xen_lock);
	return ret;
}
