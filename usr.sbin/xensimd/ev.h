/*	$NetBSD$	*/

/*
 * ev: the single-threaded poll(2) loop xensimd runs everything on.
 * Both halves of the daemon (xenstored and the hypervisor) register
 * their descriptors here; a callback never blocks.
 */

#ifndef _XENSIMD_EV_H_
#define _XENSIMD_EV_H_

#include <signal.h>

typedef void ev_cb_t(int fd, short revents, void *arg);

int	ev_add(int fd, short events, ev_cb_t *cb, void *arg);
void	ev_mod(int fd, short events);
void	ev_del(int fd);
void	ev_dom0(int fd);	/* served before the guests' */
void	ev_run(volatile sig_atomic_t *stop);

/*
 * accept.c: raise RLIMIT_NOFILE to its hard limit (returns it); accept
 * one connection for domain domid, non-blocking and close-on-exec.  -1
 * with EAGAIN: none pending; -1 with EMFILE: one was refused (taken and
 * closed), because the descriptors are out or, for a domU, fewer than
 * EV_DOM0_RESERVE are left.
 */
#define EV_DOM0_RESERVE	128	/* descriptors only dom0 may take */
unsigned long	ev_accept_init(void);
int		ev_accept(int lfd, unsigned int domid);

#endif /* _XENSIMD_EV_H_ */
