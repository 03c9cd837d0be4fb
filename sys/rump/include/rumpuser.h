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
 * rumpuser: what the rump kernel asks of its host, as NetBSD's
 * rumpuser(3).  Plain C types only: the kernel side includes this with
 * its own headers, the host side with libc's.  Errors are errno values
 * returned, never errno set.
 */

#ifndef _RUMP_RUMPUSER_H_
#define _RUMP_RUMPUSER_H_

#include <stddef.h>
#include <stdint.h>

#define RUMPUSER_VERSION	18

struct lwp;

/* Upcalls: the host calls into the kernel through these. */
struct rumpuser_sysctl_node {
	char	name[32];
	int	type;
	int	writable;
	char	descr[128];
};

struct rumpuser_hyperup {
	/* A xenstore watch fired; runs in the host's watch thread. */
	void	(*hyp_xswatch)(void *cookie, const char *path);
	/* sysctlbyname(3) for the sysctl server. */
	int	(*hyp_sysctl)(const char *name, void *oldp, size_t *oldlenp,
		    const void *newp, size_t newlen);
	/* The children of a node: fills at most max, sets *countp. */
	int	(*hyp_sysctl_children)(const char *name,
		    struct rumpuser_sysctl_node *nodes, size_t max,
		    size_t *countp);
	/* A host thread that had an implicit lwp ends: free the lwp. */
	void	(*hyp_lwpexit)(struct lwp *l);
};

int	rumpuser_init(int, const struct rumpuser_hyperup *);
int	rumpuser_getparam(const char *, char *, size_t);
void	rumpuser_exit(int) __attribute__((__noreturn__));
#define RUMPUSER_PANIC	(-1)

/* memory */
int	rumpuser_malloc(size_t, int, void **);
void	rumpuser_free(void *, size_t);

/* console: one call, one line on the console log */
void	rumpuser_putstr(const char *);

/* clock */
#define RUMPUSER_CLOCK_RELWALL	0
#define RUMPUSER_CLOCK_ABSMONO	1
int	rumpuser_clock_gettime(int, int64_t *, long *);

/* threads */
int	rumpuser_thread_create(void *(*)(void *), void *, const char *, int,
	    void **);
void	rumpuser_thread_exit(void) __attribute__((__noreturn__));
int	rumpuser_thread_join(void *);
unsigned long rumpuser_thread_self(void);

/* The current lwp of the calling thread, as NetBSD's rumpuser(3). */
enum rumplwpop {
	RUMPUSER_LWP_CREATE, RUMPUSER_LWP_DESTROY,
	RUMPUSER_LWP_SET, RUMPUSER_LWP_CLEAR
};
void	rumpuser_curlwpop(int, struct lwp *);
struct lwp *rumpuser_curlwp(void);
/* A kernel preemption point: the host may run another thread now. */
void	rumpuser_preempt(void);

/* locks */
struct rumpuser_mtx;
struct rumpuser_cv;
void	rumpuser_mutex_init(struct rumpuser_mtx **);
void	rumpuser_mutex_enter(struct rumpuser_mtx *);
int	rumpuser_mutex_tryenter(struct rumpuser_mtx *);
void	rumpuser_mutex_exit(struct rumpuser_mtx *);
void	rumpuser_mutex_destroy(struct rumpuser_mtx *);
void	rumpuser_cv_init(struct rumpuser_cv **);
void	rumpuser_cv_destroy(struct rumpuser_cv *);
void	rumpuser_cv_wait(struct rumpuser_cv *, struct rumpuser_mtx *);
/* relative time; 0 or ETIMEDOUT */
int	rumpuser_cv_timedwait(struct rumpuser_cv *, struct rumpuser_mtx *,
	    int64_t, int64_t);
void	rumpuser_cv_signal(struct rumpuser_cv *);
void	rumpuser_cv_broadcast(struct rumpuser_cv *);

/* Xen: the domain this process runs as */
struct rumpuser_xen_boot {
	unsigned int	 domid;
	int		 pv;		/* 1: PV (a P2M), 0: auto-translated */
	uint64_t	 nr_pages;	/* RAM frames */
	/* Where they are (0 segments: frames 0..nr_pages-1). */
	unsigned int	 nram;
	struct rumpuser_xen_ram {
		uint64_t	 start, npages;		/* frames */
	}		 ram_segs[4];
	uint64_t	 kern_pages;	/* frames 0..kern_pages-1: the kernel's */
	void		*ram;		/* frames from 0, mapped */
	uint64_t	 ram_pages;	/* frames mapped there, or 0 */
	unsigned long	*p2m;		/* PV: frame -> machine frame */
};
int	rumpuser_xen_boot(struct rumpuser_xen_boot *);
/* Zero one page of RAM (pmap_zero_page), by physical address. */
void	rumpuser_xen_zero_page(uint64_t);
long	rumpuser_xen_memory_op(unsigned int, void *);
int	rumpuser_xen_mmu_update(void *, unsigned int, unsigned int *,
	    unsigned int);
int	rumpuser_xen_version(int, void *);

/* Xen: xenstore, absolute paths */
int	rumpuser_xs_read(const char *, char *, size_t, size_t *);
int	rumpuser_xs_write(const char *, const char *);
int	rumpuser_xs_rm(const char *);
int	rumpuser_xs_watch(const char *, void *);
int	rumpuser_xs_unwatch(const char *, void *);

/* The sysctl server on a unix socket. */
int	rumpuser_sp_init(const char *);

#endif /* _RUMP_RUMPUSER_H_ */
