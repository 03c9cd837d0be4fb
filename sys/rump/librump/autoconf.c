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
#include <sys/errno.h>
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
/* Attached devices, in attach order. */
static TAILQ_HEAD(devicelist, device) alldevs = TAILQ_HEAD_INITIALIZER(alldevs);

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
	TAILQ_INSERT_TAIL(&alldevs, dev, dv_list);
	(*ca->ca_attach)(parent, dev, aux);
	return dev;
}

/*
 * As NetBSD-current's subr_autoconf.c: a driver without a detach
 * routine cannot be detached (EOPNOTSUPP), and one whose routine fails
 * keeps its softc; either panics under DETACH_FORCE.
 */
int
config_detach(device_t dev, int flags)
{
	struct cfattach *ca = dev->dv_cfattach;
	int error;

	if (ca->ca_detach != NULL)
		error = (*ca->ca_detach)(dev, flags);
	else
		error = EOPNOTSUPP;
	if (error != 0) {
		if (flags & DETACH_FORCE)
			panic("config_detach: forced detach of %s failed (%d)",
			    device_xname(dev), error);
		return error;
	}
	TAILQ_REMOVE(&alldevs, dev, dv_list);
	if (!(flags & DETACH_QUIET))
		aprint_normal("%s detached\n", dev->dv_xname);
	kmem_free(dev->dv_private, ca->ca_devsize);
	kmem_free(dev, sizeof(*dev));
	return 0;
}

static const struct pmf_qual {
	int	pq_none;
} pmf_qual_none;
const pmf_qual_t * const PMF_Q_NONE = &pmf_qual_none;

bool
pmf_device_register1(device_t dev,
    bool (*suspend)(device_t, const pmf_qual_t *),
    bool (*resume)(device_t, const pmf_qual_t *),
    bool (*shutdown)(device_t, int))
{

	dev->dv_pmf_suspend = suspend;
	dev->dv_pmf_resume = resume;
	dev->dv_pmf_registered = true;
	return true;
}

void
pmf_device_deregister(device_t dev)
{

	dev->dv_pmf_suspend = NULL;
	dev->dv_pmf_resume = NULL;
	dev->dv_pmf_registered = false;
}

/*
 * Suspend every device, last attached first; a device that is not
 * registered, or whose handler fails, vetoes: those already suspended
 * are resumed and false is returned.
 */
bool
pmf_system_suspend(const pmf_qual_t *qual)
{
	device_t dev, back;

	TAILQ_FOREACH_REVERSE(dev, &alldevs, devicelist, dv_list) {
		if (!dev->dv_pmf_registered) {
			printf("%s: device does not support suspend\n",
			    device_xname(dev));
			break;
		}
		if (dev->dv_pmf_suspend != NULL &&
		    !(*dev->dv_pmf_suspend)(dev, qual)) {
			printf("%s: suspend failed\n", device_xname(dev));
			break;
		}
	}
	if (dev == NULL)
		return true;
	for (back = TAILQ_NEXT(dev, dv_list); back != NULL;
	    back = TAILQ_NEXT(back, dv_list))
		if (back->dv_pmf_resume != NULL)
			(void)(*back->dv_pmf_resume)(back, qual);
	return false;
}

/* Resume every device, first attached first. */
void
pmf_system_resume(const pmf_qual_t *qual)
{
	device_t dev;

	TAILQ_FOREACH(dev, &alldevs, dv_list)
		if (dev->dv_pmf_resume != NULL &&
		    !(*dev->dv_pmf_resume)(dev, qual))
			printf("%s: resume failed\n", device_xname(dev));
}
