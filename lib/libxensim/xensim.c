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
 * libxensim: the client side of xensimd's hypervisor.  Each call is one
 * request packet and one reply packet (see xensim_wire.h); reservation
 * calls with long extent lists travel in windows, as Xen's own
 * continuations do, and stop at the first short window.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <linux/userfaultfd.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/version.h>

#include "xensim.h"
#include "xensim_wire.h"

struct xensim {
	int		 fd;
	unsigned char	*buf;		/* one packet */
	int		 sendfd;	/* passed with the next request, or -1 */
	uint32_t	 rflags;	/* the last reply's XW_RF_* */
	xensim_part_fn	*part;		/* told of each part of a call done */
	void		*part_arg;
};

const char *
xensim_dir(void)
{
	const char *d;

	if ((d = getenv("XENSIM_DIR")) != NULL && *d != '\0')
		return d;
	return XENSIM_DEFAULT_DIR;
}

static struct xensim *
xs_connect(const char *path)
{
	struct sockaddr_un sun;
	struct xensim *h;
	int error;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sun.sun_path, path);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->sendfd = -1;
	/* Room for a header and a full payload, 16-byte aligned. */
	if ((h->buf = aligned_alloc(16, XW_MAX_PACKET + 64)) == NULL) {
		free(h);
		return NULL;
	}
	if ((h->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(h->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		error = errno;
		if (h->fd != -1)
			close(h->fd);
		free(h->buf);
		free(h);
		errno = error;
		return NULL;
	}
	return h;
}

struct xensim *
xensim_open_privcmd(const char *dir)
{
	char path[PATH_MAX];

	if (dir == NULL)
		dir = xensim_dir();
	if ((size_t)snprintf(path, sizeof(path), "%s/privcmd", dir) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return xs_connect(path);
}

struct xensim *
xensim_open_domain(const char *hypercall_path)
{

	if (hypercall_path == NULL &&
	    (hypercall_path = getenv("XENSIM_HYPERCALL")) == NULL) {
		errno = ENOENT;
		return NULL;
	}
	return xs_connect(hypercall_path);
}

void
xensim_close(struct xensim *h)
{

	if (h == NULL)
		return;
	close(h->fd);
	free(h->buf);
	free(h);
}

/*
 * Send op with payload a (alen) + b (blen); receive the reply payload
 * into out (at most outmax), and a passed descriptor into *fdp.
 * Returns the reply's rc, or -errno when the daemon could not be reached.
 */
static int64_t
call(struct xensim *h, uint32_t op, const void *a, size_t alen,
    const void *b, size_t blen, void *out, size_t outmax, size_t *outlen,
    int *fdp)
{
	struct xw_hdr hdr;
	struct xw_rhdr rh;
	struct iovec iov[3];
	ssize_t n;
	int fd;

	fd = h->sendfd;
	h->sendfd = -1;
	if (outlen != NULL)
		*outlen = 0;
	if (fdp != NULL)
		*fdp = -1;
	if (alen + blen > XW_MAX_PACKET)
		return -EMSGSIZE;
	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = XW_MAGIC;
	hdr.op = op;
	hdr.len = (uint32_t)(alen + blen);
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)a;
	iov[1].iov_len = alen;
	iov[2].iov_base = (void *)(uintptr_t)b;
	iov[2].iov_len = blen;
	if (xw_sendfd(h->fd, iov, 3, fd, 0) == -1)
		return -errno;

	do
		n = xw_recvfd(h->fd, h->buf, XW_MAX_PACKET + 64, 0, &fd);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -errno;
	if ((size_t)n < sizeof(rh)) {
		if (fd != -1)
			close(fd);
		return n == 0 ? -ECONNRESET : -EPROTO;
	}
	memcpy(&rh, h->buf, sizeof(rh));
	h->rflags = rh.flags;
	if (rh.len != (size_t)n - sizeof(rh) || rh.len > outmax) {
		if (fd != -1)
			close(fd);
		return -EPROTO;
	}
	if (out != NULL)
		memcpy(out, h->buf + sizeof(rh), rh.len);
	if (outlen != NULL)
		*outlen = rh.len;
	if (fdp != NULL)
		*fdp = fd;
	else if (fd != -1)
		close(fd);
	return rh.rc;
}

static long
reservation(struct xensim *h, unsigned int cmd,
    struct xen_memory_reservation *r)
{
	struct xw_memop m;
	xen_pfn_t *list;
	uint64_t count;
	int64_t rc;

	memset(&m, 0, sizeof(m));
	m.cmd = cmd;
	m.nr_extents = r->nr_extents;
	m.extent_order = r->extent_order;
	m.mem_flags = r->mem_flags;
	m.domid = r->domid;
	list = r->extent_start.p;
	m.has_list = list != NULL;
	if (list == NULL || r->nr_extents > (UINT_MAX >> 6))
		/* Xen decides from the header alone. */
		return (long)call(h, XW_MEMORY_OP, &m, sizeof(m), NULL, 0,
		    NULL, 0, NULL, NULL);
	m.start = 0;
	m.flags = XW_MF_PREEMPT;
	rc = 0;
	do {
		count = r->nr_extents - m.start;
		if (count > XW_MAX_WINDOW)
			count = XW_MAX_WINDOW;
		m.count = count;
		rc = call(h, XW_MEMORY_OP, &m, sizeof(m), list + m.start,
		    count * sizeof(*list), list + m.start,
		    count * sizeof(*list), NULL, NULL);
		if (rc < 0)
			return (long)m.start;	/* daemon gone: nothing more */
		if (h->part != NULL && (uint64_t)rc > m.start)
			(*h->part)(h->part_arg, cmd, r, m.start, (uint64_t)rc);
		if ((h->rflags & XW_RF_PREEMPTED) && (uint64_t)rc > m.start &&
		    (uint64_t)rc < m.start + count) {
			m.start = (uint64_t)rc;	/* a continuation */
			continue;
		}
		if ((uint64_t)rc < m.start + count)
			return (long)rc;
		m.start += count;
	} while (m.start < r->nr_extents);
	return (long)rc;
}

/* XENMEM_memory_map: the entries into the guest's buffer, packed. */
static long
memory_map(struct xensim *h, struct xen_memory_map *mm)
{
	struct xw_memop m;
	struct xw_e820 e[XW_E820_MAX];
	unsigned char *buf;
	size_t len, i, n;
	int64_t rc;

	memset(&m, 0, sizeof(m));
	m.cmd = XENMEM_memory_map;
	m.nr_extents = mm->nr_entries;
	m.domid = DOMID_SELF;
	rc = call(h, XW_MEMORY_OP, &m, sizeof(m), NULL, 0, e, sizeof(e), &len,
	    NULL);
	if (rc != 0)
		return (long)rc;
	n = len / sizeof(e[0]);
	if (len % sizeof(e[0]) != 0 || n > mm->nr_entries)
		return -EPROTO;
	buf = mm->buffer.p;
	if (buf == NULL && n > 0)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		memcpy(buf + i * XW_E820_SIZE, &e[i].addr, 8);
		memcpy(buf + i * XW_E820_SIZE + 8, &e[i].size, 8);
		memcpy(buf + i * XW_E820_SIZE + 16, &e[i].type, 4);
	}
	mm->nr_entries = (unsigned int)n;
	return 0;
}

void
xensim_set_part_hook(struct xensim *h, xensim_part_fn *fn, void *arg)
{

	h->part = fn;
	h->part_arg = arg;
}

long
xensim_memory_op(struct xensim *h, unsigned int cmd, void *arg)
{
	struct xw_memop m;

	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		if (arg == NULL)
			return -EFAULT;
		return reservation(h, cmd, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		if (arg == NULL)
			return -EFAULT;
		memset(&m, 0, sizeof(m));
		m.cmd = cmd;
		m.domid = *(domid_t *)arg;
		return (long)call(h, XW_MEMORY_OP, &m, sizeof(m), NULL, 0,
		    NULL, 0, NULL, NULL);
	case XENMEM_memory_map:
		if (arg == NULL)
			return -EFAULT;
		return memory_map(h, arg);
	default:
		return -ENOSYS;
	}
}

int
xensim_mmu_update(struct xensim *h, const struct mmu_update *reqs,
    unsigned int count, unsigned int *done, domid_t foreigndom)
{
	struct xw_mmu mu;
	unsigned int off, n, d;
	size_t len;
	int64_t rc = 0;

	for (off = 0; off < count || off == 0; off += n) {
		n = count - off;
		if (n > XW_MAX_WINDOW)
			n = XW_MAX_WINDOW;
		mu.count = n;
		mu.foreigndom = foreigndom;
		d = 0;
		rc = call(h, XW_MMU_UPDATE, &mu, sizeof(mu), reqs + off,
		    n * sizeof(*reqs), &d, sizeof(d), &len, NULL);
		if (len != sizeof(d))
			d = 0;
		if (done != NULL)
			*done = off + d;
		if (rc != 0 || count == 0)
			break;
	}
	return (int)rc;
}

int
xensim_xen_version(struct xensim *h, int cmd, void *arg)
{
	int32_t c = cmd;
	struct xen_feature_info fi;

	if (cmd != XENVER_get_features)
		return -ENOSYS;
	if (arg == NULL)
		return -EFAULT;
	memcpy(&fi, arg, sizeof(fi));
	return (int)call(h, XW_XEN_VERSION, &c, sizeof(c), &fi, sizeof(fi),
	    arg, sizeof(fi), NULL, NULL);
}

int
xensim_start_info(struct xensim *h, struct xensim_start_info *si)
{
	struct xw_start_info w;
	struct xw_range r;
	size_t len;
	int64_t rc;
	int fd;

	memset(si, 0, sizeof(*si));
	si->memfd = -1;
	rc = call(h, XW_START_INFO, NULL, 0, NULL, 0, &w, sizeof(w), &len,
	    &fd);
	if (rc == 0 && (len != sizeof(w) || fd == -1))
		rc = -EPROTO;
	if (rc != 0) {
		if (fd != -1)
			close(fd);
		errno = (int)-rc;
		return -1;
	}
	si->domid = (domid_t)w.domid;
	si->kind = (enum xensim_kind)w.kind;
	si->nr_pages = w.nr_pages;
	si->memfd_pages = w.memfd_pages;
	si->nr_memmap = w.nr_memmap < XENSIM_MEMMAP_MAX ? w.nr_memmap :
	    XENSIM_MEMMAP_MAX;
	memcpy(si->memmap, w.memmap, si->nr_memmap * sizeof(*si->memmap));
	si->memfd = fd;
	si->p2m = NULL;
	if (si->kind != XENSIM_PV)
		return 0;
	if (w.nr_pages > w.memfd_pages || w.memfd_pages > SIZE_MAX /
	    sizeof(*si->p2m)) {
		errno = EPROTO;
		goto fail;
	}
	if ((si->p2m = malloc((w.memfd_pages ? w.memfd_pages : 1) *
	    sizeof(*si->p2m))) == NULL)
		goto fail;
	for (r.start = w.nr_pages; r.start < w.memfd_pages; r.start++)
		si->p2m[r.start] = ~(xen_pfn_t)0;
	for (r.start = 0; r.start < w.nr_pages; r.start += r.count) {
		r.count = w.nr_pages - r.start;
		if (r.count > XW_MAX_WINDOW)
			r.count = XW_MAX_WINDOW;
		rc = call(h, XW_BOOT_P2M, &r, sizeof(r), NULL, 0,
		    si->p2m + r.start, r.count * sizeof(*si->p2m), &len, NULL);
		if (rc != 0 || len != r.count * sizeof(*si->p2m)) {
			errno = rc < 0 ? (int)-rc : EPROTO;
			goto fail;
		}
	}
	return 0;
fail:
	rc = errno;
	free(si->p2m);
	si->p2m = NULL;
	close(si->memfd);
	si->memfd = -1;
	errno = (int)rc;
	return -1;
}

/*
 * userfaultfd(2) on [ram, ram + memfd_pages), missing pages, handed to
 * the hypervisor.  Without vm.unprivileged_userfaultfd only root may
 * watch kernel accesses too; anyone else watches the guest's own.
 */
int
xensim_ram_watch(struct xensim *h, void *ram, uint64_t memfd_pages)
{
	struct uffdio_api api;
	struct uffdio_register reg;
	struct xw_ram_watch w;
	int64_t rc;
	int uffd, error;

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd == -1 && errno == EPERM)
		uffd = (int)syscall(SYS_userfaultfd,
		    O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (uffd == -1)
		return -1;
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)ram;
	reg.range.len = memfd_pages * 4096;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_API, &api) == -1 ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg) == -1)
		goto fail;
	if ((reg.ioctls & (UINT64_C(1) << _UFFDIO_COPY)) == 0) {
		errno = EOPNOTSUPP;
		goto fail;
	}
	w.base = (uintptr_t)ram;
	w.pages = memfd_pages;
	h->sendfd = uffd;
	rc = call(h, XW_RAM_WATCH, &w, sizeof(w), NULL, 0, NULL, 0, NULL,
	    NULL);
	if (rc != 0) {
		errno = rc < 0 ? (int)-rc : EPROTO;
		goto fail;
	}
	close(uffd);
	return 0;
fail:
	error = errno;
	/* Closing it unregisters the range: faults resolve as before. */
	close(uffd);
	errno = error;
	return -1;
}

/* Control calls: 0, or -1 with errno, like libxenctrl. */
static int
ctl(int64_t rc)
{

	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return 0;
}

int
xensim_domain_create(struct xensim *h, const struct xensim_domcfg *cfg,
    domid_t *idp)
{
	int64_t rc;

	rc = call(h, XW_DOMAIN_CREATE, cfg, sizeof(*cfg), NULL, 0, NULL, 0,
	    NULL, NULL);
	if (rc >= 0 && idp != NULL)
		*idp = (domid_t)rc;
	return ctl(rc);
}

int
xensim_domain_destroy(struct xensim *h, domid_t id)
{
	uint32_t d = id;

	return ctl(call(h, XW_DOMAIN_DESTROY, &d, sizeof(d), NULL, 0, NULL,
	    0, NULL, NULL));
}

int
xensim_domain_getinfo(struct xensim *h, domid_t id,
    struct xensim_dominfo *di)
{
	uint32_t d = id;
	size_t len;
	int64_t rc;

	rc = call(h, XW_DOMAIN_GETINFO, &d, sizeof(d), NULL, 0, di,
	    sizeof(*di), &len, NULL);
	if (rc == 0 && len != sizeof(*di))
		rc = -EPROTO;
	return ctl(rc);
}

int
xensim_domain_list(struct xensim *h, struct xensim_dominfo **listp,
    unsigned int *np)
{
	struct xensim_dominfo *list = NULL, *nl;
	struct xw_range r;
	unsigned int n = 0, got;
	size_t len;
	int64_t rc;
	const size_t per = XW_MAX_PACKET / sizeof(*list);

	r.start = 0;
	for (;;) {
		if ((nl = reallocarray(list, n + per, sizeof(*list))) == NULL) {
			free(list);
			return -1;
		}
		list = nl;
		r.count = per;
		rc = call(h, XW_DOMAIN_LIST, &r, sizeof(r), NULL, 0, list + n,
		    per * sizeof(*list), &len, NULL);
		if (rc < 0 || len != (size_t)rc * sizeof(*list)) {
			free(list);
			return ctl(rc < 0 ? rc : -EPROTO);
		}
		got = (unsigned int)rc;
		n += got;
		if (got < per)
			break;
		r.start = list[n - 1].domid;
	}
	*listp = list;
	*np = n;
	return 0;
}

int
xensim_domain_setmaxmem(struct xensim *h, domid_t id, uint64_t max_kib)
{
	struct xw_maxmem mm;

	memset(&mm, 0, sizeof(mm));
	mm.domid = id;
	mm.max_kib = max_kib;
	return ctl(call(h, XW_DOMAIN_SETMAXMEM, &mm, sizeof(mm), NULL, 0,
	    NULL, 0, NULL, NULL));
}

int
xensim_host_info(struct xensim *h, struct xensim_hostinfo *hi)
{
	size_t len;
	int64_t rc;

	rc = call(h, XW_HOST_INFO, NULL, 0, NULL, 0, hi, sizeof(*hi), &len,
	    NULL);
	if (rc == 0 && len != sizeof(*hi))
		rc = -EPROTO;
	return ctl(rc);
}

int
xensim_fault(struct xensim *h, const struct xensim_fault *f)
{

	return ctl(call(h, XW_FAULT, f, sizeof(*f), NULL, 0, NULL, 0, NULL,
	    NULL));
}
