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
 * xenstore for the rump kernel, over the real libxenstore
 * ($XENSTORED_PATH is the domain's own xenstored socket).  A watch
 * thread reads watch events and makes the kernel's upcall for each, one
 * at a time, as NetBSD's xenwatch thread does.
 *
 * xenstored may drop the connection.  The watch thread then opens a new
 * one (with a bounded backoff) and registers again every watch the
 * kernel has, which makes xenstored send each its initial event, so the
 * kernel re-reads what it follows; a request that met the lost
 * connection waits for the new one and is made again.  The kernel does
 * not see any of it.
 */

#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include <rumpuser.h>

#include "rumpuser_int.h"

#define XSW_MAX		16
#define XS_POLL_MS	100	/* how often the watch thread checks health */
#define XS_BACKOFF_MIN	10	/* ms between reconnection attempts ... */
#define XS_BACKOFF_MAX	1000	/* ... doubling up to this */
#define XS_WAIT_SEC	30	/* a request waits this long for a new one */

struct xs_watchent {
	char	*path;
	void	*cookie;
	char	 token[32];
};

/*
 * xs_h is replaced only by the watch thread, under the write side of
 * xs_hlock; requests use it under the read side.  xs_gen counts the
 * connections; xs_lost asks the watch thread for a new one.
 */
static struct xs_handle *xs_h;
static pthread_rwlock_t xs_hlock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t xs_gen_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t xs_gen_cv = PTHREAD_COND_INITIALIZER;
static unsigned int xs_gen;
static bool xs_lost;
static pthread_once_t xs_once = PTHREAD_ONCE_INIT;
static int xs_error;
static pthread_t xs_watch_thread;

/*
 * xs_watch_lock guards the table; xs_dispatch_lock is held across an
 * upcall, so that once rumpuser_xs_unwatch() returns no callback for
 * that watch is running or will run.
 */
static pthread_mutex_t xs_watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t xs_dispatch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xs_watchent xs_watches[XSW_MAX];

static unsigned int	xs_cur_gen(void);
static void		xs_reconnect(void);
static int		xs_change(const char *, const char *);

/* errno values libxenstore gives when the connection is gone. */
static bool
xs_conn_errno(int e)
{

	return e == EINVAL || e == EBADF || e == ECONNRESET || e == EPIPE ||
	    e == ENOTCONN || e == EIO || e == ESHUTDOWN;
}

/*
 * A request failed with error e on h: is the connection gone?  Those
 * errno values are also xenstored answers, so ask again with a request
 * that any live connection answers (a value or EACCES).
 */
static bool
xs_conn_dead(struct xs_handle *h, int e)
{
	unsigned int len;
	char *v;

	if (!xs_conn_errno(e))
		return false;
	if ((v = xs_read(h, XBT_NULL, "/", &len)) != NULL) {
		free(v);
		return false;
	}
	return xs_conn_errno(errno);
}

static void
xs_sleep_ms(unsigned int ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

/*
 * Called with xs_hlock read-held, after h failed a request on
 * connection generation gen: drop the lock, have the watch thread
 * reconnect and wait for it.  Returns 0 when there is a new connection
 * (xs_hlock read-held again), else an errno value (lock not held).
 */
static int
xs_await_reconnect(unsigned int gen)
{
	struct timespec ts;
	int error = 0;

	pthread_rwlock_unlock(&xs_hlock);
	/* A watch callback's request: nobody else would reconnect. */
	if (pthread_equal(pthread_self(), xs_watch_thread)) {
		if (xs_cur_gen() == gen)
			xs_reconnect();
		pthread_rwlock_rdlock(&xs_hlock);
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += XS_WAIT_SEC;
	pthread_mutex_lock(&xs_gen_lock);
	if (xs_gen == gen)
		xs_lost = true;
	while (xs_gen == gen && error == 0)
		error = pthread_cond_timedwait(&xs_gen_cv, &xs_gen_lock, &ts);
	pthread_mutex_unlock(&xs_gen_lock);
	if (error != 0)
		return EIO;
	pthread_rwlock_rdlock(&xs_hlock);
	return 0;
}

static unsigned int
xs_cur_gen(void)
{
	unsigned int gen;

	pthread_mutex_lock(&xs_gen_lock);
	gen = xs_gen;
	pthread_mutex_unlock(&xs_gen_lock);
	return gen;
}

/* The watch thread: a new connection, with every watch registered. */
static void
xs_reconnect(void)
{
	struct xs_handle *nh, *oh;
	unsigned int ms = XS_BACKOFF_MIN;
	int i;

	fprintf(stderr, "rumpuser: xenstore connection lost, reconnecting\n");
	while ((nh = xs_open(0)) == NULL) {
		/*
		 * No socket, or nobody listening: the domain or the daemon
		 * that made it is gone, and a new daemon's sockets are not
		 * ours.  A domain does not outlive its host.
		 */
		if (errno == ENOENT || errno == ECONNREFUSED) {
			fprintf(stderr, "rumpuser: xenstore: %s, halting\n",
			    strerror(errno));
			_exit(1);
		}
		xs_sleep_ms(ms);
		if ((ms *= 2) > XS_BACKOFF_MAX)
			ms = XS_BACKOFF_MAX;
	}
	pthread_rwlock_wrlock(&xs_hlock);
	oh = xs_h;
	xs_h = nh;
	pthread_mutex_lock(&xs_watch_lock);
	for (i = 0; i < XSW_MAX; i++) {
		if (xs_watches[i].path != NULL &&
		    !xs_watch(nh, xs_watches[i].path, xs_watches[i].token))
			fprintf(stderr, "rumpuser: xenstore: cannot watch "
			    "%s again: %s\n", xs_watches[i].path,
			    strerror(errno));
	}
	pthread_mutex_unlock(&xs_watch_lock);
	pthread_mutex_lock(&xs_gen_lock);
	xs_gen++;
	xs_lost = false;
	pthread_cond_broadcast(&xs_gen_cv);
	pthread_mutex_unlock(&xs_gen_lock);
	pthread_rwlock_unlock(&xs_hlock);
	xs_close(oh);
	fprintf(stderr, "rumpuser: xenstore reconnected\n");
}

static void
xs_dispatch(char **vec)
{
	struct xs_watchent *w;
	void *cookie;
	int i;

	pthread_mutex_lock(&xs_dispatch_lock);
	cookie = NULL;
	pthread_mutex_lock(&xs_watch_lock);
	for (i = 0; i < XSW_MAX; i++) {
		w = &xs_watches[i];
		if (w->path != NULL &&
		    strcmp(w->token, vec[XS_WATCH_TOKEN]) == 0) {
			cookie = w->cookie;
			break;
		}
	}
	pthread_mutex_unlock(&xs_watch_lock);
	if (cookie != NULL)
		(*rumpuser_hyp->hyp_xswatch)(cookie, vec[XS_WATCH_PATH]);
	pthread_mutex_unlock(&xs_dispatch_lock);
}

/*
 * The watch thread waits on the handle's watch fd with a timeout, so
 * that it never sleeps inside libxenstore on a connection that is gone
 * and notices a loss a request reported.
 */
static void *
xs_watcher(void *arg)
{
	struct pollfd pfd;
	char **vec;
	bool lost;

	(void)arg;
	pthread_setname_np(pthread_self(), "xenwatch");
	for (;;) {
		pfd.fd = xs_fileno(xs_h);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd == -1)
			xs_sleep_ms(XS_POLL_MS);
		else
			(void)poll(&pfd, 1, XS_POLL_MS);
		lost = false;
		while ((vec = xs_check_watch(xs_h)) != NULL) {
			xs_dispatch(vec);
			free(vec);
		}
		/* EAGAIN: no more events; anything else: connection gone. */
		if (errno != EAGAIN && errno != EINTR)
			lost = true;
		pthread_mutex_lock(&xs_gen_lock);
		if (xs_lost)
			lost = true;
		pthread_mutex_unlock(&xs_gen_lock);
		if (lost)
			xs_reconnect();
	}
	/* NOTREACHED */
	return NULL;
}

static void
xs_connect(void)
{

	if ((xs_h = xs_open(0)) == NULL) {
		xs_error = errno != 0 ? errno : EIO;
		fprintf(stderr, "rumpuser: cannot connect to xenstore: %s\n",
		    strerror(xs_error));
		return;
	}
	if ((xs_error = pthread_create(&xs_watch_thread, NULL, xs_watcher,
	    NULL)) != 0) {
		xs_close(xs_h);
		xs_h = NULL;
	}
}

/* Returns 0 with xs_hlock read-held, or an errno value. */
static int
xs_enter(void)
{

	pthread_once(&xs_once, xs_connect);
	if (xs_h == NULL)
		return xs_error;
	pthread_rwlock_rdlock(&xs_hlock);
	return 0;
}

/*
 * After a request failed with error on connection gen: 0 if it is to be
 * made again on a new connection (xs_hlock still read-held), or the
 * error to return (lock released).
 */
static int
xs_retry(unsigned int gen, int error)
{

	if (!xs_conn_dead(xs_h, error)) {
		pthread_rwlock_unlock(&xs_hlock);
		return error;
	}
	return xs_await_reconnect(gen);
}

int
rumpuser_xs_read(const char *path, char *buf, size_t buflen, size_t *lenp)
{
	unsigned int len, gen;
	char *v;
	int error;

	if ((error = xs_enter()) != 0)
		return error;
	for (;;) {
		gen = xs_cur_gen();
		if ((v = xs_read(xs_h, XBT_NULL, path, &len)) != NULL)
			break;
		if ((error = xs_retry(gen, errno != 0 ? errno : EIO)) != 0)
			return error;
	}
	pthread_rwlock_unlock(&xs_hlock);
	if ((size_t)len >= buflen) {
		free(v);
		return ERANGE;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	*lenp = len;
	free(v);
	return 0;
}

/* A write, or with val NULL a removal, retried on a new connection. */
static int
xs_change(const char *path, const char *val)
{
	unsigned int gen;
	bool done;
	int error;

	if ((error = xs_enter()) != 0)
		return error;
	for (;;) {
		gen = xs_cur_gen();
		done = val != NULL ? xs_write(xs_h, XBT_NULL, path, val,
		    (unsigned int)strlen(val)) : xs_rm(xs_h, XBT_NULL, path);
		if (done)
			break;
		if ((error = xs_retry(gen, errno != 0 ? errno : EIO)) != 0)
			return error;
	}
	pthread_rwlock_unlock(&xs_hlock);
	return 0;
}

int
rumpuser_xs_write(const char *path, const char *val)
{

	return xs_change(path, val);
}

int
rumpuser_xs_rm(const char *path)
{

	return xs_change(path, NULL);
}

int
rumpuser_xs_watch(const char *path, void *cookie)
{
	struct xs_watchent *w = NULL;
	unsigned int gen;
	int error, i;

	if ((error = xs_enter()) != 0)
		return error;
	pthread_mutex_lock(&xs_watch_lock);
	for (i = 0; i < XSW_MAX; i++) {
		if (xs_watches[i].path == NULL) {
			w = &xs_watches[i];
			break;
		}
	}
	if (w == NULL || (w->path = strdup(path)) == NULL) {
		pthread_mutex_unlock(&xs_watch_lock);
		pthread_rwlock_unlock(&xs_hlock);
		return ENOMEM;
	}
	w->cookie = cookie;
	snprintf(w->token, sizeof(w->token), "%p", cookie);
	pthread_mutex_unlock(&xs_watch_lock);

	gen = xs_cur_gen();
	if (xs_watch(xs_h, path, w->token)) {
		pthread_rwlock_unlock(&xs_hlock);
		return 0;
	}
	/* On a new connection, the watch thread registered it with the rest. */
	if ((error = xs_retry(gen, errno != 0 ? errno : EIO)) == 0) {
		pthread_rwlock_unlock(&xs_hlock);
		return 0;
	}
	pthread_mutex_lock(&xs_watch_lock);
	free(w->path);
	w->path = NULL;
	pthread_mutex_unlock(&xs_watch_lock);
	return error;
}

int
rumpuser_xs_unwatch(const char *path, void *cookie)
{
	struct xs_watchent *w = NULL;
	char token[32];
	int i;

	if (xs_h == NULL)
		return ENOENT;
	pthread_mutex_lock(&xs_dispatch_lock);
	pthread_mutex_lock(&xs_watch_lock);
	for (i = 0; i < XSW_MAX; i++) {
		if (xs_watches[i].path != NULL &&
		    xs_watches[i].cookie == cookie &&
		    strcmp(xs_watches[i].path, path) == 0) {
			w = &xs_watches[i];
			break;
		}
	}
	if (w != NULL) {
		memcpy(token, w->token, sizeof(token));
		free(w->path);
		w->path = NULL;
	}
	pthread_mutex_unlock(&xs_watch_lock);
	pthread_mutex_unlock(&xs_dispatch_lock);
	if (w == NULL)
		return ENOENT;
	/* A lost connection took the watch with it. */
	pthread_rwlock_rdlock(&xs_hlock);
	(void)xs_unwatch(xs_h, path, token);
	pthread_rwlock_unlock(&xs_hlock);
	return 0;
}
