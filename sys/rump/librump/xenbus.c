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
 * xenbus: the xenstore client API of NetBSD's xenbus_xs.c over the
 * host's xenstore connection.  Relative paths are under the domain's
 * home, /local/domain/<domid>; errors are positive errno values.
 * Watch callbacks run in the host's watch thread, one at a time, in a
 * process context with no kernel locks held (as NetBSD's xenwatch).
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/systm.h>

#include <stdarg.h>

#include <xen/xenbus.h>

#include <rump.h>
#include <rumpuser.h>

#include "rump_private.h"

#define XS_PATHMAX	256
#define XS_VALMAX	4096

static char xenbus_home[64];	/* /local/domain/<domid>, set at boot */

void
rump_xenbus_init(unsigned int domid)
{

	snprintf(xenbus_home, sizeof(xenbus_home), "/local/domain/%u", domid);
}

static int
xenbus_path(char *buf, size_t size, const char *dir, const char *node)
{
	int n;

	if (node == NULL || *node == '\0')
		n = snprintf(buf, size, "%s%s%s",
		    dir[0] == '/' ? "" : xenbus_home,
		    dir[0] == '/' ? "" : "/", dir);
	else if (dir == NULL || *dir == '\0')
		n = snprintf(buf, size, "%s%s%s",
		    node[0] == '/' ? "" : xenbus_home,
		    node[0] == '/' ? "" : "/", node);
	else
		n = snprintf(buf, size, "%s%s%s/%s",
		    dir[0] == '/' ? "" : xenbus_home,
		    dir[0] == '/' ? "" : "/", dir, node);
	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}

int
xenbus_read(struct xenbus_transaction *t, const char *dir, const char *node,
    char *buf, size_t bufsz)
{
	char path[XS_PATHMAX];
	size_t len;
	int error;

	KASSERT(t == NULL);
	if ((error = xenbus_path(path, sizeof(path), dir, node)) != 0)
		return error;
	return rumpuser_xs_read(path, buf, bufsz, &len);
}

int
xenbus_read_ull(struct xenbus_transaction *t, const char *dir,
    const char *node, unsigned long long *valp, int base)
{
	char buf[32], *p;
	unsigned long long v = 0;
	u_int d;
	int error;

	if (base == 0)
		base = 10;
	if (base != 10 && base != 16)
		return EINVAL;
	if ((error = xenbus_read(t, dir, node, buf, sizeof(buf))) != 0)
		return error;
	if (buf[0] == '\0')
		return EINVAL;
	for (p = buf; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			d = (u_int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (u_int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (u_int)(*p - 'A' + 10);
		else
			return EINVAL;
		if (v > (~0ULL - d) / (u_int)base)
			return ERANGE;
		v = v * (u_int)base + d;
	}
	*valp = v;
	return 0;
}

int
xenbus_read_ul(struct xenbus_transaction *t, const char *dir,
    const char *node, unsigned long *valp, int base)
{
	unsigned long long v;
	int error;

	if ((error = xenbus_read_ull(t, dir, node, &v, base)) == 0)
		*valp = (unsigned long)v;
	return error;
}

int
xenbus_write(struct xenbus_transaction *t, const char *dir,
    const char *node, const char *string)
{
	char path[XS_PATHMAX];
	int error;

	KASSERT(t == NULL);
	if ((error = xenbus_path(path, sizeof(path), dir, node)) != 0)
		return error;
	return rumpuser_xs_write(path, string);
}

int
xenbus_printf(struct xenbus_transaction *t, const char *dir,
    const char *node, const char *fmt, ...)
{
	char val[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return ENAMETOOLONG;
	return xenbus_write(t, dir, node, val);
}

int
xenbus_rm(struct xenbus_transaction *t, const char *dir, const char *node)
{
	char path[XS_PATHMAX];
	int error;

	KASSERT(t == NULL);
	if ((error = xenbus_path(path, sizeof(path), dir, node)) != 0)
		return error;
	return rumpuser_xs_rm(path);
}

int
register_xenbus_watch(struct xenbus_watch *watch)
{
	char path[XS_PATHMAX];
	int error;

	if (rump_fault("watch", watch->node))
		return ENOMEM;
	if ((error = xenbus_path(path, sizeof(path), watch->node, NULL)) != 0)
		return error;
	return rumpuser_xs_watch(path, watch);
}

void
unregister_xenbus_watch(struct xenbus_watch *watch)
{
	char path[XS_PATHMAX];

	if (xenbus_path(path, sizeof(path), watch->node, NULL) != 0)
		return;
	(void)rumpuser_xs_unwatch(path, watch);
}

/* Upcall from the host's watch thread. */
void
rump_xenbus_watch_fired(void *cookie, const char *path)
{
	struct xenbus_watch *watch = cookie;
	const char *vec[2];

	vec[0] = path;
	vec[1] = watch->node;
	(*watch->xbw_callback)(watch, vec, 2);
}
