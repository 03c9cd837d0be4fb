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
 * No client can hang dom0: a domU opening thousands of connections to
 * its sockets is refused beyond its budget at once, and dom0's
 * xenstore-read, xensimctl list and create still answer, also when the
 * daemon's descriptors run short.
 */

#include <sys/resource.h>
#include <sys/wait.h>

#include "xs_test.h"
#include "xensim_wire.h"

#define FLOOD		3000	/* connections a domU tries */
#define DOMU_CONNS	64	/* what xensimd(8) gives a domU */

static int *held;
static unsigned int nheld;
static char buf_name[XENSTORE_PAYLOAD_MAX + 1];

/* Raise our own descriptor limit for the flood. */
static void
flood_init(void)
{
	struct rlimit rl;

	ATF_REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl.rlim_cur = rl.rlim_max;
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	ATF_REQUIRE((held = calloc(FLOOD * 4, sizeof(*held))) != NULL);
}

static int
connect_path(const char *path, int type)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ATF_REQUIRE(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ATF_REQUIRE((fd = socket(AF_UNIX, type, 0)) != -1);
	ATF_REQUIRE_MSG(connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == 0, "%s: %s", path, strerror(errno));
	return fd;
}

/*
 * Open n connections to domain id's xenstore socket, one after the
 * other, each asked for the domain's name: the ones answered are kept,
 * the ones closed unanswered counted.  Returns how many were answered.
 */
static unsigned int
xs_flood(unsigned int id, unsigned int n, unsigned int *refused)
{
	struct xsd_sockmsg hdr;
	unsigned int i, ok = 0;
	int fd, r;

	*refused = 0;
	for (i = 0; i < n; i++) {
		fd = xst_connect(id);
		hdr.type = XS_READ;
		hdr.req_id = i;
		hdr.tx_id = 0;
		hdr.len = 5;
		(void)send(fd, &hdr, sizeof(hdr), MSG_NOSIGNAL);
		(void)send(fd, "name", 5, MSG_NOSIGNAL);
		r = xst_readn(fd, &hdr, sizeof(hdr));
		ATF_REQUIRE_MSG(r != -1, "connection %u neither served nor "
		    "refused", i);
		if (r == 0) {
			close(fd);
			(*refused)++;
			continue;
		}
		ATF_REQUIRE_EQ(hdr.type, XS_READ);
		ATF_REQUIRE(hdr.len < sizeof(buf_name));
		ATF_REQUIRE_EQ(xst_readn(fd, buf_name, hdr.len), 1);
		held[nheld++] = fd;
		ok++;
	}
	return ok;
}

/* The same on the hypercall socket (one packet, one reply). */
static unsigned int
hv_flood(unsigned int id, unsigned int n, unsigned int *refused)
{
	char path[PATH_MAX + 64];
	struct xw_hdr h;
	struct xw_rhdr rh;
	unsigned int i, ok = 0;
	struct pollfd pfd;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/domains/%u/hypercall", xt_dir, id);
	*refused = 0;
	for (i = 0; i < n; i++) {
		fd = connect_path(path, SOCK_SEQPACKET);
		memset(&h, 0, sizeof(h));
		h.magic = XW_MAGIC;
		h.op = XW_XEN_VERSION;	/* no payload: -EINVAL, a reply */
		(void)send(fd, &h, sizeof(h), MSG_NOSIGNAL);
		pfd.fd = fd;
		pfd.events = POLLIN;
		ATF_REQUIRE_MSG(poll(&pfd, 1, 10000) == 1, "connection %u "
		    "neither served nor refused", i);
		r = recv(fd, &rh, sizeof(rh), 0);
		if (r <= 0) {
			close(fd);
			(*refused)++;
			continue;
		}
		ATF_REQUIRE_EQ(r, (ssize_t)sizeof(rh));
		ATF_REQUIRE_EQ(rh.rc, -EINVAL);
		held[nheld++] = fd;
		ok++;
	}
	return ok;
}

static void
release_held(void)
{

	while (nheld > 0)
		close(held[--nheld]);
}

/* dom0's own tools answer: xenstore-read, xensimctl list and create. */
static void
dom0_served(const char *newname)
{

	xst_check_served();
	ATF_REQUIRE_EQ(system("xenstore-read /local/domain/1/name "
	    ">name.out"), 0);
	ATF_REQUIRE_EQ(system("grep -qx a name.out"), 0);
	(void)xt_ctl("list");
	ATF_REQUIRE(xt_ctl("create name=%s memory=16", newname) != 0);
}

XT_TC(xs_domu_flood, "a domU gets 64 xenstore connections, the excess is "
    "refused at once, dom0 and other domains are served")
ATF_TC_BODY(xs_domu_flood, tc)
{
	unsigned int a, b, ok, refused;

	flood_init();
	xt_start(256);
	a = xst_domain("a");
	b = xst_domain("b");
	ok = xs_flood(a, FLOOD, &refused);
	ATF_REQUIRE_EQ(ok, DOMU_CONNS);
	ATF_REQUIRE_EQ(refused, FLOOD - DOMU_CONNS);
	dom0_served("late");
	/* Another domain has its own budget. */
	ATF_REQUIRE_EQ(xs_flood(b, 1, &refused), 1);
	/* Connections closed give the budget back. */
	release_held();
	XT_WAIT_FOR(xs_flood(a, 1, &refused) == 1);
	ATF_REQUIRE_EQ(nheld, 1);
}

XT_TC(hv_domu_flood, "a domU gets 64 hypercall connections, the excess is "
    "refused at once, dom0 is served")
ATF_TC_BODY(hv_domu_flood, tc)
{
	unsigned int a, ok, refused;

	flood_init();
	xt_start(256);
	a = xst_domain("a");
	ok = hv_flood(a, FLOOD, &refused);
	ATF_REQUIRE_EQ(ok, DOMU_CONNS);
	ATF_REQUIRE_EQ(refused, FLOOD - DOMU_CONNS);
	dom0_served("late");
}

XT_TC(fd_reserve, "with few descriptors, domUs never take the last 128: "
    "dom0 still connects and is served")
ATF_TC_BODY(fd_reserve, tc)
{
	struct rlimit rl, low = { 256, 256 };
	char name[16];
	unsigned int i, ok, refused, dom0;
	int fd;

	flood_init();
	ATF_REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
	xt_start(256);
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	ok = 0;
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%c", 'a' + i);
		ok += xs_flood(xst_domain(name), DOMU_CONNS, &refused);
	}
	/* Three budgets of 64, but only descriptors below 256 - 128. */
	ATF_REQUIRE_MSG(ok < 128, "domUs hold %u connections", ok);
	ATF_REQUIRE_MSG(ok > 64, "domUs hold only %u connections", ok);
	/* dom0 may have the reserve. */
	for (dom0 = 0; dom0 < 64; dom0++) {
		fd = xst_connect(0);
		xst_call(fd, XS_READ, "/local/domain/0/name", XS_READ,
		    buf_name);
		ATF_REQUIRE_STREQ(buf_name, "Domain-0");
		held[nheld++] = fd;
	}
	dom0_served("late");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, xs_domu_flood);
	ATF_TP_ADD_TC(tp, hv_domu_flood);
	ATF_TP_ADD_TC(tp, fd_reserve);
	return atf_no_error();
}
