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
 * Transactions.  A transaction works on its own copy of the store and
 * remembers the generation of every node it looked at; it commits only
 * if none of those changed meanwhile (else EAGAIN, as Xen), replaying
 * its changes on the live store and firing the watches it held back.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xs_store.h"

struct xs_access {
	char		*path;
	uint64_t	 gen;		/* 0: the node did not exist */
};

struct xs_txn {
	TAILQ_ENTRY(xs_txn)	 t_list;
	uint32_t		 t_id;
	struct xs_node		*t_root;
	struct xs_access	*t_acc;
	unsigned int		 t_nacc, t_acccap;
	char			**t_chg;
	unsigned int		 t_nchg, t_chgcap;
	struct xs_event		*t_ev;
	unsigned int		 t_nev, t_evcap;
	bool			 t_failed;	/* out of memory: EAGAIN */
};

static void *
xs_grow(void *arr, unsigned int *cap, unsigned int n, size_t size)
{
	unsigned int ncap;
	void *a;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 16;
	if ((a = reallocarray(arr, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return a;
}

struct xs_node *
xs_txn_root(struct xs_txn *t)
{

	return t->t_root;
}

struct xs_txn *
xs_txn_lookup(struct xs_conn *c, uint32_t id)
{
	struct xs_txn *t;

	TAILQ_FOREACH(t, &c->c_txns, t_list)
		if (t->t_id == id)
			return t;
	return NULL;
}

/* Remember what the store held at path when first seen. */
void
xs_txn_access(struct xs_txn *t, const char *path, const struct xs_node *n)
{
	struct xs_access *a;
	unsigned int i;

	for (i = 0; i < t->t_nacc; i++)
		if (strcmp(t->t_acc[i].path, path) == 0)
			return;
	a = xs_grow(t->t_acc, &t->t_acccap, t->t_nacc, sizeof(*a));
	if (a == NULL) {
		t->t_failed = true;
		return;
	}
	t->t_acc = a;
	if ((a[t->t_nacc].path = strdup(path)) == NULL) {
		t->t_failed = true;
		return;
	}
	a[t->t_nacc++].gen = n != NULL ? n->gen : 0;
}

void
xs_txn_changed(struct xs_txn *t, const char *path)
{
	char **c;
	unsigned int i;

	for (i = 0; i < t->t_nchg; i++)
		if (strcmp(t->t_chg[i], path) == 0)
			return;
	c = xs_grow(t->t_chg, &t->t_chgcap, t->t_nchg, sizeof(*c));
	if (c == NULL) {
		t->t_failed = true;
		return;
	}
	t->t_chg = c;
	if ((c[t->t_nchg] = strdup(path)) == NULL) {
		t->t_failed = true;
		return;
	}
	t->t_nchg++;
}

int
xs_txn_queue_event(struct xs_txn *t, struct xs_event *ev)
{
	struct xs_event *e;

	e = xs_grow(t->t_ev, &t->t_evcap, t->t_nev, sizeof(*e));
	if (e == NULL) {
		t->t_failed = true;
		return ENOMEM;
	}
	t->t_ev = e;
	e[t->t_nev++] = *ev;
	return 0;
}

int
xs_txn_start(struct xs_conn *c, uint32_t *idp)
{
	struct xs_txn *t;

	/* Xen's test, which lets a domain have one more than the quota. */
	if (c->c_domid != 0 && c->c_ntxns > XS_QUOTA_TXNS)
		return ENOSPC;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return ENOMEM;
	if ((t->t_root = xs_tree_copy(xs_root, NULL)) == NULL) {
		free(t);
		return ENOMEM;
	}
	do {
		t->t_id = c->c_next_txid++;
	} while (t->t_id == 0 || xs_txn_lookup(c, t->t_id) != NULL);
	TAILQ_INSERT_TAIL(&c->c_txns, t, t_list);
	c->c_ntxns++;
	*idp = t->t_id;
	return 0;
}

static void
xs_txn_free(struct xs_conn *c, struct xs_txn *t)
{
	unsigned int i;

	TAILQ_REMOVE(&c->c_txns, t, t_list);
	c->c_ntxns--;
	xs_node_free(t->t_root);
	for (i = 0; i < t->t_nacc; i++)
		free(t->t_acc[i].path);
	free(t->t_acc);
	for (i = 0; i < t->t_nchg; i++)
		free(t->t_chg[i]);
	free(t->t_chg);
	for (i = 0; i < t->t_nev; i++)
		xs_event_fini(&t->t_ev[i]);
	free(t->t_ev);
	free(t);
}

static struct xs_node *
xs_kid(struct xs_node *n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n->nkids; i++)
		if (strcmp(n->kids[i]->name, name) == 0)
			return n->kids[i];
	return NULL;
}

static bool
xs_same_perms(const struct xs_perms *a, const struct xs_perms *b)
{

	return a->num == b->num &&
	    memcmp(a->p, b->p, a->num * sizeof(*a->p)) == 0;
}

/* Make the live node at path what the transaction left there. */
static int
xs_txn_apply(struct xs_txn *t, const char *path)
{
	struct xs_node *tn, *ln, *tk, *lk;
	const char *p, *e;
	unsigned int i;
	char *name;
	int error;

	if ((tn = xs_lookup(t->t_root, path)) == NULL) {
		ln = xs_lookup(xs_root, path);
		if (ln != NULL && ln->parent != NULL) {
			xs_node_unlink(ln);
			xs_node_free(ln);
		}
		return 0;
	}
	/* Walk both trees down, creating what the live one lacks. */
	tk = t->t_root;
	lk = xs_root;
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		if ((name = strndup(p, (size_t)(e - p))) == NULL)
			return ENOMEM;
		tk = xs_kid(tk, name);
		ln = xs_kid(lk, name);
		if (ln == NULL && tk != NULL &&
		    (ln = xs_node_new(lk, name, &tk->perms)) != NULL &&
		    tk->datalen > 0)
			(void)xs_node_set_data(ln, tk->data, tk->datalen);
		free(name);
		if (tk == NULL || ln == NULL)
			return ENOMEM;
		lk = ln;
	}
	ln = lk;
	if (ln->datalen != tn->datalen || (tn->datalen > 0 &&
	    memcmp(ln->data, tn->data, tn->datalen) != 0))
		if ((error = xs_node_set_data(ln, tn->data, tn->datalen)) != 0)
			return error;
	if (!xs_same_perms(&ln->perms, &tn->perms)) {
		xs_perms_free(&ln->perms);
		if ((error = xs_perms_copy(&ln->perms, &tn->perms)) != 0)
			return error;
		ln->gen = xs_next_gen();
	}
	/* Children the transaction removed. */
	for (i = 0; i < ln->nkids; ) {
		if (xs_kid(tn, ln->kids[i]->name) == NULL) {
			lk = ln->kids[i];
			xs_node_unlink(lk);
			xs_node_free(lk);
		} else
			i++;
	}
	return 0;
}

/* TRANSACTION_END: commit (true) or abort. */
int
xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
	struct xs_node *n;
	unsigned int i;
	int error = 0;

	if (!commit)
		goto out;
	if (t->t_failed) {
		error = EAGAIN;
		goto out;
	}
	for (i = 0; i < t->t_nacc; i++) {
		n = xs_lookup(xs_root, t->t_acc[i].path);
		if ((n != NULL ? n->gen : 0) != t->t_acc[i].gen) {
			c->c_conflicts++;
			error = EAGAIN;
			goto out;
		}
	}
	for (i = 0; i < t->t_nchg; i++)
		if (xs_txn_apply(t, t->t_chg[i]) != 0)
			xs_glog(c->c_domid, "transaction %u: out of memory "
			    "at commit", t->t_id);
	for (i = 0; i < t->t_nev; i++)
		xs_event_fire(&t->t_ev[i]);
out:
	xs_txn_free(c, t);
	return error;
}

void
xs_txn_del_all(struct xs_conn *c)
{

	while (!TAILQ_EMPTY(&c->c_txns))
		xs_txn_free(c, TAILQ_FIRST(&c->c_txns));
}
