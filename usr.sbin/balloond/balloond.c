/*	$NetBSD$	*/

/*-
 * Copyright (c) 2026 The xenballoon project.
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHORS AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHORS OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 */

/*
 * balloond: dom0's memory manager.  Shares the host's memory among its
 * guests by policy (balloond(8)), reacting to xenstore watches within a
 * fraction of a second and passing over every domain on a timer as well.
 */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "balloond.h"
#include "hv.h"
#include "sockpath.h"

#define BD_MAXFDS	64
#define BD_DEBOUNCE_MS	100	/* at most ten passes a second */
#define BD_BUSY_MS	500	/* passes while a guest is moving */

struct bd_config	bd_conf;
struct xs_handle	*bd_xsh;

/* The options that are settings of the configuration file too. */
static const struct setting {
	int		 ch;
	const char	*name;
} settings[] = {
	{ 'g', "goal" }, { 'H', "hold" }, { 'i', "interval" },
	{ 'm', "floor" }, { 'r', "reserve" }, { 't', "stall" }, { 0, NULL }
};

static struct bd_config	opts;		/* the options, under the file */
static const char	*conffile;
static int		sigpipe[2];
static volatile sig_atomic_t got_hup, got_term;

static void	usage(void) __attribute__((__noreturn__));

static void
usage(void)
{

	fprintf(stderr, "usage: balloond [-f] [-c file] [-g goal] [-H hold] "
	    "[-i interval] [-m floor]\n"
	    "                [-r reserve] [-S socket] [-t stall]\n");
	exit(1);
}

static void
onsig(int sig)
{
	int e = errno;

	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
	(void)write(sigpipe[1], "", 1);
	errno = e;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	if (pipe2(sigpipe, O_NONBLOCK | O_CLOEXEC) == -1)
		err(1, "pipe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGHUP, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		err(1, "sigaction");
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Detached: the parent returns only once the child is ready, with its
 * status, so that a failed start is seen by whoever started it.
 */
static int
detach(void)
{
	int p[2];
	char c;

	if (pipe(p) == -1)
		err(1, "pipe");
	switch (fork()) {
	case -1:
		err(1, "fork");
	case 0:
		close(p[0]);
		if (setsid() == -1)
			err(1, "setsid");
		return p[1];
	default:
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
}

static void
ready(int fd)
{
	int null;

	if (fd == -1)
		return;
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(null, STDIN_FILENO);
		(void)dup2(null, STDOUT_FILENO);
		(void)dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	(void)write(fd, "", 1);
	close(fd);
}

static void
reload(void)
{
	struct bd_config c = opts;

	if (conffile != NULL && config_load(conffile, &c) == -1)
		return;
	bd_conf = c;
	dom_forget();
	log_info("reloaded: reserve %" PRIu64 " KiB, goal %" PRIu64 " KiB, "
	    "floor %" PRIu64 " KiB, stall %u s", bd_conf.reserve, bd_conf.goal,
	    bd_conf.floor, bd_conf.stall);
}

static void
loop(void)
{
	struct pollfd pfd[BD_MAXFDS];
	struct bd_pass p;
	int64_t last, next, t;
	bool dirty = true, busy = false;
	char **w, buf[64];
	int n, nres, timeout;

	last = now_ms() - BD_DEBOUNCE_MS;
	while (!got_term) {
		t = now_ms();
		if (dirty)
			next = last + BD_DEBOUNCE_MS;
		else if (busy || reserve_pending())
			next = last + BD_BUSY_MS;
		else
			next = last + (int64_t)bd_conf.interval * 1000;
		if (t >= next) {
			dom_pass(t / 1000, reserve_held(t / 1000), &p);
			if (p.newdom)
				reserve_newdomain();
			reserve_check(&p, t / 1000);
			busy = p.busy;
			dirty = false;
			last = t;
			continue;
		}
		timeout = (int)(next - t);

		pfd[0].fd = sigpipe[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = xs_fileno(bd_xsh);
		pfd[1].events = POLLIN;
		nres = reserve_fds(pfd + 2, BD_MAXFDS - 2);
		n = poll(pfd, 2 + (nfds_t)nres, timeout);
		if (n == -1 && errno != EINTR)
			err(1, "poll");
		if (n <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			while (read(sigpipe[0], buf, sizeof(buf)) > 0)
				continue;
		if (got_hup) {
			got_hup = 0;
			reload();
			dirty = true;
		}
		if (pfd[1].revents & POLLIN) {
			while ((w = xs_check_watch(bd_xsh)) != NULL) {
				free(w);
				dirty = true;
			}
		}
		if (reserve_io(pfd + 2, nres, now_ms() / 1000))
			dirty = true;
	}
}

int
main(int argc, char **argv)
{
	const struct setting *o;
	const char *sock = NULL, *why;
	bool fg = false;
	int ch, readyfd = -1;

	opts.reserve = 64 * 1024;
	opts.goal = 64 * 1024;
	opts.floor = 64 * 1024;
	opts.stall = 20;
	opts.interval = 5;
	opts.hold = 60;
	while ((ch = getopt(argc, argv, "c:fg:H:i:m:r:S:t:")) != -1) {
		switch (ch) {
		case 'c':
			conffile = optarg;
			break;
		case 'f':
			fg = true;
			break;
		case 'S':
			sock = optarg;
			break;
		default:
			for (o = settings; o->ch != 0 && o->ch != ch; o++)
				continue;
			if (o->ch == 0)
				usage();
			if (config_set(&opts, o->name, optarg, &why) == -1)
				errx(1, "invalid %s: %s: %s", o->name, optarg,
				    why);
		}
	}
	if (argc != optind)
		usage();

	/* Errors up to here and in the first setup reach the caller. */
	log_init(true);
	bd_conf = opts;
	if (conffile != NULL && config_load(conffile, &bd_conf) == -1)
		exit(1);
	if (sock == NULL)
		sock = balloond_socket();
	if (!fg)
		readyfd = detach();
	setup_signals();
	bd_xsh = hv_open();
	if (!xs_watch(bd_xsh, "/local/domain", "balloond"))
		err(1, "cannot watch /local/domain");
	if (reserve_listen(sock) == -1)
		err(1, "%s", sock);
	log_info("started: reserve %" PRIu64 " KiB, goal %" PRIu64 " KiB, "
	    "floor %" PRIu64 " KiB, stall %u s", bd_conf.reserve, bd_conf.goal,
	    bd_conf.floor, bd_conf.stall);
	if (!fg)
		log_init(false);
	ready(readyfd);

	loop();

	log_info("exiting");
	reserve_close();
	xs_close(bd_xsh);
	hv_close();
	return 0;
}
