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
 * Internals shared by the xenstored half's files (xs_*.c): the node tree
 * and its permissions, connections, watches and transactions.
 */

#ifndef _XENSIMD_XS_STORE_H_
#define _XENSIMD_XS_STORE_H_

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xenstore_lib.h>
#include <xen/io/xs_wire.h>

/* Xen's default quotas for unprivileged domains (xenstored -E -W -t -A -S). */
#define XS_QUOTA_NODES		1000	/* nodes owned per domain: ENOSPC */
#define XS_QUOTA_WATCHES	128	/* watches per domain: E2BIG */
#define XS_QUOTA_TXNS		10	/* open transactions per connection */
#define XS_QUOTA_PERMS		5	/* entries in a node's perm list */
#define XS_QUOTA_ENTRY_SIZE	2048	/* bytes of one node record */

/* Ours: more connections from one domU are refused at once. */
#define XS_DOMU_CONNS		64	/* open connections per domU */
#define XS_ACCEPT_ROUND		256	/* accepts per poll round */

/* A client that lets this much output pile up is dropped. */
#define XS_OUTQ_MAX		(1024 * 1024)
/* Requests are not read from a client while its output exceeds this. */
#define XS_OUTQ_PAUSE		(64 * 1024)

struct xs_perms {
	struct xs_permissions	*p;
	unsigned int		 num;
};

struct xs_node {
	char			*name;		/* last path component */
	struct xs_node		*parent;
	struct xs_node		**kids;		/* in creation order */
	unsigned int		 nkids, kidcap;
	char			*data;
	unsigned int		 datalen;
	struct xs_perms		 perms;
	uint64_t		 gen;		/* generation of last change */
};

struct xs_txn;
struct xs_conn;

/* xs_store.c: the tree. */
extern struct xs_node	*xs_root;
uint64_t	xs_next_gen(void);
struct xs_node *xs_lookup(struct xs_node *, const char *);
int	xs_perms_copy(struct xs_perms *, const struct xs_perms *);
void	xs_perms_free(struct xs_perms *);
unsigned int xs_perm_for(unsigned int, const struct xs_perms *);
int	xs_perms_to_strings(const struct xs_perms *, char *, size_t,
	    size_t *);
struct xs_node *xs_node_new(struct xs_node *, const char *,
	    const struct xs_perms *);
void	xs_node_free(struct xs_node *);
void	xs_node_unlink(struct xs_node *);
int	xs_node_set_data(struct xs_node *, const char *, unsigned int);
struct xs_node *xs_tree_copy(const struct xs_node *, struct xs_node *);
unsigned int xs_count_owned(const struct xs_node *, unsigned int);
size_t	xs_node_size(const struct xs_node *, unsigned int);
char	*xs_node_path(const struct xs_node *);
bool	xs_valid_path(const char *, unsigned int);

/* xs_ops.c: the operations, on the live tree or a transaction's. */
struct xs_ctx {
	unsigned int	 domid;		/* who asks; 0 is privileged */
	struct xs_txn	*txn;		/* NULL: the live store */
	struct xs_conn	*conn;		/* NULL: the toolstack */
};
int	xs_op_read(struct xs_ctx *, const char *, struct xs_node **);
int	xs_op_write(struct xs_ctx *, const char *, const char *,
	    unsigned int, bool);
int	xs_op_rm(struct xs_ctx *, const char *);
int	xs_op_set_perms(struct xs_ctx *, const char *,
	    const struct xs_perms *);
int	xs_get_node(struct xs_ctx *, const char *, unsigned int,
	    struct xs_node **);

/* xs_watch.c */
struct xs_watch {
	TAILQ_ENTRY(xs_watch)	 w_list;
	char			*w_path;	/* absolute, or @special */
	char			*w_token;
	size_t			 w_relprefix;	/* chars to strip, 0: none */
};
TAILQ_HEAD(xs_watchq, xs_watch);

struct xs_event {
	char		*path;
	bool		 exact;
	struct xs_perms	 node, parent, old;
};
void	xs_event_init(struct xs_event *, const char *, bool,
	    const struct xs_node *, const struct xs_perms *);
void	xs_event_fini(struct xs_event *);
void	xs_event_fire(const struct xs_event *);
void	xs_fire_special(const char *);
int	xs_watch_add(struct xs_conn *, const char *, const char *,
	    bool, struct xs_watch **);
void	xs_watch_send(struct xs_conn *, const struct xs_watch *,
	    const char *);
int	xs_watch_del(struct xs_conn *, const char *, const char *);
void	xs_watch_del_all(struct xs_conn *);
int	xs_special_perms(const char *, struct xs_perms **);

/* xs_txn.c */
struct xs_txn *xs_txn_lookup(struct xs_conn *, uint32_t);
int	xs_txn_start(struct xs_conn *, uint32_t *);
int	xs_txn_end(struct xs_conn *, struct xs_txn *, bool);
void	xs_txn_del_all(struct xs_conn *);
struct xs_node *xs_txn_root(struct xs_txn *);
void	xs_txn_access(struct xs_txn *, const char *, const struct xs_node *);
void	xs_txn_changed(struct xs_txn *, const char *);
int	xs_txn_queue_event(struct xs_txn *, struct xs_event *);

/* xs_conn.c */
struct xs_conn {
	TAILQ_ENTRY(xs_conn)	 c_list;
	int			 c_fd;
	unsigned int		 c_domid;
	bool			 c_dead;
	/* input: bytes read, whole messages are taken from the front */
	char			 c_rbuf[4 * (sizeof(struct xsd_sockmsg) +
				     XENSTORE_PAYLOAD_MAX)];
	size_t			 c_rlen;
	char			 c_in[XENSTORE_PAYLOAD_MAX + 1];
	/* output: bytes not yet taken by the client */
	char			*c_out;
	size_t			 c_outoff, c_outlen, c_outcap;
	struct xs_watchq	 c_watches;
	TAILQ_HEAD(, xs_txn)	 c_txns;
	unsigned int		 c_ntxns;
	uint32_t		 c_next_txid;
	uint64_t		 c_conflicts;	/* commits refused: EAGAIN */
};
TAILQ_HEAD(xs_connq, xs_conn);
extern struct xs_connq	xs_conns;

void	xs_send(struct xs_conn *, uint32_t, uint32_t, uint32_t,
	    const void *, size_t);
void	xs_send_event(struct xs_conn *, const char *, const char *);
/* Stop serving a client (why, if not NULL, is logged). */
void	xs_kill(struct xs_conn *, const char *);
/* Send what the client's queue holds, as much as it takes now. */
void	xs_flush(struct xs_conn *);
/* Poll for input while the queue is short, for output while it holds any. */
void	xs_set_events(struct xs_conn *);
void	xs_reap(void);
bool	xs_domain_listening(unsigned int);
/* Answer the whole requests in c_rbuf (tests/fuzz feeds it directly). */
void	xs_process(struct xs_conn *);

/* xs_wire.c */
int	xs_dispatch(struct xs_conn *, const struct xsd_sockmsg *,
	    const char *, size_t);
void	xs_reply_error(struct xs_conn *, const struct xsd_sockmsg *, int);
unsigned int xs_domain_watches(unsigned int);

#endif /* _XENSIMD_XS_STORE_H_ */
