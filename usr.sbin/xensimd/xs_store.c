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
 * The store: a tree of nodes, each with a value, a permission list and
 * a generation number that changes whenever the node or its list of
 * children does (transactions compare them to find conflicts).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_store.h"

struct xs_node	*xs_root;
static uint64_t	 xs_gen;

uint64_t
xs_next_gen(void)
{

	return ++xs_gen;
}

/* Find the node at an absolute, valid path below root. */
struct xs_node *
xs_lookup(struct xs_node *root, const char *path)
{
	struct xs_node *n = root;
	const char *p, *e;
	size_t len;
	unsigned int i;

	p = path;
	while (n != NULL && *p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		len = e ? (size_t)(e - p) : strlen(p);
		for (i = 0; i < n->nkids; i++)
			if (strncmp(n->kids[i]->name, p, len) == 0 &&
			    n->kids[i]->name[len] == '\0')
				break;
		n = i < n->nkids ? n->kids[i] : NULL;
		p += len;
	}
	return n;
}

int
xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src)
{

	dst->num = 0;
	dst->p = calloc(src->num ? src->num : 1, sizeof(*dst->p));
	if (dst->p == NULL)
		return ENOMEM;
	if (src->num > 0)
		memcpy(dst->p, src->p, src->num * sizeof(*dst->p));
	dst->num = src->num;
	return 0;
}

void
xs_perms_free(struct xs_perms *perms)
{

	free(perms->p);
	perms->p = NULL;
	perms->num = 0;
}

/*
 * What domid may do with a node, as Xen's perm_for_conn(): dom0 and the
 * owner (first entry) may do everything; others get their own entry if
 * there is one, else the default that the first entry carries.
 */
unsigned int
xs_perm_for(unsigned int domid, const struct xs_perms *perms)
{
	const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
	unsigned int i;

	if (perms->num == 0)
		return domid == 0 ? all : XS_PERM_NONE;
	if (domid == 0 || perms->p[0].id == domid)
		return all;
	for (i = 1; i < perms->num; i++)
		if (perms->p[i].id == domid)
			return perms->p[i].perms & all;
	return perms->p[0].perms & all;
}

/* "n0\0r1\0": the perm list as GET_PERMS sends it. */
int
xs_perms_to_strings(const struct xs_perms *perms, char *buf, size_t size,
    size_t *lenp)
{
	size_t len = 0;
	unsigned int i;
	int n;
	char c;

	for (i = 0; i < perms->num; i++) {
		switch (perms->p[i].perms & (XS_PERM_READ | XS_PERM_WRITE)) {
		case XS_PERM_READ:
			c = 'r';
			break;
		case XS_PERM_WRITE:
			c = 'w';
			break;
		case XS_PERM_READ | XS_PERM_WRITE:
			c = 'b';
			break;
		default:
			c = 'n';
			break;
		}
		n = snprintf(buf + len, size - len, "%c%u", c, perms->p[i].id);
		if (n < 0 || (size_t)n + 1 > size - len)
			return E2BIG;
		len += (size_t)n + 1;
	}
	*lenp = len;
	return 0;
}

static int
xs_kid_add(struct xs_node *parent, struct xs_node *kid)
{
	struct xs_node **nk;
	unsigned int ncap;

	if (parent->nkids == parent->kidcap) {
		ncap = parent->kidcap ? parent->kidcap * 2 : 4;
		nk = reallocarray(parent->kids, ncap, sizeof(*nk));
		if (nk == NULL)
			return ENOMEM;
		parent->kids = nk;
		parent->kidcap = ncap;
	}
	parent->kids[parent->nkids++] = kid;
	kid->parent = parent;
	return 0;
}

/* A new empty child of parent (NULL: a root) with a copy of perms. */
struct xs_node *
xs_node_new(struct xs_node *parent, const char *name,
    const struct xs_perms *perms)
{
	struct xs_node *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	if ((n->name = strdup(name)) == NULL ||
	    xs_perms_copy(&n->perms, perms) != 0 ||
	    (parent != NULL && xs_kid_add(parent, n) != 0)) {
		free(n->name);
		free(n->perms.p);
		free(n);
		return NULL;
	}
	n->gen = xs_next_gen();
	if (parent != NULL)
		parent->gen = n->gen;
	return n;
}

/* Free a node and everything below it; it must be unlinked already. */
void
xs_node_free(struct xs_node *n)
{
	unsigned int i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		xs_node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->data);
	free(n->perms.p);
	free(n);
}

void
xs_node_unlink(struct xs_node *n)
{
	struct xs_node *p = n->parent;
	unsigned int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nkids; i++)
		if (p->kids[i] == n)
			break;
	if (i < p->nkids) {
		memmove(&p->kids[i], &p->kids[i + 1],
		    (p->nkids - i - 1) * sizeof(*p->kids));
		p->nkids--;
	}
	p->gen = xs_next_gen();
	n->parent = NULL;
}

int
xs_node_set_data(struct xs_node *n, const char *data, unsigned int len)
{
	char *d;

	if ((d = malloc(len ? len : 1)) == NULL)
		return ENOMEM;
	memcpy(d, data, len);
	free(n->data);
	n->data = d;
	n->datalen = len;
	n->gen = xs_next_gen();
	return 0;
}

/* A deep copy of src, generations included, as a child of parent. */
struct xs_node *
xs_tree_copy(const struct xs_node *src, struct xs_node *parent)
{
	struct xs_node *n;
	unsigned int i;

	if ((n = xs_node_new(parent, src->name, &src->perms)) == NULL)
		return NULL;
	if (src->datalen > 0 &&
	    xs_node_set_data(n, src->data, src->datalen) != 0)
		goto fail;
	for (i = 0; i < src->nkids; i++)
		if (xs_tree_copy(src->kids[i], n) == NULL)
			goto fail;
	n->gen = src->gen;
	return n;
fail:
	xs_node_unlink(n);
	xs_node_free(n);
	return NULL;
}

unsigned int
xs_count_owned(const struct xs_node *n, unsigned int domid)
{
	unsigned int i, count;

	count = n->perms.num > 0 && n->perms.p[0].id == domid;
	for (i = 0; i < n->nkids; i++)
		count += xs_count_owned(n->kids[i], domid);
	return count;
}

/* The size of the node's record in Xen's database, with datalen bytes. */
size_t
xs_node_size(const struct xs_node *n, unsigned int datalen)
{
	size_t size;
	unsigned int i;

	size = 24 + n->perms.num * sizeof(struct xs_permissions) + datalen;
	for (i = 0; i < n->nkids; i++)
		size += strlen(n->kids[i]->name) + 1;
	return size;
}

char *
xs_node_path(const struct xs_node *n)
{
	const struct xs_node *m;
	size_t len = 0, l;
	char *path;

	if (n->parent == NULL)
		return strdup("/");
	for (m = n; m->parent != NULL; m = m->parent)
		len += strlen(m->name) + 1;
	if ((path = malloc(len + 1)) == NULL)
		return NULL;
	path[len] = '\0';
	for (m = n; m->parent != NULL; m = m->parent) {
		l = strlen(m->name);
		len -= l;
		memcpy(path + len, m->name, l);
		path[--len] = '/';
	}
	return path;
}

/*
 * Xen's is_valid_nodename(): absolute, no empty component, no trailing
 * slash, only [A-Za-z0-9-/_@]; at most XENSTORE_ABS_PATH_MAX long, and
 * for a domU at most XENSTORE_REL_PATH_MAX below /local/domain/<id>/.
 */
bool
xs_valid_path(const char *path, unsigned int domid)
{
	size_t len = strlen(path);
	unsigned int id;
	int off = 0;

	if (path[0] != '/')
		return false;
	if (len > 1 && path[len - 1] == '/')
		return false;
	if (strstr(path, "//") != NULL)
		return false;
	if (len > XENSTORE_ABS_PATH_MAX)
		return false;
	if (domid != 0) {
		if (sscanf(path, "/local/domain/%5u/%n", &id, &off) != 1)
			off = 0;
		if (len - (size_t)off > XENSTORE_REL_PATH_MAX)
			return false;
	}
	return strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-/_@") == len;
}
