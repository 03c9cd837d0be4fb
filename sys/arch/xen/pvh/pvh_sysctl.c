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
 * The guest's sysctl tree, served to dom0 over the guest's own
 * xenstore directory (the PVH guest has no shell and no sockets).
 * dom0 writes a request to data/sysctl/request, "ID read NAME" or
 * "ID write NAME VALUE", or "ID evcnt"; the guest answers in
 * data/sysctl/reply with "ID ERRNO" and, on success, one "name = value"
 * line per leaf at or under NAME, or per evcnt(9) counter ("balloon0
 * hypercalls = 17", as vmstat -e names them).  A write goes through the same sysctl handler as a write
 * inside the guest, with the same answers.  See pvhballoon(8).
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/inttypes.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <uvm/uvm.h>

#include <xen/xen.h>
#include <xen/hypervisor.h>
#include <xen/balloonvar.h>

#include <rumpuser.h>

#include "pvh.h"
#include "pvh_xs.h"

#define SP_REPLY_MAX	2048
#define SP_CHILDREN	16

static char sp_dir[PVH_XS_PATHMAX];
static char sp_reply[SP_REPLY_MAX];
static size_t sp_len;
static uint64_t sp_evbuf[SP_REPLY_MAX / sizeof(uint64_t)];

static void
sp_append(const char *name, const char *value)
{
	int n;

	n = snprintf(sp_reply + sp_len, sizeof(sp_reply) - sp_len,
	    "\n%s = %s", name, value);
	if (n > 0 && (size_t)n < sizeof(sp_reply) - sp_len)
		sp_len += (size_t)n;
}

/* A leaf's value in decimal; its size tells an int from a quad. */
static int
sp_value(const char *name, char *buf, size_t size, size_t *vlenp)
{
	uint64_t q = 0;
	int32_t i;
	size_t len = sizeof(q);
	int error;

	error = (*pvh_hyperup->hyp_sysctl)(name, &q, &len, NULL, 0);
	if (error != 0)
		return error;
	if (len == sizeof(i)) {
		memcpy(&i, &q, sizeof(i));
		snprintf(buf, size, "%d", i);
	} else if (len == sizeof(q))
		snprintf(buf, size, "%" PRIu64, q);
	else
		return EOPNOTSUPP;
	*vlenp = len;
	return 0;
}

/* NAME and every leaf under it, depth first, in creation order. */
static int
sp_read(const char *name, int depth)
{
	struct rumpuser_sysctl_node nodes[SP_CHILDREN];
	char value[32], child[128];
	size_t count, i, vlen;
	int error;

	error = sp_value(name, value, sizeof(value), &vlen);
	if (error == 0) {
		sp_append(name, value);
		return 0;
	}
	if (depth > 4)
		return error;
	error = (*pvh_hyperup->hyp_sysctl_children)(name, nodes,
	    __arraycount(nodes), &count);
	if (error != 0)
		return error;
	for (i = 0; i < count; i++) {
		snprintf(child, sizeof(child), "%s.%s", name, nodes[i].name);
		if ((error = sp_read(child, depth + 1)) != 0)
			return error;
	}
	return 0;
}

/* Every event counter, from kern.evcnt as vmstat -e reads it. */
static int
sp_evcnt(void)
{
	const struct evcnt_sysctl *evs;
	char name[2 * SYSCTL_NAMELEN], value[32];
	size_t len, off;
	int error;

	len = sizeof(sp_evbuf);
	error = (*pvh_hyperup->hyp_sysctl)("kern.evcnt.-1.0", sp_evbuf, &len,
	    NULL, 0);
	if (error != 0)
		return error;
	for (off = 0; off < len; off += evs->ev_len * 8) {
		evs = (const struct evcnt_sysctl *)((char *)sp_evbuf + off);
		if (evs->ev_len == 0 || evs->ev_len * 8 > len - off)
			return EIO;
		snprintf(name, sizeof(name), "%s %s", evs->ev_strings,
		    evs->ev_strings + evs->ev_grouplen + 1);
		snprintf(value, sizeof(value), "%" PRIu64, evs->ev_count);
		sp_append(name, value);
	}
	return 0;
}

/*
 * Decimal digits only, as sysctl(8) takes a number: the balloon
 * driver's own parser of a value from xenstore.
 */
static int
sp_write(const char *name, const char *s)
{
	char value[32];
	uint64_t v;
	int32_t i;
	size_t vlen;
	int error;

	if ((error = sp_value(name, value, sizeof(value), &vlen)) != 0)
		return error;
	if ((error = balloon_parse_kb(s, &v)) != 0)
		return error;
	if (vlen == sizeof(i)) {
		if (v > INT32_MAX)
			return ERANGE;
		i = (int32_t)v;
		error = (*pvh_hyperup->hyp_sysctl)(name, NULL, NULL, &i,
		    sizeof(i));
	} else
		error = (*pvh_hyperup->hyp_sysctl)(name, NULL, NULL, &v,
		    sizeof(v));
	if (error == 0)
		error = sp_read(name, 0);
	return error;
}

static void
sp_request(void *cookie, const char *path)
{
	char req[256], rpath[PVH_XS_PATHMAX], out[SP_REPLY_MAX + 32];
	char *id, *op, *name, *value, *p;
	size_t len;
	int error;

	(void)cookie;
	(void)path;
	snprintf(rpath, sizeof(rpath), "%s/request", sp_dir);
	if (pvh_xs_read(rpath, req, sizeof(req), &len) != 0 || len == 0)
		return;
	/* ID OP NAME [VALUE], single spaces. */
	id = req;
	op = name = value = NULL;
	if ((p = strchr(id, ' ')) != NULL) {
		*p = '\0';
		op = p + 1;
		if ((p = strchr(op, ' ')) != NULL) {
			*p = '\0';
			name = p + 1;
			if ((p = strchr(name, ' ')) != NULL) {
				*p = '\0';
				value = p + 1;
			}
		}
	}
	sp_len = 0;
	sp_reply[0] = '\0';
	if (op != NULL && strcmp(op, "evcnt") == 0 && name == NULL)
		error = sp_evcnt();
	else if (name == NULL || *name == '\0')
		error = EINVAL;
	else if (strcmp(op, "read") == 0 && value == NULL)
		error = sp_read(name, 0);
	else if (strcmp(op, "write") == 0 && value != NULL)
		error = sp_write(name, value);
	else
		error = EINVAL;
	if (error != 0) {
		sp_len = 0;
		sp_reply[0] = '\0';
	}
	snprintf(out, sizeof(out), "%s %d%s", id, error, sp_reply);
	snprintf(rpath, sizeof(rpath), "%s/reply", sp_dir);
	(void)pvh_xs_write(rpath, out);
}

/* path: the xenstore directory to serve in ("data/sysctl"). */
int
rumpuser_sp_init(const char *path)
{
	char rpath[PVH_XS_PATHMAX];
	int error;

	snprintf(sp_dir, sizeof(sp_dir), "%s", path);
	snprintf(rpath, sizeof(rpath), "%s/reply", sp_dir);
	if ((error = pvh_xs_write(rpath, "")) != 0)
		return error;
	snprintf(rpath, sizeof(rpath), "%s/request", sp_dir);
	if ((error = pvh_xs_write(rpath, "")) != 0)
		return error;
	return pvh_xs_watch(rpath, NULL, sp_request);
}
