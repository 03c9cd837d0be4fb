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
 * xenstored's output to one client: the queue, its flush, and the
 * client dropped when it cannot keep up.  A leaf: nothing here calls
 * back into the connection code.
 */

#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "xenstored.h"
#include "xs_store.h"

/* Stop serving c now; the structure goes at the next reap. */
void
xs_kill(struct xs_conn *c, const char *why)
{

	if (c->c_dead)
		return;
	if (why != NULL)
		xs_glog(c->c_domid, "dropping domain %u client: %s",
		    c->c_domid, why);
	/*
	 * dom0's commits refused because a node changed under them: a
	 * toolstack that reads a node a guest writes inside a transaction
	 * can be held off by that guest.  One line per connection.
	 */
	if (c->c_domid == 0 && c->c_conflicts > 0)
		xs_log("domain 0 client: %" PRIu64 " transactions refused "
		    "(EAGAIN): nodes changed meanwhile", c->c_conflicts);
	c->c_dead = true;
	ev_del(c->c_fd);
	close(c->c_fd);
	c->c_fd = -1;
}

void
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

void
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
