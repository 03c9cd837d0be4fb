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
 * xenstored against the real libxenstore: what the driver's xenbus layer
 * and balloonctl use, as dom0 and as a domU through its own socket.
 */

#include <xenstore.h>

#include "xs_test.h"

static struct xs_handle *
xst_open(unsigned int id)
{
	struct xs_handle *h;

	ATF_REQUIRE(setenv("XENSTORED_PATH", xst_socket(id), 1) == 0);
	ATF_REQUIRE_MSG((h = xs_open(0)) != NULL, "xs_open: %s",
	    strerror(errno));
	return h;
}

/* The value at path, or NULL with errno, NUL-terminated. */
static char *
xst_read(struct xs_handle *h, const char *path)
{
	unsigned int len;

	return xs_read(h, XBT_NULL, path, &len);
}

static void
xst_require_value(struct xs_handle *h, const char *path, const char *want)
{
	char *v;

	v = xst_read(h, path);
	ATF_REQUIRE_MSG(v != NULL, "%s: %s", path, strerror(errno));
	ATF_REQUIRE_STREQ_MSG(v, want, "%s", path);
	free(v);
}

static void
xst_require_errno(struct xs_handle *h, const char *path, int want)
{
	char *v;

	errno = 0;
	v = xst_read(h, path);
	ATF_REQUIRE_MSG(v == NULL, "%s: read \"%s\"", path, v);
	ATF_REQUIRE_EQ_MSG(errno, want, "%s: %s", path, strerror(errno));
}

/* The next event; it must be for path (and token). */
static void
xst_require_event(struct xs_handle *h, const char *path, const char *token)
{
	unsigned int n;
	char **vec;

	vec = xs_read_watch(h, &n);
	ATF_REQUIRE_MSG(vec != NULL, "xs_read_watch: %s", strerror(errno));
	ATF_REQUIRE_STREQ(vec[XS_WATCH_PATH], path);
	ATF_REQUIRE_STREQ(vec[XS_WATCH_TOKEN], token);
	free(vec);
}

static bool
xst_has(char **list, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

XT_TC(initial_tree, "the nodes a Xen host has before any guest")
ATF_TC_BODY(initial_tree, tc)
{
	struct xs_permissions *p;
	struct xs_handle *h;
	unsigned int n;
	char **list;

	xt_start(0);
	h = xst_open(0);
	xst_require_value(h, "/local/domain/0/domid", "0");
	xst_require_value(h, "/local/domain/0/name", "Domain-0");
	xst_require_value(h, "/local/domain/0/control/feature-poweroff", "1");
	xst_require_value(h, "/local/domain/0/control/feature-reboot", "1");
	xst_require_value(h, "/local/domain/0/control/feature-suspend", "1");
	xst_require_value(h, "/local/pool/0/name", "Pool-0");
	xst_require_value(h, "/tool/xenstored", "");
	list = xs_directory(h, XBT_NULL, "/", &n);
	ATF_REQUIRE(list != NULL);
	ATF_REQUIRE_EQ(n, 2);
	ATF_REQUIRE(xst_has(list, n, "tool") && xst_has(list, n, "local"));
	free(list);
	p = xs_get_permissions(h, XBT_NULL, "/local/domain/0/name", &n);
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(n, 1);
	ATF_REQUIRE_EQ(p[0].id, 0);
	ATF_REQUIRE_EQ(p[0].perms, XS_PERM_NONE);
	free(p);
	xs_close(h);
}

XT_TC(dom0_rw, "write, read, mkdir, directory and rm as dom0")
ATF_TC_BODY(dom0_rw, tc)
{
	struct xs_handle *h;
	unsigned int n;
	char **list, *v;

	xt_start(0);
	h = xst_open(0);
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/t/a/b", "one", 3));
	xst_require_value(h, "/t/a/b", "one");
	xst_require_value(h, "/t/a", "");	/* created on the way */
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/t/a/b", "", 0));
	xst_require_value(h, "/t/a/b", "");
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/t/a/c", "two", 3));
	ATF_REQUIRE(xs_mkdir(h, XBT_NULL, "/t/d"));
	ATF_REQUIRE(xs_mkdir(h, XBT_NULL, "/t/d"));	/* exists: fine */
	list = xs_directory(h, XBT_NULL, "/t/a", &n);
	ATF_REQUIRE(list != NULL);
	ATF_REQUIRE_EQ(n, 2);
	ATF_REQUIRE_STREQ(list[0], "b");
	ATF_REQUIRE_STREQ(list[1], "c");
	free(list);
	/* Relative paths of dom0 are below /local/domain/0. */
	xst_require_value(h, "name", "Domain-0");
	v = xs_get_domain_path(h, 3);
	ATF_REQUIRE(v != NULL);
	ATF_REQUIRE_STREQ(v, "/local/domain/3");
	free(v);
	/* rm takes the subtree; removing what is gone is fine. */
	ATF_REQUIRE(xs_rm(h, XBT_NULL, "/t/a"));
	xst_require_errno(h, "/t/a/b", ENOENT);
	xst_require_errno(h, "/t/a", ENOENT);
	ATF_REQUIRE(xs_rm(h, XBT_NULL, "/t/a"));
	errno = 0;
	ATF_REQUIRE(!xs_rm(h, XBT_NULL, "/t/x/y"));
	ATF_REQUIRE_EQ(errno, ENOENT);
	list = xs_directory(h, XBT_NULL, "/t", &n);
	ATF_REQUIRE(list != NULL);
	ATF_REQUIRE_EQ(n, 1);
	ATF_REQUIRE_STREQ(list[0], "d");
	free(list);
	xs_close(h);
}

XT_TC(perms, "set and get permissions; new nodes inherit them")
ATF_TC_BODY(perms, tc)
{
	struct xs_permissions set[2] = {
		{ 0, XS_PERM_NONE }, { 5, XS_PERM_READ },
	};
	struct xs_permissions *p;
	struct xs_handle *h;
	unsigned int n;

	xt_start(0);
	h = xst_open(0);
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/p", "", 0));
	ATF_REQUIRE(xs_set_permissions(h, XBT_NULL, "/p", set, 2));
	p = xs_get_permissions(h, XBT_NULL, "/p", &n);
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(n, 2);
	ATF_REQUIRE(p[0].id == 0 && p[0].perms == XS_PERM_NONE);
	ATF_REQUIRE(p[1].id == 5 && p[1].perms == XS_PERM_READ);
	free(p);
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/p/child", "x", 1));
	p = xs_get_permissions(h, XBT_NULL, "/p/child", &n);
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(n, 2);
	ATF_REQUIRE(p[1].id == 5 && p[1].perms == XS_PERM_READ);
	free(p);
	errno = 0;
	ATF_REQUIRE(!xs_set_permissions(h, XBT_NULL, "/p/none", set, 2));
	ATF_REQUIRE_EQ(errno, ENOENT);
	xs_close(h);
}

XT_TC(watch, "watches: the first event, changes below, removal")
ATF_TC_BODY(watch, tc)
{
	struct xs_handle *h, *w;

	xt_start(0);
	h = xst_open(0);
	w = xst_open(0);
	ATF_REQUIRE(xs_watch(w, "/w", "tok"));
	xst_require_event(w, "/w", "tok");
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/w/a/b", "1", 1));
	xst_require_event(w, "/w/a/b", "tok");
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/other", "1", 1));
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/w", "2", 1));
	xst_require_event(w, "/w", "tok");	/* nothing for /other */
	ATF_REQUIRE(xs_watch(w, "/w/a/b", "deep"));
	xst_require_event(w, "/w/a/b", "deep");
	/* Removing an ancestor fires the watches below it too. */
	ATF_REQUIRE(xs_rm(h, XBT_NULL, "/w/a"));
	xst_require_event(w, "/w/a", "tok");
	xst_require_event(w, "/w/a/b", "deep");
	ATF_REQUIRE(xs_unwatch(w, "/w", "tok"));
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/w/a/b", "3", 1));
	xst_require_event(w, "/w/a/b", "deep");
	errno = 0;
	ATF_REQUIRE(!xs_unwatch(w, "/w", "tok"));
	ATF_REQUIRE_EQ(errno, ENOENT);
	xs_close(w);
	xs_close(h);
}

XT_TC(transaction, "transactions: commit, abort, and EAGAIN on a conflict")
ATF_TC_BODY(transaction, tc)
{
	struct xs_handle *h, *h2;
	xs_transaction_t t;
	unsigned int len;
	char *v;

	xt_start(0);
	h = xst_open(0);
	h2 = xst_open(0);
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/t/x", "0", 1));

	/* Commit: nothing is seen before the end, all of it after. */
	ATF_REQUIRE((t = xs_transaction_start(h)) != XBT_NULL);
	ATF_REQUIRE(xs_write(h, t, "/t/x", "1", 1));
	ATF_REQUIRE(xs_write(h, t, "/t/new/y", "2", 1));
	v = xs_read(h, t, "/t/x", &len);
	ATF_REQUIRE(v != NULL && strcmp(v, "1") == 0);
	free(v);
	xst_require_value(h2, "/t/x", "0");
	xst_require_errno(h2, "/t/new/y", ENOENT);
	ATF_REQUIRE(xs_transaction_end(h, t, false));
	xst_require_value(h2, "/t/x", "1");
	xst_require_value(h2, "/t/new/y", "2");

	/* Abort: nothing happened. */
	ATF_REQUIRE((t = xs_transaction_start(h)) != XBT_NULL);
	ATF_REQUIRE(xs_rm(h, t, "/t/new"));
	ATF_REQUIRE(xs_write(h, t, "/t/x", "9", 1));
	ATF_REQUIRE(xs_transaction_end(h, t, true));
	xst_require_value(h2, "/t/x", "1");
	xst_require_value(h2, "/t/new/y", "2");

	/* A change by someone else to what it read: EAGAIN. */
	ATF_REQUIRE((t = xs_transaction_start(h)) != XBT_NULL);
	v = xs_read(h, t, "/t/x", &len);
	ATF_REQUIRE(v != NULL);
	free(v);
	ATF_REQUIRE(xs_write(h2, XBT_NULL, "/t/x", "other", 5));
	ATF_REQUIRE(xs_write(h, t, "/t/x", "mine", 4));
	errno = 0;
	ATF_REQUIRE(!xs_transaction_end(h, t, false));
	ATF_REQUIRE_EQ(errno, EAGAIN);
	xst_require_value(h2, "/t/x", "other");

	/* Changes elsewhere do not conflict. */
	ATF_REQUIRE((t = xs_transaction_start(h)) != XBT_NULL);
	ATF_REQUIRE(xs_write(h, t, "/t/x", "mine", 4));
	ATF_REQUIRE(xs_write(h2, XBT_NULL, "/elsewhere", "e", 1));
	ATF_REQUIRE(xs_transaction_end(h, t, false));
	xst_require_value(h2, "/t/x", "mine");

	/* Nodes it created itself are no conflict (xenstore-write a b c d). */
	ATF_REQUIRE((t = xs_transaction_start(h)) != XBT_NULL);
	ATF_REQUIRE(xs_write(h, t, "/t/n/1", "a", 1));
	ATF_REQUIRE(xs_write(h, t, "/t/n/2", "b", 1));
	ATF_REQUIRE(xs_transaction_end(h, t, false));
	xst_require_value(h2, "/t/n/1", "a");
	xst_require_value(h2, "/t/n/2", "b");

	/* A removal inside a transaction, committed. */
	ATF_REQUIRE((t = xs_transaction_start(h)) != XBT_NULL);
	ATF_REQUIRE(xs_rm(h, t, "/t/new"));
	ATF_REQUIRE(xs_transaction_end(h, t, false));
	xst_require_errno(h2, "/t/new/y", ENOENT);
	xst_require_errno(h2, "/t/new", ENOENT);
	xs_close(h2);
	xs_close(h);
}

XT_TC(domu, "a domU: its own tree as libxl lays it out, relative paths, "
    "permissions, watches")
ATF_TC_BODY(domu, tc)
{
	struct xs_permissions *p;
	struct xs_handle *h, *g;
	char path[128], *v;
	unsigned int id, n;

	xt_start(0);
	id = xst_domain("guest");
	h = xst_open(0);
	g = xst_open(id);

	v = xs_get_domain_path(g, id);
	snprintf(path, sizeof(path), "/local/domain/%u", id);
	ATF_REQUIRE(v != NULL);
	ATF_REQUIRE_STREQ(v, path);
	free(v);

	/* memory/target: owned by dom0, readable by the guest. */
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", id);
	xst_require_value(g, "memory/target", "65536");
	xst_require_value(g, path, "65536");
	errno = 0;
	ATF_REQUIRE(!xs_write(g, XBT_NULL, "memory/target", "1024", 4));
	ATF_REQUIRE_EQ(errno, EACCES);
	errno = 0;
	ATF_REQUIRE(!xs_write(g, XBT_NULL, "memory/new", "1", 1));
	ATF_REQUIRE_EQ(errno, EACCES);
	errno = 0;
	ATF_REQUIRE(!xs_rm(g, XBT_NULL, "memory/target"));
	ATF_REQUIRE_EQ(errno, EACCES);
	xst_require_value(h, path, "65536");

	/* data/: the guest's own. */
	ATF_REQUIRE(xs_write(g, XBT_NULL, "data/x", "42", 2));
	snprintf(path, sizeof(path), "/local/domain/%u/data/x", id);
	xst_require_value(h, path, "42");
	p = xs_get_permissions(h, XBT_NULL, path, &n);
	ATF_REQUIRE(p != NULL && n >= 1);
	ATF_REQUIRE_EQ(p[0].id, id);
	free(p);

	/* dom0's nodes are not the guest's to see. */
	xst_require_errno(g, "/local/domain/0/name", EACCES);
	xst_require_errno(g, "/tool/xenstored", EACCES);
	errno = 0;
	ATF_REQUIRE(!xs_write(g, XBT_NULL, "/evil", "1", 1));
	ATF_REQUIRE_EQ(errno, EACCES);

	/* A relative watch reports relative paths. */
	ATF_REQUIRE(xs_watch(g, "memory/target", "bal"));
	xst_require_event(g, "memory/target", "bal");
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", id);
	ATF_REQUIRE(xs_write(h, XBT_NULL, path, "32768", 5));
	xst_require_event(g, "memory/target", "bal");
	xst_require_value(g, "memory/target", "32768");

	/* No event for what the guest may not read. */
	ATF_REQUIRE(xs_watch(g, "/local/domain/0", "d0"));
	xst_require_event(g, "/local/domain/0", "d0");
	ATF_REQUIRE(xs_write(h, XBT_NULL, "/local/domain/0/secret", "s", 1));
	ATF_REQUIRE(xs_write(h, XBT_NULL, path, "16384", 5));
	xst_require_event(g, "memory/target", "bal");

	xs_close(g);
	xs_close(h);
}

XT_TC(big_directory, "a directory longer than one message (DIRECTORY_PART)")
ATF_TC_BODY(big_directory, tc)
{
	struct xs_handle *h;
	char path[64], name[32];
	unsigned int i, n;
	char **list;

	xt_start(0);
	h = xst_open(0);
	/* 400 children of 25 characters: about 10 KiB of names. */
	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/big/child-with-a-name-%03u", i);
		ATF_REQUIRE(xs_write(h, XBT_NULL, path, "", 0));
	}
	list = xs_directory(h, XBT_NULL, "/big", &n);
	ATF_REQUIRE_MSG(list != NULL, "xs_directory: %s", strerror(errno));
	ATF_REQUIRE_EQ(n, 400);
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "child-with-a-name-%03u", i);
		ATF_REQUIRE_STREQ(list[i], name);
	}
	free(list);
	xs_close(h);
}

XT_TC(domains, "@introduceDomain and @releaseDomain; a destroyed domain's "
    "clients are cut off")
ATF_TC_BODY(domains, tc)
{
	struct xensim *x;
	struct xs_handle *h, *g;
	unsigned int id;
	char *v;

	xt_start(0);
	h = xst_open(0);
	ATF_REQUIRE(xs_watch(h, "@introduceDomain", "in"));
	xst_require_event(h, "@introduceDomain", "in");
	ATF_REQUIRE(xs_watch(h, "@releaseDomain", "out"));
	xst_require_event(h, "@releaseDomain", "out");
	id = xst_domain("short-lived");
	xst_require_event(h, "@introduceDomain", "in");
	g = xst_open(id);
	v = xst_read(g, "memory/target");
	ATF_REQUIRE(v != NULL);
	free(v);
	/* A guest does not see them unless dom0 lets it. */
	ATF_REQUIRE(xs_watch(g, "@releaseDomain", "g"));
	xst_require_event(g, "@releaseDomain", "g");

	ATF_REQUIRE((x = xensim_open_privcmd(xt_dir)) != NULL);
	ATF_REQUIRE(xensim_domain_destroy(x, (domid_t)id) == 0);
	xensim_close(x);
	xst_require_event(h, "@releaseDomain", "out");
	errno = 0;
	ATF_REQUIRE(xst_read(g, "memory/target") == NULL);
	xs_close(g);
	xs_close(h);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, initial_tree);
	ATF_TP_ADD_TC(tp, dom0_rw);
	ATF_TP_ADD_TC(tp, perms);
	ATF_TP_ADD_TC(tp, watch);
	ATF_TP_ADD_TC(tp, transaction);
	ATF_TP_ADD_TC(tp, domu);
	ATF_TP_ADD_TC(tp, big_directory);
	ATF_TP_ADD_TC(tp, domains);
	return atf_no_error();
}
