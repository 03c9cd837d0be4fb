/*	$NetBSD$	*/

/*
 * xensimd's log, on stderr: the hypervisor's lines as Xen's console
 * prints them, "(XEN) ...", and xenstored's after its name.  What a guest
 * can make either say at will goes through the per-domain rate limit.
 */

#ifndef _XENSIMD_LOG_H_
#define _XENSIMD_LOG_H_

#define LOG_HV	"(XEN) "
#define LOG_XS	"xensimd: xenstored: "

/* One line after prefix; a domid of -1 is never rate-limited. */
void	xsd_log(const char *, int, const char *, ...)
	    __attribute__((__format__(__printf__, 3, 4)));

#define hv_log(...)		xsd_log(LOG_HV, -1, __VA_ARGS__)
#define hv_glog(id, ...)	xsd_log(LOG_HV, (int)(id), __VA_ARGS__)
#define xs_log(...)		xsd_log(LOG_XS, -1, __VA_ARGS__)
#define xs_glog(id, ...)	xsd_log(LOG_XS, (int)(id), __VA_ARGS__)

#endif /* _XENSIMD_LOG_H_ */
