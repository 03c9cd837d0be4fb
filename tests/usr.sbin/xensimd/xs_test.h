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
 * Helpers shared by the xenstored tests: a xensimd of the test's own in
 * ./xensim, domains created through its privcmd socket, and raw
 * clients speaking <xen/io/xs_wire.h> by hand.
 */

#ifndef _XS_TEST_H_
#define _XS_TEST_H_

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include <xen/io/xs_wire.h>

#include "xensim.h"

/* Not every test program uses every helper. */
#define XST_HELPER	static __attribute__((__unused__))

static char xst_dir[PATH_MAX];

/* Start xensimd -d ./xensim; XENSTORED_PATH names its dom0 socket. */
XST_HELPER void
xst_start(void)
{
	char path[PATH_MAX + 16];
	pid_t pid;
	int status;

	ATF_REQUIRE(getcwd(xst_dir, sizeof(xst_dir) - 16) != NULL);
	strcat(xst_dir, "/xensim");
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		execl(BINDIR "/xensimd", "xensimd", "-d", xst_dir,
		    (char *)NULL);
		_exit(127);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "xensimd did not start");
	snprintf(path, sizeof(path), "%s/socket", xst_dir);
	ATF_REQUIRE(setenv("XENSTORED_PATH", path, 1) == 0);
}

/* From the cleanup: stop the daemon the body started. */
XST_HELPER void
xst_stop(void)
{
	FILE *fp;
	long pid;
	int i;

	if ((fp = fopen("xensim/xensimd.pid", "r")) == NULL)
		return;
	if (fscanf(fp, "%ld", &pid) == 1 && pid > 0) {
		kill((pid_t)pid, SIGTERM);
		for (i = 0; i < 50 && kill((pid_t)pid, 0) == 0; i++)
			usleep(100000);
		kill((pid_t)pid, SIGKILL);
	}
	fclose(fp);
}

/* The daemon is still there (it did not crash on what a test sent). */
XST_HELPER bool
xst_alive(void)
{
	FILE *fp;
	long pid = 0;

	if ((fp = fopen("xensim/xensimd.pid", "r")) == NULL)
		return false;
	if (fscanf(fp, "%ld", &pid) != 1)
		pid = 0;
	fclose(fp);
	return pid > 0 && kill((pid_t)pid, 0) == 0;
}

/* A domain (no guest program) as the toolstack makes it; its id. */
XST_HELPER unsigned int
xst_domain(const char *name)
{
	struct xensim_domcfg cfg;
	struct xensim *h;
	domid_t id;

	ATF_REQUIRE_MSG((h = xensim_open_privcmd(xst_dir)) != NULL,
	    "privcmd: %s", strerror(errno));
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), "%s", name);
	cfg.kind = XENSIM_PV;
	cfg.memory_kib = 64 * 1024;
	ATF_REQUIRE_MSG(xensim_domain_create(h, &cfg, &id) == 0,
	    "create %s: %s", name, strerror(errno));
	xensim_close(h);
	return id;
}

/* The xenstore socket of domain id (0: dom0's). */
XST_HELPER const char *
xst_socket(unsigned int id)
{
	static char path[PATH_MAX + 64];

	if (id == 0)
		snprintf(path, sizeof(path), "%s/socket", xst_dir);
	else
		snprintf(path, sizeof(path), "%s/domains/%u/xenstore",
		    xst_dir, id);
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

	ATF_REQUIRE_MSG(xst_alive(), "xensimd is gone");
	fd = xst_connect(0);
	xst_call(fd, XS_READ, "/local/domain/0/name", XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "Domain-0");
	close(fd);
}

#define XST_TC(name, text)						\
	ATF_TC_WITH_CLEANUP(name);					\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", text);			\
	}								\
	ATF_TC_CLEANUP(name, tc)					\
	{								\
		(void)tc;						\
		xst_stop();						\
	}

#endif /* _XS_TEST_H_ */
