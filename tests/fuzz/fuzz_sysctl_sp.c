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
 * The guest's sysctl server (lib/librumpuser/rumpuser_sp.c): the
 * bytes a client sends on its socket, read and answered by the real
 * sp_request over the real kernel's sysctl tree with the balloon
 * attached (the fuzz host, fuzz_host.c).  The first byte says whether
 * the client is root; the rest is the stream.
 *
 * Checked: every request the server takes whole gets one reply, none
 * after one it hangs up on; a reply never carries more data than
 * RUMPSYSCTL_DATAMAX, nor, for a lookup, more than the client asked
 * for; children come as whole node records with terminated strings;
 * a client that is not root changes nothing; whatever root writes,
 * the target stays within [min, max] and min above the floor.
 */

#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rumpuser.h>
#include <rumpsysctl.h>
#include <rumpsysctl_wire.h>

#include "fuzz.h"
#include "fuzz_host.h"
#include "rumpuser_int.h"

#define NODE_TARGET	"machdep.xen.balloon.target"
#define NODE_MIN	"machdep.xen.balloon.min"
#define NODE_MAX	"machdep.xen.balloon.max"

static char				*data;
static struct rumpuser_sysctl_node	*kn;
static uint64_t				 target0, min0, floor_kb;
static char				*rx;
static size_t				 rxlen, rxcap;

static uint64_t
get(const char *name)
{
	uint64_t v;
	size_t len = sizeof(v);

	FUZZ_CHECK(fuzz_sysctl(name, &v, &len, NULL, 0) == 0, "%s", name);
	return v;
}

static int
set(const char *name, uint64_t v)
{

	return fuzz_sysctl(name, NULL, NULL, &v, sizeof(v));
}

static void
drain(int fd)
{
	ssize_t n;

	for (;;) {
		if (rxcap - rxlen < 65536) {
			rxcap = rxcap * 2 + 65536;
			FUZZ_CHECK((rx = realloc(rx, rxcap)) != NULL, "realloc");
		}
		n = recv(fd, rx + rxlen, rxcap - rxlen, MSG_DONTWAIT);
		if (n <= 0)
			break;
		rxlen += (size_t)n;
	}
}

/* The replies, against the requests the server could take whole. */
static void
check_replies(const unsigned char *in, size_t inlen, bool root)
{
	struct rumpsysctl_req req;
	struct rumpsysctl_rep rep;
	struct rumpsysctl_node wn;
	size_t ioff = 0, roff = 0, want, i;
	char name[RUMPSYSCTL_NAMEMAX];

	for (;;) {
		if (inlen - ioff < sizeof(req))
			break;
		memcpy(&req, in + ioff, sizeof(req));
		/* Only a list of children may name the root, with "". */
		if ((req.namelen == 0 && req.op != RUMPSYSCTL_OP_CHILDREN) ||
		    req.namelen > RUMPSYSCTL_NAMEMAX ||
		    req.newlen > RUMPSYSCTL_DATAMAX ||
		    inlen - ioff - sizeof(req) < (size_t)req.namelen +
		    req.newlen)
			break;		/* hung up on */
		memcpy(name, in + ioff + sizeof(req), req.namelen);
		ioff += sizeof(req) + req.namelen + req.newlen;

		FUZZ_CHECK(rxlen - roff >= sizeof(rep), "a request not answered");
		memcpy(&rep, rx + roff, sizeof(rep));
		roff += sizeof(rep);
		FUZZ_CHECK(rep.datalen <= RUMPSYSCTL_DATAMAX &&
		    rxlen - roff >= rep.datalen, "reply of %u bytes",
		    rep.datalen);
		FUZZ_CHECK(rep.error >= 0 && rep.error < 4096,
		    "error %d", rep.error);
		if (memchr(name, '\0', req.namelen) != NULL)
			FUZZ_CHECK(rep.error == EINVAL && rep.datalen == 0,
			    "a name with a NUL answered %d", rep.error);
		else if (req.op == RUMPSYSCTL_OP_LOOKUP) {
			want = req.wantold ? (req.oldlen < RUMPSYSCTL_DATAMAX ?
			    (size_t)req.oldlen : RUMPSYSCTL_DATAMAX) : 0;
			FUZZ_CHECK(rep.datalen <= want, "%u bytes for a "
			    "lookup that wanted %zu", rep.datalen, want);
			if (req.newlen > 0 && !root)
				FUZZ_CHECK(rep.error == EPERM,
				    "a write by a user answered %d",
				    rep.error);
		} else if (req.op == RUMPSYSCTL_OP_CHILDREN) {
			FUZZ_CHECK(rep.datalen % sizeof(wn) == 0,
			    "children of %u bytes", rep.datalen);
			for (i = 0; i < rep.datalen; i += sizeof(wn)) {
				memcpy(&wn, rx + roff + i, sizeof(wn));
				FUZZ_CHECK(memchr(wn.name, '\0',
				    sizeof(wn.name)) != NULL &&
				    memchr(wn.descr, '\0',
				    sizeof(wn.descr)) != NULL,
				    "a node record unterminated");
			}
		} else
			FUZZ_CHECK(rep.error == EOPNOTSUPP,
			    "op %u answered %d", req.op, rep.error);
		roff += rep.datalen;
	}
	FUZZ_CHECK(roff == rxlen, "%zu bytes of replies after the last",
	    rxlen - roff);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	fuzz_init();
	fuzz_kernel_boot();
	data = malloc(2 * RUMPSYSCTL_DATAMAX);
	kn = calloc(RUMPSYSCTL_DATAMAX / sizeof(struct rumpsysctl_node),
	    sizeof(*kn));
	FUZZ_CHECK(data != NULL && kn != NULL, "malloc");
	target0 = get(NODE_TARGET);
	min0 = floor_kb = get(NODE_MIN);
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *in, size_t size)
{
	uint64_t target, min, max;
	bool root;
	int sv[2], big = 8 << 20;
	ssize_t n;

	if (size < 1 || size > 2 * RUMPSYSCTL_DATAMAX)
		return -1;
	root = in[0] & 1;
	in++;
	size--;

	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
	    "socketpair");
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &big,
	    sizeof(big)) == -1)
		(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big,
		    sizeof(big));
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	n = size > 0 ? send(sv[1], in, size, MSG_DONTWAIT) : 0;
	FUZZ_CHECK(n == (ssize_t)size, "sent %zd of %zu", n, size);
	shutdown(sv[1], SHUT_WR);
	rxlen = 0;
	while (sp_request(sv[0], root, data, kn) == 0)
		drain(sv[1]);
	close(sv[0]);
	drain(sv[1]);
	close(sv[1]);
	check_replies(in, size, root);

	target = get(NODE_TARGET);
	min = get(NODE_MIN);
	max = get(NODE_MAX);
	if (!root)
		FUZZ_CHECK(target == target0 && min == min0,
		    "a user moved target %ju -> %ju, min %ju -> %ju",
		    (uintmax_t)target0, (uintmax_t)target, (uintmax_t)min0,
		    (uintmax_t)min);
	FUZZ_CHECK(min >= floor_kb && min <= target && target <= max + 3,
	    "target %ju, min %ju, max %ju", (uintmax_t)target,
	    (uintmax_t)min, (uintmax_t)max);
	/* Back as booted: min first, which the old target allows. */
	FUZZ_CHECK(set(NODE_MIN, min0) == 0 && set(NODE_TARGET, target0) == 0,
	    "restoring target and min");
	return 0;
}
