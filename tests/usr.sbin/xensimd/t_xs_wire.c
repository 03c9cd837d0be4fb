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
 * xenstored's wire protocol by hand: replies and their headers as Xen
 * sends them, and hostile clients (truncated or oversized messages,
 * unterminated strings, unknown types, long paths, floods of watches,
 * a client that never reads) that must neither crash the daemon nor
 * disturb anyone else.
 */

#include "xs_test.h"

static char buf[XENSTORE_PAYLOAD_MAX + 1];

XT_TC(reply_headers, "req_id and tx_id are echoed; errors carry Xen's names")
ATF_TC_BODY(reply_headers, tc)
{
	struct xsd_sockmsg hdr;
	uint32_t tx;
	int fd;

	xt_start(0);
	fd = xst_connect(0);

	xst_send(fd, XS_WRITE, 7, 0, "/hdr/a\0value", 12);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WRITE);
	ATF_REQUIRE_EQ(hdr.req_id, 7);
	ATF_REQUIRE_EQ(hdr.len, 3);
	ATF_REQUIRE_STREQ(buf, "OK");

	xst_send(fd, XS_READ, 8, 0, "/hdr/a", 7);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_READ);
	ATF_REQUIRE_EQ(hdr.req_id, 8);
	ATF_REQUIRE_EQ(hdr.len, 5);	/* no NUL after the value */
	ATF_REQUIRE_STREQ(buf, "value");

	xst_send(fd, XS_READ, 9, 0, "/hdr/none", 10);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_EQ(hdr.req_id, 9);
	ATF_REQUIRE_STREQ(buf, "ENOENT");
	ATF_REQUIRE_EQ(hdr.len, 7);

	xst_send(fd, XS_TRANSACTION_START, 10, 0, "", 1);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_TRANSACTION_START);
	tx = (uint32_t)strtoul(buf, NULL, 10);
	ATF_REQUIRE(tx != 0);
	xst_send(fd, XS_READ, 11, tx, "/hdr/a", 7);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_READ);
	ATF_REQUIRE_EQ(hdr.req_id, 11);
	ATF_REQUIRE_EQ(hdr.tx_id, tx);
	/* An id that is no transaction of this connection. */
	xst_send(fd, XS_READ, 12, tx + 100, "/hdr/a", 7);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "ENOENT");
	ATF_REQUIRE_EQ(hdr.tx_id, tx + 100);
	xst_send(fd, XS_TRANSACTION_END, 13, tx, "F", 2);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_TRANSACTION_END);
	ATF_REQUIRE_STREQ(buf, "OK");

	/* A watch: the reply, then the first event, path\0token\0. */
	xst_send(fd, XS_WATCH, 14, 0, "/hdr\0tok", 9);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WATCH);
	ATF_REQUIRE_EQ(hdr.req_id, 14);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WATCH_EVENT);
	ATF_REQUIRE_EQ(hdr.req_id, 0);
	ATF_REQUIRE_EQ(hdr.len, 9);
	ATF_REQUIRE(memcmp(buf, "/hdr\0tok\0", 9) == 0);
	/* As in Xen, the event is queued before the reply. */
	xst_send(fd, XS_RM, 15, 0, "/hdr/a", 7);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WATCH_EVENT);
	ATF_REQUIRE(memcmp(buf, "/hdr/a\0tok\0", 11) == 0);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_RM);
	ATF_REQUIRE_EQ(hdr.req_id, 15);
	close(fd);
}

XT_TC(truncated_header, "a client that sends half a header and goes away")
ATF_TC_BODY(truncated_header, tc)
{
	struct xsd_sockmsg hdr = { XS_READ, 1, 0, 5 };
	int fd, other;

	xt_start(0);
	other = xst_connect(0);
	fd = xst_connect(0);
	xst_sendraw(fd, &hdr, 8);
	close(fd);
	/* Header complete, payload cut short. */
	fd = xst_connect(0);
	xst_sendraw(fd, &hdr, sizeof(hdr));
	xst_sendraw(fd, "/lo", 3);
	close(fd);
	xst_call(other, XS_READ, "/local/pool/0/name", XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "Pool-0");
	xst_check_served();
}

XT_TC(oversized, "a header claiming more than XENSTORE_PAYLOAD_MAX drops "
    "that client only")
ATF_TC_BODY(oversized, tc)
{
	struct xsd_sockmsg hdr = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	int fd, other;

	xt_start(0);
	other = xst_connect(0);
	fd = xst_connect(0);
	xst_sendraw(fd, &hdr, sizeof(hdr));
	/* No reply: the connection is closed, as Xen does. */
	ATF_REQUIRE_EQ(xst_readn(fd, &hdr, sizeof(hdr)), 0);
	close(fd);
	xst_call(other, XS_READ, "/local/domain/0/name", XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "Domain-0");

	/* The largest payload allowed is served. */
	fd = xst_connect(0);
	memset(buf, 'v', XENSTORE_PAYLOAD_MAX);
	memcpy(buf, "/big", 5);
	xst_send(fd, XS_WRITE, 2, 0, buf, XENSTORE_PAYLOAD_MAX);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ_MSG(hdr.type, XS_WRITE, "%s", buf);
	xst_call(fd, XS_READ, "/big", XS_READ, buf);
	ATF_REQUIRE_EQ(strlen(buf), XENSTORE_PAYLOAD_MAX - 5);
	close(fd);
	xst_check_served();
}

XT_TC(unterminated, "strings without their NUL are EINVAL and change nothing")
ATF_TC_BODY(unterminated, tc)
{
	struct xsd_sockmsg hdr;
	int fd;

	xt_start(0);
	fd = xst_connect(0);
	xst_send(fd, XS_READ, 1, 0, "/local/domain/0/name", 20);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	xst_send(fd, XS_WRITE, 2, 0, "/unterminated", 13);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	xst_send(fd, XS_MKDIR, 3, 0, "/un\0ter", 7);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	xst_send(fd, XS_WATCH, 4, 0, "/w\0token", 8);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	xst_send(fd, XS_SET_PERMS, 5, 0, "/local\0x9\0", 10);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	xst_send(fd, XS_READ, 6, 0, NULL, 0);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	/* Nothing was created, and the connection still works. */
	xst_call(fd, XS_READ, "/unterminated", XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "ENOENT");
	xst_call(fd, XS_READ, "/un", XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "ENOENT");
	xst_call(fd, XS_GET_PERMS, "/local", XS_GET_PERMS, buf);
	ATF_REQUIRE_STREQ(buf, "n0");
	close(fd);
	xst_check_served();
}

XT_TC(unknown_type, "unknown message types get Xen's ENOSYS")
ATF_TC_BODY(unknown_type, tc)
{
	struct xsd_sockmsg hdr;
	int fd;

	xt_start(0);
	fd = xst_connect(0);
	xst_send(fd, 999, 1, 0, "x", 2);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_EQ(hdr.req_id, 1);
	ATF_REQUIRE_STREQ(buf, "ENOSYS");
	xst_send(fd, XS_TYPE_COUNT, 2, 0, NULL, 0);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_STREQ(buf, "ENOSYS");
	/* Types only the daemon sends. */
	xst_send(fd, XS_WATCH_EVENT, 3, 0, "/a\0t", 5);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_STREQ(buf, "ENOSYS");
	xst_send(fd, XS_ERROR, 4, 0, "EINVAL", 7);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_STREQ(buf, "ENOSYS");
	xst_call(fd, XS_READ, "/local/domain/0/domid", XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "0");
	close(fd);
	xst_check_served();
}

XT_TC(bad_paths, "paths too long or malformed are EINVAL")
ATF_TC_BODY(bad_paths, tc)
{
	static const char *const bad[] = {
		"/a//b", "/a/", "/a b", "/a*", "",
	};
	char path[XENSTORE_ABS_PATH_MAX + 2];
	size_t i;
	int fd;

	xt_start(0);
	fd = xst_connect(0);
	/* XENSTORE_ABS_PATH_MAX characters are fine, one more is not. */
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[XENSTORE_ABS_PATH_MAX] = '\0';
	xst_call(fd, XS_MKDIR, path, XS_MKDIR, buf);
	path[XENSTORE_ABS_PATH_MAX] = 'p';
	path[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	xst_call(fd, XS_MKDIR, path, XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	xst_call(fd, XS_READ, path, XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xst_call(fd, XS_WRITE, bad[i], XS_ERROR, buf);
		ATF_REQUIRE_STREQ_MSG(buf, "EINVAL", "\"%s\"", bad[i]);
	}
	xst_call(fd, XS_RM, "/", XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	xst_call(fd, XS_READ, "/tool/xenstored", XS_READ, buf);
	close(fd);
	xst_check_served();
}

XT_TC(pipelined, "a client that sends many requests before reading gets "
    "every reply, in order, however large")
ATF_TC_BODY(pipelined, tc)
{
	struct xsd_sockmsg hdr;
	char *reqs;
	size_t off, one;
	int fd, i;

	xt_start(0);
	fd = xst_connect(0);
	memcpy(buf, "/pipe", 6);
	memset(buf + 6, 'v', 1000);
	xst_send(fd, XS_WRITE, 0, 0, buf, 1006);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WRITE);

	/* 3000 reads in one go: 3 MiB of replies, more than any queue. */
	one = sizeof(hdr) + 6;
	reqs = malloc(3000 * one);
	ATF_REQUIRE(reqs != NULL);
	for (i = 0, off = 0; i < 3000; i++, off += one) {
		hdr.type = XS_READ;
		hdr.req_id = (uint32_t)i;
		hdr.tx_id = 0;
		hdr.len = 6;
		memcpy(reqs + off, &hdr, sizeof(hdr));
		memcpy(reqs + off + sizeof(hdr), "/pipe", 6);
	}
	xst_sendraw(fd, reqs, off);
	free(reqs);
	for (i = 0; i < 3000; i++) {
		xst_recv(fd, &hdr, buf);
		ATF_REQUIRE_EQ(hdr.type, XS_READ);
		ATF_REQUIRE_EQ(hdr.req_id, (uint32_t)i);
		ATF_REQUIRE_EQ(hdr.len, 1000);
	}
	close(fd);
	xst_check_served();
}

XT_TC(domu_quotas, "a domU's quotas as Xen's defaults: transactions, "
    "nodes, entry size, permissions, path length")
ATF_TC_BODY(domu_quotas, tc)
{
	struct xsd_sockmsg hdr;
	char req[XENSTORE_PAYLOAD_MAX];
	unsigned int id, i, made;
	int fd, d0, n;

	xt_start(0);
	id = xst_domain("quota");
	fd = xst_connect(id);
	d0 = xst_connect(0);

	/* Transactions: Xen lets one more than the quota of 10 open. */
	for (i = 0; i < 11; i++)
		xst_call(fd, XS_TRANSACTION_START, "", XS_TRANSACTION_START,
		    buf);
	xst_call(fd, XS_TRANSACTION_START, "", XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "ENOSPC");
	xst_send(fd, XS_TRANSACTION_END, 1, 1, "F", 2);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_TRANSACTION_END);
	xst_call(fd, XS_TRANSACTION_START, "", XS_TRANSACTION_START, buf);
	/* dom0 has no such quota. */
	for (i = 0; i < 20; i++)
		xst_call(d0, XS_TRANSACTION_START, "", XS_TRANSACTION_START,
		    buf);

	/* A node's record must stay under 2048 bytes. */
	memcpy(req, "data/big", 9);
	memset(req + 9, 'x', 2100);
	xst_send(fd, XS_WRITE, 2, 0, req, 9 + 2100);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
	ATF_REQUIRE_STREQ(buf, "ENOSPC");
	xst_send(fd, XS_WRITE, 3, 0, req, 9 + 1000);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WRITE);

	/* At most 5 entries in a permission list. */
	xst_send(fd, XS_SET_PERMS, 4, 0, "data/big\0n1\0r2\0r3\0r4\0r5\0r6",
	    sizeof("data/big\0n1\0r2\0r3\0r4\0r5\0r6"));
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_STREQ(buf, "ENOSPC");
	xst_send(fd, XS_SET_PERMS, 5, 0, "data/big\0n1\0r2\0r3\0r4\0r5",
	    sizeof("data/big\0n1\0r2\0r3\0r4\0r5"));
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ_MSG(hdr.type, XS_SET_PERMS, "%s", buf);
	/* ... and it may not give the node away. */
	xst_send(fd, XS_SET_PERMS, 6, 0, "data/big\0n0", 12);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_STREQ(buf, "EPERM");

	/* Paths: at most XENSTORE_REL_PATH_MAX below the domain's home. */
	memcpy(req, "data/", 5);
	memset(req + 5, 'l', XENSTORE_REL_PATH_MAX);
	req[XENSTORE_REL_PATH_MAX] = '\0';
	xst_call(fd, XS_MKDIR, req, XS_MKDIR, buf);
	req[XENSTORE_REL_PATH_MAX] = 'l';
	req[XENSTORE_REL_PATH_MAX + 1] = '\0';
	xst_call(fd, XS_MKDIR, req, XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "EINVAL");
	n = snprintf(buf, sizeof(buf), "/local/domain/%u/%s", id, req);
	ATF_REQUIRE(n > 0);
	memcpy(req, buf, (size_t)n + 1);
	xst_call(d0, XS_MKDIR, req, XS_MKDIR, buf);

	/* Nodes: 1000 per domain, those libxl made for it included. */
	for (made = 0; made < 1100; made++) {
		n = snprintf(req, sizeof(req), "data/n%u", made);
		xst_send(fd, XS_WRITE, made, 0, req, (size_t)n + 1);
		xst_recv(fd, &hdr, buf);
		if (hdr.type == XS_ERROR)
			break;
	}
	ATF_REQUIRE_STREQ(buf, "ENOSPC");
	ATF_REQUIRE(made > 900 && made < 1000);
	xst_call(fd, XS_RM, "data/n0", XS_RM, buf);
	xst_call(fd, XS_WRITE, "data/again", XS_WRITE, buf);
	xst_call(fd, XS_WRITE, "data/more", XS_ERROR, buf);
	ATF_REQUIRE_STREQ(buf, "ENOSPC");
	/* dom0 is not limited, even writing in the guest's tree. */
	n = snprintf(req, sizeof(req), "/local/domain/%u/data/fromdom0", id);
	xst_call(d0, XS_WRITE, req, XS_WRITE, buf);
	close(fd);
	close(d0);
	xst_check_served();
}

XT_TC(garbage, "thousands of random requests: each gets one reply, the "
    "daemon survives")
ATF_TC_BODY(garbage, tc)
{
	static const char alphabet[] = "/\0\0ab@-_0123456789TF rwbn";
	struct xsd_sockmsg hdr;
	char req[XENSTORE_PAYLOAD_MAX];
	unsigned int i, j, len, type;
	int fd;

	xt_start(0);
	srandom(20261123);	/* the same sequence every run */
	fd = xst_connect(0);
	for (i = 0; i < 5000; i++) {
		type = (unsigned int)random() % (XS_TYPE_COUNT + 2);
		len = (unsigned int)random() % 64;
		if (random() % 50 == 0)
			len = (unsigned int)random() % sizeof(req);
		for (j = 0; j < len; j++)
			req[j] = alphabet[random() % (sizeof(alphabet) - 1)];
		xst_send(fd, type, i + 1, random() % 8 == 0 ?
		    (uint32_t)random() % 4 : 0, req, len);
		/* Skip watch events; the reply names the request. */
		do {
			xst_recv(fd, &hdr, buf);
		} while (hdr.type == XS_WATCH_EVENT);
		ATF_REQUIRE_EQ_MSG(hdr.req_id, i + 1, "request %u type %u",
		    i, type);
	}
	close(fd);
	xst_check_served();
}

XT_TC(watch_flood, "10000 watches: a domU hits Xen's quota (E2BIG), dom0 "
    "has none, the daemon keeps serving")
ATF_TC_BODY(watch_flood, tc)
{
	struct xsd_sockmsg hdr;
	char req[64];
	unsigned int i, ok, id;
	int fd, n, err2big;

	xt_start(0);
	id = xst_domain("flood");
	fd = xst_connect(id);
	ok = 0;
	err2big = 0;
	for (i = 0; i < 10000; i++) {
		n = snprintf(req, sizeof(req), "data/w%u", i);
		n += 1 + snprintf(req + n + 1, sizeof(req) - n - 1, "t%u", i);
		xst_send(fd, XS_WATCH, i, 0, req, (size_t)n + 1);
		xst_recv(fd, &hdr, buf);
		if (hdr.type == XS_WATCH) {
			ok++;
			/* the first event, relative as the watch was */
			xst_recv(fd, &hdr, buf);
			ATF_REQUIRE_EQ(hdr.type, XS_WATCH_EVENT);
			ATF_REQUIRE_STREQ(buf, req);
		} else {
			ATF_REQUIRE_EQ(hdr.type, XS_ERROR);
			ATF_REQUIRE_STREQ(buf, "E2BIG");
			err2big++;
		}
	}
	/* Xen lets a domain go one past its quota of 128. */
	ATF_REQUIRE_EQ(ok, 129);
	ATF_REQUIRE_EQ(err2big, 10000 - 129);
	/* Same watch twice. */
	xst_send(fd, XS_UNWATCH, 1, 0, "data/w0\0t0", 11);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_UNWATCH);
	xst_send(fd, XS_WATCH, 2, 0, "data/w1\0t1", 11);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_STREQ(buf, "EEXIST");
	close(fd);

	/* Dom0 has no watch quota in Xen. */
	fd = xst_connect(0);
	for (i = 0; i < 10000; i++) {
		n = snprintf(req, sizeof(req), "/d0/w%u", i);
		n += 1 + snprintf(req + n + 1, sizeof(req) - n - 1, "t");
		xst_send(fd, XS_WATCH, i, 0, req, (size_t)n + 1);
		xst_recv(fd, &hdr, buf);
		ATF_REQUIRE_EQ_MSG(hdr.type, XS_WATCH, "watch %u: %s", i, buf);
		xst_recv(fd, &hdr, buf);
		ATF_REQUIRE_EQ(hdr.type, XS_WATCH_EVENT);
	}
	xst_call(fd, XS_RESET_WATCHES, "", XS_RESET_WATCHES, buf);
	close(fd);
	xst_check_served();
}

XT_TC(never_reads, "a client that never reads while watch events pile up "
    "is dropped after a bounded queue; the writer never waits")
ATF_TC_BODY(never_reads, tc)
{
	char token[2001], req[2100], *big;
	struct xsd_sockmsg hdr;
	struct pollfd pfd;
	size_t total;
	ssize_t n;
	int lazy, fd, i;

	xt_start(0);
	memset(token, 't', sizeof(token) - 1);
	token[sizeof(token) - 1] = '\0';
	lazy = xst_connect(0);
	memcpy(req, "/flood", 7);
	memcpy(req + 7, token, sizeof(token));
	xst_send(lazy, XS_WATCH, 1, 0, req, 7 + sizeof(token));

	/* About 2 KiB of events per write: 6 MiB in all. */
	fd = xst_connect(0);
	for (i = 0; i < 3000; i++) {
		xst_send(fd, XS_WRITE, i, 0, "/flood/x\0v", 10);
		xst_recv(fd, &hdr, buf);
		ATF_REQUIRE_EQ(hdr.type, XS_WRITE);
	}
	xst_call(fd, XS_READ, "/flood/x", XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "v");

	/* What was queued for the lazy client ends with end of file. */
	big = malloc(1 << 20);
	ATF_REQUIRE(big != NULL);
	total = 0;
	for (;;) {
		pfd.fd = lazy;
		pfd.events = POLLIN;
		ATF_REQUIRE_MSG(poll(&pfd, 1, 10000) == 1,
		    "the lazy client was not dropped");
		if ((n = read(lazy, big, 1 << 20)) <= 0)
			break;
		total += (size_t)n;
	}
	ATF_REQUIRE_MSG(total < 3 * 1024 * 1024,
	    "%zu bytes were queued for it", total);
	free(big);
	close(lazy);
	close(fd);
	xst_check_served();
}

/* A watch on path for fd: the reply, then the first event. */
static void
drop_watch(int fd, const char *path, const char *token)
{
	struct xsd_sockmsg hdr;
	char msg[256];
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;

	memcpy(msg, path, plen);
	memcpy(msg + plen, token, tlen);
	xst_send(fd, XS_WATCH, 1, 0, msg, plen + tlen);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WATCH);
	xst_recv(fd, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WATCH_EVENT);
	ATF_REQUIRE_STREQ(buf, path);
}

XT_TC(xs_drop, "the xs=drop fault closes that domain's connections only; "
    "the domain can connect again")
ATF_TC_BODY(xs_drop, tc)
{
	struct xsd_sockmsg hdr;
	struct xensim_fault f;
	struct xensim *h;
	unsigned int a, b;
	char path[64], val[80];
	int fa1, fa2, fa3, fb, f0;

	xt_start(0);
	a = xst_domain("a");
	b = xst_domain("b");
	fa1 = xst_connect(a);
	fa2 = xst_connect(a);
	fb = xst_connect(b);
	f0 = xst_connect(0);
	snprintf(path, sizeof(path), "/local/domain/%u", a);
	drop_watch(fa1, path, "ta");
	snprintf(path, sizeof(path), "/local/domain/%u", b);
	drop_watch(fb, path, "tb");
	drop_watch(f0, "/drop", "t0");
	xst_send(fa2, XS_TRANSACTION_START, 2, 0, "", 1);
	xst_recv(fa2, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_TRANSACTION_START);

	h = xt_dom0();
	memset(&f, 0, sizeof(f));
	f.domid = (domid_t)a;
	f.xs_drop = 1;
	f.mem_keep = 1;
	ATF_REQUIRE_EQ(xensim_fault(h, &f), 0);
	f.domid = 999;
	ATF_REQUIRE_EQ(xensim_fault(h, &f), -1);
	ATF_REQUIRE_EQ(errno, ESRCH);
	xensim_close(h);

	/* Both of a's connections are closed. */
	ATF_REQUIRE_EQ(xst_readn(fa1, &hdr, sizeof(hdr)), 0);
	ATF_REQUIRE_EQ(xst_readn(fa2, &hdr, sizeof(hdr)), 0);

	/* b and dom0 keep their connections and watches. */
	snprintf(path, sizeof(path), "/local/domain/%u/drop", b);
	snprintf(val, sizeof(val), "%s%c1", path, '\0');
	xst_send(f0, XS_WRITE, 3, 0, val, strlen(path) + 3);
	xst_recv(f0, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WRITE);
	xst_recv(fb, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WATCH_EVENT);
	ATF_REQUIRE_STREQ(buf, path);
	ATF_REQUIRE_STREQ(buf + strlen(path) + 1, "tb");
	xst_call(fb, XS_READ, path, XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "1");
	xst_send(fb, XS_WRITE, 4, 0, "/drop/x\0" "2", 9);
	xst_recv(fb, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_ERROR);	/* a domU may not write /drop */
	xst_send(f0, XS_WRITE, 5, 0, "/drop/x\0" "2", 9);
	xst_recv(f0, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WATCH_EVENT);
	ATF_REQUIRE_STREQ(buf, "/drop/x");
	xst_recv(f0, &hdr, buf);
	ATF_REQUIRE_EQ(hdr.type, XS_WRITE);

	/* a's socket still listens: a new connection is served. */
	fa3 = xst_connect(a);
	snprintf(path, sizeof(path), "/local/domain/%u/name", a);
	xst_call(fa3, XS_READ, path, XS_READ, buf);
	ATF_REQUIRE_STREQ(buf, "a");
	close(fa1);
	close(fa2);
	close(fa3);
	close(fb);
	close(f0);
	xst_check_served();
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, reply_headers);
	ATF_TP_ADD_TC(tp, truncated_header);
	ATF_TP_ADD_TC(tp, oversized);
	ATF_TP_ADD_TC(tp, unterminated);
	ATF_TP_ADD_TC(tp, unknown_type);
	ATF_TP_ADD_TC(tp, bad_paths);
	ATF_TP_ADD_TC(tp, pipelined);
	ATF_TP_ADD_TC(tp, domu_quotas);
	ATF_TP_ADD_TC(tp, garbage);
	ATF_TP_ADD_TC(tp, watch_flood);
	ATF_TP_ADD_TC(tp, never_reads);
	ATF_TP_ADD_TC(tp, xs_drop);
	return atf_no_error();
}
