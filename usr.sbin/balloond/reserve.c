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
 * Reservations, as squeezed keeps them: memory a client asks to have
 * free to start a domain.  A request is held from the moment it arrives
 * (guests are lowered to make room for it and nobody grows into it), is
 * answered once the host has it free above the reserve, or refused when
 * the guests cannot give it (all at their floors, or stuck) or it did
 * not come within twice the stall time.  An answered reservation is
 * kept for bd_conf.hold seconds, or until a new domain appears to use
 * it.  The protocol is in sockpath.h.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <err.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balloond.h"
#include "size.h"
#include "sockpath.h"

struct rq {
	int		fd;		/* -1 once answered */
	uint64_t	kib;		/* 0 until the request line came */
	time_t		deadline;	/* to answer by */
	time_t		expire;		/* answered: held until */
	char		buf[BALLOOND_LINE_MAX];
	size_t		len;
	struct rq	*next;
};

static int		lfd = -1;
static char		lpath[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct rq	*rqs;

int
reserve_listen(const char *path)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	(void)unlink(path);
	if (bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0600) == -1 || listen(lfd, 16) == -1) {
		close(lfd);
		lfd = -1;
		return -1;
	}
	strcpy(lpath, path);
	return 0;
}

void
reserve_close(void)
{

	if (lfd != -1) {
		close(lfd);
		(void)unlink(lpath);
	}
	lfd = -1;
}

static void
drop(struct rq *r)
{
	struct rq **rp;

	for (rp = &rqs; *rp != r; rp = &(*rp)->next)
		continue;
	*rp = r->next;
	if (r->fd != -1)
		close(r->fd);
	free(r);
}

/* One answer line; the request is then done with (or held, if ok). */
static void
answer(struct rq *r, bool ok, time_t now, const char *fmt, ...)
    __attribute__((__format__(__printf__, 4, 5)));

static void
answer(struct rq *r, bool ok, time_t now, const char *fmt, ...)
{
	char line[BALLOOND_LINE_MAX];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len > 0 && (size_t)len < sizeof(line))
		(void)send(r->fd, line, (size_t)len, MSG_NOSIGNAL);
	if (!ok) {
		drop(r);
		return;
	}
	close(r->fd);
	r->fd = -1;
	r->expire = now + (time_t)bd_conf.hold;
}

/* The descriptors to poll: the socket, then each request unanswered. */
int
reserve_fds(struct pollfd *pfd, int max)
{
	struct rq *r;
	int n = 0;

	if (lfd == -1 || max < 1)
		return 0;
	pfd[n].fd = lfd;
	pfd[n++].events = POLLIN;
	for (r = rqs; r != NULL && n < max; r = r->next) {
		if (r->fd == -1)
			continue;
		pfd[n].fd = r->fd;
		pfd[n++].events = POLLIN;
	}
	return n;
}

static bool
request(struct rq *r, time_t now)
{
	char *nl, *ep;
	unsigned long long kib;
	ssize_t got;

	got = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
	if (got == -1 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (got <= 0) {
		drop(r);	/* the client went away: nothing held */
		return true;
	}
	if (r->kib != 0) {
		answer(r, false, now, "error one request a connection\n");
		return true;
	}
	r->len += (size_t)got;
	r->buf[r->len] = '\0';
	if ((nl = strchr(r->buf, '\n')) == NULL) {
		if (r->len == sizeof(r->buf) - 1)
			answer(r, false, now, "error request too long\n");
		return false;
	}
	*nl = '\0';
	errno = 0;
	if (strncmp(r->buf, "reserve ", 8) != 0 ||
	    !isdigit((unsigned char)r->buf[8]) ||
	    (kib = strtoull(r->buf + 8, &ep, 10)) == 0 || *ep != '\0' ||
	    errno != 0 || kib > SIZE_MAX_KIB) {
		answer(r, false, now, "error malformed request\n");
		return false;
	}
	r->kib = kib;
	r->deadline = now + 2 * (time_t)bd_conf.stall;
	log_act("reservation of %" PRIu64 " KiB asked", r->kib);
	return true;
}

/* True when something changed that a pass must see. */
bool
reserve_io(struct pollfd *pfd, int n, time_t now)
{
	struct rq *r, *next, **tail;
	bool changed = false;
	int fd, i;

	if (n == 0)
		return false;
	/* The requests polled, in reserve_fds()'s order. */
	i = 1;
	for (r = rqs; r != NULL && i < n; r = next) {
		next = r->next;
		if (r->fd == -1)
			continue;
		if (pfd[i++].revents != 0 && request(r, now))
			changed = true;
	}
	if (pfd[0].revents & POLLIN) {
		while ((fd = accept4(lfd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
			if ((r = calloc(1, sizeof(*r))) == NULL)
				err(1, "calloc");
			r->fd = fd;
			for (tail = &rqs; *tail != NULL; tail = &(*tail)->next)
				continue;
			*tail = r;
		}
	}
	return changed;
}

/* KiB held for reservations, asked or answered; expired ones let go. */
uint64_t
reserve_held(time_t now)
{
	struct rq *r, *next;
	uint64_t held = 0;

	for (r = rqs; r != NULL; r = next) {
		next = r->next;
		if (r->fd == -1 && now >= r->expire) {
			log_act("reservation of %" PRIu64 " KiB expired",
			    r->kib);
			drop(r);
			continue;
		}
		held += r->kib;
	}
	return held;
}

bool
reserve_pending(void)
{
	struct rq *r;

	for (r = rqs; r != NULL; r = r->next)
		if (r->fd != -1 && r->kib != 0)
			return true;
	return false;
}

/* After a pass: answer what is free now, refuse what cannot be. */
void
reserve_check(const struct bd_pass *p, time_t now)
{
	struct rq *r, *next;
	uint64_t need = bd_conf.reserve;

	for (r = rqs; r != NULL; r = r->next)
		if (r->fd == -1)
			need += r->kib;
	for (r = rqs; r != NULL; r = next) {
		next = r->next;
		if (r->fd == -1 || r->kib == 0)
			continue;
		need += r->kib;
		if (p->hostfree >= need) {
			log_act("reservation of %" PRIu64 " KiB ready",
			    r->kib);
			answer(r, true, now, "ok %" PRIu64 "\n", p->hostfree);
		} else if (p->freeable < need) {
			log_act("reservation of %" PRIu64 " KiB refused",
			    r->kib);
			answer(r, false, now, "error the guests can free at "
			    "most %" PRIu64 " KiB beyond the reserve and the "
			    "reservations held\n", p->freeable > need - r->kib ?
			    p->freeable - (need - r->kib) : 0);
			need -= r->kib;
		} else if (now >= r->deadline) {
			answer(r, false, now, "error only %" PRIu64 " KiB "
			    "free after %u s\n", p->hostfree,
			    2 * bd_conf.stall);
			need -= r->kib;
		}
	}
}

/* A new domain took the memory of the oldest reservation answered. */
void
reserve_newdomain(void)
{
	struct rq *r;

	for (r = rqs; r != NULL; r = r->next)
		if (r->fd == -1) {
			drop(r);
			return;
		}
}
