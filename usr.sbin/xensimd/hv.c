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
 * The hypervisor half of xensimd: the host, its domains, and their
 * lifetimes.  A domain is created by dom0 (the toolstack writes its
 * xenstore nodes), runs its guest program if it has one, and dies when
 * that program exits or dom0 destroys it: every frame goes back to the
 * host and the toolstack removes its nodes, as libxl does.
 */

#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv.h"
#include "hvvar.h"
#include "log.h"
#include "ratelimit.h"
#include "xenstored.h"

const char		*hv_dir;
char			 hv_bootdir[PATH_MAX];
int			 hv_live_rfd = -1;
static int		 hv_live_wfd = -1;

static bool
valid_name(const char *name)
{
	const char *p;

	if (*name == '\0' || strlen(name) >= 64)
		return false;
	/* A name that is all digits would read as a domid. */
	if (strspn(name, "0123456789") == strlen(name))
		return false;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return false;
	return true;
}

static int
check_cfg(const struct xensim_domcfg *cfg, uint64_t *maxmemp)
{
	uint64_t maxmem;

	if (memchr(cfg->name, '\0', sizeof(cfg->name)) == NULL ||
	    memchr(cfg->kernel, '\0', sizeof(cfg->kernel)) == NULL ||
	    memchr(cfg->cmdline, '\0', sizeof(cfg->cmdline)) == NULL)
		return EINVAL;
	if (!valid_name(cfg->name))
		return EINVAL;
	if (hv_domain_byname(cfg->name) != NULL)
		return EEXIST;
	if (cfg->kind != XENSIM_PV && cfg->kind != XENSIM_PVH)
		return EINVAL;
	if (cfg->toolstack != XENSIM_LIBXL && cfg->toolstack != XENSIM_XAPI)
		return EINVAL;
	maxmem = cfg->maxmem_kib == 0 ? cfg->memory_kib : cfg->maxmem_kib;
	/* Whole MiB, as xl's memory= and maxmem= are. */
	if (cfg->memory_kib == 0 || cfg->memory_kib % 1024 != 0 ||
	    maxmem % 1024 != 0 || maxmem < cfg->memory_kib)
		return EINVAL;
	/* PVH RAM above the hole ends higher: the P2M holds it all. */
	if (maxmem / 4 > HV_MAX_GFN - (cfg->kind == XENSIM_PVH ?
	    HV_PVH_HIGHMEM - HV_PVH_LOWMEM_END : 0))
		return EFBIG;
	if (cfg->kernel[0] != '\0' && access(cfg->kernel, X_OK) == -1)
		return errno;
	*maxmemp = maxmem;
	return 0;
}

static void
make_uuid(char *buf)
{
	unsigned char u[16];
	int fd;
	size_t i;

	memset(u, 0, sizeof(u));
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		(void)read(fd, u, sizeof(u));
		close(fd);
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++)
		buf += sprintf(buf, "%s%02x",
		    i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", u[i]);
}

/*
 * The RAM of the memory map: PV's is one range from 0; PVH's stops at
 * the hole below 4 GiB and goes on above it (libxl__build_hvm's
 * lowmem_end and highmem_end).
 */
static void
ram_layout(struct hv_domain *d)
{
	uint64_t n = d->d_nr_pages;

	d->d_ram[0].r_gfn = 0;
	d->d_ram[0].r_n = n;
	d->d_nram = 1;
	if (d->d_kind != XENSIM_PVH || n <= HV_PVH_LOWMEM_END)
		return;
	d->d_ram[0].r_n = HV_PVH_LOWMEM_END;
	d->d_ram[1].r_gfn = HV_PVH_HIGHMEM;
	d->d_ram[1].r_n = n - HV_PVH_LOWMEM_END;
	d->d_nram = 2;
}

/*
 * The memory map the guest boots with, in libxl's order: RAM, the
 * special pages and the ACPI tables (PVH), RAM above 4 GiB.
 */
void
hv_memmap(const struct hv_domain *d, struct xw_start_info *si)
{
	struct hvm_memmap_table_entry *e = si->memmap;

	memset(si->memmap, 0, sizeof(si->memmap));
	e->addr = 0;
	e->size = d->d_ram[0].r_n * HV_PAGE_SIZE;
	e++->type = XEN_HVM_MEMMAP_TYPE_RAM;
	if (d->d_kind == XENSIM_PVH) {
		e->addr = (uint64_t)HV_SPECIAL_GFN * HV_PAGE_SIZE;
		e->size = (uint64_t)HV_SPECIAL_PAGES * HV_PAGE_SIZE;
		e++->type = XEN_HVM_MEMMAP_TYPE_RESERVED;
		e->addr = (uint64_t)HV_ACPI_GFN * HV_PAGE_SIZE;
		e->size = (uint64_t)HV_ACPI_PAGES * HV_PAGE_SIZE;
		e++->type = XEN_HVM_MEMMAP_TYPE_NVS;
	}
	if (d->d_nram > 1) {
		e->addr = d->d_ram[1].r_gfn * HV_PAGE_SIZE;
		e->size = d->d_ram[1].r_n * HV_PAGE_SIZE;
		e++->type = XEN_HVM_MEMMAP_TYPE_RAM;
	}
	si->nr_memmap = (uint32_t)(e - si->memmap);
}

/* The domain builder: boot RAM, and the frames the toolstack needs. */
static int
build(struct hv_domain *d)
{

	unsigned int i;

	if (d->d_maxmem_kib > d->d_memory_kib && d->d_kind == XENSIM_PVH) {
		/* Booted below maxmem: populate-on-demand, as Xen does. */
		if (hv_pod_build(d, d->d_memory_kib / 4) != 0)
			return ENOMEM;
	} else
		for (i = 0; i < d->d_nram; i++)
			if (hv_boot_ram(d, d->d_ram[i].r_gfn,
			    d->d_ram[i].r_n) != 0)
				return ENOMEM;
	if (d->d_kind == XENSIM_PVH) {
		if (hv_boot_builder_pages(d) != 0)
			return ENOMEM;
		d->d_store_ref = HV_STORE_GFN;
		d->d_console_ref = HV_CONSOLE_GFN;
	} else {
		/* PV: the rings are boot pages; libxl gives their MFNs. */
		d->d_store_ref = d->d_p2m[d->d_nr_pages - 2] - 1;
		d->d_console_ref = d->d_p2m[d->d_nr_pages - 1] - 1;
	}
	return 0;
}

static void
domain_free(struct hv_domain *d)
{

	hv_ram_unwatch(d);
	hv_frames_release(d);
	hv_pod_release(d);
	if (d->d_p2m != NULL && d->d_p2m != MAP_FAILED)
		munmap(d->d_p2m, HV_MAX_GFN * sizeof(*d->d_p2m));
	if (d->d_memfd != -1)
		close(d->d_memfd);
	free(d);
}

int
hv_domain_create(const struct xensim_domcfg *cfg, domid_t *idp)
{
	struct hv_domain *d;
	char path[PATH_MAX + 32], name[32];
	uint64_t maxmem = 0;
	int error;

	if ((error = check_cfg(cfg, &maxmem)) != 0)
		return error;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return ENOMEM;
	d->d_memfd = -1;
	d->d_lsock = -1;
	d->d_uffd = -1;
	d->d_alloc_budget = -1;
	if ((d->d_id = hv_domid_alloc()) == 0) {
		free(d);
		return ENOSPC;
	}
	strcpy(d->d_name, cfg->name);
	strcpy(d->d_kernel, cfg->kernel);
	strcpy(d->d_cmdline, cfg->cmdline);
	d->d_kind = cfg->kind;
	d->d_toolstack = cfg->toolstack;
	make_uuid(d->d_uuid);
	d->d_memory_kib = cfg->memory_kib;
	d->d_maxmem_kib = maxmem;
	/* The memory map: maxmem of RAM on PVH (populate-on-demand). */
	d->d_nr_pages = (cfg->kind == XENSIM_PVH ? maxmem : cfg->memory_kib) /
	    4;
	/* libxl: max_pages from memory=, plus 1 MiB of slack. */
	d->d_max_pages = (cfg->memory_kib / 1024 + 1) * 256;
	ram_layout(d);
	/* PV: room to grow to maxmem; PVH: the builder's pages too. */
	d->d_memfd_pages = d->d_ram[d->d_nram - 1].r_gfn +
	    d->d_ram[d->d_nram - 1].r_n;
	if (cfg->kind == XENSIM_PV)
		d->d_memfd_pages = maxmem / 4;
	else if (d->d_memfd_pages < HV_PVH_SPACE)
		d->d_memfd_pages = HV_PVH_SPACE;
	d->d_p2m = mmap(NULL, HV_MAX_GFN * sizeof(*d->d_p2m),
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	    -1, 0);
	snprintf(name, sizeof(name), "xensim-d%u", d->d_id);
	if (d->d_p2m == MAP_FAILED ||
	    (d->d_memfd = memfd_create(name, MFD_CLOEXEC)) == -1 ||
	    ftruncate(d->d_memfd, (off_t)(d->d_memfd_pages * HV_PAGE_SIZE))
	    == -1) {
		error = errno;
		domain_free(d);
		return error;
	}
	hv_domain_enter(d);
	if ((error = build(d)) != 0) {
		hv_log("d%u: not enough host memory for %" PRIu64 " pages",
		    d->d_id, d->d_nr_pages);
		hv_domain_leave(d);
		domain_free(d);
		return error;
	}
	if ((size_t)snprintf(d->d_dir, sizeof(d->d_dir), "%s/%u", hv_bootdir,
	    d->d_id) >= sizeof(d->d_dir)) {
		error = ENAMETOOLONG;
		goto fail;
	}
	if (mkdir(d->d_dir, 0755) == -1 && errno != EEXIST) {
		error = errno;
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/hypercall", d->d_dir);
	if ((d->d_lsock = hv_conn_listen(path, d->d_id, false)) < 0) {
		error = -d->d_lsock;
		d->d_lsock = -1;
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/xenstore", d->d_dir);
	if ((error = xsd_listen(path, d->d_id)) != 0)
		goto fail;
	if ((error = ts_create(d)) != 0)
		goto fail;
	if (d->d_kernel[0] != '\0' && (error = hv_guest_start(d)) != 0)
		goto fail;
	hv_log("d%u: created %s (%s, %" PRIu64 " pages, max %" PRIu64 ")",
	    d->d_id, d->d_name, d->d_kind == XENSIM_PV ? "pv" : "pvh",
	    d->d_tot_pages, d->d_max_pages);
	*idp = d->d_id;
	return 0;
fail:
	hv_domain_destroy(d);
	return error;
}

void
hv_domain_destroy(struct hv_domain *d)
{
	char path[PATH_MAX + 32];
	int status;

	if (d->d_pid != 0) {
		kill(d->d_pid, SIGKILL);
		while (waitpid(d->d_pid, &status, 0) == -1 && errno == EINTR)
			continue;
		d->d_pid = 0;
	}
	hv_conn_drop_domain(d->d_id);
	if (d->d_lsock != -1) {
		snprintf(path, sizeof(path), "%s/hypercall", d->d_dir);
		(void)unlink(path);
	}
	xsd_unlisten(d->d_id);
	ts_destroy(d);
	xsd_release_domain(d->d_id);
	rl_forget(d->d_id);
	hv_log("d%u: destroyed %s", d->d_id, d->d_name);
	hv_domain_leave(d);
	domain_free(d);
}

void
hv_reap(void)
{
	struct hv_domain *d;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (d = hv_domain_next(0); d != NULL;
		    d = hv_domain_next(d->d_id)) {
			if (d->d_pid != pid)
				continue;
			d->d_pid = 0;
			if (WIFEXITED(status))
				hv_log("d%u: guest exited with status %d",
				    d->d_id, WEXITSTATUS(status));
			else
				hv_log("d%u: guest killed by signal %d",
				    d->d_id, WTERMSIG(status));
			/* A crashed domain stays until dom0 destroys it. */
			if (!d->d_crashed)
				hv_domain_destroy(d);
			break;
		}
	}
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{

	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

/*
 * What a previous daemon left: its domains' sockets and logs.  Its
 * guests hold paths in there; with the names gone, none of them can
 * reach this daemon, nor write the console log of a new domain.
 */
static void
remove_stale(const char *dir)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/domains", dir);
	if (unlink(path) == -1 && errno == EISDIR)
		(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, "boot.", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	closedir(dp);
}

/*
 * This boot's identity: the domains' sockets live in <dir>/boot.<id>,
 * a name no earlier daemon used, and <dir>/domains points there.
 */
static int
make_bootdir(const char *dir)
{
	unsigned char id[8];
	char name[32], path[PATH_MAX + 16];

	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
		return errno != 0 ? errno : EIO;
	snprintf(name, sizeof(name), "boot.%02x%02x%02x%02x%02x%02x%02x%02x",
	    id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]);
	remove_stale(dir);
	if ((size_t)snprintf(hv_bootdir, sizeof(hv_bootdir), "%s/%s", dir,
	    name) >= sizeof(hv_bootdir))
		return ENAMETOOLONG;
	if (mkdir(hv_bootdir, 0755) == -1)
		return errno;
	snprintf(path, sizeof(path), "%s/domains", dir);
	if (symlink(name, path) == -1)
		return errno;
	return 0;
}

int
hv_init(const char *dir, uint64_t host_pages)
{
	static char absdir[PATH_MAX];
	char path[PATH_MAX + 16];
	int error, fd, live[2];

	/* Guests get paths under it in their environment: make it absolute. */
	if (realpath(dir, absdir) == NULL)
		return errno;
	hv_dir = absdir;
	dir = absdir;
	if ((error = hv_mem_init(host_pages)) != 0)
		return error;
	if ((error = make_bootdir(dir)) != 0)
		return error;
	/*
	 * Every guest holds the read end; only the daemon holds the write
	 * end, so the guests see EOF the moment the daemon dies.
	 */
	if (pipe2(live, O_CLOEXEC) == -1)
		return errno;
	hv_live_rfd = live[0];
	hv_live_wfd = live[1];
	snprintf(path, sizeof(path), "%s/privcmd", dir);
	if ((fd = hv_conn_listen(path, 0, true)) < 0)
		return -fd;
	return 0;
}

void
hv_fini(void)
{
	char path[PATH_MAX + 16];
	struct hv_domain *d;

	while ((d = hv_domain_next(0)) != NULL)
		hv_domain_destroy(d);
	hv_conn_drop_domain(0);
	snprintf(path, sizeof(path), "%s/privcmd", hv_dir);
	(void)unlink(path);
	hv_mem_fini();
}
