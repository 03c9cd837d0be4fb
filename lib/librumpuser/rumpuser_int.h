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
 * Between the parts of the host side.
 */

#ifndef _RUMPUSER_INT_H_
#define _RUMPUSER_INT_H_

#include <stdbool.h>
#include <stdint.h>

extern const struct rumpuser_hyperup *rumpuser_hyp;

/*
 * rumpuser_sp.c: read one request from fd and answer it; -1 ends the
 * connection.  data holds 2 * RUMPSYSCTL_DATAMAX bytes, kn as many
 * nodes as fit in RUMPSYSCTL_DATAMAX (tests/fuzz calls it directly).
 */
struct rumpuser_sysctl_node;
int	sp_request(int fd, int root, char *data,
	    struct rumpuser_sysctl_node *kn);

/*
 * rumpuser_xenmap.c: frames the hypervisor placed, mapped into the
 * guest's RAM by a thread (see there).
 */
#define XM_NO_MFN	UINT64_MAX
void	xen_map_init(char *, uint64_t);
void	xen_map_post(uint64_t, uint64_t, uint64_t);
void	xen_map_lag(void);
void	xen_map_wait(void);
bool	xen_map_moves(uint64_t, uint64_t);

#endif /* _RUMPUSER_INT_H_ */
