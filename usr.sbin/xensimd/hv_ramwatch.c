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
 * What Xen does when a guest touches a frame it does not own.  The
 * guest's host side registers its RAM mapping with userfaultfd(2)
 * (missing pages of the memfd) and hands us the descriptor at start:
 * a frame the domain owns is in the memfd and never faults; any other
 * access lands here.  As on a real Xen, a read of a frame the guest gave
 * away returns all ones and a write is dropped: the fault is answered
 * with a page of 0xff, punched out again before the domain's next
 * hypercall (or dom0's next look at it), so what the guest wrote there
 * is gone.  Every such access is logged and counted: the driver must
 * never make one.  A touch of a populate-on-demand entry with the cache
 * empty crashes the domain, as Xen does.
 */

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/userfaultfd.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "hvvar.h"
#include "log.h"

static unsigned char	ones[HV_PAGE_SIZE] __attribute__((__aligned__(4096)));
/* Zeros for a 2 MiB populate-on-demand extent at most. */
static unsigned char	zeros[HV_PAGE_SIZE << HV_DOMU_MAX_ORDER]
			    __attribute__((__aligned__(4096)));

static void	on_fault(int, short, void *);

/* Is fd a userfaultfd?  Its /proc link names the anonymous inode. */
static bool
is_uffd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((n = readlink(path, link, sizeof(link) - 1)) == -1)
		return false;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[userfaultfd]") == 0;
}

/*
 * The domain's RAM, pages frames mapped at base in its guest, is
 * watched through uffd, which is now ours.  0 or an errno.
 */
int
hv_ram_watch(struct hv_domain *d, int uffd, pid_t pid, uint64_t base,
    uint64_t pages)
{

	if (d->d_uffd != -1)
		return EBUSY;
	if (pages != d->d_memfd_pages || base % HV_PAGE_SIZE != 0 ||
	    base + pages * HV_PAGE_SIZE < base || !is_uffd(uffd))
		return EINVAL;
	if (fcntl(uffd, F_SETFL, O_NONBLOCK) == -1)
		return errno;
	d->d_uffd = uffd;
	d->d_ram_pid = pid;
	d->d_ram_base = base;
	ev_add(uffd, POLLIN, on_fault, (void *)(uintptr_t)d->d_id);
	hv_glog(d->d_id, "d%u: guest RAM watched: accesses to frames it does "
	    "not own are answered as Xen does", d->d_id);
	return 0;
}

void
hv_ram_unwatch(struct hv_domain *d)
{

	if (d->d_uffd == -1)
		return;
	ev_del(d->d_uffd);
	close(d->d_uffd);
	d->d_uffd = -1;
	free(d->d_ones);
	d->d_ones = NULL;
	d->d_nones = d->d_cones = 0;
}

/*
 * Before the domain's frames change or are counted: the pages of ones
 * handed out go, and with them what the guest wrote there.
 */
void
hv_ram_settle(struct hv_domain *d)
{
	size_t i;

	for (i = 0; i < d->d_nones; i++)
		if (d->d_p2m[d->d_ones[i]] == 0 &&
		    fallocate(d->d_memfd, FALLOC_FL_PUNCH_HOLE |
		    FALLOC_FL_KEEP_SIZE, (off_t)(d->d_ones[i] * HV_PAGE_SIZE),
		    HV_PAGE_SIZE) == -1)
			hv_glog(d->d_id, "d%u: punching gfn %#" PRIx64 ": %s",
			    d->d_id, d->d_ones[i], strerror(errno));
	d->d_nones = 0;
}

/*
 * Fill n pages from gfn on from src (n pages long); the faulting thread
 * wakes.  An already present page is only woken.
 */
static int
fill(struct hv_domain *d, uint64_t gfn, const void *src, uint64_t n)
{
	struct uffdio_copy c;
	struct uffdio_range r;

	memset(&c, 0, sizeof(c));
	c.dst = d->d_ram_base + gfn * HV_PAGE_SIZE;
	c.src = (uintptr_t)src;
	c.len = n * HV_PAGE_SIZE;
	if (ioctl(d->d_uffd, UFFDIO_COPY, &c) == 0)
		return 0;
	if (errno != EEXIST)
		return errno;
	r.start = c.dst;
	r.len = c.len;
	return ioctl(d->d_uffd, UFFDIO_WAKE, &r) == 0 ? 0 : errno;
}

/* A frame the domain does not own: all ones, counted and logged. */
static void
foreign(struct hv_domain *d, uint64_t gfn, bool write)
{
	uint64_t *n;
	size_t cap;
	int error;

	d->d_foreign++;
	hv_glog(d->d_id, "d%u: %s of gfn %#" PRIx64 ", not the domain's: reads "
	    "all ones, writes dropped (%" PRIu64 " such accesses)", d->d_id,
	    write ? "write" : "read", gfn, d->d_foreign);
	if (d->d_nones == d->d_cones) {
		cap = d->d_cones ? d->d_cones * 2 : 16;
		if ((n = reallocarray(d->d_ones, cap, sizeof(*n))) == NULL) {
			hv_glog(d->d_id, "d%u: out of memory", d->d_id);
			return;
		}
		d->d_ones = n;
		d->d_cones = cap;
	}
	if ((error = fill(d, gfn, ones, 1)) != 0)
		hv_glog(d->d_id, "d%u: answering gfn %#" PRIx64 ": %s",
		    d->d_id, gfn, strerror(error));
	else
		d->d_ones[d->d_nones++] = gfn;
}

static void
on_fault(int fd, short revents, void *arg)
{
	struct hv_domain *d;
	struct uffd_msg msg;
	uint64_t gfn, base, n;
	ssize_t got;
	int error;

	(void)revents;
	if ((d = hv_domain_lookup((domid_t)(uintptr_t)arg)) == NULL ||
	    d->d_uffd != fd) {
		ev_del(fd);
		return;
	}
	if (ones[0] == 0)
		memset(ones, 0xff, sizeof(ones));
	for (;;) {
		got = read(fd, &msg, sizeof(msg));
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1 && errno == EAGAIN)
			return;
		if (got != sizeof(msg)) {
			hv_glog(d->d_id, "d%u: guest RAM watch ended", d->d_id);
			hv_ram_unwatch(d);
			return;
		}
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		gfn = (msg.arg.pagefault.address - d->d_ram_base) /
		    HV_PAGE_SIZE;
		if (msg.arg.pagefault.address < d->d_ram_base ||
		    gfn >= d->d_memfd_pages)
			continue;
		if (d->d_p2m[gfn] == HV_P2M_POD) {
			if ((n = hv_pod_touch(d, gfn, &base)) == 0) {
				hv_domain_crash(d);
				return;	/* the watch is gone */
			}
			if ((error = fill(d, base, zeros, n)) != 0)
				hv_glog(d->d_id, "d%u: populating gfn %#"
				    PRIx64 ": %s", d->d_id, base,
				    strerror(error));
		} else if (d->d_p2m[gfn] == 0)
			foreign(d, gfn, (msg.arg.pagefault.flags &
			    UFFD_PAGEFAULT_FLAG_WRITE) != 0);
		else if ((error = fill(d, gfn, zeros, 1)) != 0)
			/* Owned, populated meanwhile: present, woken. */
			hv_glog(d->d_id, "d%u: answering gfn %#" PRIx64 ": %s",
			    d->d_id, gfn, strerror(error));
	}
}

/*
 * domain_crash(): the guest stops for good (its process is killed) and
 * the domain stays, shown crashed, until dom0 destroys it.
 */
void
hv_domain_crash(struct hv_domain *d)
{
	int status;

	hv_log("Domain %u (vcpu#0) crashed on cpu#0:", d->d_id);
	d->d_crashed = true;
	/* A guest not of our starting: the process that handed its RAM. */
	if (d->d_pid == 0 && d->d_ram_pid > 0)
		kill(d->d_ram_pid, SIGKILL);
	hv_ram_unwatch(d);
	if (d->d_pid != 0) {
		kill(d->d_pid, SIGKILL);
		while (waitpid(d->d_pid, &status, 0) == -1 && errno == EINTR)
			continue;
		d->d_pid = 0;
	}
}
