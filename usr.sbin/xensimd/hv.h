/*	$NetBSD$	*/

/*
 * The hypervisor and toolstack halves of xensimd.
 */

#ifndef _XENSIMD_HV_H_
#define _XENSIMD_HV_H_

#include <stdbool.h>
#include <stdint.h>

/*
 * Frames: hand them out holding garbage, as Xen without scrub_domheap
 * may (hv_scrub false, the default: xensimd -s sets it); check that
 * those given back read as zero (hv_check_given, the default: xensimd
 * -z, for benchmarks, clears it).
 */
extern bool	hv_scrub;
extern bool	hv_check_given;

/*
 * Start the hypervisor on a host of host_pages machine frames: listen on
 * <dir>/privcmd for dom0 and make <dir>/domains/ for the domUs' sockets.
 */
int	hv_init(const char *dir, uint64_t host_pages);

/* A guest process exited (SIGCHLD): reap it, as Xen's domain crash. */
void	hv_reap(void);
bool	hv_guest_prio_init(void);	/* the host above its guests */

/* Destroy every domain, killing its guest; remove the sockets. */
void	hv_fini(void);

#endif /* _XENSIMD_HV_H_ */
