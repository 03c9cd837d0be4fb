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
#include "log.h"
#include "ratelimit.h"
#include "xenstored.h"
#include "xs_store.h"

struct xs_listener {
	TAILQ_ENTRY(xs_listener) l_list;
	int			 l_fd;
	unsigned int		 l_domid;
	char			*l_path;
	unsigned long		 l_refused;	/* over XS_DOMU_CONNS */
};

struct xs_connq	xs_conns = TAILQ_HEAD_INITIALIZER(xs_conns);
static TAILQ_HEAD(, xs_listener) xs_listeners =
    TAILQ_HEAD_INITIALIZER(xs_listeners);

static void	xs_conn_cb(int, short, void *);
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

bool
xs_domain_listening(unsigned int domid)
{
	struct xs_listener *l;

	TAILQ_FOREACH(l, &xs_listeners, l_list)
		if (l->l_domid == domid)
			return true;
	return false;
}

/* Take whole messages from the front of the input buffer. */
void
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

static unsigned int
xs_domain_conns(unsigned int domid)
{
	struct xs_conn *c;
	unsigned int n = 0;

	TAILQ_FOREACH(c, &xs_conns, c_list)
		if (c->c_domid == domid && !c->c_dead)
			n++;
	return n;
}

/*
 * A domU gets XS_DOMU_CONNS connections and never the last descriptors,
 * which are dom0's; the excess is refused at once (accepted and
 * closed), so that no domU can make dom0 wait.  A round takes a
 * bounded number, so one busy socket cannot hold the loop.
 */
static void
xs_accept_cb(int fd, short revents, void *arg)
{
	struct xs_listener *l = arg;
	struct xs_conn *c;
	unsigned int i, n;
	int cfd;

	(void)revents;
	n = l->l_domid == 0 ? 0 : xs_domain_conns(l->l_domid);
	for (i = 0; i < XS_ACCEPT_ROUND; i++) {
		if ((cfd = ev_accept(fd, l->l_domid)) == -1) {
			if (errno == EMFILE)
				continue;
			break;
		}
		if (l->l_domid != 0 && n >= XS_DOMU_CONNS) {
			l->l_refused++;
			xs_glog(l->l_domid, "domain %u: more than %u "
			    "connections, refused (%lu so far)", l->l_domid,
			    XS_DOMU_CONNS, l->l_refused);
			close(cfd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(cfd);
			continue;
		}
		n++;
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
		if (l->l_domid == 0)
			ev_dom0(cfd);
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
	if (domid == 0)
		ev_dom0(fd);
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

unsigned int
xsd_drop_domain(unsigned int domid)
{
	struct xs_conn *c;
	unsigned int n = 0;

	TAILQ_FOREACH(c, &xs_conns, c_list) {
		if (c->c_domid == domid && !c->c_dead) {
			xs_kill(c, "fault injection");
			n++;
		}
	}
	xs_reap();
	return n;
}
