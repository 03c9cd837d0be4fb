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
 * autoconf(9), the little of it a bench guest needs: attach a driver
 * under a named bus, print the attach line, detach it again.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/device.h>
#include <sys/kmem.h>
#include <sys/systm.h>

const char *
device_xname(device_t dev)
{

	return dev->dv_xname;
}

void *
device_private(device_t dev)
{

	return dev->dv_private;
}

device_t
device_parent(device_t dev)
{

	return dev->dv_parent;
}

/*
 * Match and attach ca under parent, as unit cf->cf_unit.  Prints
 * "<name><unit> at <parent>" and lets the driver finish the line.
 */
device_t
config_attach(device_t parent, cfdata_t cf, void *aux, struct cfattach *ca)
{
	device_t dev;

	if ((*ca->ca_match)(parent, cf, aux) == 0)
		return NULL;
	dev = kmem_zalloc(sizeof(*dev), KM_SLEEP);
	snprintf(dev->dv_xname, sizeof(dev->dv_xname), "%s%d",
	    cf->cf_name, cf->cf_unit);
	dev->dv_parent = parent;
	dev->dv_cfattach = ca;
	dev->dv_private = kmem_zalloc(ca->ca_devsize, KM_SLEEP);
	aprint_normal("%s at %s", dev->dv_xname,
	    parent != NULL ? device_xname(parent) : "root");
	(*ca->ca_attach)(parent, dev, aux);
	return dev;
}

int
config_detach(device_t dev, int flags)
{
	struct cfattach *ca = dev->dv_cfattach;
	int error = 0;

	if (ca->ca_detach != NULL)
		error = (*ca->ca_detach)(dev, flags);
	if (error != 0)
		return error;
	if (!(flags & DETACH_QUIET))
		aprint_normal("%s detached\n", dev->dv_xname);
	kmem_free(dev->dv_private, ca->ca_devsize);
	kmem_free(dev, sizeof(*dev));
	return 0;
}
