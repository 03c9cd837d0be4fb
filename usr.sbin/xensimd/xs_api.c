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
 * The toolstack's side of the store (xenstored.h): the hypervisor half
 * reads and writes as dom0, and its changes fire watches as a client's
 * would.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"
#include "xs_store.h"

static struct xs_ctx xs_dom0 = { 0, NULL, NULL };

/* The nodes a Xen host has before any guest (XEN-GROUND-TRUTH.md 2). */
static const char *const xs_initial[][2] = {
	{ "/tool/xenstored", NULL },
	{ "/local/domain/0/domid", "0" },
	{ "/local/domain/0/name", "Domain-0" },
	{ "/local/domain/0/control/feature-poweroff", "1" },
	{ "/local/domain/0/control/feature-reboot", "1" },
	{ "/local/domain/0/control/feature-suspend", "1" },
	{ "/local/pool/0/name", "Pool-0" },
};

int
xsd_init(void)
{
	static struct xs_permissions n0 = { 0, XS_PERM_NONE };
	const struct xs_perms perms = { &n0, 1 };
	size_t i;
	const char *v;
	int error;

	if (xs_root != NULL)
		return 0;
	if ((xs_root = xs_node_new(NULL, "", &perms)) == NULL)
		return ENOMEM;
	for (i = 0; i < sizeof(xs_initial) / sizeof(xs_initial[0]); i++) {
		v = xs_initial[i][1];
		error = xs_op_write(&xs_dom0, xs_initial[i][0], v,
		    v != NULL ? (unsigned int)strlen(v) : 0, v == NULL);
		if (error != 0)
			return error;
	}
	return 0;
}

int
xsd_write(const char *path, const char *value)
{
	int error;

	if (path == NULL || value == NULL || !xs_valid_path(path, 0))
		return EINVAL;
	if (strlen(value) > XENSTORE_PAYLOAD_MAX)
		return E2BIG;
	error = xs_op_write(&xs_dom0, path, value,
	    (unsigned int)strlen(value), false);
	xs_reap();
	return error;
}

int
xsd_mkdir(const char *path)
{
	int error;

	if (path == NULL || !xs_valid_path(path, 0))
		return EINVAL;
	error = xs_op_write(&xs_dom0, path, NULL, 0, true);
	xs_reap();
	return error;
}

int
xsd_read(const char *path, char **valuep)
{
	struct xs_node *n;
	char *v;
	int error;

	*valuep = NULL;
	if (path == NULL || !xs_valid_path(path, 0))
		return EINVAL;
	if ((error = xs_op_read(&xs_dom0, path, &n)) != 0)
		return error;
	if ((v = malloc(n->datalen + 1)) == NULL)
		return ENOMEM;
	if (n->datalen > 0)
		memcpy(v, n->data, n->datalen);
	v[n->datalen] = '\0';
	*valuep = v;
	return 0;
}

int
xsd_rm(const char *path)
{
	int error;

	if (path == NULL || !xs_valid_path(path, 0))
		return EINVAL;
	error = xs_op_rm(&xs_dom0, path);
	xs_reap();
	return error;
}

bool
xsd_exists(const char *path)
{

	return path != NULL && xs_valid_path(path, 0) &&
	    xs_lookup(xs_root, path) != NULL;
}

int
xsd_set_perms(const char *path, const struct xs_permissions *perms,
    unsigned int nperms)
{
	struct xs_perms p;
	int error;

	if (path == NULL || perms == NULL || nperms == 0 ||
	    !xs_valid_path(path, 0))
		return EINVAL;
	p.p = (struct xs_permissions *)(uintptr_t)perms;
	p.num = nperms;
	error = xs_op_set_perms(&xs_dom0, path, &p);
	xs_reap();
	return error;
}

void
xsd_release_domain(unsigned int domid)
{

	(void)domid;
	xs_fire_special("@releaseDomain");
	xs_reap();
}
