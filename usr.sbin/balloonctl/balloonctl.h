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

#ifndef _BALLOONCTL_H_
#define _BALLOONCTL_H_

#include <stdint.h>

/* Inside a domU: the guest named by $RUMP_SERVER (see domu.c, wait.c). */
int	domu_show(void);
int	domu_write(char **assigns, int nassigns);
int	domu_stats(void);
int	domu_wait(const char *size);
int	domu_read(const char *node, uint64_t *valp);
void	domu_check_guest(void);
const char	*domu_state_name(uint64_t);

/* From dom0: xensimd's xenstored and hypervisor (see dom0.c). */
int	dom0_mem_set(const char *dom, const char *size);
int	dom0_mem_max(const char *dom, const char *size);
int	dom0_list(void);

/* From dom0: balloond(8)'s reservations (see reserve.c). */
int	dom0_reserve(const char *size);

#endif /* !_BALLOONCTL_H_ */
