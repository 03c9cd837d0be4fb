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
 * From dom0: what xl mem-set, xl mem-max and xl list do for memory, with
 * libxl's rules (tools/libs/light/libxl_mem.c), through the real
 * libxenstore and the hypervisor of hv.c (Xen's libxenctrl on a real
 * dom0, xensimd's privileged socket on the bench).
 */

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include <balloon.h>

#include "balloonctl.h"
#include "hv.h"
#include "size.h"

/* libxl's LIBXL_MAXMEM_CONSTANT: max_pages is always 1 MiB above. */
#define MAXMEM_SLACK_KIB	1024

static void	abort_errx(xs_transaction_t, const char *, ...)
    __attribute__((__noreturn__, __format__(__printf__, 2, 3)));
static void	set_maxmem(xs_transaction_t, domid_t, uint64_t);
static int	commit(xs_transaction_t);

static struct xs_handle *xsh;

static void
dom0_open(void)
{

	xsh = hv_open();
}

static void
dom0_close(void)
{

	hv_close();
	xs_close(xsh);
}

/* A domain id or a name (/local/domain/N/name), as xl's find_domain(). */
static domid_t
resolve(const char *dom)
{
	struct hv_dominfo info;
	char path[64], *name, **ents;
	unsigned int i, n, len;
	unsigned long id;
	const char *p;
	domid_t found;
	int nfound;

	if (*dom == '\0')
		errx(1, "empty domain name");
	for (p = dom; isdigit((unsigned char)*p); p++)
		continue;
	if (*p == '\0') {
		errno = 0;
		id = strtoul(dom, NULL, 10);
		if (errno != 0 || id >= DOMID_FIRST_RESERVED ||
		    hv_getinfo((domid_t)id, &info) == -1)
			errx(1, "%s: no such domain", dom);
		return (domid_t)id;
	}

	if ((ents = xs_directory(xsh, XBT_NULL, "/local/domain", &n)) == NULL)
		err(1, "cannot list /local/domain");
	nfound = 0;
	found = 0;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%s/name", ents[i]);
		if ((name = xs_read(xsh, XBT_NULL, path, &len)) == NULL)
			continue;
		if (strcmp(name, dom) == 0) {
			id = strtoul(ents[i], NULL, 10);
			if (id < DOMID_FIRST_RESERVED) {
				found = (domid_t)id;
				nfound++;
			}
		}
		free(name);
	}
	free(ents);
	if (nfound == 0)
		errx(1, "%s: no such domain", dom);
	if (nfound > 1)
		errx(1, "%s: more than one domain has this name", dom);
	return found;
}

/*
 * A decimal KiB value from xenstore.  1: read, 0: absent, and exits if it
 * is there but not a number.
 */
static int
xs_readnum(xs_transaction_t t, const char *path, uint64_t *valp)
{
	char *s, *ep;
	unsigned int len;

	if ((s = xs_read(xsh, t, path, &len)) == NULL)
		return 0;
	errno = 0;
	*valp = strtoull(s, &ep, 10);
	if (*s < '0' || *s > '9' || *ep != '\0' || errno != 0) {
		if (t != XBT_NULL)
			(void)xs_transaction_end(xsh, t, true);
		errx(1, "invalid value in %s: \"%s\"", path, s);
	}
	free(s);
	return 1;
}

static void
xs_writenum(xs_transaction_t t, const char *path, uint64_t val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, val);
	if (!xs_write(xsh, t, path, buf, strlen(buf))) {
		(void)xs_transaction_end(xsh, t, true);
		err(1, "cannot write %s", path);
	}
}

/* Give up: end the transaction unwritten, then one line and exit 1. */
static void
abort_errx(xs_transaction_t t, const char *fmt, ...)
{
	va_list ap;

	(void)xs_transaction_end(xsh, t, true);
	va_start(ap, fmt);
	verrx(1, fmt, ap);
}

/* max_pages to kib (the slack added), or give up as abort_errx. */
static void
set_maxmem(xs_transaction_t t, domid_t domid, uint64_t kib)
{

	if (hv_setmaxmem(domid, kib + MAXMEM_SLACK_KIB) == -1) {
		(void)xs_transaction_end(xsh, t, true);
		err(1, "cannot set the maximum memory of domain %u", domid);
	}
}

/* End the transaction written: 0 if it must be done again. */
static int
commit(xs_transaction_t t)
{

	if (xs_transaction_end(xsh, t, false))
		return 1;
	if (errno != EAGAIN)
		err(1, "xenstore transaction");
	return 0;
}

/*
 * xl mem-set: the new target (less videoram) must not exceed
 * memory/static-max; max_pages becomes target + 1 MiB (static-max + 1 MiB
 * for a guest that says it deflates on OOM), then memory/target (KiB)
 * and /vm/<uuid>/memory (MiB) are written, in one transaction.
 */
int
dom0_mem_set(const char *dom, const char *size)
{
	char dompath[64], path[256], *vm, *oom;
	uint64_t kib, target, staticmax, videoram, newtarget, maxkib;
	unsigned int len;
	xs_transaction_t t;
	domid_t domid;
	bool deflates;

	kib = getsize(size, SIZE_BARE_MIB);
	dom0_open();
	domid = resolve(dom);
	snprintf(dompath, sizeof(dompath), "/local/domain/%u", domid);

	/*
	 * A guest that deflates on OOM must be let past the target, as
	 * far as static-max; for any other, as xl does.  The guest writes
	 * this node, so it is read outside the transaction: a guest that
	 * keeps writing it would otherwise make every commit fail.
	 */
	snprintf(path, sizeof(path), "%s/%s/%s", dompath, BALLOON_XS_DIR,
	    BALLOON_XS_OOM);
	oom = xs_read(xsh, XBT_NULL, path, &len);
	deflates = oom != NULL && strcmp(oom, "1") == 0;
	free(oom);

again:
	if ((t = xs_transaction_start(xsh)) == XBT_NULL)
		err(1, "xenstore transaction");
	snprintf(path, sizeof(path), "%s/memory/target", dompath);
	if (!xs_readnum(t, path, &target))
		abort_errx(t, "cannot read %s", path);
	snprintf(path, sizeof(path), "%s/memory/static-max", dompath);
	if (!xs_readnum(t, path, &staticmax))
		abort_errx(t, "cannot read %s", path);
	snprintf(path, sizeof(path), "%s/memory/videoram", dompath);
	if (!xs_readnum(t, path, &videoram))
		videoram = 0;
	snprintf(path, sizeof(path), "%s/vm", dompath);
	if ((vm = xs_read(xsh, t, path, &len)) == NULL)
		abort_errx(t, "cannot read %s", path);

	if (kib < videoram)
		abort_errx(t, "%s: below the domain's video memory", size);
	newtarget = kib - videoram;
	if (newtarget > staticmax)
		abort_errx(t, "%s", "memory_dynamic_max must be less than or "
		    "equal to memory_static_max");

	maxkib = deflates ? staticmax : newtarget;
	set_maxmem(t, domid, maxkib + videoram);
	snprintf(path, sizeof(path), "%s/memory/target", dompath);
	xs_writenum(t, path, newtarget);
	snprintf(path, sizeof(path), "%s/memory", vm);
	xs_writenum(t, path, newtarget / 1024);
	free(vm);
	if (!commit(t))
		goto again;
	dom0_close();
	return 0;
}

/*
 * xl mem-max: refused below the current target; sets max_pages (value
 * + 1 MiB) and memory/static-max.
 */
int
dom0_mem_max(const char *dom, const char *size)
{
	char path[256];
	uint64_t kib, target;
	xs_transaction_t t;
	domid_t domid;

	kib = getsize(size, SIZE_BARE_MIB);
	dom0_open();
	domid = resolve(dom);

again:
	if ((t = xs_transaction_start(xsh)) == XBT_NULL)
		err(1, "xenstore transaction");
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
	if (!xs_readnum(t, path, &target))
		abort_errx(t, "cannot read %s", path);
	if (kib < target)
		abort_errx(t, "%s", "memory_static_max must be greater than "
		    "or or equal to memory_dynamic_max");
	set_maxmem(t, domid, kib);
	snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max",
	    domid);
	xs_writenum(t, path, kib);
	if (!commit(t))
		goto again;
	dom0_close();
	return 0;
}

static int
cmp_domid(const void *a, const void *b)
{
	const struct hv_dominfo *x = a, *y = b;

	return (int)x->domid - (int)y->domid;
}

static void
print_mib(const char *path, int width)
{
	uint64_t v;

	if (xs_readnum(XBT_NULL, path, &v))
		printf(" %*" PRIu64, width, v / 1024);
	else
		printf(" %*s", width, "-");
}

/*
 * The guest's free memory (MiB), from the KiB figure it publishes in its
 * own data/meminfo_free (as XenServer's guest agent names it), or "-".
 * The guest writes that node: anything but a number is shown as "-".
 */
static void
print_guest_free(domid_t domid)
{
	char path[128], *s, *ep;
	unsigned long long kib;
	unsigned int len;

	snprintf(path, sizeof(path), "/local/domain/%u/data/meminfo_free",
	    domid);
	s = xs_read(xsh, XBT_NULL, path, &len);
	errno = 0;
	kib = s != NULL ? strtoull(s, &ep, 10) : 0;
	if (s == NULL || !isdigit((unsigned char)*s) || *ep != '\0' ||
	    errno != 0)
		printf(" %5s", "-");
	else
		printf(" %5llu", kib / 1024);
	free(s);
}

/*
 * xl list's memory columns, and the balloon's: target and static-max
 * (MiB), whether the guest advertises control/feature-balloon, and the
 * free memory it reports.
 */
int
dom0_list(void)
{
	struct hv_dominfo *infos;
	char path[128], *s;
	unsigned int i, n, len;

	dom0_open();
	if (hv_list(&infos, &n) == -1)
		err(1, "cannot list domains");
	qsort(infos, n, sizeof(*infos), cmp_domid);
	printf("%-40s %5s %5s %6s %5s %-7s %5s\n", "Name", "ID", "Mem",
	    "Target", "Max", "Balloon", "Free");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/name",
		    infos[i].domid);
		s = xs_read(xsh, XBT_NULL, path, &len);
		printf("%-40s %5u %5" PRIu64, s != NULL ? s : infos[i].name,
		    infos[i].domid, infos[i].tot_pages * 4 / 1024);
		free(s);
		snprintf(path, sizeof(path), "/local/domain/%u/memory/target",
		    infos[i].domid);
		print_mib(path, 6);
		snprintf(path, sizeof(path),
		    "/local/domain/%u/memory/static-max", infos[i].domid);
		print_mib(path, 5);
		snprintf(path, sizeof(path),
		    "/local/domain/%u/control/feature-balloon", infos[i].domid);
		s = xs_read(xsh, XBT_NULL, path, &len);
		printf(" %-7s", s != NULL && strcmp(s, "1") == 0 ? "yes" : "no");
		free(s);
		print_guest_free(infos[i].domid);
		printf("\n");
	}
	free(infos);
	dom0_close();
	return 0;
}
