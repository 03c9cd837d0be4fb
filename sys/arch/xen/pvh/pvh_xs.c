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
 * The xenstore client of rumpuser(3) for the PVH guest kernel, over the
 * shared ring page (HVM_PARAM_STORE_PFN) and its event channel, as
 * NetBSD's xenbus_comms.c: one request in flight, replies and watch
 * events read from the ring by whoever waits (the idle loop first of
 * all), watch callbacks run one at a time by the "xenwatch" thread.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/queue.h>
#include <sys/systm.h>

#include <xen/include/public/xen.h>
#include <xen/include/public/hvm/hvm_op.h>
#include <xen/include/public/hvm/params.h>
#include <xen/include/public/io/xs_wire.h>

#include <rumpuser.h>

#include "pvh.h"
#include "pvh_xs.h"

struct pvh_xs_watch {
	TAILQ_ENTRY(pvh_xs_watch) w_entry;
	char			w_path[PVH_XS_PATHMAX];
	char			w_token[24];
	void			*w_cookie;
	pvh_xs_watch_fn		w_fn;
};

struct pvh_xs_event {
	TAILQ_ENTRY(pvh_xs_event) e_entry;
	struct pvh_xs_watch	*e_watch;
	char			e_path[PVH_XS_PATHMAX];
};

static struct xenstore_domain_interface *xs_ring;
static evtchn_port_t xs_port;

/* The request in flight: one at a time. */
static bool xs_busy;
static bool xs_replied;
static uint32_t xs_reply_type;
static char xs_reply[XENSTORE_PAYLOAD_MAX + 1];
static size_t xs_reply_len;

/* A message being read off the ring. */
static union {
	struct xsd_sockmsg	hdr;
	char			buf[sizeof(struct xsd_sockmsg) +
				    XENSTORE_PAYLOAD_MAX + 1];
} xs_rx;
static size_t xs_rx_have;

static TAILQ_HEAD(, pvh_xs_watch) xs_watches;
static TAILQ_HEAD(, pvh_xs_event) xs_events;
static void *xs_watcher;		/* the xenwatch thread */

static uint64_t
xs_hvm_param(uint32_t index)
{
	struct xen_hvm_param p;

	memset(&p, 0, sizeof(p));
	p.domid = DOMID_SELF;
	p.index = index;
	if (pvh_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param,
	    (unsigned long)&p, 0) != 0)
		panic("pvh: HVMOP_get_param %u failed", index);
	return p.value;
}

void
pvh_xs_init(void)
{

	xs_ring = (struct xenstore_domain_interface *)(uintptr_t)
	    (xs_hvm_param(HVM_PARAM_STORE_PFN) << PAGE_SHIFT);
	xs_port = (evtchn_port_t)xs_hvm_param(HVM_PARAM_STORE_EVTCHN);
	TAILQ_INIT(&xs_watches);
	TAILQ_INIT(&xs_events);
}

unsigned int
pvh_xs_port(void)
{

	return xs_port;
}

static void
xs_message(void)
{
	struct pvh_xs_watch *w;
	struct pvh_xs_event *e;
	const char *path, *token;
	size_t len = xs_rx.hdr.len;

	xs_rx.buf[sizeof(xs_rx.hdr) + len] = '\0';
	if (xs_rx.hdr.type != XS_WATCH_EVENT) {
		memcpy(xs_reply, xs_rx.buf + sizeof(xs_rx.hdr), len + 1);
		xs_reply_len = len;
		xs_reply_type = xs_rx.hdr.type;
		xs_replied = true;
		pvh_wakeup(&xs_replied, true);
		return;
	}
	/* "path\0token\0" */
	path = xs_rx.buf + sizeof(xs_rx.hdr);
	token = path + strlen(path) + 1;
	if (token >= path + len)
		return;
	TAILQ_FOREACH(w, &xs_watches, w_entry)
		if (strcmp(w->w_token, token) == 0)
			break;
	if (w == NULL || rumpuser_malloc(sizeof(*e), 0, (void **)&e) != 0)
		return;
	e->e_watch = w;
	snprintf(e->e_path, sizeof(e->e_path), "%s", path);
	TAILQ_INSERT_TAIL(&xs_events, e, e_entry);
	pvh_wakeup(&xs_events, true);
}

/* Read what the ring holds; true if a whole message came. */
bool
pvh_xs_poll(void)
{
	XENSTORE_RING_IDX cons, prod;
	size_t want, n;
	bool got = false;

	for (;;) {
		cons = xs_ring->rsp_cons;
		prod = xs_ring->rsp_prod;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (prod == cons)
			break;
		want = xs_rx_have < sizeof(xs_rx.hdr) ? sizeof(xs_rx.hdr) :
		    sizeof(xs_rx.hdr) + xs_rx.hdr.len;
		n = MIN(want - xs_rx_have, (size_t)(prod - cons));
		n = MIN(n, XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons));
		memcpy(xs_rx.buf + xs_rx_have,
		    xs_ring->rsp + MASK_XENSTORE_IDX(cons), n);
		xs_rx_have += n;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		xs_ring->rsp_cons = cons + (XENSTORE_RING_IDX)n;
		(void)pvh_evtchn_send(xs_port);
		if (xs_rx_have == sizeof(xs_rx.hdr) &&
		    xs_rx.hdr.len > XENSTORE_PAYLOAD_MAX)
			panic("pvh: xenstore message of %u bytes",
			    xs_rx.hdr.len);
		if (xs_rx_have >= sizeof(xs_rx.hdr) &&
		    xs_rx_have == sizeof(xs_rx.hdr) + xs_rx.hdr.len) {
			xs_message();
			xs_rx_have = 0;
			got = true;
		}
	}
	return got;
}

static void
xs_put(const void *data, size_t len)
{
	const char *p = data;
	XENSTORE_RING_IDX cons, prod;
	size_t n;

	while (len > 0) {
		cons = xs_ring->req_cons;
		prod = xs_ring->req_prod;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		n = XENSTORE_RING_SIZE - (size_t)(prod - cons);
		if (n == 0) {
			(void)pvh_evtchn_send(xs_port);
			pvh_yield();
			continue;
		}
		n = MIN(n, len);
		n = MIN(n, XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod));
		memcpy(xs_ring->req + MASK_XENSTORE_IDX(prod), p, n);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		xs_ring->req_prod = prod + (XENSTORE_RING_IDX)n;
		p += n;
		len -= n;
	}
}

/*
 * One request of up to three parts (each with its NUL when nul is set
 * for it); the reply in xs_reply.  Returns 0 or an errno value.
 */
int
pvh_xs_request(uint32_t type, const char *a, const char *b, const char *c,
    unsigned int nulmask)
{
	const char *part[3] = { a, b, c };
	struct xsd_sockmsg hdr;
	size_t len[3], total = 0;
	unsigned int i;
	int error = 0;

	for (i = 0; i < 3; i++) {
		len[i] = part[i] == NULL ? 0 :
		    strlen(part[i]) + ((nulmask >> i) & 1);
		total += len[i];
	}
	if (total > XENSTORE_PAYLOAD_MAX)
		return E2BIG;

	while (xs_busy)
		(void)pvh_sleep(&xs_busy, 0);
	xs_busy = true;
	xs_replied = false;
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.req_id = 1;
	hdr.len = (uint32_t)total;
	xs_put(&hdr, sizeof(hdr));
	for (i = 0; i < 3; i++)
		if (len[i] > 0)
			xs_put(part[i], len[i]);
	(void)pvh_evtchn_send(xs_port);
	while (!xs_replied) {
		(void)pvh_xs_poll();
		if (!xs_replied)
			(void)pvh_sleep(&xs_replied, 0);
	}
	if (xs_reply_type == XS_ERROR) {
		error = EIO;
		for (i = 0; i < __arraycount(xsd_errors); i++)
			if (strcmp(xs_reply, xsd_errors[i].errstring) == 0)
				error = xsd_errors[i].errnum;
	} else if (xs_reply_type != type)
		error = EIO;
	return error;
}

/* After a successful pvh_xs_request(), before the next one. */
static void
xs_done(void)
{

	xs_busy = false;
	pvh_wakeup(&xs_busy, false);
}

int
pvh_xs_read(const char *path, char *buf, size_t buflen, size_t *lenp)
{
	int error;

	error = pvh_xs_request(XS_READ, path, NULL, NULL, 1);
	if (error == 0 && xs_reply_len >= buflen)
		error = ERANGE;
	if (error == 0) {
		memcpy(buf, xs_reply, xs_reply_len);
		buf[xs_reply_len] = '\0';
		*lenp = xs_reply_len;
	}
	xs_done();
	return error;
}

int
pvh_xs_write(const char *path, const char *value)
{
	int error;

	error = pvh_xs_request(XS_WRITE, path, value, NULL, 1);
	xs_done();
	return error;
}

/* The xenwatch thread: callbacks, one at a time, no locks held. */
static void *
xs_watch_thread(void *arg)
{
	struct pvh_xs_event *e;

	(void)arg;
	for (;;) {
		while ((e = TAILQ_FIRST(&xs_events)) == NULL)
			(void)pvh_sleep(&xs_events, 0);
		TAILQ_REMOVE(&xs_events, e, e_entry);
		(*e->e_watch->w_fn)(e->e_watch->w_cookie, e->e_path);
		rumpuser_free(e, sizeof(*e));
	}
	return NULL;
}

int
pvh_xs_watch(const char *path, void *cookie, pvh_xs_watch_fn fn)
{
	struct pvh_xs_watch *w;
	int error;

	if (strlen(path) >= PVH_XS_PATHMAX)
		return ENAMETOOLONG;
	if (xs_watcher == NULL && (error = rumpuser_thread_create(
	    xs_watch_thread, NULL, "xenwatch", 0, &xs_watcher)) != 0)
		return error;
	if ((error = rumpuser_malloc(sizeof(*w), 0, (void **)&w)) != 0)
		return error;
	snprintf(w->w_path, sizeof(w->w_path), "%s", path);
	snprintf(w->w_token, sizeof(w->w_token), "%lx",
	    (unsigned long)(uintptr_t)w);
	w->w_cookie = cookie;
	w->w_fn = fn;
	TAILQ_INSERT_TAIL(&xs_watches, w, w_entry);
	error = pvh_xs_request(XS_WATCH, w->w_path, w->w_token, NULL, 3);
	xs_done();
	if (error != 0) {
		TAILQ_REMOVE(&xs_watches, w, w_entry);
		rumpuser_free(w, sizeof(*w));
	}
	return error;
}

int
pvh_xs_unwatch(const char *path, void *cookie)
{
	struct pvh_xs_watch *w;
	struct pvh_xs_event *e, *next;
	int error;

	TAILQ_FOREACH(w, &xs_watches, w_entry)
		if (w->w_cookie == cookie && strcmp(w->w_path, path) == 0)
			break;
	if (w == NULL)
		return ENOENT;
	error = pvh_xs_request(XS_UNWATCH, w->w_path, w->w_token, NULL, 3);
	xs_done();
	TAILQ_REMOVE(&xs_watches, w, w_entry);
	for (e = TAILQ_FIRST(&xs_events); e != NULL; e = next) {
		next = TAILQ_NEXT(e, e_entry);
		if (e->e_watch == w) {
			TAILQ_REMOVE(&xs_events, e, e_entry);
			rumpuser_free(e, sizeof(*e));
		}
	}
	rumpuser_free(w, sizeof(*w));
	return error;
}

/* rumpuser(3): the kernel's xenbus over the ring. */

static void
xs_kernel_watch(void *cookie, const char *path)
{

	(*pvh_hyperup->hyp_xswatch)(cookie, path);
}

int
rumpuser_xs_read(const char *path, char *buf, size_t buflen, size_t *lenp)
{

	return pvh_xs_read(path, buf, buflen, lenp);
}

int
rumpuser_xs_write(const char *path, const char *value)
{

	return pvh_xs_write(path, value);
}

int
rumpuser_xs_rm(const char *path)
{
	int error;

	error = pvh_xs_request(XS_RM, path, NULL, NULL, 1);
	xs_done();
	return error;
}

int
rumpuser_xs_watch(const char *path, void *cookie)
{

	return pvh_xs_watch(path, cookie, xs_kernel_watch);
}

int
rumpuser_xs_unwatch(const char *path, void *cookie)
{

	return pvh_xs_unwatch(path, cookie);
}
