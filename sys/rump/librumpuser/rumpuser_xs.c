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
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include <rumpuser.h>

#include "rumpuser_int.h"

#define XSW_MAX		16

struct xs_watchent {
	char	*path;
	void	*cookie;
	char	 token[32];
};

static struct xs_handle *xs_h;
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

static void *
xs_watcher(void *arg)
{
	struct xs_watchent *w;
	unsigned int n;
	char **vec;
	void *cookie;
	int i;

	(void)arg;
	pthread_setname_np(pthread_self(), "xenwatch");
	for (;;) {
		if ((vec = xs_read_watch(xs_h, &n)) == NULL) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "rumpuser: xenstore watch: %s\n",
			    strerror(errno));
			return NULL;
		}
		pthread_mutex_lock(&xs_dispatch_lock);
		cookie = NULL;
		pthread_mutex_lock(&xs_watch_lock);
		for (i = 0; i < XSW_MAX; i++) {
			w = &xs_watches[i];
			if (w->path != NULL && n > XS_WATCH_TOKEN &&
			    strcmp(w->token, vec[XS_WATCH_TOKEN]) == 0) {
				cookie = w->cookie;
				break;
			}
		}
		pthread_mutex_unlock(&xs_watch_lock);
		if (cookie != NULL)
			(*rumpuser_hyp->hyp_xswatch)(cookie,
			    vec[XS_WATCH_PATH]);
		pthread_mutex_unlock(&xs_dispatch_lock);
		free(vec);
	}
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

static int
xs_ready(void)
{

	pthread_once(&xs_once, xs_connect);
	return xs_h == NULL ? xs_error : 0;
}

int
rumpuser_xs_read(const char *path, char *buf, size_t buflen, size_t *lenp)
{
	unsigned int len;
	char *v;
	int error;

	if ((error = xs_ready()) != 0)
		return error;
	if ((v = xs_read(xs_h, XBT_NULL, path, &len)) == NULL)
		return errno != 0 ? errno : EIO;
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

int
rumpuser_xs_write(const char *path, const char *val)
{
	int error;

	if ((error = xs_ready()) != 0)
		return error;
	if (!xs_write(xs_h, XBT_NULL, path, val, (unsigned int)strlen(val)))
		return errno != 0 ? errno : EIO;
	return 0;
}

int
rumpuser_xs_rm(const char *path)
{
	int error;

	if ((error = xs_ready()) != 0)
		return error;
	if (!xs_rm(xs_h, XBT_NULL, path))
		return errno != 0 ? errno : EIO;
	return 0;
}

int
rumpuser_xs_watch(const char *path, void *cookie)
{
	struct xs_watchent *w = NULL;
	int error, i;

	if ((error = xs_ready()) != 0)
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
		return ENOMEM;
	}
	w->cookie = cookie;
	snprintf(w->token, sizeof(w->token), "%p", cookie);
	pthread_mutex_unlock(&xs_watch_lock);

	if (!xs_watch(xs_h, path, w->token)) {
		error = errno != 0 ? errno : EIO;
		pthread_mutex_lock(&xs_watch_lock);
		free(w->path);
		w->path = NULL;
		pthread_mutex_unlock(&xs_watch_lock);
		return error;
	}
	return 0;
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
	(void)xs_unwatch(xs_h, path, token);
	return 0;
}
