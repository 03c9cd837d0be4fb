/*	$NetBSD$	*/

/*
 * A small poll(2) dispatcher.  Descriptors are kept in a dense array;
 * removal during dispatch is allowed (the slot is marked dead and
 * compacted after the round), so a callback may close any connection.
 */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "ev.h"

struct ev_slot {
	ev_cb_t	*cb;
	void	*arg;
	int	 dead;
};

static struct pollfd	*ev_pfd;
static struct ev_slot	*ev_slot;
static size_t		 ev_n, ev_cap;

static ssize_t
ev_find(int fd)
{
	size_t i;

	for (i = 0; i < ev_n; i++)
		if (ev_pfd[i].fd == fd && !ev_slot[i].dead)
			return (ssize_t)i;
	return -1;
}

int
ev_add(int fd, short events, ev_cb_t *cb, void *arg)
{
	size_t ncap;

	if (ev_n == ev_cap) {
		ncap = ev_cap ? ev_cap * 2 : 64;
		ev_pfd = reallocarray(ev_pfd, ncap, sizeof(*ev_pfd));
		ev_slot = reallocarray(ev_slot, ncap, sizeof(*ev_slot));
		if (ev_pfd == NULL || ev_slot == NULL)
			err(1, "ev_add");
		ev_cap = ncap;
	}
	ev_pfd[ev_n].fd = fd;
	ev_pfd[ev_n].events = events;
	ev_pfd[ev_n].revents = 0;
	ev_slot[ev_n].cb = cb;
	ev_slot[ev_n].arg = arg;
	ev_slot[ev_n].dead = 0;
	ev_n++;
	return 0;
}

void
ev_mod(int fd, short events)
{
	ssize_t i;

	if ((i = ev_find(fd)) >= 0)
		ev_pfd[i].events = events;
}

void
ev_del(int fd)
{
	ssize_t i;

	if ((i = ev_find(fd)) >= 0) {
		ev_slot[i].dead = 1;
		ev_pfd[i].fd = -1;	/* poll(2) ignores it until compaction */
	}
}

static void
ev_compact(void)
{
	size_t i, j;

	for (i = j = 0; i < ev_n; i++) {
		if (ev_slot[i].dead)
			continue;
		ev_pfd[j] = ev_pfd[i];
		ev_slot[j] = ev_slot[i];
		j++;
	}
	ev_n = j;
}

void
ev_run(volatile sig_atomic_t *stop)
{
	size_t i, n;
	int nready;

	while (!*stop) {
		nready = poll(ev_pfd, ev_n, -1);
		if (nready == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		/* Descriptors added by a callback wait for the next round. */
		n = ev_n;
		for (i = 0; i < n && nready > 0; i++) {
			if (ev_slot[i].dead || ev_pfd[i].revents == 0)
				continue;
			nready--;
			(*ev_slot[i].cb)(ev_pfd[i].fd, ev_pfd[i].revents,
			    ev_slot[i].arg);
		}
		ev_compact();
	}
}
