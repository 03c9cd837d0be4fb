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
 * The hypervisor's sockets: <dir>/privcmd for dom0 and, per domain,
 * <dir>/domains/<N>/hypercall.  The socket a connection arrives on is
 * the caller's identity.  One request packet, one reply packet
 * (SOCK_SEQPACKET); anything malformed gets -EINVAL, never a crash.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/version.h>

#include "ev.h"
#include "hvvar.h"
#include "log.h"
#include "xenstored.h"

#define HV_DOMU_CONNS	64	/* open hypercall connections per domU */
#define HV_ACCEPT_ROUND	256	/* accepts per poll round */

struct hv_conn {
	int		 c_fd;
	domid_t		 c_domid;
	bool		 c_priv;
	bool		 c_listener;
	bool		 c_preempted;	/* the last call stopped early */
	struct hv_conn	*c_next;
};

static struct hv_conn	*conns;
static unsigned char	 rbuf[XW_MAX_PACKET + sizeof(struct xw_hdr)]
			    __attribute__((__aligned__(16)));
static unsigned char	 wbuf[XW_MAX_PACKET + sizeof(struct xw_rhdr)]
			    __attribute__((__aligned__(16)));
/* A descriptor the request passed, until a request takes it; or -1. */
static int		 rfd = -1;
static pid_t		 rpid;		/* the process that passed it */

static void	on_accept(int, short, void *);
static void	on_request(int, short, void *);

static struct hv_conn *
conn_new(int fd, domid_t domid, bool priv, bool listener)
{
	struct hv_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->c_fd = fd;
	c->c_domid = domid;
	c->c_priv = priv;
	c->c_listener = listener;
	c->c_next = conns;
	conns = c;
	ev_add(fd, POLLIN, listener ? on_accept : on_request, c);
	if (priv)
		ev_dom0(fd);
	return c;
}

static void
conn_close(struct hv_conn *c)
{
	struct hv_conn **pp;

	for (pp = &conns; *pp != NULL; pp = &(*pp)->c_next) {
		if (*pp == c) {
			*pp = c->c_next;
			break;
		}
	}
	ev_del(c->c_fd);
	close(c->c_fd);
	free(c);
}

/* Close a domain's listener and connections (domid 0: dom0's). */
void
hv_conn_drop_domain(domid_t domid)
{
	struct hv_conn *c, *next;

	for (c = conns; c != NULL; c = next) {
		next = c->c_next;
		if (c->c_domid == domid)
			conn_close(c);
	}
}

int
hv_conn_listen(const char *path, domid_t domid, bool priv)
{
	struct sockaddr_un sun;
	int fd, error;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -errno;
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0600) == -1 || listen(fd, 64) == -1) {
		error = errno;
		close(fd);
		return -error;
	}
	if (conn_new(fd, domid, priv, true) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	return fd;
}

/*
 * A domU gets HV_DOMU_CONNS connections and never the descriptors kept
 * for dom0; the excess is refused at once (accepted and closed).
 */
static void
on_accept(int fd, short revents, void *arg)
{
	struct hv_conn *l = arg, *c;
	unsigned int i, n = 0;
	int cfd;

	(void)revents;
	if (!l->c_priv)
		for (c = conns; c != NULL; c = c->c_next)
			if (!c->c_listener && c->c_domid == l->c_domid)
				n++;
	for (i = 0; i < HV_ACCEPT_ROUND; i++) {
		if ((cfd = ev_accept(fd, l->c_priv ? 0 : l->c_domid)) == -1) {
			if (errno == EMFILE)
				continue;
			break;
		}
		if (!l->c_priv && n >= HV_DOMU_CONNS) {
			close(cfd);
			continue;
		}
		if (conn_new(cfd, l->c_domid, l->c_priv, false) == NULL)
			close(cfd);
		else
			n++;
	}
}

static uint32_t
features(const struct hv_domain *d)
{
	uint32_t f = 1U << XENFEAT_memory_op_vnode_supported;

	if (d != NULL && d->d_kind == XENSIM_PVH)
		f |= (1U << XENFEAT_auto_translated_physmap) |
		    (1U << XENFEAT_hvm_callback_vector) |
		    (1U << XENFEAT_hvm_safe_pvclock);
	else
		f |= (1U << XENFEAT_writable_descriptor_tables) |
		    (1U << XENFEAT_mmu_pt_update_preserve_ad) |
		    (1U << XENFEAT_gnttab_map_avail_bits);
	return f;
}

/*
 * One request.  Returns the reply's rc; fills out and *outlen with the
 * payload (in wbuf) and *fdp with a descriptor to pass, or -1.
 */
static int64_t
dispatch(struct hv_conn *c, uint32_t op, unsigned char *in, size_t len,
    unsigned char *out, size_t *outlen, int *fdp)
{
	struct hv_domain *d;
	struct xw_memop m;
	struct xw_range r;
	struct xw_maxmem mm;
	struct xw_mmu mu;
	struct xensim_domcfg cfg;
	struct xensim_dominfo di;
	struct xensim_hostinfo hi;
	struct xensim_fault fa;
	struct xw_start_info si;
	struct xw_ram_watch rw;
	struct xen_feature_info fi;
	xen_pfn_t *list;
	uint64_t i, n;
	int32_t cmd;
	uint32_t domid, done;
	domid_t id;
	int64_t rc;
	int error;

	*outlen = 0;
	*fdp = -1;
	if (op >= XW_DOMAIN_CREATE && !c->c_priv)
		return -EPERM;
	/* Whatever the call, what the guest wrote where it may not is gone. */
	if (!c->c_priv && (d = hv_domain_lookup(c->c_domid)) != NULL)
		hv_ram_settle(d);
	switch (op) {
	case XW_START_INFO:
		if (c->c_priv || (d = hv_domain_lookup(c->c_domid)) == NULL)
			return -EPERM;
		memset(&si, 0, sizeof(si));
		si.domid = d->d_id;
		si.kind = d->d_kind;
		si.nr_pages = d->d_nr_pages;
		si.memfd_pages = d->d_memfd_pages;
		hv_memmap(d, &si);
		memcpy(out, &si, sizeof(si));
		*outlen = sizeof(si);
		*fdp = d->d_memfd;
		return 0;
	case XW_RAM_WATCH:
		if (len != sizeof(rw) || c->c_priv ||
		    (d = hv_domain_lookup(c->c_domid)) == NULL)
			return -EINVAL;
		if (rfd == -1)
			return -EBADF;
		memcpy(&rw, in, sizeof(rw));
		if ((error = hv_ram_watch(d, rfd, rpid, rw.base,
		    rw.pages)) != 0)
			return -error;
		rfd = -1;
		return 0;
	case XW_BOOT_P2M:
		if (len != sizeof(r) || c->c_priv ||
		    (d = hv_domain_lookup(c->c_domid)) == NULL)
			return -EINVAL;
		memcpy(&r, in, sizeof(r));
		if (d->d_kind != XENSIM_PV || r.count > XW_MAX_WINDOW ||
		    r.start > d->d_nr_pages || r.count > d->d_nr_pages - r.start)
			return -EINVAL;
		list = (xen_pfn_t *)(void *)out;
		for (i = 0; i < r.count; i++)
			list[i] = d->d_p2m[r.start + i] == 0 ? (xen_pfn_t)~0UL :
			    d->d_p2m[r.start + i] - 1;
		*outlen = r.count * sizeof(*list);
		return 0;
	case XW_MEMORY_OP:
		if (len < sizeof(m))
			return -EINVAL;
		memcpy(&m, in, sizeof(m));
		if (m.cmd == XENMEM_current_reservation ||
		    m.cmd == XENMEM_maximum_reservation)
			return hv_reservation_query(c->c_domid, c->c_priv,
			    m.cmd, (domid_t)m.domid);
		if (m.cmd == XENMEM_memory_map) {
			if (len != sizeof(m))
				return -EINVAL;
			rc = hv_memory_map(c->c_priv ? NULL :
			    hv_domain_lookup(c->c_domid),
			    (struct xw_e820 *)(void *)out,
			    m.nr_extents < XW_E820_MAX ? m.nr_extents :
			    XW_E820_MAX, &n);
			*outlen = n * sizeof(struct xw_e820);
			return rc;
		}
		if (m.cmd != XENMEM_increase_reservation &&
		    m.cmd != XENMEM_decrease_reservation &&
		    m.cmd != XENMEM_populate_physmap)
			return -ENOSYS;
		n = m.has_list ? m.count : 0;
		/*
		 * The window lies within the call, and start is one Xen's
		 * continuation encoding can carry; without a list, no count.
		 */
		if ((!m.has_list && m.count != 0) ||
		    m.start > (UINT_MAX >> HV_MEMOP_EXTENT_SHIFT) ||
		    (n != 0 && (m.start >= m.nr_extents ||
		    n > m.nr_extents - m.start)))
			return -EINVAL;
		if (n > XW_MAX_WINDOW || len != sizeof(m) + n * sizeof(*list))
			return -EINVAL;
		list = (xen_pfn_t *)(void *)out;
		memcpy(list, in + sizeof(m), n * sizeof(*list));
		rc = hv_memory_op(c->c_domid, c->c_priv, &m, list,
		    &c->c_preempted);
		*outlen = n * sizeof(*list);
		return rc;
	case XW_MMU_UPDATE:
		if (len < sizeof(mu))
			return -EINVAL;
		memcpy(&mu, in, sizeof(mu));
		if (mu.count > XW_MAX_WINDOW ||
		    len != sizeof(mu) + mu.count * sizeof(struct mmu_update))
			return -EINVAL;
		id = c->c_domid;
		if (mu.foreigndom != DOMID_SELF && mu.foreigndom != id) {
			if (!c->c_priv)
				return -EPERM;
			id = (domid_t)mu.foreigndom;
		}
		/* in + sizeof(mu) is 8-aligned: rbuf follows a 16-byte header. */
		rc = hv_mmu_update(id,
		    (const struct mmu_update *)(void *)(in + sizeof(mu)),
		    mu.count, &done);
		memcpy(out, &done, sizeof(done));
		*outlen = sizeof(done);
		return rc;
	case XW_XEN_VERSION:
		if (len != sizeof(cmd) + sizeof(fi))
			return -EINVAL;
		memcpy(&cmd, in, sizeof(cmd));
		memcpy(&fi, in + sizeof(cmd), sizeof(fi));
		if (cmd != XENVER_get_features)
			return -ENOSYS;
		fi.submap = fi.submap_idx == 0 ?
		    features(hv_domain_lookup(c->c_domid)) : 0;
		memcpy(out, &fi, sizeof(fi));
		*outlen = sizeof(fi);
		return 0;
	case XW_DOMAIN_CREATE:
		if (len != sizeof(cfg))
			return -EINVAL;
		memcpy(&cfg, in, sizeof(cfg));
		if ((error = hv_domain_create(&cfg, &id)) != 0)
			return -error;
		return id;
	case XW_DOMAIN_DESTROY:
	case XW_DOMAIN_GETINFO:
		if (len != sizeof(domid))
			return -EINVAL;
		memcpy(&domid, in, sizeof(domid));
		if (domid > UINT16_MAX ||
		    (d = hv_domain_lookup((domid_t)domid)) == NULL)
			return -ESRCH;
		if (op == XW_DOMAIN_DESTROY) {
			hv_domain_destroy(d);
			return 0;
		}
		hv_ram_settle(d);
		hv_domain_info(d, &di);
		memcpy(out, &di, sizeof(di));
		*outlen = sizeof(di);
		return 0;
	case XW_DOMAIN_LIST:
		if (len != sizeof(r))
			return -EINVAL;
		memcpy(&r, in, sizeof(r));
		if (r.start > UINT16_MAX)
			return 0;
		n = 0;
		d = hv_domain_next((domid_t)r.start);
		for (; d != NULL && n < r.count &&
		    (n + 1) * sizeof(di) <= XW_MAX_PACKET;
		    d = hv_domain_next(d->d_id)) {
			hv_ram_settle(d);
			hv_domain_info(d, &di);
			memcpy(out + n * sizeof(di), &di, sizeof(di));
			n++;
		}
		*outlen = n * sizeof(di);
		return (int64_t)n;
	case XW_DOMAIN_SETMAXMEM:
		if (len != sizeof(mm))
			return -EINVAL;
		memcpy(&mm, in, sizeof(mm));
		if (mm.domid > UINT16_MAX ||
		    (d = hv_domain_lookup((domid_t)mm.domid)) == NULL)
			return -ESRCH;
		/* xc_domain_setmaxmem: KiB to pages, rounded down. */
		d->d_max_pages = mm.max_kib / 4 > UINT32_MAX ? UINT32_MAX :
		    mm.max_kib / 4;
		return 0;
	case XW_HOST_INFO:
		memset(&hi, 0, sizeof(hi));
		hi.total_pages = hv_total_pages();
		hi.free_pages = hv_free_pages();
		memcpy(out, &hi, sizeof(hi));
		*outlen = sizeof(hi);
		return 0;
	case XW_FAULT:
		memset(&fa, 0, sizeof(fa));
		if (len == sizeof(struct xw_fault_v1))
			/* The leading fields are laid out alike. */
			memcpy(&fa, in, offsetof(struct xensim_fault, xs_drop));
		else if (len == sizeof(fa))
			memcpy(&fa, in, sizeof(fa));
		else
			return -EINVAL;
		if ((d = hv_domain_lookup(fa.domid)) == NULL)
			return -ESRCH;
		if (!fa.mem_keep && (fa.alloc_budget < -1 ||
		    (fa.limit_order && fa.max_order > HV_CTLDOM_MAX_ORDER)))
			return -EINVAL;
		if (!fa.mem_keep) {
			d->d_alloc_budget = fa.alloc_budget;
			d->d_pool_empty = fa.pool_empty != 0;
			d->d_limit_order = fa.limit_order != 0;
			d->d_max_order = fa.max_order;
			d->d_limit_extents = fa.limit_extents != 0;
			d->d_max_extents = fa.max_extents;
			hv_log("d%u: fault: alloc budget %lld, pool %s, "
			    "max order %d, extents per call %lld", d->d_id,
			    (long long)fa.alloc_budget,
			    fa.pool_empty ? "empty" : "ok",
			    fa.limit_order ? (int)fa.max_order : -1,
			    fa.limit_extents ? (long long)fa.max_extents : -1);
		}
		if (fa.xs_drop)
			hv_log("d%u: fault: xenstore: %u connection(s) dropped",
			    d->d_id, xsd_drop_domain(d->d_id));
		return 0;
	default:
		return -ENOSYS;
	}
}

size_t
hv_conn_packet(domid_t domid, bool priv, unsigned char *pkt, size_t n,
    unsigned char *reply, int *sfdp)
{
	struct hv_conn c = { .c_fd = -1, .c_domid = domid, .c_priv = priv };
	struct xw_hdr h;
	struct xw_rhdr rh;
	size_t outlen;

	memset(&h, 0, sizeof(h));
	memset(&rh, 0, sizeof(rh));
	memcpy(&h, pkt, sizeof(h) < n ? sizeof(h) : n);
	outlen = 0;
	*sfdp = -1;
	if (n > sizeof(rbuf) || n < sizeof(h) ||
	    h.magic != XW_MAGIC || h.len != n - sizeof(h))
		rh.rc = -EINVAL;
	else
		rh.rc = dispatch(&c, h.op, pkt + sizeof(h), h.len,
		    reply + sizeof(rh), &outlen, sfdp);
	rh.len = (uint32_t)outlen;
	if (c.c_preempted)
		rh.flags |= XW_RF_PREEMPTED;
	memcpy(reply, &rh, sizeof(rh));
	return sizeof(rh) + outlen;
}

static void
on_request(int fd, short revents, void *arg)
{
	struct hv_conn *c = arg;
	struct iovec iov;
	struct ucred cred;
	socklen_t cl;
	ssize_t n;
	int pfd, sfd;

	(void)revents;
	n = xw_recvfd(fd, rbuf, sizeof(rbuf), MSG_TRUNC | MSG_DONTWAIT, &pfd);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (pfd != -1)
			close(pfd);
		conn_close(c);
		return;
	}
	/* Only a domU's XW_RAM_WATCH keeps what it passes. */
	if (pfd != -1) {
		rfd = pfd;
		cl = sizeof(cred);
		rpid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 ?
		    cred.pid : 0;
	}
	iov.iov_base = wbuf;
	iov.iov_len = hv_conn_packet(c->c_domid, c->c_priv, rbuf, (size_t)n,
	    wbuf, &sfd);
	if (rfd != -1) {
		close(rfd);
		rfd = -1;
	}
	/* A client that does not wait for its reply is dropped. */
	if (xw_sendfd(fd, &iov, 1, sfd, MSG_DONTWAIT) == -1)
		conn_close(c);
}
