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
 * The requests of <xen/io/xs_wire.h>: their arguments checked as Xen
 * checks them, the operation done, the reply (or Xen's error name)
 * queued with the request's req_id and tx_id.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_store.h"

static void
xs_reply(struct xs_conn *c, const struct xsd_sockmsg *req, uint32_t type,
    const void *data, size_t len)
{

	if (len > XENSTORE_PAYLOAD_MAX) {
		xs_send(c, XS_ERROR, req->req_id, req->tx_id, "E2BIG", 6);
		return;
	}
	xs_send(c, type, req->req_id, req->tx_id, data, len);
}

void
xs_reply_error(struct xs_conn *c, const struct xsd_sockmsg *req, int error)
{
	const char *name = "EINVAL";
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == error)
			name = xsd_errors[i].errstring;
	xs_reply(c, req, XS_ERROR, name, strlen(name) + 1);
}

static void
xs_ack(struct xs_conn *c, const struct xsd_sockmsg *req)
{

	xs_reply(c, req, req->type, "OK", 3);
}

/* The payload if it is exactly one string, as Xen's onearg(). */
static const char *
xs_onearg(const char *in, size_t len)
{

	if (len == 0 || memchr(in, '\0', len) != in + len - 1)
		return NULL;
	return in;
}

/* Number of NUL-terminated strings in the payload. */
static unsigned int
xs_nstrings(const char *in, size_t len)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (in[i] == '\0')
			n++;
	return n;
}

/* Resolve a path relative to the domain's home; check it as Xen does. */
static int
xs_canon(struct xs_conn *c, const char *path, char *buf, size_t size)
{
	int n;

	if (path == NULL)
		return EINVAL;
	if (path[0] == '/')
		n = snprintf(buf, size, "%s", path);
	else
		n = snprintf(buf, size, "/local/domain/%u/%s", c->c_domid,
		    path);
	if (n < 0 || (size_t)n >= size || !xs_valid_path(buf, c->c_domid))
		return EINVAL;
	return 0;
}

#define XS_PATHBUF	(XENSTORE_PAYLOAD_MAX + 64)

static int
xs_do_directory(struct xs_conn *c, struct xs_ctx *ctx,
    const struct xsd_sockmsg *req, const char *in, size_t len)
{
	char path[XS_PATHBUF], *buf;
	struct xs_node *n;
	size_t off, l;
	unsigned int i;
	int error;

	if ((error = xs_canon(c, xs_onearg(in, len), path, sizeof(path))) ||
	    (error = xs_op_read(ctx, path, &n)))
		return error;
	for (off = 0, i = 0; i < n->nkids; i++)
		off += strlen(n->kids[i]->name) + 1;
	if ((buf = malloc(off + 1)) == NULL)
		return ENOMEM;
	for (off = 0, i = 0; i < n->nkids; i++) {
		l = strlen(n->kids[i]->name) + 1;
		memcpy(buf + off, n->kids[i]->name, l);
		off += l;
	}
	xs_reply(c, req, XS_DIRECTORY, buf, off);
	free(buf);
	return 0;
}

/* DIRECTORY_PART: "gen\0" then as many children as fit from offset. */
static int
xs_do_directory_part(struct xs_conn *c, struct xs_ctx *ctx,
    const struct xsd_sockmsg *req, const char *in, size_t len)
{
	char path[XS_PATHBUF], buf[XENSTORE_PAYLOAD_MAX + 1], *kids;
	size_t off, want, klen, glen, l, room;
	struct xs_node *n;
	unsigned int i;
	int error;

	if (xs_nstrings(in, len) != 2)
		return EINVAL;
	if ((error = xs_canon(c, in, path, sizeof(path))) ||
	    (error = xs_op_read(ctx, path, &n)))
		return error;
	want = (size_t)strtoul(in + strlen(in) + 1, NULL, 10);
	for (klen = 0, i = 0; i < n->nkids; i++)
		klen += strlen(n->kids[i]->name) + 1;
	if ((kids = malloc(klen + 1)) == NULL)
		return ENOMEM;
	for (off = 0, i = 0; i < n->nkids; i++) {
		l = strlen(n->kids[i]->name) + 1;
		memcpy(kids + off, n->kids[i]->name, l);
		off += l;
	}
	glen = (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, n->gen) + 1;
	if (want >= klen) {
		buf[glen] = '\0';
		xs_reply(c, req, XS_DIRECTORY_PART, buf, glen + 1);
		free(kids);
		return 0;
	}
	room = XENSTORE_PAYLOAD_MAX - glen - 1;
	for (l = 0; want + l < klen; ) {
		i = (unsigned int)strlen(kids + want + l);
		if (l + i >= room)
			break;
		l += i + 1;
	}
	memcpy(buf + glen, kids + want, l);
	if (want + l == klen)
		buf[glen + l++] = '\0';
	free(kids);
	xs_reply(c, req, XS_DIRECTORY_PART, buf, glen + l);
	return 0;
}

static int
xs_do_get_perms(struct xs_conn *c, struct xs_ctx *ctx,
    const struct xsd_sockmsg *req, const char *in, size_t len)
{
	char path[XS_PATHBUF], buf[XENSTORE_PAYLOAD_MAX];
	const char *arg = xs_onearg(in, len);
	struct xs_perms *sp;
	struct xs_node *n;
	size_t blen;
	int error;

	if (arg != NULL && arg[0] == '@') {
		if ((error = xs_special_perms(arg, &sp)) != 0)
			return error;
	} else {
		if ((error = xs_canon(c, arg, path, sizeof(path))) ||
		    (error = xs_op_read(ctx, path, &n)))
			return error;
		sp = &n->perms;
	}
	if ((error = xs_perms_to_strings(sp, buf, sizeof(buf), &blen)) != 0)
		return error;
	xs_reply(c, req, XS_GET_PERMS, buf, blen);
	return 0;
}

static int
xs_do_set_perms(struct xs_conn *c, struct xs_ctx *ctx,
    const struct xsd_sockmsg *req, const char *in, size_t len)
{
	struct xs_permissions p[XENSTORE_PAYLOAD_MAX / 2];
	char path[XS_PATHBUF];
	struct xs_perms perms, *sp;
	unsigned int num;
	int error;

	if ((num = xs_nstrings(in, len)) < 2)
		return EINVAL;
	num--;
	if (num > sizeof(p) / sizeof(p[0]))
		return EINVAL;
	if (c->c_domid != 0 && num > XS_QUOTA_PERMS)
		return ENOSPC;
	if (!xs_strings_to_perms(p, num, in + strlen(in) + 1))
		return EINVAL;
	perms.p = p;
	perms.num = num;
	if (in[0] == '@') {
		if ((error = xs_special_perms(in, &sp)) != 0)
			return error;
		if ((xs_perm_for(c->c_domid, sp) & XS_PERM_OWNER) == 0)
			return EACCES;
		if (num > XS_QUOTA_PERMS)
			return ENOSPC;
		memcpy(sp->p, p, num * sizeof(*p));
		sp->num = num;
	} else {
		if ((error = xs_canon(c, in, path, sizeof(path))) ||
		    (error = xs_op_set_perms(ctx, path, &perms)))
			return error;
	}
	xs_ack(c, req);
	return 0;
}

static int
xs_do_watch(struct xs_conn *c, const struct xsd_sockmsg *req,
    const char *in, size_t len, bool add)
{
	const char *path = in, *token;
	char abs[XS_PATHBUF];
	struct xs_watch *w;
	bool relative;
	int error;

	if (xs_nstrings(in, len) != 2)
		return EINVAL;
	token = in + strlen(in) + 1;
	relative = path[0] != '/' && path[0] != '@';
	if (add) {
		if ((error = xs_watch_add(c, path, token, relative, &w)) != 0)
			return error;
		xs_ack(c, req);
		/* Xen fires every new watch once, up front. */
		xs_watch_send(c, w, w->w_path);
		return 0;
	}
	if (path[0] == '@')
		snprintf(abs, sizeof(abs), "%s", path);
	else if ((error = xs_canon(c, path, abs, sizeof(abs))) != 0)
		return error;
	if ((error = xs_watch_del(c, abs, token)) != 0)
		return error;
	xs_ack(c, req);
	return 0;
}

/* Handle one request; the reply goes out before the next is read. */
int
xs_dispatch(struct xs_conn *c, const struct xsd_sockmsg *req,
    const char *in, size_t len)
{
	char path[XS_PATHBUF], buf[64];
	struct xs_ctx ctx;
	struct xs_node *n;
	const char *arg;
	uint32_t id;
	size_t plen;
	int error;

	ctx.domid = c->c_domid;
	ctx.conn = c;
	ctx.txn = NULL;

	switch (req->type) {
	case XS_CONTROL:
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_IS_DOMAIN_INTRODUCED:
	case XS_RESUME:
	case XS_SET_TARGET:
		if (c->c_domid != 0)
			return EACCES;
		break;
	case XS_WATCH:
	case XS_UNWATCH:
		/* Xen ignores the transaction id of these. */
		return xs_do_watch(c, req, in, len, req->type == XS_WATCH);
	default:
		break;
	}
	if (req->tx_id != 0 &&
	    (ctx.txn = xs_txn_lookup(c, req->tx_id)) == NULL)
		return ENOENT;

	switch (req->type) {
	case XS_READ:
		if ((error = xs_canon(c, xs_onearg(in, len), path,
		    sizeof(path))) || (error = xs_op_read(&ctx, path, &n)))
			return error;
		xs_reply(c, req, XS_READ, n->data, n->datalen);
		return 0;
	case XS_WRITE:
		if (xs_nstrings(in, len) < 1)
			return EINVAL;
		plen = strlen(in) + 1;
		if ((error = xs_canon(c, in, path, sizeof(path))) ||
		    (error = xs_op_write(&ctx, path, in + plen,
		    (unsigned int)(len - plen), false)))
			return error;
		xs_ack(c, req);
		return 0;
	case XS_MKDIR:
		if ((error = xs_canon(c, xs_onearg(in, len), path,
		    sizeof(path))) ||
		    (error = xs_op_write(&ctx, path, NULL, 0, true)))
			return error;
		xs_ack(c, req);
		return 0;
	case XS_RM:
		if ((error = xs_canon(c, xs_onearg(in, len), path,
		    sizeof(path))) || (error = xs_op_rm(&ctx, path)))
			return error;
		xs_ack(c, req);
		return 0;
	case XS_DIRECTORY:
		return xs_do_directory(c, &ctx, req, in, len);
	case XS_DIRECTORY_PART:
		return xs_do_directory_part(c, &ctx, req, in, len);
	case XS_GET_PERMS:
		return xs_do_get_perms(c, &ctx, req, in, len);
	case XS_SET_PERMS:
		return xs_do_set_perms(c, &ctx, req, in, len);
	case XS_TRANSACTION_START:
		if (ctx.txn != NULL)
			return EBUSY;	/* no nesting */
		if ((error = xs_txn_start(c, &id)) != 0)
			return error;
		snprintf(buf, sizeof(buf), "%" PRIu32, id);
		xs_reply(c, req, XS_TRANSACTION_START, buf, strlen(buf) + 1);
		return 0;
	case XS_TRANSACTION_END:
		if ((arg = xs_onearg(in, len)) == NULL ||
		    (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0))
			return EINVAL;
		if (ctx.txn == NULL)
			return ENOENT;
		if ((error = xs_txn_end(c, ctx.txn, arg[0] == 'T')) != 0)
			return error;
		xs_ack(c, req);
		return 0;
	case XS_GET_DOMAIN_PATH:
		if ((arg = xs_onearg(in, len)) == NULL)
			return EINVAL;
		snprintf(buf, sizeof(buf), "/local/domain/%u",
		    (unsigned int)atoi(arg));
		xs_reply(c, req, XS_GET_DOMAIN_PATH, buf, strlen(buf) + 1);
		return 0;
	case XS_RESET_WATCHES:
		xs_watch_del_all(c);
		xs_txn_del_all(c);
		xs_ack(c, req);
		return 0;
	case XS_IS_DOMAIN_INTRODUCED:
		if ((arg = xs_onearg(in, len)) == NULL)
			return EINVAL;
		id = (uint32_t)atoi(arg);
		xs_reply(c, req, XS_IS_DOMAIN_INTRODUCED,
		    id == 0 || xs_domain_listening(id) ? "T" : "F", 2);
		return 0;
	default:
		/* Unknown, a reply type, or what a simulator cannot do. */
		return ENOSYS;
	}
}
