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
 * balloonctl's dom0 commands read nodes a guest writes (its data/
 * directory): what a hostile guest puts there must not stop dom0.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <atf-c.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include <balloon.h>
#include <xensim.h>

#include "xensim_test.h"

#define GUEST_MIB	64
#define MAX_MIB		128
#define SLACK_PAGES	256		/* libxl's 1 MiB above the target */
#define MEMSET_LIMIT_S	20		/* a hang, not a slow answer */
#define HAMMERS		6		/* the guest's writers */
#define LOG		"xensim/xensimd.log"	/* xensimd's log */
#define REFUSED		"domain 0 client: .* transactions refused"

/*
 * Write data/balloon-deflate-on-oom as domain d, as fast as it can;
 * return once it is at it.
 */
static pid_t
hammer(domid_t d)
{
	char path[PATH_MAX + 64], node[64], c;
	struct xs_handle *xs;
	unsigned long i;
	int fds[2];
	pid_t pid;

	ATF_REQUIRE(pipe(fds) == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid != 0) {
		close(fds[1]);
		ATF_REQUIRE_EQ_MSG(read(fds[0], &c, 1), 1,
		    "the guest could not write its node");
		close(fds[0]);
		return pid;
	}
	close(fds[0]);
	snprintf(path, sizeof(path), "%s/domains/%u/xenstore", xt_dir, d);
	snprintf(node, sizeof(node), "/local/domain/%u/%s/%s", d,
	    BALLOON_XS_DIR, BALLOON_XS_OOM);
	if (setenv("XENSTORED_PATH", path, 1) != 0 ||
	    (xs = xs_open(0)) == NULL)
		_exit(1);
	for (i = 0;; i++) {
		if (!xs_write(xs, XBT_NULL, node, i % 2 ? "1" : "0", 1))
			_exit(1);
		if (i == 100 && write(fds[1], "", 1) != 1)
			_exit(1);
	}
}

/* balloonctl mem-set g mib as dom0; its exit status, or -1 if it hung. */
static int
mem_set(unsigned int mib)
{
	char size[16], prog[PATH_MAX];
	int status, i;
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/balloonctl", BINDIR);
	snprintf(size, sizeof(size), "%u", mib);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		execl(prog, "balloonctl", "mem-set", "g", size, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < MEMSET_LIMIT_S * 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, &status, 0);
	return -1;
}

/* The guest's last word in data/balloon-deflate-on-oom. */
static void
guest_says(domid_t d, const char *v)
{
	char path[128];
	struct xs_handle *xs;

	snprintf(path, sizeof(path), "/local/domain/%u/%s/%s", d,
	    BALLOON_XS_DIR, BALLOON_XS_OOM);
	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	ATF_REQUIRE(xs_write(xs, XBT_NULL, path, v, strlen(v)));
	xs_close(xs);
}

XT_TC(oom_node_flood,
    "a guest writing data/balloon-deflate-on-oom without pause does not "
    "stop balloonctl mem-set; the value it leaves decides max_pages")
ATF_TC_BODY(oom_node_flood, tc)
{
	struct xensim *h;
	pid_t pids[HAMMERS];
	domid_t d;
	int rc, status, i;

	xt_start(0);
	h = xt_dom0();
	d = xt_create(h, "g", XENSIM_PV, GUEST_MIB, MAX_MIB);
	xensim_close(h);

	for (i = 0; i < HAMMERS; i++)
		pids[i] = hammer(d);
	rc = mem_set(32);
	for (i = 0; i < HAMMERS; i++) {
		kill(pids[i], SIGKILL);
		ATF_REQUIRE(waitpid(pids[i], &status, 0) == pids[i]);
		ATF_CHECK_MSG(WIFSIGNALED(status), "the guest's writes failed");
	}
	ATF_REQUIRE_MSG(rc == 0, "balloonctl mem-set %s",
	    rc == -1 ? "did not finish" : "failed");
	/* The guest's node is not in dom0's transaction: nothing refused. */
	ATF_CHECK_MSG(!atf_utils_grep_file("%s", LOG, REFUSED),
	    "dom0's transactions were refused while the guest wrote");

	/* What the guest says when dom0 asks is what counts. */
	guest_says(d, "0");
	ATF_REQUIRE_EQ(mem_set(48), 0);
	ATF_CHECK_EQ(xt_dominfo(d).max_pages, 48 * 256 + SLACK_PAGES);
	guest_says(d, "1");
	ATF_REQUIRE_EQ(mem_set(40), 0);
	ATF_CHECK_EQ(xt_dominfo(d).max_pages, MAX_MIB * 256 + SLACK_PAGES);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, oom_node_flood);
	return atf_no_error();
}
