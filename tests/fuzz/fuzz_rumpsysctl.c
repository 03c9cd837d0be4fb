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
 * librumpsysctl (lib/librumpsysctl): the replies a guest's sysctl
 * server sends, as balloonctl and the tests read them.  A server thread
 * here answers each connection with the input's bytes; the first byte
 * picks the call (a lookup into a buffer of a size the second byte
 * gives, a lookup with no buffer, or a listing of children).
 *
 * Checked: nothing is written past the caller's buffer (ASan); a
 * success never reports more than the caller's buffer holds; a failure
 * sets errno to an errno value; children come back as whole records
 * with terminated strings.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "rumpsysctl.h"
#include "rumpsysctl_wire.h"

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
#define ANSWERMAX	(2 * RUMPSYSCTL_DATAMAX)
static unsigned char	 answer[ANSWERMAX];	/* lock */
static size_t		 answerlen;		/* lock */
static int		 lsock;
static char		 sockpath[sizeof(((struct sockaddr_un *)0)->sun_path)];

/* Every connection: the answer, then whatever the client sent, dropped. */
static void *
server(void *arg)
{
	char sink[4096];
	int fd;

	(void)arg;
	for (;;) {
		if ((fd = accept(lsock, NULL, NULL)) == -1)
			continue;
		pthread_mutex_lock(&lock);
		if (answerlen > 0)
			(void)send(fd, answer, answerlen, MSG_NOSIGNAL);
		pthread_mutex_unlock(&lock);
		shutdown(fd, SHUT_WR);
		while (recv(fd, sink, sizeof(sink), 0) > 0)
			continue;
		close(fd);
	}
	return NULL;
}

static void
cleanup(void)
{

	(void)unlink(sockpath);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_un sun;
	pthread_t t;
	int big = 1 << 20;

	(void)argc;
	(void)argv;
	fuzz_init();
	snprintf(sockpath, sizeof(sockpath), "/tmp/fuzz_rumpsysctl.%d",
	    (int)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, sockpath);
	(void)unlink(sockpath);
	FUZZ_CHECK((lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) != -1 && bind(lsock, (struct sockaddr *)&sun,
	    sizeof(sun)) == 0 && listen(lsock, 4) == 0, "%s", sockpath);
	(void)setsockopt(lsock, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	atexit(cleanup);
	setenv("RUMP_SERVER", sockpath, 1);
	FUZZ_CHECK(pthread_create(&t, NULL, server, NULL) == 0, "thread");
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *in, size_t size)
{
	struct rumpsysctl_node *nodes;
	size_t len, buflen, nnodes, i;
	unsigned char *buf;
	int rc;

	if (size < 2 || size - 2 > ANSWERMAX)
		return -1;
	/* A copy: the server may still be sending when this returns. */
	pthread_mutex_lock(&lock);
	memcpy(answer, in + 2, size - 2);
	answerlen = size - 2;
	pthread_mutex_unlock(&lock);

	switch (in[0] % 3) {
	case 0:
		/* A buffer of exactly the size asked, for ASan to guard. */
		buflen = in[1] % 17;
		FUZZ_CHECK((buf = malloc(buflen + 1)) != NULL, "malloc");
		len = buflen;
		errno = 0;
		rc = sysctlbyname("machdep.xen.balloon.target", buf, &len,
		    NULL, 0);
		if (rc == 0)
			FUZZ_CHECK(len <= buflen, "success with %zu bytes in "
			    "a buffer of %zu", len, buflen);
		free(buf);
		break;
	case 1:
		/* How large is it: no buffer, only the length. */
		len = 0;
		errno = 0;
		rc = sysctlbyname("machdep.xen.balloon.target", NULL, &len,
		    NULL, 0);
		break;
	default:
		errno = 0;
		rc = rumpsysctl_children("machdep.xen.balloon", &nodes,
		    &nnodes);
		if (rc == 0) {
			FUZZ_CHECK(nnodes <= RUMPSYSCTL_DATAMAX /
			    sizeof(*nodes), "%zu nodes", nnodes);
			for (i = 0; i < nnodes; i++)
				FUZZ_CHECK(memchr(nodes[i].name, '\0',
				    sizeof(nodes[i].name)) != NULL &&
				    memchr(nodes[i].descr, '\0',
				    sizeof(nodes[i].descr)) != NULL,
				    "node %zu unterminated", i);
			free(nodes);
		}
		break;
	}
	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	if (rc == -1)
		FUZZ_CHECK(errno > 0 && errno < 4096, "errno %d", errno);
	return 0;
}
