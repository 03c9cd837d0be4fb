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
 * sysctl(9): the kernel's tree of named values.  Platform independent: it
 * uses only kmem(9) and mutex(9), so every platform kernel links it.
 *
 * The tree is small and changes only at attach and detach, so one mutex
 * guards it, and a node's handler runs with that mutex held: a handler
 * must not create or destroy nodes.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <rump.h>

#include <stdarg.h>

/* What sysctl_createv() made, so that sysctl_teardown() can undo it. */
#define SYSCTLLOG_MAX	64
struct sysctllog {
	struct sysctlnode	*log_node[SYSCTLLOG_MAX];
	u_int			 log_count;
};

static kmutex_t sysctl_treelock;
static struct sysctlnode sysctl_root = {
	.sysctl_flags = CTLTYPE_NODE | CTLFLAG_PERMANENT,
	.sysctl_num = 0,
	.sysctl_name = "",
};

static struct sysctlnode *sysctl_child_bynum(struct sysctlnode *, int);
static struct sysctlnode *sysctl_child_byname(struct sysctlnode *,
    const char *, size_t);
static struct sysctlnode *sysctl_resolve(const char *, int *,
    const char **);
static int	sysctl_tail(const char *, int *, u_int *);
static size_t	sysctl_valsize(const struct sysctlnode *);
static void	sysctl_unlink(struct sysctlnode *);

void
sysctl_init(void)
{

	mutex_init(&sysctl_treelock, MUTEX_DEFAULT, IPL_NONE);
}

static struct sysctlnode *
sysctl_child_bynum(struct sysctlnode *parent, int num)
{
	struct sysctlnode *n;

	for (n = parent->sysctl_child; n != NULL; n = n->sysctl_next)
		if (n->sysctl_num == num)
			return n;
	return NULL;
}

static struct sysctlnode *
sysctl_child_byname(struct sysctlnode *parent, const char *name, size_t len)
{
	struct sysctlnode *n;

	for (n = parent->sysctl_child; n != NULL; n = n->sysctl_next)
		if (strlen(n->sysctl_name) == len &&
		    memcmp(n->sysctl_name, name, len) == 0)
			return n;
	return NULL;
}

int
(sysctl_createv)(struct sysctllog **log, int cflags,
    const struct sysctlnode **rnode, const struct sysctlnode **cnode,
    int flags, int type, const char *namep, const char *descr,
    sysctlfn func, u_quad_t qv, void *newp, size_t newsize, ...)
{
	struct sysctlnode *parent, *node, *n, **tail;
	int name[CTL_MAXNAME];
	u_int namelen, i;
	va_list ap;
	int num, error;

	if (namep == NULL || strlen(namep) == 0 ||
	    strlen(namep) >= SYSCTL_NAMELEN || strchr(namep, '.') != NULL)
		return EINVAL;
	if (rump_fault("sysctl", namep))
		return ENOMEM;

	va_start(ap, newsize);
	for (namelen = 0; namelen < CTL_MAXNAME; namelen++) {
		name[namelen] = va_arg(ap, int);
		if (name[namelen] == CTL_EOL)
			break;
	}
	va_end(ap);
	if (namelen == 0 || namelen == CTL_MAXNAME)
		return EINVAL;

	mutex_enter(&sysctl_treelock);
	parent = (rnode != NULL && *rnode != NULL) ?
	    __UNCONST(*rnode) : &sysctl_root;
	for (i = 0; i + 1 < namelen; i++) {
		parent = sysctl_child_bynum(parent, name[i]);
		if (parent == NULL ||
		    SYSCTL_TYPE(parent->sysctl_flags) != CTLTYPE_NODE) {
			error = ENOENT;
			goto out;
		}
	}

	/* An existing node of the same name: nodes are shared, values not. */
	n = sysctl_child_byname(parent, namep, strlen(namep));
	if (n != NULL) {
		if (type == CTLTYPE_NODE &&
		    SYSCTL_TYPE(n->sysctl_flags) == CTLTYPE_NODE) {
			if (cnode != NULL)
				*cnode = n;
			error = 0;
		} else
			error = EEXIST;
		goto out;
	}

	num = name[namelen - 1];
	if (num == CTL_CREATE) {
		num = CREATE_BASE;
		while (sysctl_child_bynum(parent, num) != NULL)
			num++;
	} else if (num < 0 || sysctl_child_bynum(parent, num) != NULL) {
		error = EEXIST;
		goto out;
	}

	if (log != NULL && *log != NULL &&
	    (*log)->log_count == SYSCTLLOG_MAX) {
		error = ENOSPC;
		goto out;
	}
	if (log != NULL && *log == NULL)
		*log = kmem_zalloc(sizeof(**log), KM_SLEEP);

	node = kmem_zalloc(sizeof(*node), KM_SLEEP);
	node->sysctl_flags = (uint32_t)flags | (uint32_t)type;
	node->sysctl_num = num;
	memcpy(node->sysctl_name, namep, strlen(namep) + 1);
	node->sysctl_desc = descr;
	node->sysctl_func = func;
	node->sysctl_parent = parent;
	if (flags & CTLFLAG_IMMEDIATE)
		node->sysctl_qdata = qv;
	else
		node->sysctl_data = newp;
	node->sysctl_size = newsize;

	/* Append: children are listed in creation order. */
	for (tail = &parent->sysctl_child; *tail != NULL;
	    tail = &(*tail)->sysctl_next)
		continue;
	*tail = node;

	if (log != NULL)
		(*log)->log_node[(*log)->log_count++] = node;
	if (cnode != NULL)
		*cnode = node;
	error = 0;
out:
	mutex_exit(&sysctl_treelock);
	return error;
}

static void
sysctl_unlink(struct sysctlnode *node)
{
	struct sysctlnode **pp;

	for (pp = &node->sysctl_parent->sysctl_child; *pp != NULL;
	    pp = &(*pp)->sysctl_next) {
		if (*pp == node) {
			*pp = node->sysctl_next;
			return;
		}
	}
}

void
sysctl_teardown(struct sysctllog **log)
{
	struct sysctlnode *node;
	u_int i;

	if (log == NULL || *log == NULL)
		return;
	mutex_enter(&sysctl_treelock);
	/* Newest first: children go before their parents. */
	for (i = (*log)->log_count; i-- > 0;) {
		node = (*log)->log_node[i];
		KASSERT(node->sysctl_child == NULL);
		sysctl_unlink(node);
		kmem_free(node, sizeof(*node));
	}
	mutex_exit(&sysctl_treelock);
	kmem_free(*log, sizeof(**log));
	*log = NULL;
}

static size_t
sysctl_valsize(const struct sysctlnode *node)
{

	switch (SYSCTL_TYPE(node->sysctl_flags)) {
	case CTLTYPE_INT:
		return sizeof(int);
	case CTLTYPE_QUAD:
		return sizeof(u_quad_t);
	case CTLTYPE_BOOL:
		return sizeof(bool);
	case CTLTYPE_STRING:
		if (node->sysctl_data == NULL)
			return 1;
		return strlen(node->sysctl_data) + 1;
	default:
		return node->sysctl_size;
	}
}

/*
 * The default handler: copy the value out, then a new one in.  Callers
 * (and the server) pass kernel buffers, so plain copies do.
 */
int
sysctl_lookup(SYSCTLFN_ARGS)
{
	const void *src;
	size_t sz, len;
	int error = 0;

	if (namelen != 0)
		return ENOTDIR;
	if (SYSCTL_TYPE(rnode->sysctl_flags) == CTLTYPE_NODE)
		return EISDIR;

	src = (rnode->sysctl_flags & CTLFLAG_IMMEDIATE) ?
	    (const void *)&rnode->sysctl_qdata : rnode->sysctl_data;
	if (SYSCTL_TYPE(rnode->sysctl_flags) == CTLTYPE_INT &&
	    (rnode->sysctl_flags & CTLFLAG_IMMEDIATE))
		src = &rnode->sysctl_idata;
	sz = sysctl_valsize(rnode);

	if (oldlenp != NULL) {
		if (oldp != NULL && src != NULL) {
			len = MIN(*oldlenp, sz);
			memcpy(oldp, src, len);
			if (len < sz)
				error = ENOMEM;
		}
		*oldlenp = sz;
	}
	if (error != 0 || newp == NULL)
		return error;

	if ((rnode->sysctl_flags & CTLFLAG_RWMASK) != CTLFLAG_READWRITE)
		return EPERM;
	if (rnode->sysctl_flags & CTLFLAG_IMMEDIATE)
		return EPERM;
	switch (SYSCTL_TYPE(rnode->sysctl_flags)) {
	case CTLTYPE_INT:
	case CTLTYPE_QUAD:
	case CTLTYPE_BOOL:
		if (newlen != sz)
			return EINVAL;
		break;
	case CTLTYPE_STRING:
		if (newlen >= rnode->sysctl_size)
			return EINVAL;
		memcpy(rnode->sysctl_data, newp, newlen);
		((char *)rnode->sysctl_data)[newlen] = '\0';
		return 0;
	default:
		if (newlen > rnode->sysctl_size)
			return EINVAL;
		break;
	}
	memcpy(rnode->sysctl_data, newp, newlen);
	return 0;
}

/*
 * Walk a dotted name ("machdep.xen.balloon.target") from the root.
 * With tailp, a walk that reaches a leaf with a handler stops there and
 * leaves the rest of the name in *tailp: numbers the handler takes, as
 * kern.evcnt takes its type and count filters.
 */
static struct sysctlnode *
sysctl_resolve(const char *sname, int *errorp, const char **tailp)
{
	struct sysctlnode *node = &sysctl_root;
	const char *p, *dot;
	size_t len;

	KASSERT(mutex_owned(&sysctl_treelock));
	for (p = sname; *p != '\0'; p = dot + 1) {
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (len == 0 || len >= SYSCTL_NAMELEN) {
			*errorp = len == 0 ? EINVAL : ENOENT;
			return NULL;
		}
		if (SYSCTL_TYPE(node->sysctl_flags) != CTLTYPE_NODE) {
			if (tailp != NULL && node->sysctl_func != NULL) {
				*tailp = p;
				return node;
			}
			*errorp = ENOTDIR;
			return NULL;
		}
		node = sysctl_child_byname(node, p, len);
		if (node == NULL) {
			*errorp = ENOENT;
			return NULL;
		}
		if (dot == NULL)
			break;
	}
	if (node == &sysctl_root) {
		*errorp = EINVAL;
		return NULL;
	}
	return node;
}

/* The rest of a name as the numbers of a MIB; 0 or EINVAL. */
static int
sysctl_tail(const char *tail, int *name, u_int *namelenp)
{
	const char *p;
	long v;
	bool neg;

	*namelenp = 0;
	for (p = tail; p != NULL && *p != '\0'; ) {
		if (*namelenp == CTL_MAXNAME)
			return EINVAL;
		neg = *p == '-';
		if (neg)
			p++;
		if (*p < '0' || *p > '9')
			return EINVAL;
		for (v = 0; *p >= '0' && *p <= '9'; p++)
			if ((v = v * 10 + (*p - '0')) > INT32_MAX)
				return EINVAL;
		name[(*namelenp)++] = neg ? (int)-v : (int)v;
		if (*p == '.' && *++p == '\0')
			return EINVAL;	/* a trailing dot */
		if (p[-1] != '.' && *p != '\0')
			return EINVAL;	/* "1x" */
	}
	return 0;
}

/*
 * As sysctl(3) does it: a value longer than the room given for it is
 * ENOMEM, whatever the handler said.
 */
int
sysctl_byname(const char *sname, void *oldp, size_t *oldlenp,
    const void *newp, size_t newlen)
{
	struct sysctlnode *node;
	const char *tail = NULL;
	int name[CTL_MAXNAME];
	size_t room;
	u_int namelen;
	int error = 0;

	room = oldlenp != NULL ? *oldlenp : 0;
	mutex_enter(&sysctl_treelock);
	node = sysctl_resolve(sname, &error, &tail);
	if (node != NULL)
		error = sysctl_tail(tail, name, &namelen);
	if (node != NULL && error == 0) {
		if (node->sysctl_func != NULL)
			error = (*node->sysctl_func)(name, namelen, oldp,
			    oldlenp, newp, newlen, NULL, NULL, node);
		else
			error = sysctl_lookup(name, namelen, oldp, oldlenp,
			    newp, newlen, NULL, NULL, node);
	}
	mutex_exit(&sysctl_treelock);
	if (error == 0 && oldp != NULL && oldlenp != NULL && *oldlenp > room)
		error = ENOMEM;
	return error;
}

int
sysctl_children_byname(const char *sname,
    void (*fn)(void *, const struct sysctlnode *), void *arg)
{
	struct sysctlnode *node, *n;
	int error = 0;

	mutex_enter(&sysctl_treelock);
	node = (sname == NULL || *sname == '\0') ? &sysctl_root :
	    sysctl_resolve(sname, &error, NULL);
	if (node != NULL) {
		if (SYSCTL_TYPE(node->sysctl_flags) != CTLTYPE_NODE)
			error = ENOTDIR;
		else
			for (n = node->sysctl_child; n != NULL;
			    n = n->sysctl_next)
				(*fn)(arg, n);
	}
	mutex_exit(&sysctl_treelock);
	return error;
}
