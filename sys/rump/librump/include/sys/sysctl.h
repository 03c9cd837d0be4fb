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

#ifndef _SYS_SYSCTL_H_
#define _SYS_SYSCTL_H_

/*
 * The kernel's sysctl(9) tree, with NetBSD's node layout, flags and
 * prototypes (the subset drivers use).
 */

#include <sys/types.h>

#define CTL_EOL		(-1)		/* end of a name list */
#define CTL_QUERY	(-2)
#define CTL_CREATE	(-3)		/* pick the next free number */
#define CTL_CREATESYM	(-4)
#define CTL_DESTROY	(-5)
#define CTL_MMAP	(-6)
#define CTL_DESCRIBE	(-7)

#define CTL_UNSPEC	0
#define CTL_KERN	1
#define CTL_VM		2
#define CTL_VFS		3
#define CTL_NET		4
#define CTL_DEBUG	5
#define CTL_HW		6
#define CTL_MACHDEP	7

/* kern.* */
#define KERN_EVCNT	84		/* struct: evcnts */

#define CTL_MAXNAME	24
#define SYSCTL_NAMELEN	32
#define CREATE_BASE	1024		/* first CTL_CREATE number */

#define CTLTYPE_NODE	1
#define CTLTYPE_INT	2
#define CTLTYPE_STRING	3
#define CTLTYPE_QUAD	4
#define CTLTYPE_STRUCT	5
#define CTLTYPE_BOOL	6
#define CTLTYPE_LONG	7
#define CTLTYPE_MASK	0x0000000f
#define SYSCTL_TYPE(x)	((x) & CTLTYPE_MASK)

#define CTLFLAG_READONLY	0x00000000
#define CTLFLAG_READWRITE	0x00000070
#define CTLFLAG_RWMASK		0x00000070
#define CTLFLAG_ANYWRITE	0x00000080
#define CTLFLAG_PRIVATE		0x00000100
#define CTLFLAG_PERMANENT	0x00000200
#define CTLFLAG_OWNDATA		0x00000400
#define CTLFLAG_IMMEDIATE	0x00000800
#define CTLFLAG_HEX		0x00001000
#define CTLFLAG_OWNDESC		0x00004000

#ifdef SYSCTL_INCLUDE_DESCR
#define SYSCTL_DESCR(s)		s
#else
#define SYSCTL_DESCR(s)		NULL
#endif

struct lwp;
struct sysctlnode;

#define SYSCTLFN_PROTO	const int *, u_int, void *, size_t *,		\
	const void *, size_t, const int *, struct lwp *,		\
	const struct sysctlnode *
#define SYSCTLFN_ARGS	const int *name, u_int namelen, void *oldp,	\
	size_t *oldlenp, const void *newp, size_t newlen,		\
	const int *oldname, struct lwp *l, const struct sysctlnode *rnode
#define SYSCTLFN_CALL(node) name, namelen, oldp, oldlenp, newp, newlen,	\
	oldname, l, node

typedef int (*sysctlfn)(SYSCTLFN_PROTO);

struct sysctlnode {
	uint32_t		 sysctl_flags;
	int32_t			 sysctl_num;
	char			 sysctl_name[SYSCTL_NAMELEN];
	union {
		void		*__sysc_ud_data;
		u_quad_t	 __sysc_ud_qdata;
		int		 __sysc_ud_idata;
	} sysctl_un;
	size_t			 sysctl_size;
	sysctlfn		 sysctl_func;
	struct sysctlnode	*sysctl_parent;
	const char		*sysctl_desc;
	/* the tree's own links, protected by the tree lock */
	struct sysctlnode	*sysctl_child;	/* first child */
	struct sysctlnode	*sysctl_next;	/* next sibling */
};

#define sysctl_data	sysctl_un.__sysc_ud_data
#define sysctl_qdata	sysctl_un.__sysc_ud_qdata
#define sysctl_idata	sysctl_un.__sysc_ud_idata

struct sysctllog;

/*
 * kern.evcnt.TYPE.COUNT (EVCNT_TYPE_ANY or a type; KERN_EVCNT_COUNT_ANY
 * or _NONZERO) answers a run of these, each ev_len * 8 bytes long, its
 * group and name (each with its NUL) in ev_strings.
 */
struct evcnt_sysctl {
	uint64_t	ev_count;
	uint64_t	ev_addr;		/* the evcnt's address, or 0 */
	uint64_t	ev_parent;		/* its parent's, or 0 */
	uint8_t		ev_type;		/* EVCNT_TYPE_* */
	uint8_t		ev_grouplen;		/* strlen(group) */
	uint8_t		ev_namelen;		/* strlen(name) */
	uint8_t		ev_len;			/* in 8-byte words */
	char		ev_strings[];
};

#define KERN_EVCNT_COUNT_ANY		0
#define KERN_EVCNT_COUNT_NONZERO	1

int	sysctl_createv(struct sysctllog **, int,
	    const struct sysctlnode **, const struct sysctlnode **,
	    int, int, const char *, const char *, sysctlfn,
	    u_quad_t, void *, size_t, ...);
int	sysctl_lookup(SYSCTLFN_PROTO);
void	sysctl_teardown(struct sysctllog **);

/*
 * As in NetBSD-current: a node's data pointer must have its type's C
 * type (a CTLTYPE_QUAD node takes an int64_t *, or a void * such as a
 * softc for a handler to use), and the type must be a constant.
 */
#define VERIFY_FN(ctl_type, c_type)					\
static __inline __attribute__((__always_inline__)) void *		\
__sysctl_verify_##ctl_type##_arg(c_type *arg)				\
{									\
	return arg;							\
}

VERIFY_FN(CTLTYPE_NODE, struct sysctlnode)
VERIFY_FN(CTLTYPE_INT, int)
VERIFY_FN(CTLTYPE_STRING, char)
VERIFY_FN(CTLTYPE_QUAD, int64_t)
VERIFY_FN(CTLTYPE_STRUCT, void)
VERIFY_FN(CTLTYPE_BOOL, bool)
VERIFY_FN(CTLTYPE_LONG, long)
#undef VERIFY_FN

#define sysctl_createv(lg, cfl, rn, cn, fl, type, nm, desc, fn, qv, newp, ...) \
	sysctl_createv(lg, cfl, rn, cn, fl, type, nm, desc, fn, qv,	\
	    __sysctl_verify_##type##_arg(newp), __VA_ARGS__)

/*
 * By dotted name, for the platform's sysctl server (sysctlbyname(3)
 * and a walk of a node's children, as sysctl(8) does).
 */
void	sysctl_init(void);
int	sysctl_byname(const char *, void *, size_t *, const void *, size_t);
int	sysctl_children_byname(const char *,
	    void (*)(void *, const struct sysctlnode *), void *);

#endif /* _SYS_SYSCTL_H_ */
