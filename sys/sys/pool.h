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

#ifndef _SYS_POOL_H_
#define _SYS_POOL_H_

/*
 * pool(9), the part of it kernel subsystems use to learn of memory
 * pressure: a pool's drain hook, which the page daemon runs (through
 * pool_drain(), one pool with pages per call, round robin) when free
 * pages are short, as NetBSD's pool drainer thread does.  Items come
 * from kmem(9); a pool has "pages" while items are out.
 */

#include <sys/types.h>
#include <sys/mutex.h>
#include <sys/queue.h>

struct pool_allocator;

struct pool {
	TAILQ_ENTRY(pool) pr_poollist;	/* pool_head_lock */
	const char	*pr_wchan;
	size_t		pr_size;
	kmutex_t	pr_lock;
	unsigned int	pr_nout;	/* items out; pr_lock */
	unsigned int	pr_npages;	/* pages they would fill; pr_lock */
	void		(*pr_drain_hook)(void *, int);
	void		*pr_drain_hook_arg;
	unsigned int	pr_refcnt;	/* pool_drain() using it */
};

#define PR_NOWAIT	0x00
#define PR_WAITOK	0x01

void	pool_subsystem_init(void);
void	pool_init(struct pool *, size_t, u_int, u_int, int, const char *,
	    struct pool_allocator *, int);
void	pool_destroy(struct pool *);
void	*pool_get(struct pool *, int);
void	pool_put(struct pool *, void *);
void	pool_set_drain_hook(struct pool *, void (*)(void *, int), void *);
int	pool_reclaim(struct pool *);
bool	pool_drain(struct pool **);

#endif /* _SYS_POOL_H_ */
