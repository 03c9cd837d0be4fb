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
 * The hypervisor behind balloonctl's dom0 commands: Xen itself through
 * libxenctrl on a real Xen dom0 (privcmd present and XENSIM_DIR unset),
 * xensimd's privileged socket on the bench.  Same answers either way.
 */

#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>
#include <xensim.h>

#include "hv.h"

/* xc_domain_getinfolist() batch: domains per call. */
#define HV_LIST_BATCH	256

static xc_interface *xch;
static struct xensim *xh;

bool
hv_is_xen(void)
{
	const char *d = getenv("XENSIM_DIR");

	if (d != NULL && *d != '\0')
		return false;
	return access("/dev/xen/privcmd", F_OK) == 0 ||
	    access("/proc/xen/privcmd", F_OK) == 0;
}

struct xs_handle *
hv_open(void)
{
	struct xs_handle *xsh;
	char path[PATH_MAX];
	const char *dir;

	if (hv_is_xen()) {
		if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL)
			err(1, "cannot open the hypervisor");
		if ((xsh = xs_open(0)) == NULL)
			err(1, "cannot connect to xenstored");
		return xsh;
	}
	dir = xensim_dir();
	if (getenv("XENSTORED_PATH") == NULL) {
		snprintf(path, sizeof(path), "%s/socket", dir);
		if (setenv("XENSTORED_PATH", path, 1) == -1)
			err(1, "setenv");
	}
	if ((xsh = xs_open(XS_OPEN_SOCKETONLY)) == NULL)
		err(1, "cannot connect to xenstored at %s",
		    getenv("XENSTORED_PATH"));
	if ((xh = xensim_open_privcmd(dir)) == NULL)
		err(1, "cannot open the hypervisor in %s", dir);
	return xsh;
}

void
hv_close(void)
{

	if (xch != NULL)
		xc_interface_close(xch);
	if (xh != NULL)
		xensim_close(xh);
	xch = NULL;
	xh = NULL;
}

static void
hv_from_xc(const xc_domaininfo_t *di, struct hv_dominfo *info)
{

	memset(info, 0, sizeof(*info));
	info->domid = di->domain;
	info->tot_pages = di->tot_pages;
	info->max_pages = di->max_pages;
}

static void
hv_from_xensim(const struct xensim_dominfo *di, struct hv_dominfo *info)
{

	memset(info, 0, sizeof(*info));
	info->domid = di->domid;
	snprintf(info->name, sizeof(info->name), "%s", di->name);
	info->tot_pages = di->tot_pages;
	info->max_pages = di->max_pages;
}

/* 0, or -1 with errno set (ESRCH: no such domain). */
int
hv_getinfo(domid_t domid, struct hv_dominfo *info)
{
	struct xensim_dominfo si;
	xc_domaininfo_t di;

	if (xch != NULL) {
		if (xc_domain_getinfolist(xch, domid, 1, &di) != 1 ||
		    di.domain != domid) {
			errno = ESRCH;
			return -1;
		}
		hv_from_xc(&di, info);
		return 0;
	}
	if (xensim_domain_getinfo(xh, domid, &si) == -1)
		return -1;
	hv_from_xensim(&si, info);
	return 0;
}

/* max_pages from KiB, as xc_domain_setmaxmem(). */
int
hv_setmaxmem(domid_t domid, uint64_t kib)
{

	if (xch != NULL)
		return xc_domain_setmaxmem(xch, domid, kib) == 0 ? 0 : -1;
	return xensim_domain_setmaxmem(xh, domid, kib);
}

/* Every domain, in domid order; *infosp is the caller's to free. */
int
hv_list(struct hv_dominfo **infosp, unsigned int *np)
{
	struct xensim_dominfo *si;
	xc_domaininfo_t *di;
	struct hv_dominfo *infos;
	unsigned int i, n = 0;
	int got;
	domid_t next = 0;

	if (xch == NULL) {
		if (xensim_domain_list(xh, &si, &n) == -1)
			return -1;
		if ((infos = calloc(n > 0 ? n : 1, sizeof(*infos))) == NULL)
			err(1, "calloc");
		for (i = 0; i < n; i++)
			hv_from_xensim(&si[i], &infos[i]);
		free(si);
		*infosp = infos;
		*np = n;
		return 0;
	}
	if ((di = calloc(HV_LIST_BATCH, sizeof(*di))) == NULL)
		err(1, "calloc");
	infos = NULL;
	for (;;) {
		got = xc_domain_getinfolist(xch, next, HV_LIST_BATCH, di);
		if (got < 0) {
			free(di);
			free(infos);
			return -1;
		}
		if (got == 0)
			break;
		infos = reallocarray(infos, n + (unsigned int)got,
		    sizeof(*infos));
		if (infos == NULL)
			err(1, "reallocarray");
		for (i = 0; i < (unsigned int)got; i++)
			hv_from_xc(&di[i], &infos[n + i]);
		n += (unsigned int)got;
		next = di[got - 1].domain + 1;
		if (got < HV_LIST_BATCH)
			break;
	}
	free(di);
	*infosp = infos;
	*np = n;
	return 0;
}

/* The host's memory and what of it is free, in KiB, as xl info shows. */
int
hv_hostinfo(uint64_t *total_kib, uint64_t *free_kib)
{
	struct xensim_hostinfo hi;
	xc_physinfo_t pi;

	if (xch != NULL) {
		memset(&pi, 0, sizeof(pi));
		if (xc_physinfo(xch, &pi) != 0)
			return -1;
		*total_kib = pi.total_pages * (XC_PAGE_SIZE / 1024);
		*free_kib = pi.free_pages * (XC_PAGE_SIZE / 1024);
		return 0;
	}
	if (xensim_host_info(xh, &hi) == -1)
		return -1;
	*total_kib = hi.total_pages * (XC_PAGE_SIZE / 1024);
	*free_kib = hi.free_pages * (XC_PAGE_SIZE / 1024);
	return 0;
}
