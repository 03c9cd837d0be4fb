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
 * The store's operations with Xen's permission rules, on the live tree
 * or on a transaction's copy.  Paths are absolute and valid here; the
 * wire layer and the toolstack API check them first.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_store.h"

static void	xs_fire(struct xs_ctx *, const char *, bool,
		    const struct xs_node *, const struct xs_perms *);

/* A change to path: fire now, or at commit inside a transaction. */
static void
xs_fire(struct xs_ctx *ctx, const char *path, bool exact,
    const struct xs_node *n, const struct xs_perms *old)
{
	struct xs_event ev;

	xs_event_init(&ev, path, exact, n, old);
	if (ctx->txn != NULL) {
		if (xs_txn_queue_event(ctx->txn, &ev) != 0)
			xs_event_fini(&ev);
		return;
	}
	xs_event_fire(&ev);
	xs_event_fini(&ev);
}

static struct xs_node *
xs_ctx_root(struct xs_ctx *ctx)
{

	return ctx->txn != NULL ? xs_txn_root(ctx->txn) : xs_root;
}

/* Strip the last component: "/a/b" -> "/a", "/a" -> "/". */
static void
xs_parent_path(char *path)
{
	char *s = strrchr(path, '/');

	if (s == path)
		s[1] = '\0';
	else if (s != NULL)
		*s = '\0';
}

/* The deepest existing node on the way to path (the root at least). */
static struct xs_node *
xs_nearest(struct xs_node *root, const char *path, char **namep)
{
	struct xs_node *n;
	char *p;

	if ((p = strdup(path)) == NULL)
		return NULL;
	while ((n = xs_lookup(root, p)) == NULL && strcmp(p, "/") != 0)
		xs_parent_path(p);
	if (n == NULL)
		n = root;
	if (namep != NULL)
		*namep = p;
	else
		free(p);
	return n;
}

/*
 * Look a node up for an access of kind perm.  As Xen does, a missing
 * node or one the caller may not use reports ENOENT only when the
 * nearest existing ancestor grants perm, so that EACCES tells nothing
 * about nodes the caller cannot see.
 */
int
xs_get_node(struct xs_ctx *ctx, const char *path, unsigned int perm,
    struct xs_node **np)
{
	struct xs_node *root = xs_ctx_root(ctx), *n, *a;
	char *p;
	int error;

	*np = NULL;
	n = xs_lookup(root, path);
	if (ctx->txn != NULL)
		xs_txn_access(ctx->txn, path, n);
	if (n != NULL) {
		if ((xs_perm_for(ctx->domid, &n->perms) & perm) == perm) {
			*np = n;
			return 0;
		}
		error = EACCES;
	} else
		error = ENOENT;
	if (strcmp(path, "/") == 0 || (p = strdup(path)) == NULL)
		return error;
	xs_parent_path(p);
	a = xs_nearest(root, p, NULL);
	free(p);
	if (a == NULL)
		return ENOMEM;
	if ((xs_perm_for(ctx->domid, &a->perms) & perm) == 0)
		return EACCES;
	return error;
}

int
xs_op_read(struct xs_ctx *ctx, const char *path, struct xs_node **np)
{

	return xs_get_node(ctx, path, XS_PERM_READ, np);
}

/*
 * Create path and its missing parents.  New nodes inherit the parent's
 * permissions; a domU owns what it creates.
 */
static int
xs_create(struct xs_ctx *ctx, const char *path, const char *data,
    unsigned int len, struct xs_node **np)
{
	struct xs_node *root = xs_ctx_root(ctx), *a, *n, *first = NULL;
	struct xs_perms perms;
	unsigned int need;
	const char *p, *e;
	char *aname, *name, *cur;
	int error = 0;

	if ((a = xs_nearest(root, path, &aname)) == NULL)
		return ENOMEM;
	p = strcmp(aname, "/") == 0 ? path : path + strlen(aname);
	for (need = 0, e = p; *e != '\0'; e++)
		if (*e == '/')
			need++;
	if (ctx->domid != 0) {
		if (xs_count_owned(root, ctx->domid) + need >
		    XS_QUOTA_NODES) {
			free(aname);
			return ENOSPC;
		}
		if (24 + a->perms.num * sizeof(struct xs_permissions) + len >=
		    XS_QUOTA_ENTRY_SIZE) {
			free(aname);
			return ENOSPC;
		}
	}
	if (ctx->txn != NULL) {
		xs_txn_access(ctx->txn, aname, a);
		xs_txn_changed(ctx->txn, aname);
	}
	free(aname);
	if ((error = xs_perms_copy(&perms, &a->perms)) != 0)
		return error;
	if (ctx->domid != 0 && perms.num > 0)
		perms.p[0].id = ctx->domid;
	n = a;
	while (*p == '/') {
		p++;
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if ((name = strndup(p, (size_t)(e - p))) == NULL) {
			error = ENOMEM;
			break;
		}
		if (ctx->txn != NULL) {
			/* It did not exist when the transaction saw it. */
			cur = strndup(path, (size_t)(e - path));
			if (cur != NULL)
				xs_txn_access(ctx->txn, cur, NULL);
			free(cur);
		}
		n = xs_node_new(n, name, &perms);
		free(name);
		if (n == NULL) {
			error = ENOMEM;
			break;
		}
		if (first == NULL)
			first = n;
		if (ctx->txn != NULL) {
			if ((cur = xs_node_path(n)) == NULL) {
				error = ENOMEM;
				break;
			}
			xs_txn_changed(ctx->txn, cur);
			free(cur);
		}
		p = e;
	}
	xs_perms_free(&perms);
	if (error == 0 && len > 0)
		error = xs_node_set_data(n, data, len);
	if (error != 0) {
		if (first != NULL) {
			xs_node_unlink(first);
			xs_node_free(first);
		}
		return error;
	}
	*np = n;
	return 0;
}

/* WRITE (mkdir false) and MKDIR (mkdir true; data ignored). */
int
xs_op_write(struct xs_ctx *ctx, const char *path, const char *data,
    unsigned int len, bool mkdir)
{
	struct xs_node *n;
	int error;

	error = xs_get_node(ctx, path, XS_PERM_WRITE, &n);
	if (error == 0) {
		if (mkdir)
			return 0;
		if (ctx->domid != 0 &&
		    xs_node_size(n, len) >= XS_QUOTA_ENTRY_SIZE)
			return ENOSPC;
		if ((error = xs_node_set_data(n, data, len)) != 0)
			return error;
		if (ctx->txn != NULL)
			xs_txn_changed(ctx->txn, path);
	} else if (error == ENOENT) {
		if ((error = xs_create(ctx, path, data, mkdir ? 0 : len,
		    &n)) != 0)
			return error;
	} else
		return error;
	xs_fire(ctx, path, false, n, NULL);
	return 0;
}

/* Events for a removed subtree: exact ones for everything below it. */
static void
xs_fire_subtree(struct xs_ctx *ctx, const struct xs_node *n)
{
	unsigned int i;
	char *path;

	for (i = 0; i < n->nkids; i++) {
		if ((path = xs_node_path(n->kids[i])) != NULL) {
			xs_fire(ctx, path, true, n->kids[i], NULL);
			free(path);
		}
		xs_fire_subtree(ctx, n->kids[i]);
	}
}

int
xs_op_rm(struct xs_ctx *ctx, const char *path)
{
	struct xs_node *n, *root = xs_ctx_root(ctx);
	char *p;
	int error;

	error = xs_get_node(ctx, path, XS_PERM_WRITE, &n);
	if (error == ENOENT) {
		/* Nothing to remove is fine if the parent exists. */
		if ((p = strdup(path)) == NULL)
			return ENOMEM;
		xs_parent_path(p);
		n = xs_lookup(root, p);
		free(p);
		return n != NULL ? 0 : ENOENT;
	}
	if (error != 0)
		return error;
	if (n->parent == NULL)
		return EINVAL;
	/* Fire while the permissions can still be seen. */
	xs_fire(ctx, path, false, n, NULL);
	xs_fire_subtree(ctx, n);
	if (ctx->txn != NULL) {
		xs_txn_changed(ctx->txn, path);
		if ((p = xs_node_path(n->parent)) != NULL) {
			xs_txn_access(ctx->txn, p, n->parent);
			xs_txn_changed(ctx->txn, p);
			free(p);
		}
	}
	xs_node_unlink(n);
	xs_node_free(n);
	return 0;
}

int
xs_op_set_perms(struct xs_ctx *ctx, const char *path,
    const struct xs_perms *perms)
{
	struct xs_perms old;
	struct xs_node *n;
	int error;

	if (perms->num == 0)
		return EINVAL;
	if (ctx->domid != 0 && perms->num > XS_QUOTA_PERMS)
		return ENOSPC;
	error = xs_get_node(ctx, path, XS_PERM_WRITE | XS_PERM_OWNER, &n);
	if (error != 0)
		return error;
	/* A domU may not give its node away. */
	if (ctx->domid != 0 && perms->p[0].id != n->perms.p[0].id)
		return EPERM;
	old = n->perms;
	if ((error = xs_perms_copy(&n->perms, perms)) != 0) {
		n->perms = old;
		return error;
	}
	n->gen = xs_next_gen();
	if (ctx->txn != NULL)
		xs_txn_changed(ctx->txn, path);
	xs_fire(ctx, path, false, n, &old);
	xs_perms_free(&old);
	return 0;
}
