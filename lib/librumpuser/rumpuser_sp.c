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
 * The sysctl server: serves the kernel's sysctl tree on a unix socket,
 * in the wire format of <rumpsysctl_wire.h>, one thread per client.
 * Only a peer with uid 0 may write (SO_PEERCRED); others get EPERM.
 *
 * The socket is open to every user, so no user may hold root out: each
 * uid other than 0 gets SP_PER_UID connections, all of them together
 * SP_OTHERS, root SP_ROOT of its own; a connection beyond its budget is
 * closed as soon as it is accepted.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rumpuser.h>
#include <rumpsysctl_wire.h>
#include <rumpsysctl.h>

#include "rumpuser_int.h"

#define SP_MAXNODES	(RUMPSYSCTL_DATAMAX / sizeof(struct rumpsysctl_node))
#define SP_PER_UID	16	/* connections of one uid other than 0 */
#define SP_OTHERS	64	/* of all uids other than 0 together */
#define SP_ROOT		64	/* root's own */

struct sp_client {
	int	fd;
	uid_t	uid;
};

/* Open connections; sp_uids[i] holds sp_count[i] of them. */
static pthread_mutex_t sp_lock = PTHREAD_MUTEX_INITIALIZER;
static uid_t sp_uids[SP_OTHERS];
static unsigned int sp_count[SP_OTHERS];
static unsigned int sp_root, sp_others;
static unsigned long sp_refused;

/* Take a slot for uid; false if its budget is spent. */
static bool
sp_admit(uid_t uid)
{
	unsigned int i, free_i = SP_OTHERS;
	bool ok = false;

	pthread_mutex_lock(&sp_lock);
	if (uid == 0) {
		if ((ok = sp_root < SP_ROOT))
			sp_root++;
		goto out;
	}
	if (sp_others >= SP_OTHERS)
		goto out;
	for (i = 0; i < SP_OTHERS; i++) {
		if (sp_count[i] > 0 && sp_uids[i] == uid)
			break;
		if (sp_count[i] == 0 && free_i == SP_OTHERS)
			free_i = i;
	}
	if (i == SP_OTHERS)
		i = free_i;	/* there is one: sp_others < SP_OTHERS */
	if (sp_count[i] < SP_PER_UID) {
		sp_uids[i] = uid;
		sp_count[i]++;
		sp_others++;
		ok = true;
	}
out:
	if (!ok && sp_refused++ % 1000 == 0)
		fprintf(stderr, "rumpuser: sysctl: uid %u over its connection "
		    "budget, refused (%lu so far)\n", (unsigned int)uid,
		    sp_refused);
	pthread_mutex_unlock(&sp_lock);
	return ok;
}

static void
sp_leave(uid_t uid)
{
	unsigned int i;

	pthread_mutex_lock(&sp_lock);
	if (uid == 0)
		sp_root--;
	else {
		for (i = 0; i < SP_OTHERS; i++) {
			if (sp_count[i] > 0 && sp_uids[i] == uid) {
				sp_count[i]--;
				sp_others--;
				break;
			}
		}
	}
	pthread_mutex_unlock(&sp_lock);
}

static int
sp_reply(int fd, int error, const void *data, uint32_t datalen,
    uint64_t oldlen)
{
	struct rumpsysctl_rep rep;

	memset(&rep, 0, sizeof(rep));
	rep.error = error;
	rep.datalen = datalen;
	rep.oldlen = oldlen;
	if (rumpsysctl_io(fd, &rep, sizeof(rep), 1) == -1)
		return -1;
	return datalen > 0 ?
	    rumpsysctl_io(fd, (void *)(uintptr_t)data, datalen, 1) : 0;
}

/* One request; -1 ends the connection. */
int
sp_request(int fd, int root, char *data, struct rumpuser_sysctl_node *kn)
{
	struct rumpsysctl_req req;
	struct rumpsysctl_node *wn;
	char name[RUMPSYSCTL_NAMEMAX + 1], *newbuf;
	size_t oldlen, count, i;
	int error;

	if (rumpsysctl_io(fd, &req, sizeof(req), 0) == -1)
		return -1;
	/* Only a list of children may name the root, with "". */
	if ((req.namelen == 0 && req.op != RUMPSYSCTL_OP_CHILDREN) ||
	    req.namelen > RUMPSYSCTL_NAMEMAX ||
	    req.newlen > RUMPSYSCTL_DATAMAX)
		return -1;	/* not speaking the protocol: hang up */
	if (rumpsysctl_io(fd, name, req.namelen, 0) == -1)
		return -1;
	name[req.namelen] = '\0';
	newbuf = data + RUMPSYSCTL_DATAMAX;
	if (req.newlen > 0 && rumpsysctl_io(fd, newbuf, req.newlen, 0) == -1)
		return -1;
	if (memchr(name, '\0', req.namelen) != NULL)
		return sp_reply(fd, EINVAL, NULL, 0, 0);

	switch (req.op) {
	case RUMPSYSCTL_OP_LOOKUP:
		if (req.newlen > 0 && !root)
			return sp_reply(fd, EPERM, NULL, 0, 0);
		oldlen = req.oldlen > RUMPSYSCTL_DATAMAX ?
		    RUMPSYSCTL_DATAMAX : (size_t)req.oldlen;
		error = (*rumpuser_hyp->hyp_sysctl)(name,
		    req.wantold ? data : NULL, &oldlen,
		    req.newlen > 0 ? newbuf : NULL, req.newlen);
		i = 0;
		if (req.wantold && (error == 0 || error == ENOMEM))
			i = oldlen < req.oldlen ? oldlen : (size_t)req.oldlen;
		if (i > RUMPSYSCTL_DATAMAX)
			i = RUMPSYSCTL_DATAMAX;
		return sp_reply(fd, error, data, (uint32_t)i, oldlen);
	case RUMPSYSCTL_OP_CHILDREN:
		error = (*rumpuser_hyp->hyp_sysctl_children)(name, kn,
		    SP_MAXNODES, &count);
		if (error != 0)
			return sp_reply(fd, error, NULL, 0, 0);
		wn = (struct rumpsysctl_node *)(void *)data;
		for (i = 0; i < count; i++) {
			memset(&wn[i], 0, sizeof(wn[i]));
			snprintf(wn[i].name, sizeof(wn[i].name), "%s",
			    kn[i].name);
			wn[i].type = kn[i].type;
			wn[i].writable = kn[i].writable;
			snprintf(wn[i].descr, sizeof(wn[i].descr), "%s",
			    kn[i].descr);
		}
		return sp_reply(fd, 0, data,
		    (uint32_t)(count * sizeof(*wn)), count * sizeof(*wn));
	default:
		return sp_reply(fd, EOPNOTSUPP, NULL, 0, 0);
	}
}

static void *
sp_client(void *arg)
{
	struct sp_client *cl = arg;
	struct rumpuser_sysctl_node *kn;
	char *data;

	data = malloc(2 * RUMPSYSCTL_DATAMAX);
	kn = calloc(SP_MAXNODES, sizeof(*kn));
	if (data != NULL && kn != NULL)
		while (sp_request(cl->fd, cl->uid == 0, data, kn) == 0)
			continue;
	free(kn);
	free(data);
	close(cl->fd);
	sp_leave(cl->uid);
	free(cl);
	return NULL;
}

static void
sp_pause(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

static void *
sp_server(void *arg)
{
	int s = (int)(intptr_t)arg, fd;
	struct sp_client *cl;
	struct ucred cred;
	socklen_t credlen;
	pthread_t t;

	pthread_setname_np(pthread_self(), "sysctl_sp");
	for (;;) {
		fd = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* Out of descriptors: wait for some, do not spin. */
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				sp_pause();
				continue;
			}
			return NULL;
		}
		credlen = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred,
		    &credlen) == -1 || !sp_admit(cred.uid)) {
			close(fd);
			continue;
		}
		if ((cl = malloc(sizeof(*cl))) == NULL) {
			sp_leave(cred.uid);
			close(fd);
			continue;
		}
		cl->fd = fd;
		cl->uid = cred.uid;
		if (pthread_create(&t, NULL, sp_client, cl) != 0) {
			sp_leave(cred.uid);
			close(fd);
			free(cl);
		} else
			pthread_detach(t);
	}
}

int
rumpuser_sp_init(const char *path)
{
	struct sockaddr_un sun;
	pthread_t t;
	int s, error;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return errno;
	(void)unlink(path);
	if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(s, 16) == -1) {
		error = errno;
		close(s);
		return error;
	}
	/* Anyone may read, as sysctl(3); writes are checked per peer. */
	(void)chmod(path, 0666);
	if ((error = pthread_create(&t, NULL, sp_server,
	    (void *)(intptr_t)s)) != 0) {
		close(s);
		return error;
	}
	pthread_detach(t);
	return 0;
}
