/*	$NetBSD$	*/

/*
 * The xenstored half of xensimd: the store, its permissions, watches and
 * transactions, served over the wire protocol of <xen/io/xs_wire.h>.
 *
 * The hypervisor and toolstack halves use only the functions below; they
 * act as dom0 and fire watches exactly as a client's request would.
 * Functions return 0 or an errno value (ENOENT, EACCES, EINVAL, ...).
 */

#ifndef _XENSIMD_XENSTORED_H_
#define _XENSIMD_XENSTORED_H_

#include <stdbool.h>
#include <xenstore_lib.h>	/* struct xs_permissions */

/* Create the store with Xen's initial nodes (/, /local, /local/domain, /tool). */
int	xsd_init(void);

/*
 * Listen on a unix socket at path; every connection accepted there acts
 * as domain domid (0: privileged).  The socket goes away with
 * xsd_unlisten(domid), which also closes that domain's connections and
 * drops its watches and transactions.
 */
int	xsd_listen(const char *path, unsigned int domid);
void	xsd_unlisten(unsigned int domid);

/*
 * Fault injection: close every current connection of domain domid and
 * drop their watches and transactions, as if xenstored had lost them;
 * the listener stays, so the domain can connect again.  Returns the
 * number of connections closed.
 */
unsigned int	xsd_drop_domain(unsigned int domid);

/* Toolstack access, as dom0.  Missing parents are created as Xen does. */
int	xsd_write(const char *path, const char *value);
int	xsd_mkdir(const char *path);
int	xsd_read(const char *path, char **valuep);	/* *valuep: malloc'd */
int	xsd_rm(const char *path);
bool	xsd_exists(const char *path);
int	xsd_set_perms(const char *path, const struct xs_permissions *perms,
	    unsigned int nperms);

/* Fire the special watch "@releaseDomain" (domain destroyed). */
void	xsd_release_domain(unsigned int domid);

#endif /* _XENSIMD_XENSTORED_H_ */
