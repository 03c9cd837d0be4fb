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
 * sysctl(8)'s reading, printing and writing of nodes, over the guest's
 * sysctl server: shared by rump.sysctl(8) and balloonctl(8).
 */

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rumpsysctl.h"

#define NAMELEN		512

static int	print_leaf(const char *, int, int);
static int	print_tree(const char *, int);

int
rumpsysctl_getnode(const char *sname, struct rumpsysctl_node *nodep,
    int *badlevelp)
{
	struct rumpsysctl_node *nodes;
	char prefix[NAMELEN];
	const char *p, *dot;
	size_t i, n, len;
	int level;

	if (strlen(sname) >= sizeof(prefix) || *sname == '\0') {
		errno = EINVAL;
		return -1;
	}
	prefix[0] = '\0';
	for (p = sname, level = 0;; p = dot + 1, level++) {
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (rumpsysctl_children(prefix, &nodes, &n) == -1)
			return -1;
		for (i = 0; i < n; i++)
			if (len > 0 && len < sizeof(nodes[i].name) &&
			    strncmp(nodes[i].name, p, len) == 0 &&
			    nodes[i].name[len] == '\0')
				break;
		if (i == n) {
			free(nodes);
			*badlevelp = level;
			errno = ENOENT;
			return -1;
		}
		*nodep = nodes[i];
		free(nodes);
		if (dot == NULL)
			return 0;
		if (nodep->type != RUMPSYSCTL_NODE) {
			errno = ENOTDIR;
			return -1;
		}
		memcpy(prefix, sname, (size_t)(dot - sname));
		prefix[dot - sname] = '\0';
	}
}

/* sysctl(8)'s words for a name that does not exist. */
void
rumpsysctl_warn_node(const char *sname, int badlevel)
{
	static const char *const lname[] = {
		"top", "second", "third", "fourth", "fifth", "sixth",
		"seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"
	};
	const char *p, *dot;
	int level;

	if (errno != ENOENT) {
		warn("%s", sname);
		return;
	}
	for (p = sname, level = 0; level < badlevel; level++)
		p = strchr(p, '.') + 1;
	dot = strchr(p, '.');
	if (badlevel < (int)(sizeof(lname) / sizeof(lname[0])))
		warnx("%s level name '%.*s' in '%s' is invalid",
		    lname[badlevel],
		    (int)(dot != NULL ? (size_t)(dot - p) : strlen(p)), p,
		    sname);
	else
		warnx("%s: no such node", sname);
}

static void
print_name(const char *sname, int flags)
{

	if (!(flags & RUMPSYSCTL_PRINT_VALUE))
		printf("%s%s", sname,
		    (flags & RUMPSYSCTL_PRINT_EQ) ? "=" : " = ");
}

/* 0, or -1 with errno (nothing printed). */
static int
print_leaf(const char *sname, int type, int flags)
{
	char buf[1024];
	uint64_t q;
	int32_t i;
	bool b;
	size_t len;

	switch (type) {
	case RUMPSYSCTL_INT:
		len = sizeof(i);
		if (sysctlbyname(sname, &i, &len, NULL, 0) == -1)
			return -1;
		print_name(sname, flags);
		printf("%" PRId32 "\n", i);
		break;
	case RUMPSYSCTL_QUAD:
		len = sizeof(q);
		if (sysctlbyname(sname, &q, &len, NULL, 0) == -1)
			return -1;
		print_name(sname, flags);
		printf("%" PRIu64 "\n", q);
		break;
	case RUMPSYSCTL_BOOL:
		len = sizeof(b);
		if (sysctlbyname(sname, &b, &len, NULL, 0) == -1)
			return -1;
		print_name(sname, flags);
		printf("%d\n", b);
		break;
	case RUMPSYSCTL_STRING:
		len = sizeof(buf) - 1;
		if (sysctlbyname(sname, buf, &len, NULL, 0) == -1 &&
		    errno != ENOMEM)
			return -1;
		buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
		print_name(sname, flags);
		printf("%s\n", buf);
		break;
	default:
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}

/* Depth first, in creation order: what sysctl(8) prints for a subtree. */
static int
print_tree(const char *sname, int flags)
{
	struct rumpsysctl_node *nodes;
	char child[NAMELEN];
	size_t i, n;
	int rv;

	if (rumpsysctl_children(sname, &nodes, &n) == -1)
		return -1;
	rv = 0;
	for (i = 0; i < n; i++) {
		snprintf(child, sizeof(child), "%s%s%.*s", sname,
		    *sname != '\0' ? "." : "",
		    (int)sizeof(nodes[i].name), nodes[i].name);
		if (nodes[i].type == RUMPSYSCTL_NODE) {
			if (print_tree(child, flags) != 0) {
				warn("%s", child);
				rv = 1;
			}
		} else if (nodes[i].type == RUMPSYSCTL_STRUCT)
			continue;	/* as sysctl(8): not printable */
		else if (print_leaf(child, nodes[i].type, flags) == -1) {
			warn("%s", child);
			rv = 1;
		}
	}
	free(nodes);
	return rv;
}

int
rumpsysctl_print(const char *sname, int flags)
{
	struct rumpsysctl_node node;
	int badlevel;

	if (*sname == '\0')
		return print_tree(sname, flags);
	if (rumpsysctl_getnode(sname, &node, &badlevel) == -1)
		return -1;
	if (node.type == RUMPSYSCTL_NODE)
		return print_tree(sname, flags);
	return print_leaf(sname, node.type, flags);
}

/* A number for a node of type: as strtol/strtoull, all of it, in range. */
static int
parse_number(const char *value, int type, uint64_t *qp, int32_t *ip)
{
	char *ep;
	long long l;

	errno = 0;
	if (type == RUMPSYSCTL_QUAD) {
		if (*value == '-')
			return -1;
		*qp = strtoull(value, &ep, 0);
	} else {
		l = strtoll(value, &ep, 0);
		if (l < INT32_MIN || l > INT32_MAX ||
		    (type == RUMPSYSCTL_BOOL && l != 0 && l != 1))
			return -1;
		*ip = (int32_t)l;
	}
	if (*value == '\0' || *ep != '\0' || errno != 0)
		return -1;
	return 0;
}

int
rumpsysctl_write(const char *sname, const char *value, int flags)
{
	struct rumpsysctl_node node;
	char obuf[1024];
	uint64_t qo, qn;
	int32_t io, in;
	bool bo, bn;
	size_t len;
	int badlevel, rv;

	if (rumpsysctl_getnode(sname, &node, &badlevel) == -1) {
		rumpsysctl_warn_node(sname, badlevel);
		return -1;
	}
	switch (node.type) {
	case RUMPSYSCTL_NODE:
		errno = EISDIR;
		warn("%s", sname);
		return -1;
	case RUMPSYSCTL_INT:
	case RUMPSYSCTL_QUAD:
	case RUMPSYSCTL_BOOL:
		if (parse_number(value, node.type, &qn, &in) == -1) {
			warnx("%s: '%s' is not a valid value", sname, value);
			return -1;
		}
		break;
	case RUMPSYSCTL_STRING:
		break;
	default:
		errno = EOPNOTSUPP;
		warn("%s", sname);
		return -1;
	}

	switch (node.type) {
	case RUMPSYSCTL_INT:
		len = sizeof(io);
		rv = sysctlbyname(sname, &io, &len, &in, sizeof(in));
		break;
	case RUMPSYSCTL_BOOL:
		bn = in != 0;
		len = sizeof(bo);
		rv = sysctlbyname(sname, &bo, &len, &bn, sizeof(bn));
		break;
	case RUMPSYSCTL_QUAD:
		len = sizeof(qo);
		rv = sysctlbyname(sname, &qo, &len, &qn, sizeof(qn));
		break;
	default:
		len = sizeof(obuf) - 1;
		rv = sysctlbyname(sname, obuf, &len, value, strlen(value));
		if (rv == -1 && errno == ENOMEM)
			rv = 0;
		obuf[len < sizeof(obuf) ? len : sizeof(obuf) - 1] = '\0';
		break;
	}
	if (rv == -1) {
		warn("%s", sname);
		return -1;
	}

	if (!(flags & RUMPSYSCTL_PRINT_VALUE))
		printf("%s: ", sname);
	switch (node.type) {
	case RUMPSYSCTL_INT:
		if (!(flags & RUMPSYSCTL_PRINT_VALUE))
			printf("%" PRId32 " -> ", io);
		printf("%" PRId32 "\n", in);
		break;
	case RUMPSYSCTL_BOOL:
		if (!(flags & RUMPSYSCTL_PRINT_VALUE))
			printf("%d -> ", bo);
		printf("%d\n", bn);
		break;
	case RUMPSYSCTL_QUAD:
		if (!(flags & RUMPSYSCTL_PRINT_VALUE))
			printf("%" PRIu64 " -> ", qo);
		printf("%" PRIu64 "\n", qn);
		break;
	default:
		if (!(flags & RUMPSYSCTL_PRINT_VALUE))
			printf("%s -> ", obuf);
		printf("%s\n", value);
		break;
	}
	return 0;
}
