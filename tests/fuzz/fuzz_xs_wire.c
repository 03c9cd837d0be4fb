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
 * xensimd's xenstored: a client's byte stream on one connection, taken
 * apart into xs_wire requests and answered by the real code
 * (xs_process, xs_dispatch and all below them).  The first byte says
 * who connects: dom0 or domain 1, a guest; the rest is the stream,
 * delivered in pieces as recv(2) would.
 *
 * Checked: every request gets exactly one reply, in order, with its
 * req_id and tx_id and either its own type or XS_ERROR with one of
 * Xen's error names; watch events are two strings; no reply claims
 * more than XENSTORE_PAYLOAD_MAX; and a guest cannot change what it
 * may only read (its memory/target, dom0's nodes) nor who owns it.
 * The store is laid anew for every input.
 */

#include <sys/socket.h>

#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "xenstored.h"
#include "xs_store.h"

#define GUEST		1
#define TARGET		"/local/domain/1/memory/target"
#define TARGET_KIB	"524288"

static struct xs_conn	conn;
static int	peer = -1;		/* the client's end */
static char	*rx;			/* what the client received */
static size_t	 rxlen, rxcap;

/* The nodes libxl gives a guest that matter here. */
static void
store_init(void)
{
	static const struct xs_permissions guest_read[] = {
		{ 0, XS_PERM_NONE }, { GUEST, XS_PERM_READ }
	};
	static const struct xs_permissions guest_own[] = {
		{ GUEST, XS_PERM_NONE }
	};

	FUZZ_CHECK(xsd_init() == 0, "xsd_init");
	FUZZ_CHECK(xsd_mkdir("/local/domain/1") == 0 &&
	    xsd_set_perms("/local/domain/1", guest_read, 2) == 0 &&
	    xsd_write(TARGET, TARGET_KIB) == 0 &&
	    xsd_set_perms("/local/domain/1/memory", guest_read, 2) == 0 &&
	    xsd_set_perms(TARGET, guest_read, 2) == 0 &&
	    xsd_mkdir("/local/domain/1/data") == 0 &&
	    xsd_set_perms("/local/domain/1/data", guest_own, 1) == 0,
	    "the guest's nodes");
}

static void
store_fini(void)
{

	xs_node_free(xs_root);
	xs_root = NULL;
}

static void
drain(void)
{
	ssize_t n;

	for (;;) {
		if (rxcap - rxlen < 65536) {
			rxcap = rxcap * 2 + 65536;
			FUZZ_CHECK((rx = realloc(rx, rxcap)) != NULL, "realloc");
		}
		n = recv(peer, rx + rxlen, rxcap - rxlen, MSG_DONTWAIT);
		if (n <= 0)
			break;
		rxlen += (size_t)n;
	}
}

static bool
known_error(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[len - 1] != '\0')
		return false;
	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (strcmp(s, xsd_errors[i].errstring) == 0)
			return true;
	return false;
}

static unsigned int
nuls(const char *s, size_t len)
{
	unsigned int n = 0;

	while (len-- > 0)
		if (*s++ == '\0')
			n++;
	return n;
}

/* Replies against the requests of the stream that were whole. */
static void
check_replies(const unsigned char *in, size_t inlen, bool killed)
{
	struct xsd_sockmsg req, rep;
	size_t ioff = 0, roff = 0;
	const char *payload;

	while (roff < rxlen) {
		FUZZ_CHECK(rxlen - roff >= sizeof(rep), "torn reply header");
		memcpy(&rep, rx + roff, sizeof(rep));
		FUZZ_CHECK(rep.len <= XENSTORE_PAYLOAD_MAX &&
		    rxlen - roff - sizeof(rep) >= rep.len,
		    "reply of %u bytes", rep.len);
		payload = rx + roff + sizeof(rep);
		roff += sizeof(rep) + rep.len;
		if (rep.type == XS_WATCH_EVENT) {
			FUZZ_CHECK(nuls(payload, rep.len) == 2 &&
			    payload[rep.len - 1] == '\0', "watch event");
			continue;
		}
		FUZZ_CHECK(inlen - ioff >= sizeof(req),
		    "a reply (type %u) with no request", rep.type);
		memcpy(&req, in + ioff, sizeof(req));
		FUZZ_CHECK(req.len <= XENSTORE_PAYLOAD_MAX &&
		    inlen - ioff - sizeof(req) >= req.len,
		    "a reply to a request never whole");
		ioff += sizeof(req) + req.len;
		FUZZ_CHECK(rep.req_id == req.req_id && rep.tx_id == req.tx_id,
		    "reply ids %u/%u to request %u/%u", rep.req_id,
		    rep.tx_id, req.req_id, req.tx_id);
		FUZZ_CHECK(rep.type == req.type || (rep.type == XS_ERROR &&
		    known_error(payload, rep.len)),
		    "reply type %u to request type %u", rep.type, req.type);
	}
	if (killed)
		return;
	/* Every whole request was answered. */
	if (inlen - ioff >= sizeof(req)) {
		memcpy(&req, in + ioff, sizeof(req));
		FUZZ_CHECK(req.len > XENSTORE_PAYLOAD_MAX ||
		    inlen - ioff - sizeof(req) < req.len,
		    "request type %u at %zu not answered", req.type, ioff);
	}
}

/* What a guest may only read is as the toolstack left it. */
static void
check_store(void)
{
	static const struct xs_permissions guest_read[] = {
		{ 0, XS_PERM_NONE }, { GUEST, XS_PERM_READ }
	};
	struct xs_node *n;
	char *v;

	FUZZ_CHECK(xsd_read(TARGET, &v) == 0 && strcmp(v, TARGET_KIB) == 0,
	    "memory/target changed by the guest");
	free(v);
	FUZZ_CHECK(xsd_read("/local/domain/0/name", &v) == 0 &&
	    strcmp(v, "Domain-0") == 0, "dom0's name changed by a guest");
	free(v);
	n = xs_lookup(xs_root, TARGET);
	FUZZ_CHECK(n != NULL && n->perms.num == 2 &&
	    memcmp(n->perms.p, guest_read, sizeof(guest_read)) == 0,
	    "memory/target's permissions changed by the guest");
	FUZZ_CHECK(xs_count_owned(xs_root, GUEST) <= XS_QUOTA_NODES + 1,
	    "guest past its node quota");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct xs_conn *c;
	const unsigned char *in;
	size_t inlen, off, n;
	bool guest, killed;
	int sv[2], big = 8 << 20;

	if (size < 1)
		return -1;
	guest = data[0] & 1;
	in = data + 1;
	inlen = size - 1;

	store_init();
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
	    "socketpair");
	/* Room for every reply the input can ask for; root may force it. */
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &big,
	    sizeof(big)) == -1)
		(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big,
		    sizeof(big));
	peer = sv[1];
	rxlen = 0;

	/* As xs_accept_cb sets a connection up (one, reused: it is big). */
	c = &conn;
	memset(c, 0, offsetof(struct xs_conn, c_rbuf));
	c->c_rlen = 0;
	c->c_out = NULL;
	c->c_outoff = c->c_outlen = c->c_outcap = 0;
	c->c_ntxns = 0;
	c->c_fd = sv[0];
	c->c_domid = guest ? GUEST : 0;
	c->c_next_txid = 1;
	TAILQ_INIT(&c->c_watches);
	TAILQ_INIT(&c->c_txns);
	TAILQ_INSERT_TAIL(&xs_conns, c, c_list);

	/* As xs_conn_cb reads: as much as fits, then whole messages. */
	for (off = 0; off < inlen && !c->c_dead; off += n) {
		n = sizeof(c->c_rbuf) - c->c_rlen;
		if (n > inlen - off)
			n = inlen - off;
		if (n == 0)
			break;
		memcpy(c->c_rbuf + c->c_rlen, in + off, n);
		c->c_rlen += n;
		xs_process(c);
		drain();
	}
	killed = c->c_dead;
	if (!killed) {
		FUZZ_CHECK(c->c_outlen == c->c_outoff, "%zu bytes not sent",
		    c->c_outlen - c->c_outoff);
		close(c->c_fd);
		c->c_fd = -1;
	}
	/* As xs_reap, but the structure stays. */
	TAILQ_REMOVE(&xs_conns, c, c_list);
	xs_watch_del_all(c);
	xs_txn_del_all(c);
	free(c->c_out);
	drain();
	close(peer);

	check_replies(in, inlen, killed);
	if (guest)
		check_store();
	store_fini();
	return 0;
}
