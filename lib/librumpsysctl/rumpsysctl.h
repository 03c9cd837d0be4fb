/*	$NetBSD$	*/

/*
 * librumpsysctl: sysctl(3) for a bench guest.
 *
 * A bench guest (sys/rump) serves its sysctl tree on a unix socket, the
 * way a rump kernel serves RUMP_SERVER.  These functions have sysctl(3)'s
 * names, prototypes and errno conventions and talk to the guest named by
 * $RUMP_SERVER ("unix:///path/to/socket" or a bare path), so a utility
 * written for NetBSD's sysctlbyname(3) runs unchanged against it.
 */

#ifndef _LIBRUMPSYSCTL_RUMPSYSCTL_H_
#define _LIBRUMPSYSCTL_RUMPSYSCTL_H_

#include <stddef.h>
#include <stdint.h>

/* NetBSD's CTLTYPE_* values. */
#define RUMPSYSCTL_NODE		1
#define RUMPSYSCTL_INT		2
#define RUMPSYSCTL_STRING	3
#define RUMPSYSCTL_QUAD		4
#define RUMPSYSCTL_STRUCT	5
#define RUMPSYSCTL_BOOL		6

struct rumpsysctl_node {
	char		name[32];	/* last component */
	int		type;		/* RUMPSYSCTL_* */
	int		writable;	/* CTLFLAG_READWRITE */
	char		descr[128];	/* SYSCTL_DESCR text */
};

int	sysctlbyname(const char *sname, void *oldp, size_t *oldlenp,
	    const void *newp, size_t newlen);

/*
 * The children of a node, in creation order (what sysctl(8) walks to
 * print a subtree); "" names the root.  *nodesp is malloc'd.  0 or -1
 * with errno.
 */
int	rumpsysctl_children(const char *sname, struct rumpsysctl_node **nodesp,
	    size_t *nnodesp);

/*
 * sysctl(8) over the same server (rumpsysctl_print.c), for rump.sysctl
 * and balloonctl.  Output and messages are sysctl(8)'s, on stdout and
 * through warn(3).
 */
#define RUMPSYSCTL_PRINT_VALUE	0x01	/* -n: values only */
#define RUMPSYSCTL_PRINT_EQ	0x02	/* -e: "name=value" */

/*
 * One node by name, resolved level by level as sysctl(8) does.  0, or
 * -1 with errno; ENOENT sets *badlevelp to the 0-based level that does
 * not exist.
 */
int	rumpsysctl_getnode(const char *sname, struct rumpsysctl_node *nodep,
	    int *badlevelp);

/* Why rumpsysctl_getnode failed, in sysctl(8)'s words, through warn(3). */
void	rumpsysctl_warn_node(const char *sname, int badlevel);

/*
 * Print a leaf ("name = value"), or every leaf below a node, "" being
 * the whole tree (-a).  0; -1 with errno if sname itself cannot be
 * found or read (nothing printed); 1 if a node below it failed (each
 * failure warned).
 */
int	rumpsysctl_print(const char *sname, int flags);

/*
 * sysctl -w: parse value for the node's type, write it, print
 * "name: old -> new" (the new value alone with -n).  0, or -1 with
 * the reason warned.
 */
int	rumpsysctl_write(const char *sname, const char *value, int flags);

/*
 * The guest's evcnt(9) counters, as vmstat -e reads them from
 * kern.evcnt: into a malloc'd array (free(3) it), in the kernel's order.
 * 0 or -1 with errno.
 */
#define RUMPSYSCTL_EVCNT_MISC	0	/* NetBSD's EVCNT_TYPE_* */
#define RUMPSYSCTL_EVCNT_INTR	1
#define RUMPSYSCTL_EVCNT_TRAP	2

struct rumpsysctl_evcnt {
	uint64_t	count;
	int		type;		/* RUMPSYSCTL_EVCNT_* */
	char		group[256];	/* "balloon0" */
	char		name[256];
};

int	rumpsysctl_evcnt(struct rumpsysctl_evcnt **evp, size_t *nevp);

#endif /* _LIBRUMPSYSCTL_RUMPSYSCTL_H_ */
