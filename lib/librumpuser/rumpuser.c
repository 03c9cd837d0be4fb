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
 * The host side of the bench's rump kernel: parameters, memory, the
 * console, the clock, threads and locks, over libc and pthreads.
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rumpuser.h>

#include "rumpuser_int.h"

const struct rumpuser_hyperup *rumpuser_hyp;

int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{

	if (version != RUMPUSER_VERSION) {
		fprintf(stderr, "rumpuser: kernel version %d, host %d\n",
		    version, RUMPUSER_VERSION);
		return EINVAL;
	}
	rumpuser_hyp = hyp;
	return 0;
}

int
rumpuser_getparam(const char *name, char *buf, size_t buflen)
{
	const char *v;

	if ((v = getenv(name)) == NULL)
		return ENOENT;
	if (strlen(v) >= buflen)
		return E2BIG;
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

void
rumpuser_exit(int status)
{

	if (status == RUMPUSER_PANIC)
		abort();
	exit(status);
}

int
rumpuser_malloc(size_t size, int alignment, void **pp)
{
	void *p;

	if (alignment > (int)sizeof(void *)) {
		if (posix_memalign(&p, (size_t)alignment, size) != 0)
			return ENOMEM;
	} else if ((p = malloc(size)) == NULL)
		return ENOMEM;
	*pp = p;
	return 0;
}

void
rumpuser_free(void *p, size_t size)
{

	(void)size;
	free(p);
}

/* One write(2) per line, so lines from threads never mix. */
void
rumpuser_putstr(const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

int
rumpuser_clock_gettime(int which, int64_t *sec, long *nsec)
{
	struct timespec ts;

	if (clock_gettime(which == RUMPUSER_CLOCK_ABSMONO ?
	    CLOCK_MONOTONIC : CLOCK_REALTIME, &ts) == -1)
		return errno;
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}
