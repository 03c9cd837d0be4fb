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

#ifndef _SYS_EVCNT_H_
#define _SYS_EVCNT_H_

/*
 * evcnt(9): event counters, with NetBSD's structure, types and
 * prototypes.  kern.evcnt lists them as vmstat -e reads them.
 */

#include <sys/types.h>
#include <sys/queue.h>

struct evcnt {
	uint64_t	ev_count;	/* how many have occurred */
	TAILQ_ENTRY(evcnt) ev_list;	/* on the list of all counters */
	unsigned char	ev_type;	/* EVCNT_TYPE_* */
	unsigned char	ev_grouplen;	/* strlen(ev_group) */
	unsigned char	ev_namelen;	/* strlen(ev_name) */
	char		ev_pad1;
	const struct evcnt *ev_parent;
	const char	*ev_group;	/* "balloon0" */
	const char	*ev_name;
};
TAILQ_HEAD(evcntlist, evcnt);

/* A group or name's longest length, its NUL included. */
#define EVCNT_STRING_MAX	255

#define EVCNT_TYPE_ANY		-1	/* kern.evcnt: every type */
#define EVCNT_TYPE_MISC		0
#define EVCNT_TYPE_INTR		1
#define EVCNT_TYPE_TRAP		2

#define EVCNT_INITIALIZER(type, parent, group, name)			\
	{								\
		.ev_type = type,					\
		.ev_parent = parent,					\
		.ev_group = group,					\
		.ev_name = name,					\
	}

#ifdef _KERNEL
extern struct evcntlist allevents;

void	evcnt_init(void);
void	evcnt_attach_static(struct evcnt *);
void	evcnt_attach_dynamic_nozero(struct evcnt *, int, const struct evcnt *,
	    const char *, const char *);
void	evcnt_attach_dynamic(struct evcnt *, int, const struct evcnt *,
	    const char *, const char *);
void	evcnt_detach(struct evcnt *);
#endif /* _KERNEL */

#endif /* !_SYS_EVCNT_H_ */
