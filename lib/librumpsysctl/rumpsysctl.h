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
 * print a subtree).  *nodesp is malloc'd.  0 or -1 with errno.
 */
int	rumpsysctl_children(const char *sname, struct rumpsysctl_node **nodesp,
	    size_t *nnodesp);

#endif /* _LIBRUMPSYSCTL_RUMPSYSCTL_H_ */
