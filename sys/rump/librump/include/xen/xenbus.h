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

#ifndef _XEN_XENBUS_H_
#define _XEN_XENBUS_H_

/*
 * The xenbus (xenstore) interface of NetBSD's <xen/xenbus.h>: paths are
 * relative to the domain's home (/local/domain/<domid>) unless absolute;
 * errors are positive errno values.
 */

#include <sys/types.h>
#include <sys/device.h>
#include <sys/queue.h>

/* devices to xenbus attach */
struct xenbusdev_attach_args {
	const char		*xa_type;
	int			 xa_id;
	struct xenbus_device	*xa_xbusd;
};

/* A watch on a node (and its children). */
struct xenbus_watch {
	SLIST_ENTRY(xenbus_watch) watch_next;

	/* Path being watched. */
	char *node;

	/* Callback (executed in a process context with no locks held). */
	void (*xbw_callback)(struct xenbus_watch *, const char **vec,
	    unsigned int len);
	struct xenbus_device *xbw_dev;
};

struct xenbus_transaction;

int	xenbus_read(struct xenbus_transaction *, const char *, const char *,
	    char *, size_t);
int	xenbus_read_ul(struct xenbus_transaction *, const char *,
	    const char *, unsigned long *, int);
int	xenbus_read_ull(struct xenbus_transaction *, const char *,
	    const char *, unsigned long long *, int);
int	xenbus_write(struct xenbus_transaction *, const char *, const char *,
	    const char *);
int	xenbus_printf(struct xenbus_transaction *, const char *,
	    const char *, const char *, ...) __printflike(4, 5);
int	xenbus_rm(struct xenbus_transaction *, const char *, const char *);

int	register_xenbus_watch(struct xenbus_watch *);
void	unregister_xenbus_watch(struct xenbus_watch *);

#endif /* _XEN_XENBUS_H_ */
