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
 * balloond: the dom0 memory manager.  Shared declarations.
 */

#ifndef _BALLOOND_H_
#define _BALLOOND_H_

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <xenstore.h>
#include <xen/xen.h>

/*
 * libxl's LIBXL_MAXMEM_CONSTANT: max_pages is set this far above a
 * target, and balloond counts it as each domain's overhead beyond its
 * target (a PVH guest's builder pages are 64 KiB), so that the reserve
 * holds once every guest has settled.
 */
#define BD_SLACK_KIB	1024

/* A target is rewritten only when it moves at least this far. */
#define BD_STEP_KIB	1024

/*
 * A guest given memory is not lowered again for this long: memory just
 * granted shows as free until its workload takes it, and lowering it
 * then would make targets bounce before they settle.
 */
#define BD_CALM_S	3
/*
 * One that deflates on OOM took what it was given itself, for a
 * workload already taking it, and takes it back at once if lowered too
 * soon: a second.
 */
#define BD_CALM_OOM_S	1

/* Policy nodes under /local/domain/N/memory, dom0's (balloond(8)). */
#define BD_NODE_DMIN	"dynamic-min"
#define BD_NODE_DMAX	"dynamic-max"
#define BD_NODE_WEIGHT	"weight"

#define BD_WEIGHT_DEFAULT	256
#define BD_WEIGHT_MAX		65535

struct bd_config {
	uint64_t	reserve;	/* host free memory kept, KiB */
	uint64_t	goal;		/* free memory a guest is given, KiB */
	uint64_t	floor;		/* dynamic-min when the node is absent */
	unsigned int	stall;		/* s a guest may take to move */
	unsigned int	interval;	/* s between passes with no event */
	unsigned int	hold;		/* s a reservation is held */
};

struct bd_dom {
	domid_t		id;
	char		name[64];
	unsigned int	gen;		/* pass that last saw it */

	/* This pass's figures, KiB. */
	uint64_t	tot;		/* the hypervisor's tot_pages */
	uint64_t	maxkib;		/* and max_pages */
	uint64_t	target;		/* memory/target */
	uint64_t	staticmax;	/* memory/static-max */
	bool		has_free;	/* the guest publishes its figures */
	uint64_t	free;		/* data/meminfo_free */
	uint64_t	used;		/* what it uses, by its figures */
	bool		oom;		/* data/balloon-deflate-on-oom = 1 */
	uint64_t	btarget;	/* data/balloon-target, 0 if none */
	uint64_t	gmin;		/* data/meminfo_min, 0 if none */
	uint64_t	keep;		/* data/meminfo_keep, 0 if none */

	/* The last policy accepted. */
	bool		policy_ok;
	uint64_t	dmin, dmax;
	unsigned int	weight;
	char		refused[128];	/* last refusal, said once */

	/* What balance() works with and decides, KiB. */
	bool		short_free;	/* below half the goal beyond keep */
	uint64_t	lo;		/* the floor: dmin, or what it uses */
	uint64_t	want;		/* its need, within [lo, dmax] */
	uint64_t	spare;		/* lowest it goes when the host is short */
	uint64_t	cur;		/* target, within [lo, dmax] */
	uint64_t	t;		/* the new target */

	/* A target asked and not yet reached. */
	uint64_t	asked;		/* 0: none */
	time_t		asked_at;	/* when it last came closer */
	uint64_t	best;		/* closest it came, KiB */
	bool		stuck;		/* left where it is */
	uint64_t	stuck_tot;
	time_t		raised_at;	/* its target last raised */
	uint64_t	dropped;	/* the target it had before lowered */

	struct bd_dom	*next;
};

static inline uint64_t
max64(uint64_t a, uint64_t b)
{

	return a > b ? a : b;
}

static inline uint64_t
min64(uint64_t a, uint64_t b)
{

	return a < b ? a : b;
}

extern struct bd_config	bd_conf;
extern struct xs_handle	*bd_xsh;

/* config.c */
int	config_load(const char *, struct bd_config *);
int	config_set(struct bd_config *, const char *name, const char *val,
	    const char **whyp);

/* log.c */
void	log_init(bool foreground);
void	log_info(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_act(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));

/* balance.c: new targets (t) for n domains sharing pool KiB. */
bool	balance(struct bd_dom **, size_t n, int64_t pool);

/* dom.c */
struct bd_pass {
	uint64_t	hostfree;	/* KiB free on the host now */
	uint64_t	freeable;	/* KiB it could have with every guest at lo */
	bool		busy;		/* a guest is on its way to a target */
	bool		newdom;		/* a domain appeared */
};
void	dom_pass(time_t now, uint64_t held, struct bd_pass *);
void	dom_forget(void);

/* reserve.c */
struct pollfd;
int	reserve_listen(const char *);
void	reserve_close(void);
int	reserve_fds(struct pollfd *, int max);
bool	reserve_io(struct pollfd *, int n, time_t now);
uint64_t	reserve_held(time_t now);
bool	reserve_pending(void);
void	reserve_check(const struct bd_pass *, time_t now);
void	reserve_newdomain(void);

#endif /* !_BALLOOND_H_ */
