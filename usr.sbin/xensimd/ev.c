/*	$NetBSD$	*/

/*
 * A small poll(2) dispatcher.  Descriptors are kept in a dense array;
 * removal during dispatch is allowed (the slot is marked dead and
 * compacted after the round), so a callback may close any connection.
 *
 * dom0 comes first: the descriptors marked with ev_dom0() are served
 * before the others in each round, and looked at again (poll(2) with
 * no wait) whenever the others have had EV_DOM0_SLICE_NS since, so a
 * round of a hundred busy guests never keeps dom0 waiting for more
 * than about one guest request.
 */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "ev.h"

struct ev_slot {
	ev_cb_t	*cb;
	void	*arg;
	bool	 dead;
	bool	 dom0;		/* served first */
};

#define EV_DOM0_SLICE_NS	500000L

static struct pollfd	*ev_pfd;
static struct ev_slot	*ev_slot;
static size_t		 ev_n, ev_cap;
static struct pollfd	*ev_dpfd;	/* dom0's, for a look between */
static size_t		*ev_dslot;	/* their slots */
static size_t		 ev_dcap;

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
	ev_slot[ev_n].dead = false;
	ev_slot[ev_n].dom0 = false;
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
		ev_slot[i].dead = true;
		ev_pfd[i].fd = -1;	/* poll(2) ignores it until compaction */
	}
}

/* Serve fd's readiness before everything that is not dom0's. */
void
ev_dom0(int fd)
{
	ssize_t i;

	if ((i = ev_find(fd)) >= 0)
		ev_slot[i].dom0 = true;
}

static uint64_t
ev_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static void
ev_call(size_t i)
{
	short re = ev_pfd[i].revents;

	ev_pfd[i].revents = 0;
	(*ev_slot[i].cb)(ev_pfd[i].fd, re, ev_slot[i].arg);
}

/* Serve the ready ones of dom0's descriptors among the first n. */
static void
ev_serve_dom0(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ev_slot[i].dom0 && !ev_slot[i].dead &&
		    ev_pfd[i].revents != 0)
			ev_call(i);
}

/*
 * Between two guests' requests: has dom0 anything?  A poll(2) of its
 * few descriptors that does not wait.
 */
static void
ev_look_dom0(size_t n)
{
	size_t i, k;

	if (ev_dcap < n) {
		ev_dpfd = reallocarray(ev_dpfd, n, sizeof(*ev_dpfd));
		ev_dslot = reallocarray(ev_dslot, n, sizeof(*ev_dslot));
		if (ev_dpfd == NULL || ev_dslot == NULL)
			err(1, "ev_look_dom0");
		ev_dcap = n;
	}
	for (i = k = 0; i < n; i++) {
		if (!ev_slot[i].dom0 || ev_slot[i].dead)
			continue;
		ev_dpfd[k] = ev_pfd[i];
		ev_dpfd[k].revents = 0;
		ev_dslot[k++] = i;
	}
	if (k == 0 || poll(ev_dpfd, k, 0) <= 0)
		return;
	for (i = 0; i < k; i++)
		if (ev_dpfd[i].revents != 0 && !ev_slot[ev_dslot[i]].dead) {
			ev_pfd[ev_dslot[i]].revents = ev_dpfd[i].revents;
			ev_call(ev_dslot[i]);
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
	uint64_t t, look;
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
		ev_serve_dom0(n);
		look = ev_ns();
		for (i = 0; i < n; i++) {
			if (ev_slot[i].dead || ev_pfd[i].revents == 0)
				continue;
			ev_call(i);
			if ((t = ev_ns()) - look >= EV_DOM0_SLICE_NS) {
				ev_look_dom0(n);
				look = ev_ns();
			}
		}
		ev_compact();
	}
}
