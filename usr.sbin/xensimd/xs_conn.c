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
 * Connections: unix sockets speaking the wire protocol of
 * <xen/io/xs_wire.h>, every one acting as the domain its socket belongs
 * to.  All I/O is non-blocking on the ev loop; a client that breaks the
 * protocol or lets its output pile up is dropped without disturbing
 * anyone else.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "xenstored.h"
#include "xs_store.h"

struct xs_listener {
	TAILQ_ENTRY(xs_listener) l_list;
	int			 l_fd;
	unsigned int		 l_domid;
	char			*l_path;
};

struct xs_connq	xs_conns = TAILQ_HEAD_INITIALIZER(xs_conns);
static TAILQ_HEAD(, xs_listener) xs_listeners =
    TAILQ_HEAD_INITIALIZER(xs_listeners);

static void	xs_conn_cb(int, short, void *);
static void	xs_flush(struct xs_conn *);

void
xs_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "xensimd: xenstored: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* Stop serving c now; the structure goes at the next reap. */
static void
xs_kill(struct xs_conn *c, const char *why)
{

	if (c->c_dead)
		return;
	if (why != NULL)
		xs_log("dropping domain %u client: %s", c->c_domid, why);
	c->c_dead = true;
	ev_del(c->c_fd);
	close(c->c_fd);
	c->c_fd = -1;
}

void
xs_reap(void)
{
	struct xs_conn *c, *next;

	for (c = TAILQ_FIRST(&xs_conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, c_list);
		if (!c->c_dead)
			continue;
		TAILQ_REMOVE(&xs_conns, c, c_list);
		xs_watch_del_all(c);
		xs_txn_del_all(c);
		free(c->c_out);
		free(c);
	}
}

static void
xs_set_events(struct xs_conn *c)
{
	size_t pending = c->c_outlen - c->c_outoff;
	short events = 0;

	if (c->c_dead)
		return;
	if (pending < XS_OUTQ_PAUSE)
		events |= POLLIN;
	if (pending > 0)
		events |= POLLOUT;
	ev_mod(c->c_fd, events);
}

static void
xs_flush(struct xs_conn *c)
{
	ssize_t n;

	while (!c->c_dead && c->c_outoff < c->c_outlen) {
		n = send(c->c_fd, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				xs_kill(c, NULL);
			break;
		}
		c->c_outoff += (size_t)n;
	}
	if (c->c_outoff == c->c_outlen)
		c->c_outoff = c->c_outlen = 0;
	xs_set_events(c);
}

/* Queue one message; a client whose queue is full is dropped. */
void
xs_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
    const void *data, size_t len)
{
	struct xsd_sockmsg hdr;
	size_t need;
	char *nb;

	if (c->c_dead)
		return;
	need = sizeof(hdr) + len;
	if (c->c_outlen - c->c_outoff + need > XS_OUTQ_MAX) {
		xs_kill(c, "output queue full");
		return;
	}
	if (c->c_outoff > 0 && c->c_outlen + need > c->c_outcap) {
		memmove(c->c_out, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff);
		c->c_outlen -= c->c_outoff;
		c->c_outoff = 0;
	}
	if (c->c_outlen + need > c->c_outcap) {
		if ((nb = realloc(c->c_out, c->c_outlen + need + 4096)) ==
		    NULL) {
			xs_kill(c, "out of memory");
			return;
		}
		c->c_out = nb;
		c->c_outcap = c->c_outlen + need + 4096;
	}
	hdr.type = type;
	hdr.req_id = req_id;
	hdr.tx_id = tx_id;
	hdr.len = (uint32_t)len;
	memcpy(c->c_out + c->c_outlen, &hdr, sizeof(hdr));
	if (len > 0)
		memcpy(c->c_out + c->c_outlen + sizeof(hdr), data, len);
	c->c_outlen += need;
	xs_flush(c);
}

void
xs_send_event(struct xs_conn *c, const char *path, const char *token)
{
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;
	char buf[XENSTORE_PAYLOAD_MAX];

	/* Xen does not send events that would not fit. */
	if (plen + tlen > XENSTORE_PAYLOAD_MAX)
		return;
	memcpy(buf, path, plen);
	memcpy(buf + plen, token, tlen);
	xs_send(c, XS_WATCH_EVENT, 0, 0, buf, plen + tlen);
}

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

static void
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

static bool
xs_domain_listening(unsigned int domid)
{
	struct xs_listener *l;

	TAILQ_FOREACH(l, &xs_listeners, l_list)
		if (l->l_domid == domid)
			return true;
	return false;
}

/* Handle one request; the reply goes out before the next is read. */
static int
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

/* Take whole messages from the front of the input buffer. */
static void
xs_process(struct xs_conn *c)
{
	struct xsd_sockmsg req;
	size_t used;
	int error;

	while (!c->c_dead && c->c_rlen >= sizeof(req) &&
	    c->c_outlen - c->c_outoff < XS_OUTQ_PAUSE) {
		memcpy(&req, c->c_rbuf, sizeof(req));
		if (req.len > XENSTORE_PAYLOAD_MAX) {
			/* Xen drops a client that claims more. */
			xs_kill(c, "payload too long");
			return;
		}
		used = sizeof(req) + req.len;
		if (c->c_rlen < used)
			break;
		memcpy(c->c_in, c->c_rbuf + sizeof(req), req.len);
		c->c_in[req.len] = '\0';
		memmove(c->c_rbuf, c->c_rbuf + used, c->c_rlen - used);
		c->c_rlen -= used;
		if ((error = xs_dispatch(c, &req, c->c_in, req.len)) != 0)
			xs_reply_error(c, &req, error);
	}
}

static void
xs_conn_cb(int fd, short revents, void *arg)
{
	struct xs_conn *c = arg;
	ssize_t n;

	if (revents & POLLOUT)
		xs_flush(c);
	/* Requests held back while the client's output was full. */
	xs_process(c);
	if (!c->c_dead && (revents & (POLLIN | POLLHUP | POLLERR)) &&
	    c->c_outlen - c->c_outoff < XS_OUTQ_PAUSE &&
	    c->c_rlen < sizeof(c->c_rbuf)) {
		n = recv(fd, c->c_rbuf + c->c_rlen,
		    sizeof(c->c_rbuf) - c->c_rlen, MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR))
			xs_kill(c, NULL);
		else if (n > 0) {
			c->c_rlen += (size_t)n;
			xs_process(c);
		}
	}
	xs_set_events(c);
	xs_reap();
}

static void
xs_accept_cb(int fd, short revents, void *arg)
{
	struct xs_listener *l = arg;
	struct xs_conn *c;
	int cfd;

	(void)revents;
	while ((cfd = accept4(fd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(cfd);
			continue;
		}
		c->c_fd = cfd;
		c->c_domid = l->l_domid;
		c->c_next_txid = 1;
		TAILQ_INIT(&c->c_watches);
		TAILQ_INIT(&c->c_txns);
		if (ev_add(cfd, POLLIN, xs_conn_cb, c) != 0) {
			close(cfd);
			free(c);
			continue;
		}
		TAILQ_INSERT_TAIL(&xs_conns, c, c_list);
	}
}

int
xsd_listen(const char *path, unsigned int domid)
{
	struct sockaddr_un sun;
	struct xs_listener *l;
	int fd, error;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->l_path = strdup(path)) == NULL) {
		free(l);
		return ENOMEM;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 64) == -1)
		goto fail;
	l->l_fd = fd;
	l->l_domid = domid;
	if (ev_add(fd, POLLIN, xs_accept_cb, l) != 0)
		goto fail;
	TAILQ_INSERT_TAIL(&xs_listeners, l, l_list);
	if (domid != 0)
		xs_fire_special("@introduceDomain");
	xs_reap();
	return 0;
fail:
	error = errno;
	if (fd != -1)
		close(fd);
	free(l->l_path);
	free(l);
	return error;
}

void
xsd_unlisten(unsigned int domid)
{
	struct xs_listener *l, *nl;
	struct xs_conn *c;

	for (l = TAILQ_FIRST(&xs_listeners); l != NULL; l = nl) {
		nl = TAILQ_NEXT(l, l_list);
		if (l->l_domid != domid)
			continue;
		TAILQ_REMOVE(&xs_listeners, l, l_list);
		ev_del(l->l_fd);
		close(l->l_fd);
		(void)unlink(l->l_path);
		free(l->l_path);
		free(l);
	}
	TAILQ_FOREACH(c, &xs_conns, c_list)
		if (c->c_domid == domid)
			xs_kill(c, NULL);
	xs_reap();
}
