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
 * Support shared by the C tests: a xensimd of the test's own in
 * ./xensim, domains and bench guests in it, and the guest's sysctl
 * server through librumpsysctl.
 */

#ifndef _XENSIM_TEST_H_
#define _XENSIM_TEST_H_

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <atf-c.h>

#include "xensim.h"

/*
 * Poll cond every 0.1 s, 300 times at most (a guard against hanging,
 * not a timing assertion); the caller checks the outcome itself.  A
 * guest's panic ends the wait at once: what was awaited will not come,
 * and the caller's check fails on what it sees now.
 */
#define XT_WAIT_FOR(cond) do {						\
	int xt_try_;							\
	for (xt_try_ = 0; xt_try_ < 300 && !(cond) && !xt_panicked();	\
	    xt_try_++)							\
		usleep(100000);						\
} while (0)

/* ./xensim, set by xt_start. */
extern char xt_dir[PATH_MAX];
/* One more option for the next xt_start's xensimd (e.g. "-s"), or NULL. */
extern const char *xt_xensimd_flag;

void		xt_start(unsigned int);
void		xt_stop(void);
bool		xt_alive(void);
bool		xt_panicked(void);
unsigned long	xt_ctl(const char *, ...)
		    __attribute__((__format__(__printf__, 1, 2)));
struct xensim	*xt_dom0(void);
struct xensim	*xt_domu(domid_t);
domid_t		xt_create(struct xensim *, const char *, enum xensim_kind,
		    unsigned int, unsigned int);
struct xensim_dominfo xt_dominfo(domid_t);
int		xt_sysctl_use(domid_t);
void		xt_sysctl_wait(domid_t, const char *);
uint64_t	xt_sysctl_quad(const char *);
int		xt_sysctl_int(const char *);
int		xt_sysctl_set_quad(const char *, uint64_t);
int		xt_sysctl_set_int(const char *, int);
bool		xt_evcnt_find(const char *, uint64_t *);
uint64_t	xt_evcnt(const char *);
double		xt_now(void);
domid_t		xt_balloon_guest(const char *, unsigned int);
domid_t		xt_balloon_add(const char *, const char *, unsigned int);
void		xt_balloon_settle(domid_t, uint64_t);
void		xt_no_foreign(domid_t);
bool		xt_console_has(domid_t, const char *);
int		xt_console_count(domid_t, const char *);
uint64_t	xt_rss_shmem(domid_t);
void		xt_xs_target(domid_t, const char *);

/* A test case with a cleanup that stops the daemon its body started. */
#define XT_TC(name, text)						\
	ATF_TC_WITH_CLEANUP(name);					\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", text);			\
	}								\
	ATF_TC_CLEANUP(name, tc)					\
	{								\
		(void)tc;						\
		xt_stop();						\
	}

#endif /* _XENSIM_TEST_H_ */
