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
 * Helpers shared by the xenstored tests (beside xensim_test.h): domains
 * with no guest program, and raw clients speaking <xen/io/xs_wire.h> by
 * hand.
 */

#ifndef _XS_TEST_H_
#define _XS_TEST_H_

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include <xen/io/xs_wire.h>

#include "xensim.h"
#include "xensim_test.h"

/* Not every test program uses every helper. */
#define XST_HELPER	static __attribute__((__unused__))

/* A domain (no guest program) as the toolstack makes it; its id. */
XST_HELPER unsigned int
xst_domain(const char *name)
{
	struct xensim *h = xt_dom0();
	domid_t id;

	id = xt_create(h, name, XENSIM_PV, 64, 0);
	xensim_close(h);
	return id;
}

/* The xenstore socket of domain id (0: dom0's). */
XST_HELPER const char *
xst_socket(unsigned int id)
{
	static char path[PATH_MAX + 64];

	if (id == 0)
		snprintf(path, sizeof(path), "%s/socket", xt_dir);
	else
		snprintf(path, sizeof(path), "%s/domains/%u/xenstore",
		    xt_dir, id);
	return path;
}

XST_HELPER int
xst_connect(unsigned int id)
{
	struct sockaddr_un sun;
	const char *path = xst_socket(id);
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ATF_REQUIRE(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ATF_REQUIRE((fd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
	ATF_REQUIRE_MSG(connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == 0, "%s: %s", sun.sun_path, strerror(errno));
	return fd;
}

XST_HELPER void
xst_sendraw(int fd, const void *buf, size_t len)
{

	ATF_REQUIRE(send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len);
}

XST_HELPER void
xst_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
    const void *data, size_t len)
{
	struct xsd_sockmsg hdr;

	hdr.type = type;
	hdr.req_id = req_id;
	hdr.tx_id = tx_id;
	hdr.len = (uint32_t)len;
	xst_sendraw(fd, &hdr, sizeof(hdr));
	if (len > 0)
		xst_sendraw(fd, data, len);
}

/*
 * Read exactly len bytes; 0 at end of file, -1 if nothing came for ten
 * seconds (a guard against hanging, not a timing assertion).
 */
XST_HELPER int
xst_readn(int fd, void *buf, size_t len)
{
	struct pollfd pfd;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10000) != 1)
			return -1;
		n = read(fd, (char *)buf + got, len - got);
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return errno == ECONNRESET ? 0 : -1;
		}
		got += (size_t)n;
	}
	return 1;
}

/* One message; its payload NUL-terminated in buf (XENSTORE_PAYLOAD_MAX+1). */
XST_HELPER void
xst_recv(int fd, struct xsd_sockmsg *hdr, char *buf)
{

	ATF_REQUIRE_EQ_MSG(xst_readn(fd, hdr, sizeof(*hdr)), 1,
	    "no reply from xenstored");
	ATF_REQUIRE(hdr->len <= XENSTORE_PAYLOAD_MAX);
	if (hdr->len > 0)
		ATF_REQUIRE_EQ(xst_readn(fd, buf, hdr->len), 1);
	buf[hdr->len] = '\0';
}

/* A request of one string; the reply, which must be of type want. */
XST_HELPER void
xst_call(int fd, uint32_t type, const char *arg, uint32_t want, char *buf)
{
	struct xsd_sockmsg hdr;

	xst_send(fd, type, 42, 0, arg, strlen(arg) + 1);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ_MSG(hdr.type, want, "type %u, payload \"%s\"",
	    hdr.type, buf);
	ATF_REQUIRE_EQ(hdr.req_id, 42);
}

/* A fresh, well-behaved client still gets the right answer. */
XST_HELPER void
xst_check_served(void)
{
	char buf[XENSTORE_PAYLOAD_MAX + 1];
	int fd;

	ATF_REQUIRE_MSG(xt_alive(), "xensimd is gone");
	fd = xst_connect(0);
	xst_call(fd, XS_READ, "/local/domain/0/name", XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "Domain-0");
	close(fd);
}

#endif /* _XS_TEST_H_ */
