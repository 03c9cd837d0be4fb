/*	$NetBSD$	*/

/*
 * xensimd's log, on stderr: the hypervisor's lines as Xen's console
 * prints them, "(XEN) ...", and xenstored's after its name.  What a guest
 * can make either say at will goes through the per-domain rate limit.
 */

#ifndef _XENSIMD_LOG_H_
#define _XENSIMD_LOG_H_

void	hv_log(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	hv_glog(unsigned int, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
void	xs_log(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	xs_glog(unsigned int, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

#endif /* _XENSIMD_LOG_H_ */
