/*	$NetBSD$	*/

/*
 * libxensim: the client side of xensimd's hypervisor.
 *
 * A handle is one connection to the simulated hypervisor, either as dom0
 * (the privileged socket, $XENSIM_DIR/privcmd) or as one domU (the
 * domain's own socket, $XENSIM_DIR/domains/<domid>/hypercall, or the
 * path in $XENSIM_HYPERCALL that xensimd gives a guest it starts).  The
 * socket a connection arrives on decides which domain it is; nothing in a
 * request can change that.
 *
 * Hypercalls take and return the Xen ABI structures of <xen/memory.h>
 * and <xen/xen.h> and return what the hypercall returns: a count of
 * extents done (never negative for reservation calls, as on Xen), or a
 * value >= 0 / -errno for the others.  Control functions return 0, or -1
 * with errno set, like libxenctrl.
 */

#ifndef _LIBXENSIM_XENSIM_H_
#define _LIBXENSIM_XENSIM_H_

#include <stdint.h>
#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/arch-x86/hvm/start_info.h>

#define XENSIM_DEFAULT_DIR	"/var/run/xensim"

enum xensim_kind {
	XENSIM_PV = 1,		/* guest owns its P2M */
	XENSIM_PVH = 2		/* auto-translated physmap */
};

enum xensim_toolstack {
	XENSIM_LIBXL = 0,	/* as libxl lays out xenstore */
	XENSIM_XAPI = 1		/* control/feature-balloon pre-created, guest-writable */
};

/*
 * The largest maxmem of a domain, in MiB: guest frames stop at 2^24; a
 * PVH domain's RAM skips the 64 MiB hole below 4 GiB, as libxl lays it
 * out.  A create above it fails with EFBIG.
 */
#define XENSIM_PVH_MAXMEM_MIB	65472
#define XENSIM_PV_MAXMEM_MIB	65536

struct xensim;

/* The directory of the running xensimd: $XENSIM_DIR or the default. */
const char	*xensim_dir(void);

struct xensim	*xensim_open_privcmd(const char *dir);		/* dom0 */
struct xensim	*xensim_open_domain(const char *hypercall_path);	/* a domU */
void		 xensim_close(struct xensim *);

/* Hypercalls. */
long	xensim_memory_op(struct xensim *, unsigned int cmd, void *arg);
int	xensim_mmu_update(struct xensim *, const struct mmu_update *reqs,
	    unsigned int count, unsigned int *done, domid_t foreigndom);
int	xensim_xen_version(struct xensim *, int cmd, void *arg);

/*
 * Told of each part of a reservation call the host has done, extents
 * [from, to) of r, before the call goes on: a guest can map what it got
 * while the host backs the next part.
 */
typedef void	xensim_part_fn(void *, unsigned int cmd,
		    const struct xen_memory_reservation *r, uint64_t from,
		    uint64_t to);
void	xensim_set_part_hook(struct xensim *, xensim_part_fn *, void *);

/*
 * What the domain builder hands a guest at boot.  memfd is the guest's
 * RAM, indexed by guest frame number (offset = gfn * XEN_PAGE_SIZE) and
 * memfd_pages long; it is the caller's to mmap and close.  memmap is the
 * memory map, as hvm_start_info's: on PVH the RAM below the hole under
 * 4 GiB, the special pages, the ACPI tables, and the RAM above 4 GiB if
 * any; on PV one RAM entry from 0 of the boot RAM (the map a PV guest
 * may grow into is XENMEM_memory_map's).  On PV, p2m has memfd_pages
 * entries: the machine frame of each of the nr_pages boot frames, then
 * ~0 (no frame) for the rest, which the guest may populate later
 * (malloc'd, the caller's to free); on PVH it is NULL.
 */
#define XENSIM_MEMMAP_MAX	8
struct xensim_start_info {
	domid_t			 domid;
	enum xensim_kind	 kind;
	uint64_t		 nr_pages;	/* RAM frames in memmap */
	uint64_t		 memfd_pages;
	unsigned int		 nr_memmap;
	struct hvm_memmap_table_entry memmap[XENSIM_MEMMAP_MAX];
	int			 memfd;
	xen_pfn_t		*p2m;
};
int	xensim_start_info(struct xensim *, struct xensim_start_info *);

/*
 * The guest's RAM, the start info's memfd mapped whole at ram, is
 * watched by the hypervisor from now on (userfaultfd(2), handed over):
 * an access to a frame the domain does not own gets Xen's answer (all
 * ones, the write dropped) and is counted.  0, or -1 with errno.
 */
int	xensim_ram_watch(struct xensim *, void *ram, uint64_t memfd_pages);

/* dom0 control. */
struct xensim_domcfg {
	char			 name[64];
	uint64_t		 memory_kib;	/* xl's memory= */
	uint64_t		 maxmem_kib;	/* xl's maxmem= (0: = memory) */
	enum xensim_kind	 kind;
	enum xensim_toolstack	 toolstack;
	char			 kernel[256];	/* program run as the guest, or "" */
	char			 cmdline[256];	/* its arguments, space separated */
};

struct xensim_dominfo {
	domid_t			 domid;
	char			 name[64];
	enum xensim_kind	 kind;
	uint64_t		 tot_pages;
	uint64_t		 max_pages;
	int			 running;	/* a guest process is alive */
	int			 pid;
	uint64_t		 ram_allocated_pages;	/* memfd's backed pages */
	uint64_t		 memory_kib;	/* created with memory= */
	uint64_t		 maxmem_kib;	/* created with maxmem= */
	uint64_t		 dirty_given;	/* frames given back not zero */
	int			 ram_watched;	/* its guest's RAM is watched */
	uint64_t		 foreign_accesses; /* to frames not its own */
	uint64_t		 pod_entries;	/* populate-on-demand entries */
	uint64_t		 pod_cache;	/* frames for them, not placed */
	int			 crashed;	/* kept after domain_crash */
	uint64_t		 moved_ns;	/* CLOCK_MONOTONIC, last memory
						   op that moved tot_pages */
	uint64_t		 mmu_calls;	/* its mmu_update hypercalls */
};

struct xensim_hostinfo {
	uint64_t		 total_pages;
	uint64_t		 free_pages;
};

int	xensim_domain_create(struct xensim *, const struct xensim_domcfg *,
	    domid_t *);
int	xensim_domain_destroy(struct xensim *, domid_t);
int	xensim_domain_getinfo(struct xensim *, domid_t,
	    struct xensim_dominfo *);
int	xensim_domain_list(struct xensim *, struct xensim_dominfo **,
	    unsigned int *);
int	xensim_domain_setmaxmem(struct xensim *, domid_t, uint64_t max_kib);
int	xensim_host_info(struct xensim *, struct xensim_hostinfo *);

/*
 * Fault injection (dom0): from now on, allocations for the domain
 * (increase_reservation, populate_physmap) succeed for alloc_budget more
 * pages only (-1: no limit), and fail as if the host pool were empty
 * when pool_empty is set.  With limit_order set, the domain's
 * reservation calls of an extent order above max_order do nothing, as
 * under Xen's memop-max-order (0 here: superpages refused).
 * With limit_extents set, each reservation call of the domain stops
 * after max_extents extents, whatever it does (as Xen stops at the
 * first frame it cannot take).
 * With xs_drop set, xenstored closes every current connection of the
 * domain once (its socket keeps listening); with mem_keep set, the
 * memory faults above are left as they were.
 */
struct xensim_fault {
	domid_t			 domid;
	int64_t			 alloc_budget;
	int			 pool_empty;
	int			 limit_order;	/* 0: no limit (the default) */
	unsigned int		 max_order;
	int			 xs_drop;
	int			 mem_keep;
	int			 limit_extents;	/* 0: no limit (the default) */
	uint64_t		 max_extents;
};
int	xensim_fault(struct xensim *, const struct xensim_fault *);

#endif /* _LIBXENSIM_XENSIM_H_ */
