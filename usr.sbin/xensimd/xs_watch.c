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
 * Watches: registration, and the events a change sends to every
 * connection allowed to see it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_store.h"

/* The special watches' permission lists, as SET_PERMS may change them. */
static struct xs_permissions xs_intro_p[XS_QUOTA_PERMS] = { { 0, 0 } };
static struct xs_permissions xs_release_p[XS_QUOTA_PERMS] = { { 0, 0 } };
static struct xs_perms xs_intro_perms = { xs_intro_p, 1 };
static struct xs_perms xs_release_perms = { xs_release_p, 1 };

int
xs_special_perms(const char *name, struct xs_perms **pp)
{

	if (strcmp(name, "@introduceDomain") == 0)
		*pp = &xs_intro_perms;
	else if (strcmp(name, "@releaseDomain") == 0)
		*pp = &xs_release_perms;
	else
		return ENOENT;
	return 0;
}

void
xs_event_init(struct xs_event *ev, const char *path, bool exact,
    const struct xs_node *n, const struct xs_perms *old)
{
	static const struct xs_perms none = { NULL, 0 };

	memset(ev, 0, sizeof(*ev));
	ev->path = strdup(path);
	ev->exact = exact;
	(void)xs_perms_copy(&ev->node, n != NULL ? &n->perms : &none);
	(void)xs_perms_copy(&ev->parent,
	    n != NULL && n->parent != NULL ? &n->parent->perms : &none);
	(void)xs_perms_copy(&ev->old, old != NULL ? old : &none);
}

void
xs_event_fini(struct xs_event *ev)
{

	free(ev->path);
	xs_perms_free(&ev->node);
	xs_perms_free(&ev->parent);
	xs_perms_free(&ev->old);
}

/* Xen's is_child(): path is wpath or below it. */
static bool
xs_is_child(const char *path, const char *wpath)
{
	size_t len;

	if (path[0] == '@' || wpath[0] == '@')
		return strcmp(path, wpath) == 0;
	if (strcmp(wpath, "/") == 0)
		return true;
	len = strlen(wpath);
	return strncmp(path, wpath, len) == 0 &&
	    (path[len] == '/' || path[len] == '\0');
}

/*
 * Xen's watch_permitted(): the watcher must be able to read the node,
 * as it was (old permissions) or as it is, or its parent.
 */
static bool
xs_event_visible(const struct xs_event *ev, unsigned int domid)
{
	struct xs_perms *sp;

	if (domid == 0)
		return true;
	if (ev->path[0] == '@')
		return xs_special_perms(ev->path, &sp) == 0 &&
		    (xs_perm_for(domid, sp) & XS_PERM_READ) != 0;
	if (ev->old.num > 0 && (xs_perm_for(domid, &ev->old) & XS_PERM_READ))
		return true;
	if (ev->node.num > 0 && (xs_perm_for(domid, &ev->node) &
	    XS_PERM_READ))
		return true;
	return ev->parent.num > 0 &&
	    (xs_perm_for(domid, &ev->parent) & XS_PERM_READ) != 0;
}

void
xs_watch_send(struct xs_conn *c, const struct xs_watch *w, const char *path)
{

	if (w->w_relprefix > 0 && strlen(path) > w->w_relprefix)
		path += w->w_relprefix;
	xs_send_event(c, path, w->w_token);
}

void
xs_event_fire(const struct xs_event *ev)
{
	struct xs_conn *c;
	struct xs_watch *w;

	if (ev->path == NULL)
		return;
	TAILQ_FOREACH(c, &xs_conns, c_list) {
		if (c->c_dead || !xs_event_visible(ev, c->c_domid))
			continue;
		TAILQ_FOREACH(w, &c->c_watches, w_list) {
			if (c->c_dead)
				break;
			if (ev->exact ? strcmp(ev->path, w->w_path) == 0 :
			    xs_is_child(ev->path, w->w_path))
				xs_watch_send(c, w, ev->path);
		}
	}
}

void
xs_fire_special(const char *name)
{
	struct xs_event ev;

	xs_event_init(&ev, name, false, NULL, NULL);
	xs_event_fire(&ev);
	xs_event_fini(&ev);
}

unsigned int
xs_domain_watches(unsigned int domid)
{
	struct xs_conn *c;
	struct xs_watch *w;
	unsigned int n = 0;

	TAILQ_FOREACH(c, &xs_conns, c_list)
		if (!c->c_dead && c->c_domid == domid)
			TAILQ_FOREACH(w, &c->c_watches, w_list)
				n++;
	return n;
}

/*
 * WATCH: path is as the client gave it; a relative one is watched below
 * the domain's home and its events are reported relative again.  The
 * first event, sent by the caller after the reply, is Xen's too.
 */
int
xs_watch_add(struct xs_conn *c, const char *path, const char *token,
    bool relative, struct xs_watch **wp)
{
	struct xs_watch *w;
	char prefix[64] = "";
	char *abs;

	if (path[0] == '@') {
		if (strlen(path) > XENSTORE_REL_PATH_MAX)
			return EINVAL;
		abs = strdup(path);
	} else if (relative) {
		snprintf(prefix, sizeof(prefix), "/local/domain/%u/",
		    c->c_domid);
		if (asprintf(&abs, "%s%s", prefix, path) == -1)
			abs = NULL;
	} else
		abs = strdup(path);
	if (abs == NULL)
		return ENOMEM;
	if (path[0] != '@' && !xs_valid_path(abs, c->c_domid)) {
		free(abs);
		return EINVAL;
	}
	TAILQ_FOREACH(w, &c->c_watches, w_list) {
		if (strcmp(w->w_path, abs) == 0 &&
		    strcmp(w->w_token, token) == 0) {
			free(abs);
			return EEXIST;
		}
	}
	if (c->c_domid != 0 &&
	    xs_domain_watches(c->c_domid) > XS_QUOTA_WATCHES) {
		free(abs);
		return E2BIG;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->w_token = strdup(token)) == NULL) {
		free(w);
		free(abs);
		return ENOMEM;
	}
	w->w_path = abs;
	w->w_relprefix = relative ? strlen(prefix) : 0;
	TAILQ_INSERT_TAIL(&c->c_watches, w, w_list);
	*wp = w;
	return 0;
}

static void
xs_watch_free(struct xs_conn *c, struct xs_watch *w)
{

	TAILQ_REMOVE(&c->c_watches, w, w_list);
	free(w->w_path);
	free(w->w_token);
	free(w);
}

int
xs_watch_del(struct xs_conn *c, const char *abs, const char *token)
{
	struct xs_watch *w;

	TAILQ_FOREACH(w, &c->c_watches, w_list) {
		if (strcmp(w->w_path, abs) == 0 &&
		    strcmp(w->w_token, token) == 0) {
			xs_watch_free(c, w);
			return 0;
		}
	}
	return ENOENT;
}

void
xs_watch_del_all(struct xs_conn *c)
{

	while (!TAILQ_EMPTY(&c->c_watches))
		xs_watch_free(c, TAILQ_FIRST(&c->c_watches));
}
