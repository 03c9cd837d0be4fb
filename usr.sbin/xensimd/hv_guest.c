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
 * The guest program: what the domain builder's kernel= runs.  Its
 * environment names the domain's sockets; its output goes to the
 * domain's console log, as xenconsoled's guest log; it inherits no
 * other descriptor of the daemon but the read end of the liveness pipe,
 * as descriptor 3 ($XENSIM_HOSTFD).
 *
 * A guest does not outlive its host: it gets SIGKILL when the daemon
 * dies (PR_SET_PDEATHSIG), and a guest program that is not the
 * daemon's own child (started by a wrapper) sees EOF on descriptor 3.
 *
 * The host runs above its guests, as Xen's hypervisor does: the daemon
 * raises its own scheduling priority when it may (hv_guest_prio_init)
 * and its guests run at the one it was started with, so that a hundred
 * busy guests on a few CPUs do not keep dom0's requests waiting for
 * the daemon to be scheduled.
 */

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvvar.h"
#include "log.h"

#define MAX_ARGS	64
#define HOST_FD		3
#define HOST_NICE_BOOST	10	/* nice steps the daemon takes above */

static int	guest_nice;

/* Raise the daemon above the guests it will start; false if refused. */
bool
hv_guest_prio_init(void)
{

	errno = 0;
	guest_nice = getpriority(PRIO_PROCESS, 0);
	if (errno != 0)
		return false;
	return setpriority(PRIO_PROCESS, 0, guest_nice - HOST_NICE_BOOST) ==
	    0;
}

int
hv_guest_start(struct hv_domain *d)
{
	char path[PATH_MAX + 32], id[16], cmdline[sizeof(d->d_cmdline)];
	char *argv[MAX_ARGS + 2], *p;
	sigset_t none;
	int argc, fd, nul;
	pid_t pid, daemon;

	strcpy(cmdline, d->d_cmdline);
	argc = 0;
	argv[argc++] = d->d_kernel;
	for (p = strtok(cmdline, " \t"); p != NULL; p = strtok(NULL, " \t")) {
		if (argc > MAX_ARGS)
			return E2BIG;
		argv[argc++] = p;
	}
	argv[argc] = NULL;

	snprintf(path, sizeof(path), "%s/console.log", d->d_dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return errno;
	if ((nul = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		close(fd);
		return errno;
	}
	daemon = getpid();
	if ((pid = fork()) == -1) {
		close(fd);
		close(nul);
		return errno;
	}
	if (pid == 0) {
		/* The daemon may have died before the signal was armed. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != daemon)
			_exit(127);
		dup2(nul, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (hv_live_rfd == HOST_FD)
			fcntl(HOST_FD, F_SETFD, 0);
		else
			dup2(hv_live_rfd, HOST_FD);
		closefrom(HOST_FD + 1);
		/* The daemon blocks its signals for signalfd: undo that. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		(void)setpriority(PRIO_PROCESS, 0, guest_nice);
		snprintf(path, sizeof(path), "%s/hypercall", d->d_dir);
		setenv("XENSIM_HYPERCALL", path, 1);
		snprintf(path, sizeof(path), "%s/xenstore", d->d_dir);
		setenv("XENSTORED_PATH", path, 1);
		snprintf(id, sizeof(id), "%u", d->d_id);
		setenv("XENSIM_DOMID", id, 1);
		setenv("XENSIM_DOMDIR", d->d_dir, 1);
		snprintf(id, sizeof(id), "%d", HOST_FD);
		setenv("XENSIM_HOSTFD", id, 1);
		execv(d->d_kernel, argv);
		fprintf(stderr, "xensimd: exec %s: %s\n", d->d_kernel,
		    strerror(errno));
		_exit(127);
	}
	close(fd);
	close(nul);
	d->d_pid = pid;
	hv_log("d%u: guest %s started, pid %ld", d->d_id, d->d_kernel,
	    (long)pid);
	return 0;
}
