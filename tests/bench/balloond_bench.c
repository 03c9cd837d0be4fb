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
 * balloond_bench BINDIR OUTDIR [static reporting balloond fast]: NGUEST
 * rumpxen guests of GUEST_MAX MiB on a host of half their sum, each with a bursty workload (debug.memhog:
 * idle, a burst, idle, at times drawn from the same seed in every run),
 * three ways: static sizes (nothing on the host moves memory), free page
 * reporting in every guest, and balloond(8) with deflate on OOM in every
 * guest (a guest short of memory takes it from the host at once, within
 * the max_pages room balloond gives it, and balloond rebalances).  Each
 * guest draws from a seed of its own: the same bursts in every run, at
 * independent times.  The workload takes its memory at RATE_MIB a second
 * (debug.memhog_rate), a fast program's page faults; the last run
 * (fast) is balloond again with workloads that take it as fast as the
 * guest can give it, several times what a small guest's cushion covers
 * in a tick of its balloon thread.
 *
 * Figures per run: the workload's failed allocations, host free memory
 * against balloond's reserve (its minimum, the time below it), from the
 * write of debug.memhog to the workload holding all it asked for (p50,
 * p99; a burst never granted counts as never), host memory free on
 * average, and the memory/target writes.  Wall time on CLOCK_MONOTONIC
 * in this process, which plays dom0.  OUTDIR receives host free memory
 * over time (bd-MODE.dat) and the grant times (bdlat-MODE.dat) for the
 * plot.  Numbers only: nothing here passes or fails.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include <balloon.h>
#include <rumpsysctl.h>
#include <xensim.h>

#include "bench_sim.h"

#define NGUEST		50
#define GUEST_MAX	64		/* MiB, static-max */
#define HOST_MIB	(NGUEST * GUEST_MAX / 2)	/* two to one */
#define RESERVE_MIB	64		/* balloond -r, the line on the plot */
/* Static sizes: the host shared evenly, the reserve and 1 MiB each left. */
#define GUEST_BOOT	((HOST_MIB - RESERVE_MIB) / NGUEST - 1)
#define BURST_MIN	8		/* MiB the workload asks, drawn */
#define BURST_MAX	40
#define RATE_MIB	256		/* MiB/s a workload takes, at most */
#define IDLE_S		2.0, 8.0	/* idle between bursts, drawn */
#define HOLD_S		1.0, 3.0	/* a burst held */
#define SETTLE_S	4.0		/* before the workload starts */
#define RUN_S		20.0
#define TICK_NS		20000000L	/* the poll of bursting guests */
#define SAMPLE_S	0.1		/* host free memory */
#define UP_S		60.0		/* a guard against hanging */
#define SEED		20261204

enum mode { STATIC, REPORTING, BALLOOND, FAST, NMODE };
static const char *mode_name[NMODE] = {
	"static", "reporting", "balloond", "fast"
};
static const char *mode_what[NMODE] = {
	"static sizes, nothing moves",
	"free page reporting in every guest",
	"balloond -r 64M -g 4M -m 8M",
	"balloond, workloads at full speed",
};

struct guest {
	domid_t		id;
	bool		burst;		/* holding or asking for want */
	bool		granted;
	double		next;		/* the next change, s */
	double		t0;		/* the write of debug.memhog */
	uint64_t	want;		/* KiB */
	unsigned short	rnd[3];		/* its own draws */
};

struct result {
	uint64_t	failed;
	double		peak;		/* MiB the workloads asked at once */
	double		idle;		/* MiB the guests used before */
	unsigned int	bursts, never;
	double		p50, p99;	/* s; < 0: never */
	double		free_min, free_avg, below_s;	/* MiB, MiB, s */
	unsigned int	writes;		/* memory/target writes */
};

static const char *bindir, *outdir;
static struct xensim *dom0;
static struct xs_handle *xs;
static pid_t xensimd_pid, balloond_pid;
static struct guest guests[NGUEST];
static double lat[4096];
static unsigned int nlat;

static double
draw(struct guest *g, double lo, double hi)
{

	return lo + (hi - lo) * erand48(g->rnd);
}

static void
stop_pid(pid_t *pidp)
{
	int i;

	if (*pidp <= 0)
		return;
	kill(*pidp, SIGTERM);
	for (i = 0; i < 500 && kill(*pidp, 0) == 0; i++) {
		(void)waitpid(*pidp, NULL, WNOHANG);
		nap(10000000);
	}
	kill(*pidp, SIGKILL);
	(void)waitpid(*pidp, NULL, WNOHANG);
	*pidp = 0;
}

static void
stop_all(void)
{

	stop_pid(&balloond_pid);
	if (xs != NULL)
		xs_close(xs);
	xs = NULL;
	if (dom0 != NULL)
		xensim_close(dom0);
	dom0 = NULL;
	stop_pid(&xensimd_pid);
}

static void
on_signal(int sig)
{

	if (balloond_pid > 0)
		kill(balloond_pid, SIGTERM);
	if (xensimd_pid > 0)
		kill(xensimd_pid, SIGTERM);
	_exit(128 + sig);
}

static void
sim_start(void)
{

	xensimd_pid = xensimd_start(bindir, outdir, HOST_MIB);
	if ((dom0 = xensim_open_privcmd(simdir)) == NULL)
		err(1, "privcmd");
}

static double
host_free_mib(void)
{
	struct xensim_hostinfo hi;

	if (xensim_host_info(dom0, &hi) != 0)
		err(1, "host info");
	return hi.free_pages / 256.0;
}

/* Every guest booted and up. */
static void
guests_start(enum mode m)
{
	struct xensim_domcfg cfg;
	struct guest *g;
	uint64_t rate;
	double t0;
	int i, on = 1;

	for (i = 0; i < NGUEST; i++) {
		g = &guests[i];
		memset(g, 0, sizeof(*g));
		memset(&cfg, 0, sizeof(cfg));
		snprintf(cfg.name, sizeof(cfg.name), "g%d", i);
		cfg.kind = XENSIM_PVH;
		cfg.memory_kib = GUEST_BOOT * 1024;
		cfg.maxmem_kib = GUEST_MAX * 1024;
		snprintf(cfg.kernel, sizeof(cfg.kernel), "%s/rumpxen", bindir);
		if (xensim_domain_create(dom0, &cfg, &g->id) != 0)
			err(1, "create %s", cfg.name);
		/*
		 * The guest's number in the high word: seeds that differ in
		 * the low bits only give nearly the same first draws, and
		 * every guest would burst at once.
		 */
		g->rnd[0] = SEED & 0xffff;
		g->rnd[1] = (SEED >> 16) & 0xffff;
		g->rnd[2] = (unsigned short)i;
	}
	for (i = 0; i < NGUEST; i++) {
		g = &guests[i];
		t0 = now();
		while (guest_int(g->id, BALLOON_SYSCTL "." BALLOON_NODE_STATS
		    "." BALLOON_STAT_STATE) != 0) {
			if (now() - t0 > UP_S)
				errx(1, "d%u did not come up", g->id);
			nap(5000000);
		}
		if (m == REPORTING)
			guest_set(g->id, BALLOON_SYSCTL "."
			    BALLOON_NODE_REPORTING, &on, sizeof(on));
		if (m == BALLOOND || m == FAST)
			guest_set(g->id, BALLOON_SYSCTL "."
			    BALLOON_NODE_DEFLATE_ON_OOM, &on, sizeof(on));
		rate = m == FAST ? 0 : RATE_MIB * 1024;
		guest_set(g->id, "debug.memhog_rate", &rate, sizeof(rate));
	}
}

static void
balloond_start(void)
{
	char prog[PATH_MAX], log[PATH_MAX + 32], sock[PATH_MAX + 32];
	double t0;

	snprintf(prog, sizeof(prog), "%s/balloond", bindir);
	snprintf(log, sizeof(log), "%s/balloond.log", outdir);
	snprintf(sock, sizeof(sock), "%s/balloond.sock", simdir);
	if ((balloond_pid = fork()) == -1)
		err(1, "fork");
	if (balloond_pid == 0) {
		if (freopen(log, "w", stderr) == NULL)
			_exit(127);
		execl(prog, "balloond", "-f", "-r", "64M", "-g", "4M", "-m",
		    "8M", (char *)NULL);
		_exit(127);
	}
	for (t0 = now(); access(sock, F_OK) != 0; nap(10000000))
		if (now() - t0 > UP_S || waitpid(balloond_pid, NULL,
		    WNOHANG) != 0)
			errx(1, "balloond did not start");
}

/* A watch on every guest's memory/target (balloond rate limits its log). */
static void
watch_targets(void)
{
	char path[64];
	int i;

	if ((xs = xs_open(0)) == NULL)
		err(1, "xs_open");
	for (i = 0; i < NGUEST; i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/memory/target",
		    guests[i].id);
		if (!xs_watch(xs, path, "t"))
			err(1, "watch %s", path);
	}
}

/* A guest's figure under data/, KiB; 0 if none. */
static uint64_t
data_kib(domid_t d, const char *node)
{
	char path[64], *v;
	unsigned int len;
	uint64_t kib;

	snprintf(path, sizeof(path), "/local/domain/%u/data/%s", d, node);
	if ((v = xs_read(xs, XBT_NULL, path, &len)) == NULL)
		return 0;
	kib = strtoull(v, NULL, 10);
	free(v);
	return kib;
}

/* MiB the guests use, by the figures they publish. */
static double
guests_used(void)
{
	uint64_t sum = 0, total, free, ballooned;
	int i;

	for (i = 0; i < NGUEST; i++) {
		total = data_kib(guests[i].id, "meminfo_total");
		free = data_kib(guests[i].id, "meminfo_free");
		ballooned = data_kib(guests[i].id, "meminfo_ballooned");
		if (total > free + ballooned)
			sum += total - free - ballooned;
	}
	return sum / 1024.0;
}

/* memory/target writes since the last call. */
static unsigned int
target_writes(void)
{
	unsigned int n;
	char **ev;

	for (n = 0; (ev = xs_check_watch(xs)) != NULL; free(ev))
		n++;
	return n;
}

/* One guest's step at time t: a burst starts, ends, or is granted. */
static void
step(struct guest *g, double t)
{
	uint64_t zero = 0;

	if (g->burst && !g->granted &&
	    guest_quad(g->id, "debug.memhog_held") >= (int64_t)g->want) {
		g->granted = true;
		if (nlat < sizeof(lat) / sizeof(lat[0]))
			lat[nlat++] = now() - g->t0;
	}
	if (t < g->next)
		return;
	if (!g->burst) {
		g->want = (uint64_t)draw(g, BURST_MIN, BURST_MAX) * 1024;
		g->t0 = now();
		guest_set(g->id, "debug.memhog", &g->want, sizeof(g->want));
		g->burst = true;
		g->granted = false;
		g->next = t + draw(g, HOLD_S);
	} else {
		if (!g->granted && nlat < sizeof(lat) / sizeof(lat[0]))
			lat[nlat++] = -1;
		guest_set(g->id, "debug.memhog", &zero, sizeof(zero));
		g->burst = false;
		g->next = t + draw(g, IDLE_S);
	}
}

static int
cmp_lat(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	/* Never (-1) after every time. */
	if (x < 0 || y < 0)
		return (x < 0) - (y < 0);
	return x < y ? -1 : x > y;
}

static double
pct(unsigned int p)
{
	unsigned int i;

	if (nlat == 0)
		return -1;
	i = (nlat * p + 99) / 100;
	return lat[i > 0 ? i - 1 : 0];
}

static struct result
run(enum mode m)
{
	struct result r;
	char path[PATH_MAX + 32];
	double t0, t, last, f, sum = 0;
	unsigned int samples = 0, i;
	int64_t v;
	FILE *fp;

	memset(&r, 0, sizeof(r));
	nlat = 0;
	sim_start();
	guests_start(m);
	watch_targets();
	nap(100000000);
	(void)target_writes();		/* each watch fires once when set */
	r.idle = guests_used();
	if (m == BALLOOND || m == FAST)
		balloond_start();
	for (i = 0; i < NGUEST; i++)
		guests[i].next = SETTLE_S + draw(&guests[i], IDLE_S);
	snprintf(path, sizeof(path), "%s/bd-%s.dat", outdir, mode_name[m]);
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fprintf(fp, "# s MiB-free MiB-asked\n");
	r.free_min = HOST_MIB;
	t0 = now();
	last = -SAMPLE_S;
	while ((t = now() - t0) < SETTLE_S + RUN_S) {
		for (i = 0; i < NGUEST; i++)
			step(&guests[i], t);
		if (t - last >= SAMPLE_S) {
			f = host_free_mib();
			v = 0;
			for (i = 0; i < NGUEST; i++)
				v += guests[i].burst ? guests[i].want : 0;
			fprintf(fp, "%.2f %.1f %.1f\n", t, f, v / 1024.0);
			if (v / 1024.0 > r.peak)
				r.peak = v / 1024.0;
			if (t >= SETTLE_S) {
				r.free_min = f < r.free_min ? f : r.free_min;
				r.below_s += f < RESERVE_MIB ? t - last : 0;
				sum += f;
				samples++;
			}
			last = t;
		}
		nap(TICK_NS);
	}
	fclose(fp);
	r.free_avg = samples > 0 ? sum / samples : 0;
	for (i = 0; i < NGUEST; i++)
		if ((v = guest_quad(guests[i].id, "debug.memhog_failed")) > 0)
			r.failed += (uint64_t)v;
	r.writes = target_writes();
	stop_all();

	qsort(lat, nlat, sizeof(lat[0]), cmp_lat);
	r.bursts = nlat;
	for (i = 0; i < nlat; i++)
		r.never += lat[i] < 0;
	r.p50 = pct(50);
	r.p99 = pct(99);
	snprintf(path, sizeof(path), "%s/bdlat-%s.dat", outdir, mode_name[m]);
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fprintf(fp, "# ms fraction-of-bursts-granted\n");
	for (i = 0; i < nlat && lat[i] >= 0; i++)
		fprintf(fp, "%.1f %.4f\n", lat[i] * 1e3, (i + 1.0) / nlat);
	fclose(fp);
	return r;
}

static const char *
secs(char *buf, size_t len, double s)
{

	if (s < 0)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%.0f ms", s * 1e3);
	return buf;
}

/* Only the runs named on the command line, when some are. */
static bool
asked(int n, char **names, const char *name)
{

	while (n-- > 0)
		if (strcmp(names[n], name) == 0)
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	struct result r;
	char a[32], b[32];
	double t0 = now(), peak = 0, idle = 0;
	int m;

	if (argc < 3)
		errx(1, "usage: balloond_bench bindir outdir [mode ...]");
	bindir = argv[1];
	outdir = argv[2];
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	atexit(stop_all);

	printf("balloond: %d PVH guests of %d MiB static-max (%d MiB in "
	    "all) booted at %d MiB, host %d MiB (two to one), reserve %d MiB; "
	    "each asks %d to %d MiB, taken at %d MiB/s, for 1 to 3 s after 2 "
	    "to 8 s idle, %.0f s, from a seed of its own; same draws every "
	    "run; under balloond every guest deflates on OOM\n\n", NGUEST,
	    GUEST_MAX, NGUEST * GUEST_MAX, GUEST_BOOT, HOST_MIB, RESERVE_MIB,
	    BURST_MIN, BURST_MAX, RATE_MIB, RUN_S);
	printf("| %-36s | %8s | %6s | %8s | %8s | %8s | %8s | %8s | %6s |\n",
	    "host side", "failed", "bursts", "p50", "p99", "min free",
	    "below s", "avg free", "writes");
	printf("|%.38s|%.10s|%.8s|%.10s|%.10s|%.10s|%.10s|%.10s|%.8s|\n",
	    "----------------------------------------", "----------",
	    "----------", "----------", "----------", "----------",
	    "----------", "----------", "----------");
	fflush(stdout);
	for (m = 0; m < NMODE; m++) {
		if (argc > 3 && !asked(argc - 3, argv + 3, mode_name[m]))
			continue;
		r = run((enum mode)m);
		printf("| %-36s | %8" PRIu64 " | %6u | %8s | %8s | %8.0f | "
		    "%8.1f | %8.0f | %6u |\n", mode_what[m], r.failed,
		    r.bursts, secs(a, sizeof(a), r.p50),
		    secs(b, sizeof(b), r.p99), r.free_min, r.below_s,
		    r.free_avg, r.writes);
		if (r.never > 0)
			printf("|   %u of %u bursts never granted\n", r.never,
			    r.bursts);
		fflush(stdout);
		peak = r.peak > peak ? r.peak : peak;
		idle = r.idle > idle ? r.idle : idle;
	}
	printf("\nthe bursts asked at most %.0f MiB at once, on top of the "
	    "%.0f MiB the guests used idle: together well within the %d MiB "
	    "above the reserve, though a burst may be more than a %d MiB "
	    "guest holds\n", peak, idle, HOST_MIB - RESERVE_MIB, GUEST_BOOT);
	printf("\nfailed: debug.memhog_failed summed; p50, p99: debug.memhog "
	    "written to debug.memhog_held all of it; min, avg free: host MiB "
	    "over the run; below s: time under the reserve; writes: "
	    "memory/target\n%.0f s in all\n", now() - t0);
	return 0;
}
