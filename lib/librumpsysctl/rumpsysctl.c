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
 * librumpsysctl: sysctl(3) against a bench guest's sysctl server, the
 * socket named by $RUMP_SERVER ("unix:///path" or a bare path).
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpsysctl.h"
#include "rumpsysctl_wire.h"

static int
rs_connect(void)
{
	struct sockaddr_un sun;
	const char *path;
	int fd, e;

	if ((path = getenv("RUMP_SERVER")) == NULL || *path == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strncmp(path, "unix://", 7) == 0)
		path += 7;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * One request and its reply.  The reply's data goes to buf (at most
 * buflen bytes; the rest is read and dropped).  0 or -1 with errno.
 */
static int
rs_call(const struct rumpsysctl_req *req, const char *name, const void *newp,
    struct rumpsysctl_rep *rep, void *buf, size_t buflen)
{
	char sink[512];
	size_t left, n;
	int fd, e;

	if ((fd = rs_connect()) == -1)
		return -1;
	if (rumpsysctl_io(fd, (void *)(uintptr_t)req, sizeof(*req), 1) == -1 ||
	    rumpsysctl_io(fd, (void *)(uintptr_t)name, req->namelen, 1) == -1 ||
	    (req->newlen > 0 &&
	    rumpsysctl_io(fd, (void *)(uintptr_t)newp, req->newlen, 1) == -1) ||
	    rumpsysctl_io(fd, rep, sizeof(*rep), 0) == -1)
		goto fail;
	/* The server is another program: believe only what can be so. */
	if (rep->datalen > RUMPSYSCTL_DATAMAX || rep->error < 0 ||
	    rep->error > RUMPSYSCTL_ERRMAX) {
		errno = EPROTO;
		goto fail;
	}
	n = rep->datalen < buflen ? rep->datalen : buflen;
	if (n > 0 && rumpsysctl_io(fd, buf, n, 0) == -1)
		goto fail;
	for (left = rep->datalen - n; left > 0; left -= n) {
		n = left < sizeof(sink) ? left : sizeof(sink);
		if (rumpsysctl_io(fd, sink, n, 0) == -1)
			goto fail;
	}
	close(fd);
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int
sysctlbyname(const char *sname, void *oldp, size_t *oldlenp,
    const void *newp, size_t newlen)
{
	struct rumpsysctl_req req;
	struct rumpsysctl_rep rep;
	size_t namelen;

	if (sname == NULL || (namelen = strlen(sname)) == 0 ||
	    namelen > RUMPSYSCTL_NAMEMAX || newlen > RUMPSYSCTL_DATAMAX ||
	    (newp == NULL && newlen > 0)) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.op = RUMPSYSCTL_OP_LOOKUP;
	req.namelen = (uint32_t)namelen;
	req.oldlen = oldlenp != NULL ? *oldlenp : 0;
	req.newlen = newp != NULL ? (uint32_t)newlen : 0;
	req.wantold = oldp != NULL && oldlenp != NULL;
	if (rs_call(&req, sname, newp, &rep, oldp,
	    req.wantold ? *oldlenp : 0) == -1)
		return -1;
	/* A value that fit cannot be longer than the room given for it. */
	if (rep.error == 0 && req.wantold && rep.oldlen > req.oldlen) {
		errno = EPROTO;
		return -1;
	}
	if (oldlenp != NULL)
		*oldlenp = (size_t)rep.oldlen;
	if (rep.error != 0) {
		errno = rep.error;
		return -1;
	}
	return 0;
}

int
rumpsysctl_children(const char *sname, struct rumpsysctl_node **nodesp,
    size_t *nnodesp)
{
	struct rumpsysctl_req req;
	struct rumpsysctl_rep rep;
	struct rumpsysctl_node *nodes;
	size_t namelen, i;

	/* An empty name is the root (sysctl -a). */
	if (sname == NULL || (namelen = strlen(sname)) > RUMPSYSCTL_NAMEMAX) {
		errno = EINVAL;
		return -1;
	}
	if ((nodes = malloc(RUMPSYSCTL_DATAMAX)) == NULL)
		return -1;
	memset(&req, 0, sizeof(req));
	req.op = RUMPSYSCTL_OP_CHILDREN;
	req.namelen = (uint32_t)namelen;
	if (rs_call(&req, sname, NULL, &rep, nodes, RUMPSYSCTL_DATAMAX) == -1) {
		free(nodes);
		return -1;
	}
	if (rep.error != 0) {
		free(nodes);
		errno = rep.error;
		return -1;
	}
	for (i = 0; i < rep.datalen / sizeof(*nodes); i++) {
		if (memchr(nodes[i].name, '\0', sizeof(nodes[i].name)) ==
		    NULL || memchr(nodes[i].descr, '\0',
		    sizeof(nodes[i].descr)) == NULL) {
			free(nodes);
			errno = EPROTO;
			return -1;
		}
	}
	*nodesp = nodes;
	*nnodesp = rep.datalen / sizeof(*nodes);
	return 0;
}
