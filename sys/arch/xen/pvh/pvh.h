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
 * Between the parts of the PVH guest kernel: hypercalls through the
 * hypercall page, the Xen clock, the scheduler's sleep and wakeup, and
 * the xenstore ring.
 */

#ifndef _XEN_PVH_PVH_H_
#define _XEN_PVH_PVH_H_

#include <sys/types.h>

/* Where uvm sees the guest's RAM: the first 4 GiB mapped again. */
#define PVH_DIRECT_MAP	0x8000000000UL

extern char pvh_hypercall_page[];
extern struct shared_info *pvh_shared_info;

static inline long
pvh_hypercall(unsigned int op, unsigned long a1, unsigned long a2,
    unsigned long a3)
{
	register unsigned long r1 __asm__("rdi") = a1;
	register unsigned long r2 __asm__("rsi") = a2;
	register unsigned long r3 __asm__("rdx") = a3;
	long ret;

	__asm__ volatile("call *%[stub]"
	    : "=a" (ret), "+r" (r1), "+r" (r2), "+r" (r3)
	    : [stub] "r" (pvh_hypercall_page + op * 32)
	    : "memory", "rcx", "r8", "r9", "r10", "r11");
	return ret;
}

/* console: bytes to Xen's debug port */
void	pvh_cons_puts(const char *);

/* clock: Xen system time, ns since the domain started */
uint64_t pvh_clock_ns(void);

/* scheduler: cooperative threads on the one vCPU */
void	pvh_sched_init(void);
int	pvh_sleep(const void *, uint64_t);	/* 0, or ETIMEDOUT at deadline */
void	pvh_wakeup(const void *, bool);		/* one, or all */
void	pvh_yield(void);

/* event channels: a port's pending bit, cleared before waiting on it */
bool	pvh_evtchn_test_and_clear(unsigned int);
int	pvh_evtchn_send(unsigned int);

/* xenstore: the ring, polled by the idle loop */
void	pvh_xs_init(void);
bool	pvh_xs_poll(void);			/* true: something came */
unsigned int pvh_xs_port(void);

/* the rump kernel's entry and upcalls */
int	rump_xen_main(void);
extern const struct rumpuser_hyperup *pvh_hyperup;

#endif /* _XEN_PVH_PVH_H_ */
