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
 * librumpsysctl against a server that lies: a thread here plays the
 * guest's sysctl server and sends replies no real server sends.  The
 * library must refuse them with EPROTO and leave the caller's length
 * alone, and still take a true reply.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <atf-c.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpsysctl.h"
#include "rumpsysctl_wire.h"

#define NODE	"machdep.xen.balloon.target"

static int		lsock = -1;
static unsigned char	answer[4096];
static size_t		answerlen;
static int		nconns = 1;	/* connections each reply serves */

/* Each connection: the request is read and dropped, the answer sent. */
static void *
serve_one(void *arg)
{
	struct rumpsysctl_req req;
	char name[RUMPSYSCTL_NAMEMAX];
	int fd, i;

	(void)arg;
	for (i = 0; i < nconns; i++) {
		if ((fd = accept(lsock, NULL, NULL)) == -1)
			return NULL;
		if (read(fd, &req, sizeof(req)) == (ssize_t)sizeof(req) &&
		    req.namelen <= sizeof(name))
			(void)read(fd, name, req.namelen);
		(void)send(fd, answer, answerlen, MSG_NOSIGNAL);
		close(fd);
	}
	return NULL;
}

static void
server(void)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "sysctl");
	ATF_REQUIRE((lsock = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
	ATF_REQUIRE(bind(lsock, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	ATF_REQUIRE(listen(lsock, 1) == 0);
	ATF_REQUIRE(setenv("RUMP_SERVER", "unix://sysctl", 1) == 0);
}

/* The next call is answered with rep and len bytes of data. */
static pthread_t
reply(int32_t error, uint64_t oldlen, const void *data, uint32_t len)
{
	struct rumpsysctl_rep rep;
	pthread_t t;

	memset(&rep, 0, sizeof(rep));
	rep.error = error;
	rep.datalen = len;
	rep.oldlen = oldlen;
	ATF_REQUIRE(sizeof(rep) + len <= sizeof(answer));
	memcpy(answer, &rep, sizeof(rep));
	if (len > 0)
		memcpy(answer + sizeof(rep), data, len);
	answerlen = sizeof(rep) + len;
	ATF_REQUIRE(pthread_create(&t, NULL, serve_one, NULL) == 0);
	return t;
}

ATF_TC(bad_error);
ATF_TC_HEAD(bad_error, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "An error that is no errno value is refused with EPROTO");
}
ATF_TC_BODY(bad_error, tc)
{
	static const int32_t bad[] = { -5, RUMPSYSCTL_ERRMAX + 1, 6773081 };
	uint64_t v;
	size_t i, len;
	pthread_t t;

	server();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = reply(bad[i], 0, NULL, 0);
		len = sizeof(v);
		errno = 0;
		ATF_CHECK_EQ(sysctlbyname(NODE, &v, &len, NULL, 0), -1);
		ATF_CHECK_EQ_MSG(errno, EPROTO, "error %d: errno %d", bad[i],
		    errno);
		ATF_CHECK_EQ(len, sizeof(v));
		pthread_join(t, NULL);
	}
}

ATF_TC(oldlen_beyond_buffer);
ATF_TC_HEAD(oldlen_beyond_buffer, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "A success claiming more than the caller's buffer is refused "
	    "and leaves the length alone");
}
ATF_TC_BODY(oldlen_beyond_buffer, tc)
{
	uint64_t v, sent = 16384;
	size_t len;
	pthread_t t;

	server();
	t = reply(0, 4096, &sent, sizeof(sent));
	len = sizeof(v);
	errno = 0;
	ATF_CHECK_EQ(sysctlbyname(NODE, &v, &len, NULL, 0), -1);
	ATF_CHECK_EQ(errno, EPROTO);
	ATF_CHECK_EQ(len, sizeof(v));
	pthread_join(t, NULL);

	/* The same value, told truly, is taken. */
	t = reply(0, sizeof(sent), &sent, sizeof(sent));
	v = 0;
	len = sizeof(v);
	ATF_CHECK_EQ(sysctlbyname(NODE, &v, &len, NULL, 0), 0);
	ATF_CHECK_EQ(len, sizeof(v));
	ATF_CHECK_EQ(v, sent);
	pthread_join(t, NULL);
}

ATF_TC(unterminated_node);
ATF_TC_HEAD(unterminated_node, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "A child whose name or description has no NUL is refused with "
	    "EPROTO; whole records are taken");
}
ATF_TC_BODY(unterminated_node, tc)
{
	struct rumpsysctl_node n[2], *nodes;
	size_t nnodes;
	pthread_t t;

	server();
	memset(n, 0, sizeof(n));
	strcpy(n[0].name, "target");
	strcpy(n[0].descr, "Target guest memory, in KiB");
	memset(n[1].name, 'x', sizeof(n[1].name));
	t = reply(0, sizeof(n), n, sizeof(n));
	errno = 0;
	ATF_CHECK_EQ(rumpsysctl_children("machdep.xen.balloon", &nodes,
	    &nnodes), -1);
	ATF_CHECK_EQ(errno, EPROTO);
	pthread_join(t, NULL);

	memset(&n[1], 0, sizeof(n[1]));
	strcpy(n[1].name, "min");
	memset(n[1].descr, 'y', sizeof(n[1].descr));
	t = reply(0, sizeof(n), n, sizeof(n));
	errno = 0;
	ATF_CHECK_EQ(rumpsysctl_children("machdep.xen.balloon", &nodes,
	    &nnodes), -1);
	ATF_CHECK_EQ(errno, EPROTO);
	pthread_join(t, NULL);

	n[1].descr[0] = '\0';
	t = reply(0, sizeof(n), n, sizeof(n));
	ATF_REQUIRE(rumpsysctl_children("machdep.xen.balloon", &nodes,
	    &nnodes) == 0);
	ATF_CHECK_EQ(nnodes, 2);
	ATF_CHECK_STREQ(nodes[0].name, "target");
	ATF_CHECK_STREQ(nodes[1].name, "min");
	free(nodes);
	pthread_join(t, NULL);
}

/* A kern.evcnt record (NetBSD's struct evcnt_sysctl) at off; the next. */
static size_t
evrec(unsigned char *buf, size_t off, uint64_t count, uint8_t type,
    const char *group, const char *name)
{
	const size_t hdr = 28;
	size_t glen = strlen(group), nlen = strlen(name), len;

	len = (hdr + glen + 1 + nlen + 1 + 7) / 8 * 8;
	memset(buf + off, 0, len);
	memcpy(buf + off, &count, sizeof(count));
	buf[off + 24] = type;
	buf[off + 25] = (uint8_t)glen;
	buf[off + 26] = (uint8_t)nlen;
	buf[off + 27] = (uint8_t)(len / 8);
	memcpy(buf + off + hdr, group, glen + 1);
	memcpy(buf + off + hdr + glen + 1, name, nlen + 1);
	return off + len;
}

ATF_TC(evcnt_records);
ATF_TC_HEAD(evcnt_records, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "kern.evcnt's records are read as vmstat -e reads them; one that "
	    "runs past the data or lacks a NUL is refused with EPROTO");
}
ATF_TC_BODY(evcnt_records, tc)
{
	struct rumpsysctl_evcnt *evs;
	unsigned char buf[256];
	size_t len, n;
	pthread_t t;

	server();
	nconns = 2;	/* the size, then the records */
	len = evrec(buf, 0, 17, 0, "balloon0", "hypercalls");
	len = evrec(buf, len, 3, 1, "xbd0", "intr");
	t = reply(0, len, buf, (uint32_t)len);
	ATF_REQUIRE_EQ_MSG(rumpsysctl_evcnt(&evs, &n), 0, "%s",
	    strerror(errno));
	pthread_join(t, NULL);
	ATF_REQUIRE_EQ(n, 2);
	ATF_CHECK_EQ(evs[0].count, 17);
	ATF_CHECK_EQ(evs[0].type, RUMPSYSCTL_EVCNT_MISC);
	ATF_CHECK_STREQ(evs[0].group, "balloon0");
	ATF_CHECK_STREQ(evs[0].name, "hypercalls");
	ATF_CHECK_EQ(evs[1].count, 3);
	ATF_CHECK_EQ(evs[1].type, RUMPSYSCTL_EVCNT_INTR);
	ATF_CHECK_STREQ(evs[1].group, "xbd0");
	ATF_CHECK_STREQ(evs[1].name, "intr");
	free(evs);

	/* A length past the data. */
	buf[27] = 200;
	t = reply(0, len, buf, (uint32_t)len);
	errno = 0;
	ATF_CHECK_EQ(rumpsysctl_evcnt(&evs, &n), -1);
	ATF_CHECK_EQ(errno, EPROTO);
	pthread_join(t, NULL);

	/* A group without its NUL. */
	len = evrec(buf, 0, 17, 0, "balloon0", "hypercalls");
	buf[28 + 8] = 'x';
	t = reply(0, len, buf, (uint32_t)len);
	errno = 0;
	ATF_CHECK_EQ(rumpsysctl_evcnt(&evs, &n), -1);
	ATF_CHECK_EQ(errno, EPROTO);
	pthread_join(t, NULL);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, bad_error);
	ATF_TP_ADD_TC(tp, oldlen_beyond_buffer);
	ATF_TP_ADD_TC(tp, unterminated_node);
	ATF_TP_ADD_TC(tp, evcnt_records);
	return atf_no_error();
}
