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
 * xensimd: a simulated Xen host.  One process, one poll loop: the
 * xenstored half serves <dir>/socket (dom0) and one socket per domU, the
 * hypervisor half serves <dir>/privcmd (dom0) and one hypercall socket
 * per domU, and runs each domU's guest program.
 */

#include <sys/types.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "hv.h"
#include "xenstored.h"

#define DEFAULT_DIR		"/var/run/xensim"
#define DEFAULT_HOST_MIB	4096

static volatile sig_atomic_t stop;

static void	usage(void) __attribute__((__noreturn__));

static void
usage(void)
{
	fprintf(stderr, "usage: xensimd [-fsz] [-d dir] [-m host-MiB]\n");
	exit(1);
}

static void
on_signal(int fd, short revents, void *arg)
{
	struct signalfd_siginfo si;

	(void)revents;
	(void)arg;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			hv_reap();
		else
			stop = 1;
	}
}

static int
setup_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		return -1;
	/* A client vanishing mid-reply must not kill the host. */
	signal(SIGPIPE, SIG_IGN);
	return ev_add(fd, POLLIN, on_signal, NULL);
}

/*
 * Fork into the background once every socket is listening, so that the
 * command that started us returns only when clients can connect.
 */
static void
daemonize(const char *dir)
{
	char path[PATH_MAX];
	int pfd[2], fd;
	pid_t pid;
	char c;
	FILE *fp;

	if (pipe(pfd) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid != 0) {
		close(pfd[1]);
		/* The child writes one byte when ready, nothing on failure. */
		if (read(pfd[0], &c, 1) != 1)
			errx(1, "daemon failed to start; see %s/xensimd.log",
			    dir);
		_exit(0);
	}
	close(pfd[0]);
	if (setsid() == -1)
		err(1, "setsid");
	snprintf(path, sizeof(path), "%s/xensimd.pid", dir);
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/xensimd.log", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	c = 1;
	(void)write(pfd[1], &c, 1);
	close(pfd[1]);
}

/*
 * One daemon per directory: a second would take the first one's
 * sockets away from it.  A pid file left by a daemon that died (kill
 * -9) names no live process and is no obstacle.
 */
static bool
running(long pid)
{
	char path[64], buf[256], *p;
	FILE *fp;
	size_t n;

	if (kill((pid_t)pid, 0) == -1 && errno != EPERM)
		return false;
	/* A zombie waiting for its reaper is dead. */
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return (p = strrchr(buf, ')')) == NULL || p[1] == '\0' ||
	    (p[2] != 'Z' && p[2] != 'X');
}

static void
check_alone(const char *dir)
{
	char path[PATH_MAX];
	long pid;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/xensimd.pid", dir);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	if (fscanf(fp, "%ld", &pid) == 1 && pid > 0 && pid != getpid() &&
	    running(pid))
		errx(1, "already running in %s (pid %ld)", dir, pid);
	fclose(fp);
}

int
main(int argc, char **argv)
{
	const char *dir = DEFAULT_DIR;
	char path[PATH_MAX];
	uint64_t host_mib = DEFAULT_HOST_MIB;
	bool foreground = false;
	unsigned long fd_limit;
	char *ep;
	int ch, error;

	while ((ch = getopt(argc, argv, "d:fm:sz")) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 's':
			hv_scrub = true;
			break;
		case 'z':
			hv_check_given = false;
			break;
		case 'm':
			errno = 0;
			host_mib = strtoull(optarg, &ep, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *ep != '\0' ||
			    errno != 0 || host_mib == 0 ||
			    host_mib > (UINT64_C(1) << 32))
				errx(1, "invalid host memory size: %s", optarg);
			break;
		default:
			usage();
		}
	}
	if (argc != optind)
		usage();

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		err(1, "%s", dir);
	check_alone(dir);
	/* Every connection is a descriptor: take all we may have. */
	fd_limit = ev_accept_init();
	if (setup_signals() == -1)
		err(1, "signals");
	if ((error = xsd_init()) != 0)
		errno = error, err(1, "xenstored");
	snprintf(path, sizeof(path), "%s/socket", dir);
	if ((error = xsd_listen(path, 0)) != 0)
		errno = error, err(1, "%s", path);
	if ((error = hv_init(dir, host_mib * 256)) != 0)
		errno = error, err(1, "hypervisor");

	if (!foreground)
		daemonize(dir);
	fprintf(stderr, "xensimd: host of %" PRIu64 " MiB ready in %s, "
	    "%lu descriptors\n", host_mib, dir, fd_limit);
	if (!hv_guest_prio_init())
		fprintf(stderr, "xensimd: cannot run above the guests: %s\n",
		    strerror(errno));

	ev_run(&stop);

	hv_fini();
	xsd_unlisten(0);
	snprintf(path, sizeof(path), "%s/xensimd.pid", dir);
	(void)unlink(path);
	return 0;
}
