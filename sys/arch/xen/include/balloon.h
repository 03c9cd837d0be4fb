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

#endif /* _XEN_BALLOON_H_ */
