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
 * The toolstack half of xensimd: the xenstore nodes libxl (Xen 4.17)
 * writes when it creates a domain, with its values and permissions,
 * and removes when the domain is destroyed.
 */

#include <sys/time.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hvvar.h"
#include "log.h"
#include "xenstored.h"

enum ts_perm {
	TS_DOM0,	/* n0 */
	TS_GUEST_READ,	/* n0,rN */
	TS_GUEST,	/* nN: the guest's own */
	TS_GUEST_DOM0R	/* nN,r0 */
};

static int
node(domid_t domid, enum ts_perm p, const char *value, const char *fmt, ...)
    __attribute__((__format__(__printf__, 4, 5)));

static int
node(domid_t domid, enum ts_perm p, const char *value, const char *fmt, ...)
{
	struct xs_permissions perms[2];
	char path[512];
	unsigned int n;
	va_list ap;
	int error;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	n = 1;
	perms[0].perms = XS_PERM_NONE;
	perms[1].perms = XS_PERM_READ;
	switch (p) {
	case TS_DOM0:
		perms[0].id = 0;
		break;
	case TS_GUEST_READ:
		perms[0].id = 0;
		perms[1].id = domid;
		n = 2;
		break;
	case TS_GUEST:
		perms[0].id = domid;
		break;
	case TS_GUEST_DOM0R:
		perms[0].id = domid;
		perms[1].id = 0;
		n = 2;
		break;
	}
	if ((error = xsd_write(path, value)) != 0 ||
	    (error = xsd_set_perms(path, perms, n)) != 0)
		hv_log("toolstack: %s: %s", path, strerror(error));
	return error;
}

int
ts_create(const struct hv_domain *d)
{
	const domid_t n = d->d_id;
	const char *type = d->d_kind == XENSIM_PV ? "pv" : "pvh";
	char dom[64], vm[128], be[96], buf[160];
	struct timeval tv;
	static const char *const guestdirs[] = {
		"control/shutdown", "control/feature-poweroff",
		"control/feature-reboot", "control/feature-suspend",
		"control/sysrq", "data", "drivers", "feature", "attr", "error"
	};
	static const char *const conskeys[][2] = {
		{ "online", "1" }, { "state", "1" }, { "protocol", "vt100" }
	};
	size_t i;
	int e = 0;

	snprintf(dom, sizeof(dom), "/local/domain/%u", n);
	snprintf(vm, sizeof(vm), "/vm/%s", d->d_uuid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/console/%u", n);

	e |= node(n, TS_GUEST_READ, "", "%s", dom);
	e |= node(n, TS_GUEST_READ, vm, "%s/vm", dom);
	e |= node(n, TS_GUEST_READ, d->d_name, "%s/name", dom);
	snprintf(buf, sizeof(buf), "%u", n);
	e |= node(n, TS_GUEST_READ, buf, "%s/domid", dom);
	e |= node(n, TS_GUEST_READ, "", "%s/cpu", dom);
	e |= node(n, TS_GUEST_READ, "", "%s/cpu/0", dom);
	e |= node(n, TS_GUEST_READ, "online", "%s/cpu/0/availability", dom);

	e |= node(n, TS_GUEST_READ, "", "%s/memory", dom);
	snprintf(buf, sizeof(buf), "%" PRIu64, d->d_maxmem_kib);
	e |= node(n, TS_GUEST_READ, buf, "%s/memory/static-max", dom);
	snprintf(buf, sizeof(buf), "%" PRIu64, d->d_memory_kib);
	e |= node(n, TS_GUEST_READ, buf, "%s/memory/target", dom);
	e |= node(n, TS_GUEST_READ, "0", "%s/memory/videoram", dom);

	e |= node(n, TS_GUEST_READ, "", "%s/device", dom);
	e |= node(n, TS_GUEST_READ, "", "%s/device/suspend", dom);
	e |= node(n, TS_GUEST, "", "%s/device/suspend/event-channel", dom);

	e |= node(n, TS_GUEST_READ, "", "%s/control", dom);
	for (i = 0; i < sizeof(guestdirs) / sizeof(guestdirs[0]); i++)
		e |= node(n, TS_GUEST, "", "%s/%s", dom, guestdirs[i]);
	e |= node(n, TS_GUEST_READ, "1",
	    "%s/control/platform-feature-multiprocessor-suspend", dom);
	e |= node(n, TS_GUEST_READ, "1",
	    "%s/control/platform-feature-xs_reset_watches", dom);
	/* XAPI pre-creates it for the guest; libxl does not. */
	if (d->d_toolstack == XENSIM_XAPI)
		e |= node(n, TS_GUEST, "", "%s/control/feature-balloon", dom);

	e |= node(n, TS_GUEST_READ, "", "%s/store", dom);
	e |= node(n, TS_GUEST_READ, "1", "%s/store/port", dom);
	snprintf(buf, sizeof(buf), "%" PRIu64, d->d_store_ref);
	e |= node(n, TS_GUEST_READ, buf, "%s/store/ring-ref", dom);

	e |= node(n, TS_GUEST_READ, "", "%s/console", dom);
	snprintf(buf, sizeof(buf), "%s/0", be);
	e |= node(n, TS_GUEST_READ, buf, "%s/console/backend", dom);
	e |= node(n, TS_GUEST_DOM0R, "0", "%s/console/backend-id", dom);
	e |= node(n, TS_GUEST_READ, "1048576", "%s/console/limit", dom);
	e |= node(n, TS_GUEST_READ, "xenconsoled", "%s/console/type", dom);
	e |= node(n, TS_GUEST_READ, "pty", "%s/console/output", dom);
	e |= node(n, TS_GUEST_READ, "2", "%s/console/port", dom);
	snprintf(buf, sizeof(buf), "%" PRIu64, d->d_console_ref);
	e |= node(n, TS_GUEST_READ, buf, "%s/console/ring-ref", dom);

	/* dom0's console backend. */
	if (!xsd_exists("/local/domain/0/backend"))
		e |= node(n, TS_DOM0, "", "/local/domain/0/backend");
	if (!xsd_exists("/local/domain/0/backend/console"))
		e |= node(n, TS_DOM0, "", "/local/domain/0/backend/console");
	e |= node(n, TS_DOM0, "", "%s", be);
	e |= node(n, TS_GUEST_READ, "", "%s/0", be);
	snprintf(buf, sizeof(buf), "%s/console", dom);
	e |= node(n, TS_GUEST_READ, buf, "%s/0/frontend", be);
	snprintf(buf, sizeof(buf), "%u", n);
	e |= node(n, TS_GUEST_READ, buf, "%s/0/frontend-id", be);
	for (i = 0; i < sizeof(conskeys) / sizeof(conskeys[0]); i++)
		e |= node(n, TS_GUEST_READ, conskeys[i][1], "%s/0/%s", be,
		    conskeys[i][0]);

	/* /vm/<uuid> */
	if (!xsd_exists("/vm"))
		e |= node(n, TS_DOM0, "", "/vm");
	e |= node(n, TS_GUEST_READ, "", "%s", vm);
	e |= node(n, TS_GUEST_READ, d->d_name, "%s/name", vm);
	e |= node(n, TS_GUEST_READ, d->d_uuid, "%s/uuid", vm);
	gettimeofday(&tv, NULL);
	snprintf(buf, sizeof(buf), "%lld.%02ld", (long long)tv.tv_sec,
	    (long)(tv.tv_usec / 10000));
	e |= node(n, TS_GUEST_READ, buf, "%s/start_time", vm);
	if (d->d_kind == XENSIM_PV) {
		e |= node(n, TS_GUEST_READ, "", "%s/image", vm);
		e |= node(n, TS_GUEST_READ, "linux", "%s/image/ostype", vm);
		e |= node(n, TS_GUEST_READ, d->d_kernel, "%s/image/kernel",
		    vm);
		e |= node(n, TS_GUEST_READ, d->d_cmdline, "%s/image/cmdline",
		    vm);
	}

	/* libxl's own record. */
	if (!xsd_exists("/libxl"))
		e |= node(n, TS_DOM0, "", "/libxl");
	e |= node(n, TS_DOM0, "", "/libxl/%u", n);
	e |= node(n, TS_DOM0, type, "/libxl/%u/type", n);
	e |= node(n, TS_DOM0, "qemu_xen", "/libxl/%u/dm-version", n);
	snprintf(buf, sizeof(buf), "%s/console", dom);
	e |= node(n, TS_DOM0, buf, "/libxl/%u/device/console/0/frontend", n);
	snprintf(buf, sizeof(buf), "%s/0", be);
	e |= node(n, TS_DOM0, buf, "/libxl/%u/device/console/0/backend", n);
	snprintf(buf, sizeof(buf), "%u", n);
	e |= node(n, TS_DOM0, buf, "/libxl/%u/device/console/0/frontend-id",
	    n);
	for (i = 0; i < sizeof(conskeys) / sizeof(conskeys[0]); i++)
		e |= node(n, TS_DOM0, conskeys[i][1],
		    "/libxl/%u/device/console/0/%s", n, conskeys[i][0]);
	return e != 0 ? EIO : 0;
}

void
ts_destroy(const struct hv_domain *d)
{
	char path[128];

	snprintf(path, sizeof(path), "/local/domain/%u", d->d_id);
	(void)xsd_rm(path);
	snprintf(path, sizeof(path), "/vm/%s", d->d_uuid);
	(void)xsd_rm(path);
	snprintf(path, sizeof(path), "/libxl/%u", d->d_id);
	(void)xsd_rm(path);
	snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u",
	    d->d_id);
	(void)xsd_rm(path);
}
