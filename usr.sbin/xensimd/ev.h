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
void	ev_run(volatile sig_atomic_t *stop);

#endif /* _XENSIMD_EV_H_ */
