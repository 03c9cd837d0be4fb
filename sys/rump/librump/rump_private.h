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
 * Between the parts of the bench's rump kernel.
 */

#ifndef _RUMP_PRIVATE_H_
#define _RUMP_PRIVATE_H_

#include <sys/types.h>

struct sysctllog;
struct sysctlnode;

struct cpu_info;
struct lwp;
struct rumpuser_xen_ram;
struct vm_page;

void	rump_cpu_init(void);
struct cpu_info *rump_lwp_cpu(void);
void	rump_lwpexit(struct lwp *);
void	rump_preempt_point(void);
uint64_t rump_cpu_nmigrate(void);

void	rump_cons_init(void);
void	rump_uvm_init(void *, const struct rumpuser_xen_ram *, u_int,
	    uint64_t, uint64_t);
void	uvm_page_init_seg(struct vm_page *, paddr_t, paddr_t, paddr_t,
	    paddr_t);
void	uvm_pagecounts(u_int *, u_int *);
void	uvm_physseg_boot_done(void);
bool	rump_uvm_mapped(paddr_t, size_t);
void	*rump_page_data(struct vm_page *);
void	uvmpd_init(void);
void	rump_memhog_init(void);
void	rump_meminfo_init(void);
void	rump_xenmem_conform_init(void);
void	rump_touch_given_init(void);
void	rump_selftest_init(void);
void	uvm_km_init(void);
void	rump_pools_init(void);
u_int	uvmpd_drain_cycle(void);
void	rump_plug_probe_init(void);
/* debug, the node the bench's debug modules hang their knobs on. */
int	rump_sysctl_debug(struct sysctllog **, const struct sysctlnode **);
void	rump_fault_init(void);
void	rump_xen_init(bool, unsigned long *);
void	rump_xenbus_init(unsigned int);
void	rump_xenbus_watch_fired(void *, const char *);

#endif /* _RUMP_PRIVATE_H_ */
