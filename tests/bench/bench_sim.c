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
 * What balloon_bench and balloond_bench share: the clock, xensimd
 * started in OUTDIR/xensim, and a guest's sysctl tree and event
 * counters through librumpsysctl.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <balloon.h>
#include <rumpsysctl.h>

#include "bench_sim.h"

char simdir[PATH_MAX];

double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
nap(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	nanosleep(&ts, NULL);
}

/*
 * xensimd on a host of host_mib MiB, in OUTDIR/xensim, for dom0's
 * libraries and tools (XENSIM_DIR, XENSTORED_PATH): its pid.
 */
pid_t
xensimd_start(const char *bindir, const char *outdir, uintmax_t host_mib)
{
	char mib[32], path[PATH_MAX + 16], prog[PATH_MAX];
	pid_t pid;
	FILE *fp;
	long p;
	int status;

	snprintf(simdir, sizeof(simdir), "%s/xensim", outdir);
	snprintf(mib, sizeof(mib), "%ju", host_mib);
	snprintf(prog, sizeof(prog), "%s/xensimd", bindir);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		/* -s -z: no garbage written, no look at frames given back. */
		execl(prog, "xensimd", "-s", "-z", "-d", simdir, "-m", mib,
		    (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		errx(1, "xensimd did not start");
	snprintf(path, sizeof(path), "%s/xensimd.pid", simdir);
	if ((fp = fopen(path, "r")) == NULL || fscanf(fp, "%ld", &p) != 1)
		errx(1, "%s: no pid", path);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/socket", simdir);
	setenv("XENSIM_DIR", simdir, 1);
	setenv("XENSTORED_PATH", path, 1);
	return (pid_t)p;
}

void
use_guest(domid_t d)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/domains/%u/sysctl", simdir, d);
	setenv("RUMP_SERVER", path, 1);
}

/* A quad node, or -1. */
int64_t
guest_quad(domid_t d, const char *node)
{
	uint64_t v = 0;
	size_t len = sizeof(v);

	use_guest(d);
	if (sysctlbyname(node, &v, &len, NULL, 0) != 0)
		return -1;
	return (int64_t)v;
}

/* An int node, or -1. */
int
guest_int(domid_t d, const char *node)
{
	int v = -1;
	size_t len = sizeof(v);

	use_guest(d);
	if (sysctlbyname(node, &v, &len, NULL, 0) != 0)
		return -1;
	return v;
}

/* The balloon's evcnt(9) counter name, or -1. */
int64_t
guest_evcnt(domid_t d, const char *name)
{
	struct rumpsysctl_evcnt *evs;
	int64_t v = -1;
	size_t i, n;

	use_guest(d);
	if (rumpsysctl_evcnt(&evs, &n) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(evs[i].group, BALLOON_EVCNT_GROUP "0") == 0 &&
		    strcmp(evs[i].name, name) == 0)
			v = (int64_t)evs[i].count;
	free(evs);
	return v;
}

void
guest_set(domid_t d, const char *node, const void *v, size_t len)
{

	use_guest(d);
	if (sysctlbyname(node, NULL, NULL, v, len) != 0)
		err(1, "d%u: set %s", d, node);
}
