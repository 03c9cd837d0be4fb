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
 * The guest's sysctl server (socket mode 0666) cannot be held by a
 * user: each uid but root gets 16 connections, the excess is closed at
 * once, and root's balloonctl is still answered.
 */

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include <balloon.h>
#include <rumpsysctl_wire.h>

#include "xensim_test.h"

#define FLOOD		2000	/* connections the user tries */
#define PER_UID		16	/* what rumpxen(8) gives a uid */
#define NOBODY		65534

static const char node[] = BALLOON_SYSCTL "." BALLOON_NODE_TARGET;

/*
 * One connection asked for node: 1 if answered (the descriptor is
 * kept in *fdp), 0 if closed unanswered, -1 if neither came.
 */
static int
sp_try(const char *path, int *fdp)
{
	struct sockaddr_un sun;
	struct rumpsysctl_req req;
	struct rumpsysctl_rep rep;
	struct pollfd pfd;
	ssize_t n;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.op = RUMPSYSCTL_OP_LOOKUP;
	req.namelen = sizeof(node) - 1;
	(void)send(fd, &req, sizeof(req), MSG_NOSIGNAL);
	(void)send(fd, node, sizeof(node) - 1, MSG_NOSIGNAL);
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1) {
		close(fd);
		return -1;
	}
	n = recv(fd, &rep, sizeof(rep), MSG_WAITALL);
	if (n <= 0) {
		close(fd);
		return 0;
	}
	if (n != (ssize_t)sizeof(rep) || rep.error != 0) {
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 1;
}

ATF_TC_WITH_CLEANUP(uid_flood);
ATF_TC_HEAD(uid_flood, tc)
{
	atf_tc_set_md_var(tc, "descr", "a user holding thousands of sysctl "
	    "connections gets 16; root's balloonctl is still answered");
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(uid_flood, tc)
{
	char path[PATH_MAX + 64], cmd[PATH_MAX * 2];
	unsigned int counts[3], i;
	struct rlimit rl;
	int report[2], done[2], fd, r;
	pid_t pid;
	char c;

	ATF_REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl.rlim_cur = rl.rlim_max;
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	(void)xt_balloon_guest("pv", 64);
	snprintf(path, sizeof(path), "%s/domains/1/sysctl", xt_dir);

	ATF_REQUIRE(pipe(report) == 0 && pipe(done) == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		/* The user: holds what it gets until told to stop. */
		close(report[0]);
		close(done[1]);
		/* The test's work directory is not open to nobody. */
		snprintf(path, sizeof(path), "%s/domains/1", xt_dir);
		if (chdir(path) == -1 || setgid(NOBODY) == -1 ||
		    setuid(NOBODY) == -1)
			_exit(2);
		strcpy(path, "sysctl");
		memset(counts, 0, sizeof(counts));
		for (i = 0; i < FLOOD; i++) {
			r = sp_try(path, &fd);
			counts[r + 1]++;
		}
		(void)write(report[1], counts, sizeof(counts));
		(void)read(done[0], &c, 1);
		_exit(0);
	}
	close(report[1]);
	close(done[0]);
	ATF_REQUIRE_EQ(read(report[0], counts, sizeof(counts)),
	    (ssize_t)sizeof(counts));
	ATF_CHECK_EQ_MSG(counts[0], 0, "%u connections neither served nor "
	    "refused", counts[0]);
	ATF_CHECK_EQ(counts[2], PER_UID);
	ATF_CHECK_EQ(counts[1], FLOOD - PER_UID);

	/* Root, while the user holds its connections. */
	snprintf(cmd, sizeof(cmd), "%s/balloonctl -s %s >out", BINDIR, path);
	ATF_CHECK_EQ(system(cmd), 0);
	ATF_CHECK_EQ(system("grep -q '^machdep.xen.balloon.target = 65536$' "
	    "out"), 0);
	r = sp_try(path, &fd);
	ATF_CHECK_EQ(r, 1);

	close(done[1]);
	ATF_REQUIRE(waitpid(pid, &r, 0) == pid);
	ATF_CHECK(WIFEXITED(r) && WEXITSTATUS(r) == 0);
}
ATF_TC_CLEANUP(uid_flood, tc)
{

	xt_stop();
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, uid_flood);
	return atf_no_error();
}
