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
 * The hypervisor behind balloonctl's dom0 commands (hv.c).
 */

#ifndef _BALLOONCTL_HV_H_
#define _BALLOONCTL_HV_H_

#include <stdbool.h>
#include <stdint.h>

#include <xenstore.h>
#include <xen/xen.h>

struct hv_dominfo {
	domid_t		domid;
	char		name[64];	/* "" when the hypervisor has none */
	uint64_t	tot_pages;
	uint64_t	max_pages;
};

bool	hv_is_xen(void);
struct xs_handle *hv_open(void);
void	hv_close(void);
int	hv_getinfo(domid_t, struct hv_dominfo *);
int	hv_setmaxmem(domid_t, uint64_t);
int	hv_list(struct hv_dominfo **, unsigned int *);
int	hv_hostinfo(uint64_t *total_kib, uint64_t *free_kib);

#endif /* !_BALLOONCTL_HV_H_ */
