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
 * Internals shared by the hypervisor and toolstack halves of xensimd.
 */

#ifndef _XENSIMD_HVVAR_H_
#define _XENSIMD_HVVAR_H_

#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include "xensim.h"
#include "xensim_wire.h"

#define HV_PAGE_SHIFT		12
#define HV_PAGE_SIZE		4096
#define HV_MEMOP_EXTENT_SHIFT	6	/* Xen's continuation encoding */
#define HV_NO_GFN		UINT64_MAX
#define HV_P2M_POD		UINT32_MAX	/* d_p2m: a PoD entry */
#define HV_MAX_GFN		(UINT64_C(1) << 24)	/* 64 GiB of guest space */
/*
 * A PVH domain's frames beyond its RAM, populated by libxl's builder for
 * a guest without a device model (xg_dom_x86.c, libxl_x86_acpi.c): the
 * 8 special pages below 0xff000 (paging, access and sharing rings,
 * ioreq pages, store ring, identity page table, console ring), and 9
 * ACPI pages at 0xfc000 (the info page, one vCPU's tables in 7 pages,
 * the RSDP page after them).
 */
#define HV_SPECIAL_GFN		0xfeff8
#define HV_SPECIAL_PAGES	8
#define HV_ACPI_GFN		0xfc000
#define HV_ACPI_PAGES		9
#define HV_BUILDER_PAGES	(HV_SPECIAL_PAGES + HV_ACPI_PAGES)
/*
 * PVH RAM as libxl lays it out: below the hole under 4 GiB that holds
 * the ACPI tables, the special pages and the local APIC
 * (libxl__build_hvm's mmio_start without a device model), the rest from
 * 4 GiB up.
 */
#define HV_PVH_LOWMEM_END	HV_ACPI_GFN	/* GFN: the hole's start */
#define HV_PVH_HIGHMEM		0x100000	/* GFN: 4 GiB */
#define HV_PVH_SPACE		0xff000		/* PVH memfd: the hole too */
#define HV_MAX_RAM		2		/* RAM ranges of a memory map */
#define HV_STORE_GFN		0xfeffc
#define HV_CONSOLE_GFN		0xfefff
#define HV_DOMU_MAX_ORDER	9
#define HV_CTLDOM_MAX_ORDER	18

struct hv_domain {
	domid_t			 d_id;
	char			 d_name[64];
	enum xensim_kind	 d_kind;
	enum xensim_toolstack	 d_toolstack;
	char			 d_uuid[37];
	char			 d_kernel[256];
	char			 d_cmdline[256];
	char			 d_dir[PATH_MAX];	/* <dir>/boot.<id>/N */
	uint64_t		 d_memory_kib;
	uint64_t		 d_maxmem_kib;
	uint64_t		 d_tot_pages;
	uint64_t		 d_max_pages;
	uint64_t		 d_nr_pages;		/* RAM frames at boot */
	struct hv_ram {
		uint64_t	 r_gfn, r_n;
	}			 d_ram[HV_MAX_RAM];	/* the memory map's RAM */
	unsigned int		 d_nram;
	uint32_t		*d_p2m;		/* gfn -> mfn + 1; 0: none */
	int			 d_memfd;
	uint64_t		 d_memfd_pages;
	uint64_t		 d_store_ref, d_console_ref;
	int			 d_lsock;	/* hypercall socket */
	pid_t			 d_pid;		/* guest, or 0 */
	/* Fault injection, set by dom0. */
	int64_t			 d_alloc_budget;	/* -1: unlimited */
	bool			 d_pool_empty;
	bool			 d_limit_order;	/* d_max_order applies */
	unsigned int		 d_max_order;
	bool			 d_limit_extents; /* d_max_extents applies */
	uint64_t		 d_max_extents;	/* per reservation call */
	/* What the guest did with its frames. */
	uint64_t		 d_dirty_given;	/* frames given back not zero */
	/* The guest's RAM mapping, watched (hv_ramwatch.c). */
	int			 d_uffd;	/* -1: not watched */
	uint64_t		 d_ram_base;	/* in the guest */
	pid_t			 d_ram_pid;	/* the process it is in */
	uint64_t		 d_foreign;	/* accesses not its own */
	uint64_t		 d_moved_ns;	/* last memory op moving tot */
	uint64_t		 d_mmu_calls;	/* mmu_update hypercalls */
	uint64_t		*d_ones;	/* gfns answered with ones */
	size_t			 d_nones, d_cones;
	/* Populate-on-demand (hv_pod.c): PVH booted below maxmem. */
	bool			 d_pod;
	uint64_t		 d_pod_entries;	/* gfns marked HV_P2M_POD */
	uint32_t		*d_pod_cache;	/* frames owned, not placed */
	uint64_t		 d_pod_count, d_pod_cap;
	bool			 d_crashed;	/* kept, guest stopped */
};

extern const char	*hv_dir;
extern char		 hv_bootdir[];	/* <dir>/boot.<id>: this boot's */
extern int		 hv_live_rfd;	/* EOF in the guests: we died */

/* hv_dom.c: the table of domains, a leaf. */
domid_t	hv_domid_alloc(void);
void	hv_domain_enter(struct hv_domain *);
void	hv_domain_leave(struct hv_domain *);
struct hv_domain *hv_domain_lookup(domid_t);
struct hv_domain *hv_domain_byname(const char *);
struct hv_domain *hv_domain_next(domid_t after);	/* in domid order */
void	hv_domain_info(const struct hv_domain *, struct xensim_dominfo *);
int64_t	hv_memory_map(const struct hv_domain *, struct xw_e820 *,
	    uint64_t max, uint64_t *np);

/* hv.c: the host's frames and the domains' lives. */
int	hv_domain_create(const struct xensim_domcfg *, domid_t *);
void	hv_domain_destroy(struct hv_domain *);
void	hv_memmap(const struct hv_domain *, struct xw_start_info *);
uint64_t hv_free_pages(void);
uint64_t hv_total_pages(void);

/* hv_mem.c: the hypercalls, one entry point each. */
int64_t	hv_memory_op(domid_t caller, bool priv, struct xw_memop *,
	    xen_pfn_t *list, bool *preempted);
/* Pages a reservation call moves before it lets another caller in. */
#define HV_PREEMPT_PAGES	1024
int64_t	hv_reservation_query(domid_t caller, bool priv, unsigned int cmd,
	    domid_t target);
int64_t	hv_mmu_update(domid_t caller, const struct mmu_update *,
	    unsigned int count, unsigned int *done);
int	hv_frame_alloc(struct hv_domain *, unsigned int order, uint64_t *mfn);
void	hv_frame_place(struct hv_domain *, uint64_t gfn, uint64_t mfn,
	    unsigned int n);
int	hv_boot_ram(struct hv_domain *, uint64_t gfn, uint64_t n);
int	hv_boot_builder_pages(struct hv_domain *);
void	hv_frame_free(struct hv_domain *, uint64_t mfn);
void	hv_frames_release(struct hv_domain *);
int	hv_mem_init(uint64_t host_pages);
void	hv_mem_fini(void);

/* hv_conn.c: the sockets. */
int	hv_conn_listen(const char *path, domid_t domid, bool priv);
/*
 * One request packet of n bytes (more than XW_MAX_PACKET + header when
 * recv(2) truncated it; pkt 8-aligned) from domain domid, answered into
 * reply (XW_MAX_PACKET + header bytes); *sfdp is a descriptor to pass
 * with the reply, or -1.  Returns the reply's length.
 */
size_t	hv_conn_packet(domid_t domid, bool priv, unsigned char *pkt,
	    size_t n, unsigned char *reply, int *sfdp);
void	hv_conn_drop_domain(domid_t);

/* hv_pod.c: populate-on-demand. */
int	hv_pod_build(struct hv_domain *, uint64_t cache_pages);
void	hv_pod_forget(struct hv_domain *, uint64_t gfn);
bool	hv_pod_steal(struct hv_domain *, uint64_t mfn);
void	hv_pod_trim(struct hv_domain *);
uint64_t hv_pod_touch(struct hv_domain *, uint64_t gfn, uint64_t *basep);
void	hv_pod_release(struct hv_domain *);

/* hv_ramwatch.c: guest accesses to frames it does not own. */
int	hv_ram_watch(struct hv_domain *, int uffd, pid_t, uint64_t base,
	    uint64_t pages);
void	hv_ram_unwatch(struct hv_domain *);
void	hv_ram_settle(struct hv_domain *);
void	hv_domain_crash(struct hv_domain *);

/* hv_guest.c: the guest program. */
int	hv_guest_start(struct hv_domain *);

/* toolstack.c: what libxl writes to xenstore, and removes. */
int	ts_create(const struct hv_domain *);
void	ts_destroy(const struct hv_domain *);


#endif /* _XENSIMD_HVVAR_H_ */
