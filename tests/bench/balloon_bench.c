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
 * balloon_bench BINDIR OUTDIR: the balloon's numbers on this machine,
 * beside the host's own limit, as one table on stdout.  Numbers only:
 * nothing here passes or fails on time.
 *
 * Every time is wall time on CLOCK_MONOTONIC, taken in this process,
 * which plays dom0: it writes memory/target with libxenstore and reads
 * the hypervisor's tot_pages with libxensim, polling every 20 us.  A
 * swing ends twice: when tot_pages reaches the target, and when the
 * guest's balloon thread is idle again (a PV guest still maps frames
 * after its last hypercall).  OUTDIR receives the samples of one swing
 * (swing-*.dat) for the plot.
 *
 * BENCH_ROWS names the rows to run (see want_rows; unset, all).  "load"
 * moves 100 PVH guests of 128 MiB to 64 MiB and back at once, 3 times,
 * while one guest loops on refused hypercalls and a dom0 thread times a
 * domain list or a xenstore read every millisecond; the way up is set
 * beside the host's own populate of the same 6.4 GiB, taken with the
 * guests at 64 MiB.  "move" is a 32 MiB move out and back in a 64 MiB
 * guest, target write to idle, the first move (RAM never written since
 * boot) given apart.  "loaded" is the 1 GiB swing with a spinning
 * process per CPU, beside the host's own work under the same load.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
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

#define PAGE		4096ULL
#define MIB_PAGES	256ULL
#define GIB_PAGES	(1024 * MIB_PAGES)
/*
 * Between two looks at tot_pages: each look is a request xensimd must
 * answer between the guest's hypercalls, so a swing is polled gently
 * and only the latency closely.
 */
#define POLL_NS		250000L
#define POLL_FINE_NS	20000L
#define RUNS		3		/* 1 GiB superpage swings, median */
#define SETTLE_S	60.0		/* a guard against hanging, not a limit */
#define NSAMPLES	200000

static const char *bindir, *outdir;
static struct xensim *dom0;
static struct xs_handle *xs;
static pid_t xensimd_pid;

/* One swing's samples, for the plot. */
static struct sample {
	double		t;
	uint64_t	target, tot;
} samples[NSAMPLES];
static size_t nsamples;

/* The table: one row per measurement, "-" where a column does not apply. */
static void
head(void)
{

	printf("| %-44s | %7s | %9s | %9s | %6s | %7s | %6s | %9s | %6s | "
	    "%6s | %s\n", "what", "size", "tot ms", "idle ms", "calls",
	    "MiB/s", "x host", "4K ms", "4K cls", "4K/2M", "note");
	printf("|%.46s|%.9s|%.11s|%.11s|%.8s|%.9s|%.8s|%.11s|%.8s|%.8s|"
	    "------\n", "-----------------------------------------------",
	    "----------", "------------", "------------", "---------",
	    "----------", "---------", "------------", "---------",
	    "---------");
}

static char *
fmt(char *buf, size_t len, const char *f, double v)
{

	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, f, v);
	return buf;
}

static void
row(const char *what, const char *size, double tot_ms, double idle_ms,
    double calls, double mibs, double xhost, double k_ms, double k_calls,
    double ratio, const char *note, ...)
{
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
	char n[256];
	va_list ap;

	va_start(ap, note);
	vsnprintf(n, sizeof(n), note, ap);
	va_end(ap);
	printf("| %-44s | %7s | %9s | %9s | %6s | %7s | %6s | %9s | %6s | "
	    "%6s | %s\n", what, size,
	    fmt(a, sizeof(a), "%.3f", tot_ms), fmt(b, sizeof(b), "%.3f",
	    idle_ms), fmt(c, sizeof(c), "%.0f", calls), fmt(d, sizeof(d),
	    "%.0f", mibs), fmt(e, sizeof(e), "%.2f", xhost), fmt(f, sizeof(f),
	    "%.3f", k_ms), fmt(g, sizeof(g), "%.0f", k_calls), fmt(h,
	    sizeof(h), "%.2f", ratio), n);
	fflush(stdout);
}

static const char *
size_str(uint64_t pages)
{
	static char buf[8][32];
	static int i;
	char *s = buf[i++ % 8];

	if (pages % GIB_PAGES == 0)
		snprintf(s, 32, "%ju GiB", (uintmax_t)(pages / GIB_PAGES));
	else
		snprintf(s, 32, "%ju MiB", (uintmax_t)(pages / MIB_PAGES));
	return s;
}

/* ---- the host's own limit: a memfd, as xensimd backs guest RAM ---- */

struct hostlim {
	double	populate, punch;	/* seconds */
};

/* A memfd of pages, mapped shared at *pp, with nothing in it yet. */
static int
host_memfd(const char *name, uint64_t pages, char **pp)
{
	int fd;

	if ((fd = memfd_create(name, MFD_CLOEXEC)) == -1)
		err(1, "memfd_create");
	if (ftruncate(fd, (off_t)(pages * PAGE)) == -1)
		err(1, "ftruncate");
	*pp = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0);
	if (*pp == MAP_FAILED)
		err(1, "mmap");
	return fd;
}

/*
 * Back and map pages of the memfd in pieces.  Populated memory is
 * mapped, ready to use, as a frame Xen populates is in the guest's p2m
 * (and the bench guest maps what it gets back the same way).
 */
static void
host_populate(int fd, char *p, uint64_t pages, uint64_t piece)
{
	uint64_t i;

	for (i = 0; i < pages; i += piece)
		if (fallocate(fd, 0, (off_t)(i * PAGE),
		    (off_t)(piece * PAGE)) == -1 ||
		    madvise(p + i * PAGE, piece * PAGE,
		    MADV_POPULATE_WRITE) == -1)
			err(1, "populate");
}

static struct hostlim
host_limit(uint64_t pages, uint64_t piece)
{
	struct hostlim hl;
	uint64_t i;
	double t0, t1, t2;
	char *p;
	int fd;

	fd = host_memfd("hostlimit", pages, &p);
	t0 = now();
	host_populate(fd, p, pages, piece);
	t1 = now();
	for (i = 0; i < pages; i += piece)
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    (off_t)(i * PAGE), (off_t)(piece * PAGE)) == -1)
			err(1, "punch");
	t2 = now();
	munmap(p, pages * PAGE);
	close(fd);
	hl.populate = t1 - t0;
	hl.punch = t2 - t1;
	return hl;
}

/*
 * Zeroing pages just populated, page by page through a shared mapping,
 * as a guest scrubs frames Xen handed it: the first touch of each page
 * is part of it.  Seconds.
 */
static double
host_zero(uint64_t pages)
{
	uint64_t i;
	char *p;
	double t0;
	int fd;

	fd = host_memfd("hostzero", pages, &p);
	if (fallocate(fd, 0, 0, (off_t)(pages * PAGE)) == -1)
		err(1, "fallocate");
	t0 = now();
	for (i = 0; i < pages; i++)
		memset(p + i * PAGE, 0, PAGE);
	t0 = now() - t0;
	munmap(p, pages * PAGE);
	close(fd);
	return t0;
}

/*
 * The workload of the deflate-on-OOM rows with no guest in the way:
 * populate and map pages in 2 MiB pieces, as a deflation does, then
 * zero each page (as uvm does a frame from Xen), check it is zero and
 * write it all over (as debug.memhog does).  Seconds.
 */
static double
host_workload(uint64_t pages)
{
	uint64_t i, j, *w, dirty = 0;
	double t0;
	char *p;
	int fd;

	fd = host_memfd("hostworkload", pages, &p);
	t0 = now();
	host_populate(fd, p, pages, 512);
	for (i = 0; i < pages; i++) {
		w = (uint64_t *)(void *)(p + i * PAGE);
		memset(w, 0, PAGE);
		/* Read what memory holds, not what memset is known to leave. */
		__asm__ volatile("" ::: "memory");
		for (j = 0; j < PAGE / sizeof(*w); j++)
			dirty |= w[j];
		memset(w, 0xa5, PAGE);
	}
	t0 = now() - t0;
	if (dirty != 0)
		errx(1, "host workload: a zeroed page is not zero");
	munmap(p, pages * PAGE);
	close(fd);
	return t0;
}

/* ---- xensimd and guests ---- */

static void
sim_start(uint64_t host_mib)
{

	xensimd_pid = xensimd_start(bindir, outdir, host_mib);
	if ((dom0 = xensim_open_privcmd(simdir)) == NULL)
		err(1, "privcmd");
	if ((xs = xs_open(0)) == NULL)
		err(1, "xs_open");
}

static void
sim_stop(void)
{
	int i;

	if (xs != NULL)
		xs_close(xs);
	if (dom0 != NULL)
		xensim_close(dom0);
	xs = NULL;
	dom0 = NULL;
	if (xensimd_pid <= 0)
		return;
	kill(xensimd_pid, SIGTERM);
	for (i = 0; i < 500 && kill(xensimd_pid, 0) == 0; i++)
		nap(10000000);
	kill(xensimd_pid, SIGKILL);
	xensimd_pid = 0;
}

static void
on_exit_stop(void)
{

	sim_stop();
}

static void
on_signal(int sig)
{

	if (xensimd_pid > 0)
		kill(xensimd_pid, SIGTERM);
	_exit(128 + sig);
}

static uint64_t
tot_pages(domid_t d)
{
	struct xensim_dominfo di;

	if (xensim_domain_getinfo(dom0, d, &di) != 0)
		err(1, "getinfo d%u", d);
	return di.tot_pages;
}

static int
guest_state(domid_t d)
{

	return guest_int(d, BALLOON_SYSCTL "." BALLOON_NODE_STATS "."
	    BALLOON_STAT_STATE);
}

static uint64_t
hypercalls(domid_t d)
{

	return (uint64_t)guest_evcnt(d, BALLOON_EV_HYPERCALLS);
}

/* A guest of mib MiB; its id, or 0 with errno set. */
static domid_t
guest_try_create(const char *name, enum xensim_kind kind, uint64_t mib)
{
	struct xensim_domcfg cfg;
	domid_t d;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), "%s", name);
	cfg.kind = kind;
	cfg.memory_kib = cfg.maxmem_kib = mib * 1024;
	snprintf(cfg.kernel, sizeof(cfg.kernel), "%s/rumpxen", bindir);
	if (xensim_domain_create(dom0, &cfg, &d) != 0)
		return 0;
	return d;
}

static domid_t
guest_create(const char *name, enum xensim_kind kind, uint64_t mib)
{
	domid_t d;

	if ((d = guest_try_create(name, kind, mib)) == 0)
		err(1, "create %s (%ju MiB)", name, (uintmax_t)mib);
	return d;
}

/* Wait until the guest's balloon answers and sits idle. */
static void
guest_up(domid_t d)
{
	double t0 = now();

	while (guest_state(d) != 0) {
		if (now() - t0 > SETTLE_S)
			errx(1, "d%u: the balloon did not come up", d);
		nap(1000000);
	}
}

static void
guest_destroy(domid_t d)
{

	if (xensim_domain_destroy(dom0, d) != 0)
		warn("destroy d%u", d);
}

static void
write_target(domid_t d, uint64_t kib)
{
	char path[64], val[32];

	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", d);
	snprintf(val, sizeof(val), "%ju", (uintmax_t)kib);
	if (!xs_write(xs, XBT_NULL, path, val, strlen(val)))
		err(1, "write %s", path);
}

static void
single_pages(domid_t d, bool on)
{
	struct xensim_fault f;

	memset(&f, 0, sizeof(f));
	f.domid = d;
	f.alloc_budget = -1;
	f.limit_order = on;
	f.max_order = 0;
	if (xensim_fault(dom0, &f) != 0)
		err(1, "fault d%u", d);
}

struct swing {
	double		first_s, tot_s, idle_s;
	uint64_t	calls;
};

/*
 * Write a target of kib and time it: until tot_pages first moves (the
 * first hypercall), until it is want, then until the balloon thread is
 * idle.  With rec, keep the samples.
 */
static struct swing
swing(domid_t d, uint64_t kib, uint64_t want, bool rec)
{
	struct swing s;
	uint64_t h0, tot, tot0;
	double t0, t;

	h0 = hypercalls(d);
	tot0 = tot_pages(d);
	s.first_s = -1;
	if (rec) {
		/* Where it starts: one hypercall may move it all at once. */
		samples[0].t = 0;
		samples[0].target = kib / 4;
		samples[0].tot = tot0;
		nsamples = 1;
	}
	t0 = now();
	write_target(d, kib);
	for (;;) {
		tot = tot_pages(d);
		t = now() - t0;
		if (rec && nsamples < NSAMPLES) {
			samples[nsamples].t = t;
			samples[nsamples].target = kib / 4;
			samples[nsamples++].tot = tot;
		}
		if (s.first_s < 0 && (tot != tot0 || tot == want))
			s.first_s = t;
		if (tot == want)
			break;
		if (t > SETTLE_S)
			errx(1, "d%u: tot_pages %ju, not %ju after %.0f s", d,
			    (uintmax_t)tot, (uintmax_t)want, SETTLE_S);
		nap(POLL_NS);
	}
	s.tot_s = t;
	while (guest_state(d) != 0) {
		if (now() - t0 > SETTLE_S)
			errx(1, "d%u: the balloon did not go idle", d);
		nap(POLL_NS);
	}
	s.idle_s = now() - t0;
	s.calls = hypercalls(d) - h0;
	return s;
}

/* Append the kept samples, shifted by t_off seconds, to OUTDIR/name. */
static void
save_samples(const char *name, double t_off, bool append)
{
	char path[PATH_MAX];
	FILE *fp;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	if ((fp = fopen(path, append ? "a" : "w")) == NULL)
		err(1, "%s", path);
	if (!append)
		fprintf(fp, "# ms target_MiB tot_pages_MiB\n");
	for (i = 0; i < nsamples; i++)
		fprintf(fp, "%.3f %.3f %.3f\n", (samples[i].t + t_off) * 1e3,
		    samples[i].target / 256.0, samples[i].tot / 256.0);
	fclose(fp);
}

/* CPU time of every thread of pid so far (schedstat), in seconds. */
static double
cpu_s(pid_t pid)
{
	char path[PATH_MAX], buf[128];
	struct dirent *de;
	unsigned long long ns, sum = 0;
	DIR *dp;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	if ((dp = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/schedstat",
		    (long)pid, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), fp) != NULL &&
		    sscanf(buf, "%llu", &ns) == 1)
			sum += ns;
		fclose(fp);
	}
	closedir(dp);
	return sum / 1e9;
}

/* A number from /proc/pid/status ("RssAnon:"), in KiB, or -1. */
static long
proc_status_kib(pid_t pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, strlen(key)) == 0) {
			v = strtol(line + strlen(key), NULL, 10);
			break;
		}
	fclose(fp);
	return v;
}

static pid_t
guest_pid(domid_t d)
{
	struct xensim_dominfo di;

	if (xensim_domain_getinfo(dom0, d, &di) != 0)
		return -1;
	return di.pid;
}

/* ---- the rows ---- */

static struct hostlim host2m_1g, host2m_4g;

static void
rows_host(void)
{
	static const uint64_t sizes[] = { GIB_PAGES, 4 * GIB_PAGES };
	struct hostlim s, p;
	double z;
	size_t i;

	for (i = 0; i < 2; i++) {
		s = host_limit(sizes[i], 512);
		p = host_limit(sizes[i], 1);
		if (i == 0)
			host2m_1g = s;
		else
			host2m_4g = s;
		row("host: memfd populate + map", size_str(sizes[i]),
		    s.populate * 1e3, -1, -1, sizes[i] / 256.0 / s.populate,
		    1, p.populate * 1e3, -1, p.populate / s.populate,
		    "fallocate and map, 2 MiB pieces; 4K: 4 KiB pieces");
		row("host: memfd punch", size_str(sizes[i]), s.punch * 1e3,
		    -1, -1, sizes[i] / 256.0 / s.punch, 1, p.punch * 1e3, -1,
		    p.punch / s.punch, "FALLOC_FL_PUNCH_HOLE");
		row("host: punch + populate (the limit)", size_str(sizes[i]),
		    (s.punch + s.populate) * 1e3, -1, -1,
		    sizes[i] / 256.0 / (s.punch + s.populate), 1,
		    (p.punch + p.populate) * 1e3, -1,
		    (p.punch + p.populate) / (s.punch + s.populate),
		    "x host below: against this, same size");
	}
	z = host_zero(GIB_PAGES / 16);
	row("host: zero pages just populated", "per GiB", z * 16e3, -1, -1,
	    64 / z, -1, -1, -1, -1, "memset, 4 KiB at a time, first touch "
	    "included (64 MiB measured)");
}

struct swing_pair {
	struct swing	in, out;
};

/*
 * Inflate by pages and deflate back, on a guest with base pages of
 * reservation.  With rec, the samples go to OUTDIR/name.
 */
static struct swing_pair
swing_pair(domid_t d, uint64_t guest_mib, uint64_t pages, const char *name)
{
	struct swing_pair sp;
	uint64_t base = tot_pages(d);

	sp.in = swing(d, guest_mib * 1024 - pages * 4, base - pages,
	    name != NULL);
	if (name != NULL)
		save_samples(name, 0, false);
	nap(50000000);
	sp.out = swing(d, guest_mib * 1024, base, name != NULL);
	if (name != NULL)
		save_samples(name, sp.in.idle_s + 0.05, true);
	return sp;
}

static double
ratio(double a, double b)
{

	return b > 0 ? a / b : -1;
}

/* Which of n runs has the median ratio. */
static int
median_run(const double *rt, int n)
{
	int r, i, below, m = 0;

	for (r = 0; r < n; r++) {
		for (i = 0, below = 0; i < n; i++)
			below += rt[i] < rt[r];
		if (below == n / 2)
			m = r;
	}
	return m;
}

static double pv1g_cpu_guest, pv1g_cpu_sim;

/* Inflate and deflate of pages on a PV or PVH guest, superpages and 4K. */
static void
rows_swing(enum xensim_kind kind, uint64_t pages)
{
	const char *k = kind == XENSIM_PV ? "PV" : "PVH";
	struct swing_pair sp, sk, spr[RUNS];
	struct hostlim hl, hr[RUNS];
	char what[64], rec[64];
	uint64_t guest_mib = pages / MIB_PAGES + 128;
	double cg, cs, rt[RUNS];
	int r, runs, m;
	pid_t gp;
	domid_t d;

	if (kind == XENSIM_PVH && guest_mib > XENSIM_PVH_MAXMEM_MIB) {
		snprintf(what, sizeof(what), "%s inflate + deflate", k);
		row(what, size_str(pages), -1, -1, -1, -1, -1, -1, -1, -1,
		    "not measured: above the %d MiB a PVH domain can have",
		    XENSIM_PVH_MAXMEM_MIB);
		return;
	}
	/*
	 * A fresh guest each time: its frames are known zero, none to
	 * scrub.  At 1 GiB, RUNS times, each right after the host's own
	 * limit, and the run of the median ratio is shown: a shared
	 * machine's load moves both together.
	 */
	runs = pages == GIB_PAGES ? RUNS : 1;
	for (r = 0; r < runs; r++) {
		hr[r] = pages == GIB_PAGES ? host_limit(pages, 512) : host2m_4g;
		d = guest_create(k, kind, guest_mib);
		guest_up(d);
		snprintf(rec, sizeof(rec), "swing-%s-super.dat", k);
		spr[r] = swing_pair(d, guest_mib, pages, pages == GIB_PAGES &&
		    r == 0 ? rec : NULL);
		/* CPU on one more swing: the boot's own work is long done. */
		if (kind == XENSIM_PV && pages == GIB_PAGES && r == 0) {
			gp = guest_pid(d);
			cg = cpu_s(gp);
			cs = cpu_s(xensimd_pid);
			(void)swing_pair(d, guest_mib, pages, NULL);
			pv1g_cpu_guest = cpu_s(gp) - cg;
			pv1g_cpu_sim = cpu_s(xensimd_pid) - cs;
		}
		guest_destroy(d);
		rt[r] = (spr[r].in.idle_s + spr[r].out.idle_s) /
		    (hr[r].punch + hr[r].populate);
	}
	m = median_run(rt, runs);
	sp = spr[m];
	hl = hr[m];
	d = guest_create(k, kind, guest_mib);
	guest_up(d);
	single_pages(d, true);
	snprintf(rec, sizeof(rec), "swing-%s-4k.dat", k);
	sk = swing_pair(d, guest_mib, pages, pages == GIB_PAGES ? rec : NULL);

	snprintf(what, sizeof(what), "%s inflate", k);
	row(what, size_str(pages), sp.in.tot_s * 1e3, sp.in.idle_s * 1e3,
	    sp.in.calls, pages / 256.0 / sp.in.idle_s,
	    ratio(sp.in.idle_s, hl.punch), sk.in.idle_s * 1e3, sk.in.calls,
	    ratio(sk.in.idle_s, sp.in.idle_s), "x host: idle / host punch");
	snprintf(what, sizeof(what), "%s deflate", k);
	row(what, size_str(pages), sp.out.tot_s * 1e3, sp.out.idle_s * 1e3,
	    sp.out.calls, pages / 256.0 / sp.out.idle_s,
	    ratio(sp.out.idle_s, hl.populate), sk.out.idle_s * 1e3,
	    sk.out.calls, ratio(sk.out.idle_s, sp.out.idle_s),
	    "x host: idle / host populate; frames not zeroed yet; the "
	    "guest maps a part while xensimd backs the next (rumpxen(8))");
	snprintf(what, sizeof(what), "%s out and back", k);
	row(what, size_str(pages), (sp.in.tot_s + sp.out.tot_s) * 1e3,
	    (sp.in.idle_s + sp.out.idle_s) * 1e3, sp.in.calls + sp.out.calls,
	    2 * pages / 256.0 / (sp.in.idle_s + sp.out.idle_s),
	    ratio(sp.in.idle_s + sp.out.idle_s, hl.punch + hl.populate),
	    (sk.in.idle_s + sk.out.idle_s) * 1e3, sk.in.calls + sk.out.calls,
	    ratio(sk.in.idle_s + sk.out.idle_s, sp.in.idle_s + sp.out.idle_s),
	    "x host: against host punch + populate, 2 MiB (%.0f ms%s)",
	    (hl.punch + hl.populate) * 1e3, runs > 1 ? ", measured just "
	    "before; the median of 3 runs" : "");
	guest_destroy(d);
}

/* A process per CPU spinning, the machine loaded; false stops them. */
static void
spin(bool on)
{
	static pid_t pids[256];
	static int n;
	pid_t parent = getpid();
	unsigned long i = 0;
	int c;

	for (; !on && n > 0; n--) {
		kill(pids[n - 1], SIGKILL);
		waitpid(pids[n - 1], NULL, 0);
	}
	for (c = 0; on && c < sysconf(_SC_NPROCESSORS_ONLN) && n < 256; c++) {
		if ((pids[n] = fork()) == -1)
			err(1, "fork");
		if (pids[n++] != 0)
			continue;
		/* Gone with the bench, however it ends. */
		for (;;)
			if ((++i & 0xffffff) == 0 && getppid() != parent)
				_exit(0);
	}
}

/*
 * The 1 GiB swing of rows_swing with every CPU kept busy by a spinning
 * process, beside the host's own punch + populate under the same load.
 */
static void
rows_loaded(enum xensim_kind kind)
{
	const char *k = kind == XENSIM_PV ? "PV" : "PVH";
	uint64_t guest_mib = GIB_PAGES / MIB_PAGES + 128;
	struct swing_pair spr[RUNS], sp;
	struct hostlim hr[RUNS], hl;
	double rt[RUNS];
	char what[64];
	domid_t d;
	int r, m;

	spin(true);
	for (r = 0; r < RUNS; r++) {
		hr[r] = host_limit(GIB_PAGES, 512);
		d = guest_create(k, kind, guest_mib);
		guest_up(d);
		spr[r] = swing_pair(d, guest_mib, GIB_PAGES, NULL);
		guest_destroy(d);
		rt[r] = (spr[r].in.idle_s + spr[r].out.idle_s) /
		    (hr[r].punch + hr[r].populate);
	}
	spin(false);
	m = median_run(rt, RUNS);
	sp = spr[m];
	hl = hr[m];
	snprintf(what, sizeof(what), "%s out and back, CPUs busy", k);
	row(what, size_str(GIB_PAGES), (sp.in.tot_s + sp.out.tot_s) * 1e3,
	    (sp.in.idle_s + sp.out.idle_s) * 1e3, sp.in.calls + sp.out.calls,
	    2 * GIB_PAGES / 256.0 / (sp.in.idle_s + sp.out.idle_s), rt[m],
	    -1, -1, -1, "x host: against host punch + populate under the "
	    "same load (%.0f ms); a spinning process per CPU; median of %d",
	    (hl.punch + hl.populate) * 1e3, RUNS);
}

/*
 * What the driver's scrubbing of frames from Xen costs: an inflate of
 * frames a deflate just brought back (each zeroed before Xen gets it)
 * against an inflate of frames the builder handed over zeroed.
 */
static void
rows_zero(enum xensim_kind kind)
{
	const char *k = kind == XENSIM_PV ? "PV" : "PVH";
	uint64_t pages = GIB_PAGES / 16, guest_mib = 256, base;
	struct swing clean, dirty, back;
	char what[64];
	domid_t d;

	d = guest_create(k, kind, guest_mib);
	guest_up(d);
	base = tot_pages(d);
	clean = swing(d, guest_mib * 1024 - pages * 4, base - pages, false);
	back = swing(d, guest_mib * 1024, base, false);
	dirty = swing(d, guest_mib * 1024 - pages * 4, base - pages, false);
	snprintf(what, sizeof(what), "%s inflate of frames from Xen, zeroed",
	    k);
	row(what, "per GiB", dirty.tot_s * 16e3, dirty.idle_s * 16e3, -1,
	    64 / dirty.idle_s, -1, -1, -1, -1, "zeroing: %.0f ms/GiB more "
	    "than frames known zero (%.0f ms/GiB); 64 MiB measured",
	    (dirty.idle_s - clean.idle_s) * 16e3, clean.idle_s * 16e3);
	snprintf(what, sizeof(what), "%s inflate of frames from Xen: first "
	    "call", k);
	row(what, size_str(pages), dirty.first_s * 1e3, -1, -1, -1, -1, -1,
	    -1, -1, "target write to tot_pages moving; %.3f ms for frames "
	    "known zero", clean.first_s * 1e3);
	(void)back;
	guest_destroy(d);
}

struct oom_run {
	double		s;		/* until the workload held it all */
	int64_t		deflations, failed, calls;
};

/*
 * A 1 GiB guest whose workload asks for 800 MiB, in seconds from the
 * write of debug.memhog until the workload holds it all.  Ballooned,
 * the guest has deflate_on_oom on and is first ballooned to 124 MiB.
 */
static struct oom_run
oom_run(enum xensim_kind kind, bool ballooned)
{
	uint64_t guest_mib = 1024, small_kib = 124 * 1024, kib = 800 * 1024;
	struct oom_run o;
	int64_t h0;
	double t0;
	int on = 1;
	domid_t d;

	d = guest_create(kind == XENSIM_PV ? "PV" : "PVH", kind, guest_mib);
	guest_up(d);
	if (ballooned) {
		guest_set(d, BALLOON_SYSCTL "." BALLOON_NODE_DEFLATE_ON_OOM,
		    &on, sizeof(on));
		(void)swing(d, small_kib, tot_pages(d) -
		    (guest_mib * 1024 - small_kib) / 4, false);
	}
	h0 = hypercalls(d);
	t0 = now();
	guest_set(d, "debug.memhog", &kib, sizeof(kib));
	while (guest_quad(d, "debug.memhog_held") != (int64_t)kib) {
		if (now() - t0 > SETTLE_S)
			errx(1, "d%u: the workload did not get 800 MiB", d);
		nap(POLL_NS);
	}
	o.s = now() - t0;
	o.deflations = guest_evcnt(d, BALLOON_EV_OOM_DEFLATIONS);
	o.failed = guest_quad(d, "debug.memhog_failed");
	o.calls = hypercalls(d) - h0;
	guest_destroy(d);
	return o;
}

/*
 * Deflate on OOM, the case Firecracker's users reported: a 1 GiB guest
 * ballooned to 124 MiB whose workload asks for 800 MiB, against the
 * host doing the same work with no guest (host_workload) just before,
 * and beside the same workload in a 1 GiB guest with no balloon.  The
 * run of the median ratio of RUNS.
 */
static void
rows_oom(enum xensim_kind kind)
{
	struct oom_run o[RUNS], bare;
	double host[RUNS], rt[RUNS];
	char what[64];
	int r, m;

	for (r = 0; r < RUNS; r++) {
		host[r] = host_workload(800 * MIB_PAGES);
		o[r] = oom_run(kind, true);
		rt[r] = o[r].s / host[r];
	}
	bare = oom_run(kind, false);
	m = median_run(rt, RUNS);
	snprintf(what, sizeof(what), "%s deflate on OOM: workload gets",
	    kind == XENSIM_PV ? "PV" : "PVH");
	row(what, "800 MiB", o[m].s * 1e3, -1, (double)o[m].calls,
	    800 / o[m].s, rt[m], -1, -1, -1, "1 GiB guest at 124 MiB; "
	    "%jd deflations, %jd failed allocations; host %.0f ms; "
	    "no balloon %.0f ms; median of %d", (intmax_t)o[m].deflations,
	    (intmax_t)o[m].failed, host[m] * 1e3, bare.s * 1e3, RUNS);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * From dom0's memory/target write to the guest's first hypercall taking
 * effect (tot_pages moves, as xensimd timed it on the same clock): 1000
 * writes of one page less or more.  Beside it, one round trip of the
 * same host: dom0's own write.
 */
static void
rows_latency(void)
{
	enum { N = 1000 };
	static double lat[N], wr[N], seen[N];
	struct xensim_dominfo di;
	uint64_t guest_mib = 256, base, want;
	double t0;
	domid_t d;
	int i;

	d = guest_create("latency", XENSIM_PVH, guest_mib);
	guest_up(d);
	base = tot_pages(d);
	for (i = 0; i < N; i++) {
		want = i % 2 == 0 ? base - 1 : base;
		t0 = now();
		write_target(d, guest_mib * 1024 - (i % 2 == 0 ? 4 : 0));
		wr[i] = now() - t0;
		for (;;) {
			if (xensim_domain_getinfo(dom0, d, &di) != 0)
				err(1, "getinfo d%u", d);
			if (di.tot_pages == want)
				break;
			if (now() - t0 > SETTLE_S)
				errx(1, "latency: no hypercall");
			nap(POLL_FINE_NS);
		}
		seen[i] = now() - t0;
		lat[i] = di.moved_ns / 1e9 - t0;
		while (guest_state(d) != 0)
			nap(POLL_NS);
	}
	qsort(lat, N, sizeof(lat[0]), cmp_double);
	qsort(wr, N, sizeof(wr[0]), cmp_double);
	qsort(seen, N, sizeof(seen[0]), cmp_double);
	row("latency: target write to first hypercall", "1 page",
	    lat[N / 2] * 1e3, -1, -1, -1, -1, -1, -1, -1,
	    "median of %d writes from dom0; p99 %.3f ms, max %.3f ms "
	    "(xensimd's clock); seen by dom0's polling p50 %.3f, p99 %.3f "
	    "ms; one round trip of the host (dom0's xs_write) p50 %.3f, "
	    "p99 %.3f ms", N, lat[N * 99 / 100] * 1e3, lat[N - 1] * 1e3,
	    seen[N / 2] * 1e3, seen[N * 99 / 100] * 1e3,
	    wr[N / 2] * 1e3, wr[N * 99 / 100] * 1e3);
	guest_destroy(d);
}

/* 32 guests mem-set at once through the library. */
static void
rows_many(void)
{
	enum { N = 32 };
	domid_t d[N];
	uint64_t base[N], guest_mib = 128, pages = 64 * MIB_PAGES, lost = 0;
	uint64_t free0, free1, left;
	struct xensim_hostinfo hi;
	double t0, t_in, t_out;
	char name[16];
	int i;

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many%d", i);
		d[i] = guest_create(name, XENSIM_PVH, guest_mib);
	}
	for (i = 0; i < N; i++) {
		guest_up(d[i]);
		base[i] = tot_pages(d[i]);
	}
	if (xensim_host_info(dom0, &hi) != 0)
		err(1, "host info");
	free0 = hi.free_pages;

	t0 = now();
	for (i = 0; i < N; i++)
		write_target(d[i], guest_mib * 1024 - pages * 4);
	for (left = N; left > 0; nap(POLL_NS)) {
		for (i = 0, left = 0; i < N; i++)
			left += tot_pages(d[i]) != base[i] - pages;
		if (now() - t0 > SETTLE_S)
			errx(1, "32 guests did not settle");
	}
	t_in = now() - t0;
	for (i = 0; i < N; i++)
		while (guest_state(d[i]) != 0)
			nap(POLL_NS);
	t0 = now();
	for (i = 0; i < N; i++)
		write_target(d[i], guest_mib * 1024);
	for (left = N; left > 0; nap(POLL_NS)) {
		for (i = 0, left = 0; i < N; i++)
			left += tot_pages(d[i]) != base[i];
		if (now() - t0 > SETTLE_S)
			errx(1, "32 guests did not settle");
	}
	t_out = now() - t0;
	for (i = 0; i < N; i++)
		while (guest_state(d[i]) != 0)
			nap(POLL_NS);
	if (xensim_host_info(dom0, &hi) != 0)
		err(1, "host info");
	free1 = hi.free_pages;
	for (i = 0; i < N; i++)
		lost += base[i] - tot_pages(d[i]);
	lost += free1 > free0 ? free1 - free0 : free0 - free1;
	row("32 PVH guests at once: inflate, last settled", "32x64 MiB",
	    t_in * 1e3, -1, -1, N * 64 / t_in, -1, -1, -1, -1,
	    "mem-set of all 32 written at once");
	row("32 PVH guests at once: deflate, last settled", "32x64 MiB",
	    t_out * 1e3, -1, -1, N * 64 / t_out, -1, -1, -1, -1,
	    "pages lost: %ju", (uintmax_t)lost);
	for (i = 0; i < N; i++)
		guest_destroy(d[i]);
}

/* ---- dom0 under load: 100 guests moving memory, one looping ---- */

#define LOAD_GUESTS	100
#define LOAD_MIB	128
#define LOAD_NPROBE	100000

/* dom0's probe: xensimctl list and xenstore-read, each timed. */
static struct probe {
	pthread_t		 p_thr;
	volatile int		 p_stop;
	domid_t			 p_dom;
	size_t			 p_n;
	double			 p_lat[LOAD_NPROBE];
} probe;

static void *
probe_thread(void *arg)
{
	struct probe *p = arg;
	struct xensim_dominfo *di;
	struct xensim *h;
	struct xs_handle *x;
	unsigned int n, len;
	char path[64];
	double t0;
	void *v;

	if ((h = xensim_open_privcmd(simdir)) == NULL)
		err(1, "probe: privcmd");
	if ((x = xs_open(0)) == NULL)
		err(1, "probe: xs_open");
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target",
	    p->p_dom);
	while (!p->p_stop && p->p_n < LOAD_NPROBE) {
		t0 = now();
		if (p->p_n % 2 == 0) {
			if (xensim_domain_list(h, &di, &n) != 0)
				err(1, "probe: list");
			free(di);
		} else {
			if ((v = xs_read(x, XBT_NULL, path, &len)) == NULL)
				err(1, "probe: read %s", path);
			free(v);
		}
		p->p_lat[p->p_n++] = now() - t0;
		nap(1000000);
	}
	xs_close(x);
	xensim_close(h);
	return NULL;
}

/*
 * A guest looping on hypercalls as fast as it can: extents of an order
 * a domU may not ask for, refused at once, so its memory stays put.
 */
static struct looper {
	pthread_t		 l_thr;
	volatile int		 l_stop;
	domid_t			 l_dom;
	uint64_t		 l_calls;
} looper;

static void *
looper_thread(void *arg)
{
	struct looper *l = arg;
	struct xen_memory_reservation r;
	char path[PATH_MAX + 64];
	struct xensim *h;
	xen_pfn_t pfn[16];

	snprintf(path, sizeof(path), "%s/domains/%u/hypercall", simdir,
	    l->l_dom);
	if ((h = xensim_open_domain(path)) == NULL)
		err(1, "looper: %s", path);
	while (!l->l_stop) {
		memset(&r, 0, sizeof(r));
		set_xen_guest_handle(r.extent_start, pfn);
		r.nr_extents = 16;
		r.extent_order = 10;
		r.domid = DOMID_SELF;
		(void)xensim_memory_op(h, XENMEM_increase_reservation, &r);
		l->l_calls++;
	}
	xensim_close(h);
	return NULL;
}

/* Every guest's tot_pages at want[i]: one list call for all of them. */
static bool
all_at(const domid_t *d, const uint64_t *want, int n)
{
	struct xensim_dominfo *di;
	unsigned int nd, j;
	int i, at = 0;

	if (xensim_domain_list(dom0, &di, &nd) != 0)
		err(1, "list");
	for (i = 0; i < n; i++)
		for (j = 0; j < nd; j++)
			if (di[j].domid == d[i] && di[j].tot_pages == want[i])
				at++;
	free(di);
	return at == n;
}

/*
 * Every guest to kib at once: seconds until the last one's tot_pages is
 * at want (*tot) and until the last balloon thread is idle (returned).
 */
static double
move_all(const domid_t *d, const uint64_t *want, int n, uint64_t kib,
    double *tot)
{
	double t0;
	int i;

	t0 = now();
	for (i = 0; i < n; i++)
		write_target(d[i], kib);
	while (!all_at(d, want, n)) {
		if (now() - t0 > 4 * SETTLE_S)
			errx(1, "%d guests did not settle", n);
		nap(POLL_NS);
	}
	*tot = now() - t0;
	for (i = 0; i < n; i++)
		while (guest_state(d[i]) != 0) {
			if (now() - t0 > 4 * SETTLE_S)
				errx(1, "d%u: the balloon did not go idle",
				    d[i]);
			nap(POLL_NS);
		}
	return now() - t0;
}

static void
rows_load(void)
{
	enum { N = LOAD_GUESTS, RUNS_LOAD = 3 };
	static domid_t d[N];
	static uint64_t base[N], low[N];
	uint64_t pages = 64 * MIB_PAGES, lost = 0, free0;
	double t_in[RUNS_LOAD], t_out[RUNS_LOAD], host[RUNS_LOAD], x[RUNS_LOAD];
	double i_in[RUNS_LOAD], i_out[RUNS_LOAD];
	struct xensim_hostinfo hi;
	struct hostlim hl;
	long rss = 0, k;
	char name[16];
	int i, r;

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "load%d", i);
		d[i] = guest_create(name, XENSIM_PVH, LOAD_MIB);
	}
	for (i = 0; i < N; i++) {
		guest_up(d[i]);
		base[i] = tot_pages(d[i]);
		low[i] = base[i] - pages;
	}
	if (xensim_host_info(dom0, &hi) != 0)
		err(1, "host info");
	free0 = hi.free_pages;
	probe.p_dom = d[0];
	looper.l_dom = d[N - 1];
	if (pthread_create(&looper.l_thr, NULL, looper_thread, &looper) != 0 ||
	    pthread_create(&probe.p_thr, NULL, probe_thread, &probe) != 0)
		errx(1, "pthread_create");
	for (r = 0; r < RUNS_LOAD; r++) {
		i_in[r] = move_all(d, low, N, (LOAD_MIB - 64) * 1024,
		    &t_in[r]);
		/* The host's own populate of the same, guests at 64 MiB. */
		hl = host_limit(N * pages, 512);
		host[r] = hl.populate;
		i_out[r] = move_all(d, base, N, LOAD_MIB * 1024, &t_out[r]);
		x[r] = i_out[r] / host[r];
		if (getenv("BENCH_VERBOSE") != NULL)
			fprintf(stderr, "load run %d: down %.0f/%.0f ms, up "
			    "%.0f/%.0f ms, host populate %.0f ms\n", r,
			    t_in[r] * 1e3, i_in[r] * 1e3, t_out[r] * 1e3,
			    i_out[r] * 1e3, host[r] * 1e3);
	}
	for (i = 0, rss = 0; i < N; i++)
		if ((k = proc_status_kib(guest_pid(d[i]), "VmRSS:")) > 0)
			rss += k;
	if ((k = proc_status_kib(xensimd_pid, "VmRSS:")) > 0)
		rss += k;
	probe.p_stop = looper.l_stop = 1;
	pthread_join(probe.p_thr, NULL);
	pthread_join(looper.l_thr, NULL);
	if (xensim_host_info(dom0, &hi) != 0)
		err(1, "host info");
	for (i = 0; i < N; i++)
		lost += base[i] - tot_pages(d[i]);
	lost += hi.free_pages > free0 ? hi.free_pages - free0 :
	    free0 - hi.free_pages;
	qsort(t_in, RUNS_LOAD, sizeof(double), cmp_double);
	qsort(t_out, RUNS_LOAD, sizeof(double), cmp_double);
	qsort(i_in, RUNS_LOAD, sizeof(double), cmp_double);
	qsort(i_out, RUNS_LOAD, sizeof(double), cmp_double);
	qsort(host, RUNS_LOAD, sizeof(double), cmp_double);
	qsort(x, RUNS_LOAD, sizeof(double), cmp_double);
	qsort(probe.p_lat, probe.p_n, sizeof(double), cmp_double);
	row("100 PVH guests at once: down, last settled", "6.4 GiB",
	    t_in[RUNS_LOAD / 2] * 1e3, i_in[RUNS_LOAD / 2] * 1e3, -1,
	    N * 64 / i_in[RUNS_LOAD / 2], -1, -1, -1, -1,
	    "128 to 64 MiB each, median of %d", RUNS_LOAD);
	row("100 PVH guests at once: up, last settled", "6.4 GiB",
	    t_out[RUNS_LOAD / 2] * 1e3, i_out[RUNS_LOAD / 2] * 1e3, -1,
	    N * 64 / i_out[RUNS_LOAD / 2],
	    x[RUNS_LOAD / 2], -1, -1, -1, "host populate %.0f ms; pages "
	    "lost %ju; RSS of xensimd and guests %.0f MiB; median of %d",
	    host[RUNS_LOAD / 2] * 1e3, (uintmax_t)lost, rss / 1024.0,
	    RUNS_LOAD);
	if (probe.p_n > 0)
		row("dom0 under load: list or xenstore-read", "-",
		    probe.p_lat[probe.p_n / 2] * 1e3, -1, (double)probe.p_n,
		    -1, -1, -1, -1, -1, "p50; p99 %.3f ms, max %.3f ms; "
		    "100 guests moving, d%u looping (%ju calls)",
		    probe.p_lat[probe.p_n * 99 / 100] * 1e3,
		    probe.p_lat[probe.p_n - 1] * 1e3, looper.l_dom,
		    (uintmax_t)looper.l_calls);
	for (i = 0; i < N; i++)
		guest_destroy(d[i]);
}

/*
 * A 32 MiB move out and back in a 64 MiB guest, target write to the
 * balloon idle: what a move costs beyond its memory.
 */
static void
rows_move(enum xensim_kind kind)
{
	enum { N = 21 };
	double out[N], in[N], out0, in0;
	uint64_t base;
	struct swing s;
	domid_t d;
	int i;

	d = guest_create("move", kind, 64);
	guest_up(d);
	base = tot_pages(d);
	for (i = 0; i < N; i++) {
		s = swing(d, 32 * 1024, base - 32 * MIB_PAGES, false);
		out[i] = s.idle_s;
		s = swing(d, 64 * 1024, base, false);
		in[i] = s.idle_s;
	}
	/* The first: RAM the guest never wrote since it booted. */
	out0 = out[0];
	in0 = in[0];
	qsort(out, N, sizeof(double), cmp_double);
	qsort(in, N, sizeof(double), cmp_double);
	row(kind == XENSIM_PV ? "PV 64 MiB guest: 32 MiB out, to idle" :
	    "PVH 64 MiB guest: 32 MiB out, to idle", "32 MiB",
	    -1, out[N / 2] * 1e3, -1, -1, -1, -1, -1, -1,
	    "median of %d; max %.1f ms; the first %.1f ms", N,
	    out[N - 1] * 1e3, out0 * 1e3);
	row(kind == XENSIM_PV ? "PV 64 MiB guest: 32 MiB back, to idle" :
	    "PVH 64 MiB guest: 32 MiB back, to idle", "32 MiB",
	    -1, in[N / 2] * 1e3, -1, -1, -1, -1, -1, -1,
	    "median of %d; max %.1f ms; the first %.1f ms", N,
	    in[N - 1] * 1e3, in0 * 1e3);
	guest_destroy(d);
}

/*
 * BENCH_ROWS="swing latency load ...": only those (swing1g: the 1 GiB
 * swings alone); unset, all.
 */
static bool
want_rows(const char *name)
{
	const char *w = getenv("BENCH_ROWS"), *p;
	size_t n = strlen(name);

	if (w == NULL || *w == '\0')
		return true;
	for (p = w; (p = strstr(p, name)) != NULL; p += n)
		if ((p == w || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ','))
			return true;
	return false;
}

/* MemAvailable, in MiB. */
static uint64_t
mem_available_mib(void)
{
	char line[256];
	unsigned long long kib = 0;
	FILE *fp;

	if ((fp = fopen("/proc/meminfo", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(fp);
	return kib / 1024;
}

/*
 * Time per GiB of a swing of half the guest (the median of RUNS on one
 * guest), from 64 MiB guests to the largest this machine can back with
 * room to spare; the guest's own
 * memory (its process' anonymous RSS) per GiB of its RAM.
 */
static void
rows_sizes(void)
{
	static const uint64_t sizes[] = { 64, 256, 1024, 4096, 10240 };
	enum xensim_kind kinds[] = { XENSIM_PV, XENSIM_PVH };
	struct swing_pair sp, spr[RUNS];
	uint64_t avail = mem_available_mib(), pages;
	double rt[RUNS];
	char what[64];
	long rss;
	size_t i, k;
	domid_t d;
	int r;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			snprintf(what, sizeof(what), "%s per GiB, guest of",
			    kinds[k] == XENSIM_PV ? "PV" : "PVH");
			if (kinds[k] == XENSIM_PVH &&
			    sizes[i] > XENSIM_PVH_MAXMEM_MIB) {
				row(what, size_str(sizes[i] * 256), -1, -1,
				    -1, -1, -1, -1, -1, -1, "not measured: "
				    "above the %d MiB a PVH domain can have",
				    XENSIM_PVH_MAXMEM_MIB);
				continue;
			}
			if (sizes[i] + 4096 > avail) {
				row(what, size_str(sizes[i] * 256), -1, -1,
				    -1, -1, -1, -1, -1, -1, "not measured: "
				    "%ju MiB available here",
				    (uintmax_t)avail);
				continue;
			}
			pages = sizes[i] * 256 / 2;
			if ((d = guest_try_create("size", kinds[k],
			    sizes[i])) == 0) {
				row(what, size_str(sizes[i] * 256), -1, -1,
				    -1, -1, -1, -1, -1, -1, "not measured: "
				    "create: %s", strerror(errno));
				continue;
			}
			guest_up(d);
			for (r = 0; r < RUNS; r++) {
				spr[r] = swing_pair(d, sizes[i], pages, NULL);
				rt[r] = spr[r].in.idle_s + spr[r].out.idle_s;
			}
			sp = spr[median_run(rt, RUNS)];
			rss = proc_status_kib(guest_pid(d), "RssAnon:");
			row(what, size_str(sizes[i] * 256),
			    (sp.in.tot_s + sp.out.tot_s) * 1e3 * GIB_PAGES /
			    pages, (sp.in.idle_s + sp.out.idle_s) * 1e3 *
			    GIB_PAGES / pages, -1, -1, -1, -1, -1, -1,
			    "ms per GiB out and back, half the guest swung, "
			    "median of %d; guest's own memory %.1f MiB per "
			    "GiB of RAM", RUNS,
			    rss / 1024.0 / (sizes[i] / 1024.0));
			guest_destroy(d);
		}
	}
}

/* Can perf count instructions here?  NULL, or why not. */
static const char *
perf_why_not(void)
{
	static char why[256];
	char line[512];
	FILE *fp;
	int paranoid = 0;

	if ((fp = fopen("/proc/sys/kernel/perf_event_paranoid", "r")) ==
	    NULL) {
		snprintf(why, sizeof(why), "no perf_event_paranoid: no perf "
		    "events in this kernel");
		return why;
	}
	if (fscanf(fp, "%d", &paranoid) != 1)
		paranoid = 2;
	fclose(fp);
	if (geteuid() != 0 && paranoid > 1) {
		snprintf(why, sizeof(why), "perf_event_paranoid is %d: only "
		    "root may count other processes' events", paranoid);
		return why;
	}
	if ((fp = popen("perf stat -x, -e instructions true 2>&1",
	    "r")) == NULL) {
		snprintf(why, sizeof(why), "perf cannot run");
		return why;
	}
	snprintf(why, sizeof(why), "perf stat gave no count");
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, "instructions") == NULL)
			continue;
		if (strstr(line, "<not supported>") != NULL)
			snprintf(why, sizeof(why), "perf stat: instructions "
			    "<not supported> (no hardware counters in this "
			    "machine)");
		else if (line[0] >= '0' && line[0] <= '9')
			why[0] = '\0';
	}
	if (pclose(fp) != 0 && why[0] == '\0')
		snprintf(why, sizeof(why), "perf stat failed");
	return why[0] == '\0' ? NULL : why;
}

/* Instructions of pid while a 1 GiB swing runs, through perf stat. */
static void
rows_perf(void)
{
	char cmd[256], path[PATH_MAX], line[512];
	const char *why;
	uint64_t guest_mib = 1024 + 128;
	unsigned long long v, ig = 0, is = 0;
	pid_t perf, gp;
	FILE *fp;
	domid_t d;

	if ((why = perf_why_not()) != NULL) {
		row("CPU: instructions per MiB moved", "1 GiB", -1, -1, -1,
		    -1, -1, -1, -1, -1, "not measured: %s", why);
		return;
	}
	d = guest_create("perf", XENSIM_PV, guest_mib);
	guest_up(d);
	gp = guest_pid(d);
	snprintf(path, sizeof(path), "%s/perf.csv", outdir);
	snprintf(cmd, sizeof(cmd), "%ld,%ld", (long)gp, (long)xensimd_pid);
	if ((perf = fork()) == -1)
		err(1, "fork");
	if (perf == 0) {
		execlp("perf", "perf", "stat", "-x,", "--per-thread", "-e",
		    "instructions", "-o", path, "-p", cmd, (char *)NULL);
		_exit(127);
	}
	nap(300000000);
	(void)swing_pair(d, guest_mib, GIB_PAGES, NULL);
	kill(perf, SIGINT);
	waitpid(perf, NULL, 0);
	if ((fp = fopen(path, "r")) != NULL) {
		/* "comm-tid,count,,instructions,...": guest or xensimd. */
		while (fgets(line, sizeof(line), fp) != NULL) {
			char *c = strchr(line, ',');

			if (c == NULL || sscanf(c + 1, "%llu", &v) != 1)
				continue;
			if (strncmp(line, "xensimd", 7) == 0)
				is += v;
			else
				ig += v;
		}
		fclose(fp);
	}
	row("CPU: instructions per MiB moved", "1 GiB", -1, -1, -1, -1, -1,
	    -1, -1, -1, "PV, superpages, out and back: guest %.0f, xensimd "
	    "%.0f", ig / 2048.0, is / 2048.0);
	guest_destroy(d);
}

static void
rows_cpu(void)
{

	row("CPU: time per GiB moved, PV superpages", "1 GiB",
	    pv1g_cpu_guest * 1e3 / 2, -1, -1, -1, -1, -1, -1, -1,
	    "guest's threads; xensimd %.3f ms per GiB (schedstat)",
	    pv1g_cpu_sim * 1e3 / 2);
	rows_perf();
}

static void
machine(void)
{
	char line[256], model[128] = "?";
	struct utsname u;
	unsigned long long kib = 0;
	FILE *fp;

	if ((fp = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "model name", 10) == 0) {
				snprintf(model, sizeof(model), "%s",
				    strchr(line, ':') + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		fclose(fp);
	}
	if ((fp = fopen("/proc/meminfo", "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) != NULL)
			sscanf(line, "MemTotal: %llu kB", &kib);
		fclose(fp);
	}
	uname(&u);
	printf("machine: %s, %ld CPUs, %.1f GiB RAM, %s %s; xensimd -s -z\n",
	    model, sysconf(_SC_NPROCESSORS_ONLN), kib / 1048576.0, u.sysname,
	    u.release);
	printf("tot ms: memory/target write to tot_pages at the target; "
	    "idle ms: to the balloon thread idle; 4K: the same with order-0 "
	    "extents only (xensimd refuses order 9)\n\n");
}

int
main(int argc, char **argv)
{
	uint64_t host_mib;
	double t0 = now();

	if (argc != 3)
		errx(1, "usage: balloon_bench bindir outdir");
	bindir = argv[1];
	outdir = argv[2];
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	atexit(on_exit_stop);

	machine();
	head();
	if (want_rows("host") || want_rows("swing") || want_rows("swing1g"))
		rows_host();

	host_mib = 4096 + 1024;
	if (mem_available_mib() > 10240 + 4096 + 1024)
		host_mib = 10240 + 1024;
	if (want_rows("load"))
		host_mib = LOAD_GUESTS * LOAD_MIB + 1024;
	sim_start(host_mib);
	if (want_rows("swing") || want_rows("swing1g")) {
		rows_swing(XENSIM_PV, GIB_PAGES);
		rows_swing(XENSIM_PVH, GIB_PAGES);
	}
	if (want_rows("loaded")) {
		rows_loaded(XENSIM_PV);
		rows_loaded(XENSIM_PVH);
	}
	if (want_rows("swing")) {
		rows_swing(XENSIM_PV, 4 * GIB_PAGES);
		rows_swing(XENSIM_PVH, 4 * GIB_PAGES);
	}
	if (want_rows("zero")) {
		rows_zero(XENSIM_PV);
		rows_zero(XENSIM_PVH);
	}
	if (want_rows("oom")) {
		rows_oom(XENSIM_PV);
		rows_oom(XENSIM_PVH);
	}
	if (want_rows("latency"))
		rows_latency();
	if (want_rows("move")) {
		rows_move(XENSIM_PV);
		rows_move(XENSIM_PVH);
	}
	if (want_rows("many"))
		rows_many();
	if (want_rows("load"))
		rows_load();
	if (want_rows("sizes"))
		rows_sizes();
	if (want_rows("cpu"))
		rows_cpu();
	sim_stop();
	printf("\n%.0f s in all\n", now() - t0);
	return 0;
}
