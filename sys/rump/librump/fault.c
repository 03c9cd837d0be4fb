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
 * Faults on demand, for tests of what a driver does when a kernel
 * service fails: RUMP_FAULT (a boot parameter: the guest's command line
 * sets it) names the calls to fail, "kind:name" separated by commas:
 *	kthread:NAME	kthread_create() of a thread named NAME, EAGAIN
 *	sysctl:NAME	sysctl_createv() of a node named NAME, ENOMEM
 *	watch:NODE	register_xenbus_watch() of NODE, ENOMEM
 * Each fails every time it is called; everything else is left alone.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/systm.h>

#include <rump.h>
#include <rumpuser.h>

#include "rump_private.h"

/* Read once at boot, before any other thread runs; read-only after. */
static char rump_faults[256];

void
rump_fault_init(void)
{

	if (rumpuser_getparam("RUMP_FAULT", rump_faults,
	    sizeof(rump_faults)) != 0)
		rump_faults[0] = '\0';
	else
		printf("rump: faults on demand: %s\n", rump_faults);
}

/* Is the call of this kind for this name to fail? */
bool
rump_fault(const char *kind, const char *name)
{
	const char *p, *e;
	size_t klen = strlen(kind), nlen = strlen(name);

	for (p = rump_faults; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		for (e = p; *e != '\0' && *e != ','; e++)
			continue;
		if ((size_t)(e - p) == klen + 1 + nlen &&
		    memcmp(p, kind, klen) == 0 && p[klen] == ':' &&
		    memcmp(p + klen + 1, name, nlen) == 0)
			return true;
	}
	return false;
}
