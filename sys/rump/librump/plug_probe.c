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
 * A probe of the bench's uvm, not part of any driver: writing 1 to
 * debug.plug_probe calls uvm_physseg_plug(9) after boot, for no frame,
 * as a driver that hot-plugs RAM would.  A kernel without options
 * UVM_HOTPLUG panics there, as NetBSD's uvm_physseg.c does ("Tried to
 * add RAM after uvm_page_init"); with it, the empty plug is refused and
 * the probe says so.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>
#include <uvm/uvm_physseg.h>

#include "rump_private.h"

static struct sysctllog *plug_probe_log;

static int	sysctl_debug_plug_probe(SYSCTLFN_PROTO);

void
rump_plug_probe_init(void)
{
	const struct sysctlnode *rnode = NULL;
	int error;

	error = rump_sysctl_debug(&plug_probe_log, &rnode);
	if (error == 0)
		error = sysctl_createv(&plug_probe_log, 0, &rnode, NULL,
		    CTLFLAG_PERMANENT | CTLFLAG_READWRITE, CTLTYPE_INT,
		    "plug_probe",
		    SYSCTL_DESCR("Write 1: call uvm_physseg_plug() after "
		    "boot, for no frame"),
		    sysctl_debug_plug_probe, 0, NULL, 0, CTL_CREATE, CTL_EOL);
	if (error != 0)
		printf("plug_probe: cannot create its node: error %d\n",
		    error);
}

static int
sysctl_debug_plug_probe(SYSCTLFN_ARGS)
{
	struct sysctlnode node = *rnode;
	uvm_physseg_t upm, last = UVM_PHYSSEG_TYPE_INVALID;
	int v = 0, error;

	node.sysctl_data = &v;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error != 0 || newp == NULL)
		return error;
	if (v != 1)
		return EINVAL;
	for (upm = uvm_physseg_get_first(); uvm_physseg_valid_p(upm);
	    upm = uvm_physseg_get_next(upm))
		last = upm;
	if (uvm_physseg_plug(uvm_physseg_get_end(last), 0, NULL))
		panic("plug_probe: an empty range was plugged");
	printf("plug_probe: empty plug refused\n");
	return 0;
}
