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
 * Physical segments: the runs of RAM frames uvm manages, as NetBSD's
 * <uvm/uvm_physseg.h> names them.  Frame numbers, not addresses.
 */

#ifndef _UVM_UVM_PHYSSEG_H_
#define _UVM_UVM_PHYSSEG_H_

#include <sys/types.h>

struct vm_page;

typedef int uvm_physseg_t;

#define UVM_PHYSSEG_TYPE_INVALID	-1
#define VM_PHYSSEG_MAX			64

uvm_physseg_t	 uvm_page_physload(paddr_t, paddr_t, paddr_t, paddr_t, int);

bool		 uvm_physseg_valid_p(uvm_physseg_t);
uvm_physseg_t	 uvm_physseg_find(paddr_t, psize_t *);
uvm_physseg_t	 uvm_physseg_get_first(void);
uvm_physseg_t	 uvm_physseg_get_next(uvm_physseg_t);
int		 uvm_physseg_get_entries(void);
paddr_t		 uvm_physseg_get_start(uvm_physseg_t);
paddr_t		 uvm_physseg_get_end(uvm_physseg_t);
paddr_t		 uvm_physseg_get_avail_start(uvm_physseg_t);
paddr_t		 uvm_physseg_get_avail_end(uvm_physseg_t);
struct vm_page	*uvm_physseg_get_pg(uvm_physseg_t, paddr_t);

/* options UVM_HOTPLUG: RAM plugged in after boot. */
bool		 uvm_physseg_plug(paddr_t, size_t, uvm_physseg_t *);

#endif /* _UVM_UVM_PHYSSEG_H_ */
