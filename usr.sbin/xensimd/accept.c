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
 * accept(2) for a daemon that must keep serving dom0 whatever its
 * clients do.  A connection is never left pending for want of a
 * descriptor (that would wake poll(2) again at once, for ever): at the
 * descriptor limit a spare descriptor is given up to take the
 * connection and close it.  Unprivileged listeners also leave a reserve
 * of descriptors that only dom0's connections may use.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "ev.h"
#include "ratelimit.h"

static int	spare_fd = -1;
static rlim_t	fd_limit;
static unsigned long refused_emfile;

/*
 * Raise the descriptor limit as far as we may, and keep a spare.
 * Returns the limit now in force.
 */
unsigned long
ev_accept_init(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
		fd_limit = rl.rlim_cur;
	}
	if (spare_fd == -1)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return (unsigned long)fd_limit;
}

int
ev_accept(int lfd, unsigned int domid)
{
	unsigned int reserve = domid == 0 ? 0 : EV_DOM0_RESERVE;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EMFILE && errno != ENFILE)
			return -1;
		/* Out of descriptors: take the connection and refuse it. */
		if (spare_fd != -1) {
			close(spare_fd);
			if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) != -1)
				close(fd);
			spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		}
		/* A domU's flood is its own to count; dom0's, 1 in 1000. */
		if (domid != 0 ? rl_allow(domid) : refused_emfile % 1000 == 0)
			fprintf(stderr, "xensimd: out of descriptors, "
			    "connection refused (%lu so far)\n",
			    refused_emfile + 1);
		refused_emfile++;
		errno = EMFILE;
		return -1;
	}
	/* Descriptors are handed out lowest first: fd counts those open. */
	if (reserve > 0 && fd_limit > reserve &&
	    (rlim_t)fd >= fd_limit - reserve) {
		close(fd);
		errno = EMFILE;
		return -1;
	}
	return fd;
}
