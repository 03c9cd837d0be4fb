/*	$NetBSD$	*/

/*
 * The Xen balloon driver's sysctl interface, shared by the driver and
 * balloonctl(8).  Every value is a 64-bit quantity in KiB unless said.
 */

#ifndef _XEN_BALLOON_H_
#define _XEN_BALLOON_H_

#define BALLOON_SYSCTL		"machdep.xen.balloon"

#define BALLOON_NODE_CURRENT	"current"	/* r-: hypervisor reservation */
#define BALLOON_NODE_TARGET	"target"	/* rw: wanted guest memory */
#define BALLOON_NODE_MIN	"min"		/* rw: lowest target allowed */
#define BALLOON_NODE_MAX	"max"		/* r-: hypervisor maximum */
#define BALLOON_NODE_RETRY	"retry"		/* rw: int, stall retry, s */
#define BALLOON_NODE_REPORTING	"free_page_reporting" /* rw: int 0/1 */
#define BALLOON_NODE_DEFLATE_ON_OOM "deflate_on_oom" /* rw int: 0 or 1 */

/*
 * Guest-writable xenstore nodes (under data/) the driver keeps for dom0:
 * whether it deflates on OOM ("0" or "1"; balloonctl mem-set then leaves
 * max_pages at static-max), and its target now (KiB).
 */
#define BALLOON_XS_DIR		"data"
#define BALLOON_XS_OOM		"balloon-deflate-on-oom"
#define BALLOON_XS_TARGET	"balloon-target"

/*
 * machdep.xen.balloon.stats: read-only figures of the balloon thread.
 */
#define BALLOON_NODE_STATS	"stats"
#define BALLOON_STAT_BALLOON	"balloon"	/* KiB held by Xen now */
#define BALLOON_STAT_REPORTED	"reported"	/* KiB reported free now */
#define BALLOON_STAT_INFLATED	"inflated"	/* KiB given to Xen, total */
#define BALLOON_STAT_DEFLATED	"deflated"	/* KiB taken back, total */
#define BALLOON_STAT_INFLATED_TOTAL "inflated_total" /* KiB off total RAM */
#define BALLOON_STAT_INFLATED_FREE "inflated_free" /* KiB counted as used */
#define BALLOON_STAT_KEEP	"keep"		/* KiB inflation leaves free */
#define BALLOON_STAT_STATE	"state"		/* int: BALLOON_STATE_* */
#define BALLOON_STAT_ERROR	"error"		/* int: errno, last stall */
#define BALLOON_STAT_DELAY	"delay"		/* int: retry delay now, ms */

/*
 * evcnt(9) counters (vmstat -e), of type misc, in the device's group
 * ("balloon0").
 */
#define BALLOON_EVCNT_GROUP	"balloon"	/* and the unit */
#define BALLOON_EV_HYPERCALLS	"hypercalls"	/* reservation calls made */
#define BALLOON_EV_PARTIAL	"partial"	/* calls short of the ask */
#define BALLOON_EV_RETRIES	"retries"	/* backoff retries */
#define BALLOON_EV_OOM_DEFLATIONS "oom_deflations" /* deflations on OOM */
#define BALLOON_EV_OOM_PAGES	"oom_pages"	/* pages they took back */
#define BALLOON_EV_OOM_MAXPAGES	"oom_maxpages"	/* ones max_pages cut short */

#define BALLOON_STATE_IDLE	0	/* at target */
#define BALLOON_STATE_INFLATING	1	/* giving pages to Xen */
#define BALLOON_STATE_DEFLATING	2	/* taking pages back */
#define BALLOON_STATE_BACKOFF	3	/* short call; retrying later */
#define BALLOON_STATE_STALLED	4	/* retrying every "retry" seconds */

#endif /* _XEN_BALLOON_H_ */
