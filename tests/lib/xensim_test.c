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
 * Support shared by the C tests (see xensim_test.h).  Failures end the
 * test case through ATF_REQUIRE.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>
#include <xenstore.h>

#include <balloon.h>
#include <rumpsysctl.h>

#include "xensim_test.h"

char xt_dir[PATH_MAX];
const char *xt_xensimd_flag;

/*
 * Start xensimd -d ./xensim (with -m host_mib unless 0); XENSIM_DIR and
 * XENSTORED_PATH name it for xensimctl and libxenstore.
 */
void
xt_start(unsigned int host_mib)
{
	char path[PATH_MAX + 16], mib[32];
	pid_t pid;
	int status;

	ATF_REQUIRE(getcwd(xt_dir, sizeof(xt_dir) - 16) != NULL);
	strcat(xt_dir, "/xensim");
	snprintf(mib, sizeof(mib), "%u", host_mib);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		char *argv[8];
		int argc = 0;

		argv[argc++] = (char *)(uintptr_t)"xensimd";
		argv[argc++] = (char *)(uintptr_t)"-d";
		argv[argc++] = xt_dir;
		if (host_mib != 0) {
			argv[argc++] = (char *)(uintptr_t)"-m";
			argv[argc++] = mib;
		}
		if (xt_xensimd_flag != NULL)
			argv[argc++] = (char *)(uintptr_t)xt_xensimd_flag;
		argv[argc] = NULL;
		execv(BINDIR "/xensimd", argv);
		_exit(127);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "xensimd did not start");
	snprintf(path, sizeof(path), "%s/socket", xt_dir);
	ATF_REQUIRE(setenv("XENSIM_DIR", xt_dir, 1) == 0);
	ATF_REQUIRE(setenv("XENSTORED_PATH", path, 1) == 0);
}

/*
 * The process exists and has not exited.  kill(pid, 0) alone also
 * succeeds on a zombie, which the daemon becomes when the test runner
 * adopts orphans and reaps them late.
 */
static bool
pid_running(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *fp;
	size_t n;

	if (kill(pid, 0) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return true;
	return p[2] != 'Z' && p[2] != 'X';
}

/* The daemon's pid from ./xensim/xensimd.pid, or 0. */
static pid_t
xt_pid(void)
{
	FILE *fp;
	long pid = 0;

	if ((fp = fopen("xensim/xensimd.pid", "r")) == NULL)
		return 0;
	if (fscanf(fp, "%ld", &pid) != 1 || pid <= 0)
		pid = 0;
	fclose(fp);
	return (pid_t)pid;
}

/* From the cleanup: stop the daemon the body started. */
void
xt_stop(void)
{
	pid_t pid;
	int i;

	if ((pid = xt_pid()) == 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 300 && pid_running(pid); i++)
		usleep(100000);
	kill(pid, SIGKILL);
}

/* The daemon is still there (it did not crash on what a test sent). */
bool
xt_alive(void)
{
	pid_t pid = xt_pid();

	return pid > 0 && pid_running(pid);
}

/*
 * A guest of this xensimd printed a panic (a line "panic: ..." in a
 * domain's console.log).
 */
bool
xt_panicked(void)
{
	char path[PATH_MAX + 320], line[256];
	bool found = false;
	struct dirent *de;
	FILE *fp;
	DIR *dir;

	if (xt_dir[0] == '\0')
		return false;
	snprintf(path, sizeof(path), "%s/domains", xt_dir);
	if ((dir = opendir(path)) == NULL)
		return false;
	while (!found && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/domains/%s/console.log",
		    xt_dir, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		while (!found && fgets(line, sizeof(line), fp) != NULL)
			found = strncmp(line, "panic: ", 7) == 0;
		fclose(fp);
	}
	closedir(dir);
	return found;
}

/*
 * Run xensimctl with these arguments, which must succeed; the number
 * its output begins with (a new domain's id), or 0.
 */
unsigned long
xt_ctl(const char *fmt, ...)
{
	char cmd[2048], line[256];
	unsigned long n = 0;
	va_list ap;
	FILE *fp;
	int first = 1;

	snprintf(cmd, sizeof(cmd), "%s/xensimctl ", BINDIR);
	va_start(ap, fmt);
	vsnprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), fmt, ap);
	va_end(ap);
	ATF_REQUIRE_MSG((fp = popen(cmd, "r")) != NULL, "%s: %s", cmd,
	    strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (first)
			n = strtoul(line, NULL, 10);
		first = 0;
	}
	ATF_REQUIRE_EQ_MSG(pclose(fp), 0, "failed: %s", cmd);
	return n;
}

struct xensim *
xt_dom0(void)
{
	struct xensim *h;

	ATF_REQUIRE_MSG((h = xensim_open_privcmd(xt_dir)) != NULL,
	    "privcmd: %s", strerror(errno));
	return h;
}

/* A domain's own hypercall handle, as its guest kernel has it. */
struct xensim *
xt_domu(domid_t id)
{
	char path[PATH_MAX + 64];
	struct xensim *h;

	snprintf(path, sizeof(path), "%s/domains/%u/hypercall", xt_dir, id);
	ATF_REQUIRE_MSG((h = xensim_open_domain(path)) != NULL, "%s: %s",
	    path, strerror(errno));
	return h;
}

/* A domain (no guest program) as the toolstack makes it; its id. */
domid_t
xt_create(struct xensim *h, const char *name, enum xensim_kind kind,
    unsigned int mib, unsigned int maxmib)
{
	struct xensim_domcfg cfg;
	domid_t id;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), "%s", name);
	cfg.kind = kind;
	cfg.memory_kib = mib * 1024ULL;
	cfg.maxmem_kib = maxmib * 1024ULL;
	ATF_REQUIRE_MSG(xensim_domain_create(h, &cfg, &id) == 0,
	    "create %s: %s", name, strerror(errno));
	return id;
}

struct xensim_dominfo
xt_dominfo(domid_t id)
{
	struct xensim_dominfo di;
	struct xensim *h;

	h = xt_dom0();
	ATF_REQUIRE_EQ(xensim_domain_getinfo(h, id, &di), 0);
	xensim_close(h);
	return di;
}

/*
 * Point RUMP_SERVER at the guest's sysctl socket: the next sysctls go
 * to it.  No ATF here: a forked child may call it.  0 or an errno.
 */
int
xt_sysctl_use(domid_t id)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/domains/%u/sysctl", xt_dir, id);
	return setenv("RUMP_SERVER", path, 1) == 0 ? 0 : errno;
}

/* xt_sysctl_use, then wait until the guest's server answers for node. */
void
xt_sysctl_wait(domid_t id, const char *node)
{
	bool up = false;

	ATF_REQUIRE_EQ(xt_sysctl_use(id), 0);
	XT_WAIT_FOR((up = access(getenv("RUMP_SERVER"), F_OK) == 0 &&
	    sysctlbyname(node, NULL, NULL, NULL, 0) == 0));
	if (!up)
		atf_tc_fail("the guest's sysctl server did not come up");
}

/* Read node, which must be exactly len bytes long, into v. */
static void
xt_sysctl_read(const char *node, void *v, size_t want)
{
	size_t len = want;

	ATF_REQUIRE_EQ_MSG(sysctlbyname(node, v, &len, NULL, 0), 0,
	    "%s: %s", node, strerror(errno));
	ATF_REQUIRE_EQ(len, want);
}

uint64_t
xt_sysctl_quad(const char *node)
{
	uint64_t v = 0;

	xt_sysctl_read(node, &v, sizeof(v));
	return v;
}

int
xt_sysctl_int(const char *node)
{
	int v = -1;

	xt_sysctl_read(node, &v, sizeof(v));
	return v;
}

/* Write a sysctl node of the guest: 0, or the errno it answered. */
int
xt_sysctl_set_quad(const char *node, uint64_t v)
{

	errno = 0;
	return sysctlbyname(node, NULL, NULL, &v, sizeof(v)) == 0 ? 0 : errno;
}

int
xt_sysctl_set_int(const char *node, int v)
{

	errno = 0;
	return sysctlbyname(node, NULL, NULL, &v, sizeof(v)) == 0 ? 0 : errno;
}

/*
 * The balloon's evcnt(9) counter NAME (group balloon0, type misc) in the
 * guest's kern.evcnt, as vmstat -e reads it: false if there is none.
 */
bool
xt_evcnt_find(const char *name, uint64_t *countp)
{
	struct rumpsysctl_evcnt *evs;
	size_t i, n;
	bool found = false;

	ATF_REQUIRE_MSG(rumpsysctl_evcnt(&evs, &n) == 0, "kern.evcnt: %s",
	    strerror(errno));
	for (i = 0; i < n && !found; i++) {
		if (strcmp(evs[i].group, BALLOON_EVCNT_GROUP "0") != 0 ||
		    strcmp(evs[i].name, name) != 0)
			continue;
		ATF_CHECK_EQ(evs[i].type, RUMPSYSCTL_EVCNT_MISC);
		*countp = evs[i].count;
		found = true;
	}
	free(evs);
	return found;
}

/* xt_evcnt_find, which must find it. */
uint64_t
xt_evcnt(const char *name)
{
	uint64_t v = 0;

	if (!xt_evcnt_find(name, &v))
		atf_tc_fail("no evcnt balloon0 %s", name);
	return v;
}

/* Seconds on the monotonic clock. */
double
xt_now(void)
{
	struct timespec ts;

	ATF_REQUIRE(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Start xensimd and a bench guest of the type ("pv", "pvh") with mib
 * MiB; wait for its balloon sysctl tree.  Its domid.
 */
domid_t
xt_balloon_guest(const char *type, unsigned int mib)
{

	xt_start(0);
	return xt_balloon_add("g", type, mib);
}

/*
 * One more bench guest named name in the running xensimd, as for
 * xt_balloon_guest.  Its domid; its sysctls are the ones in use.
 */
domid_t
xt_balloon_add(const char *name, const char *type, unsigned int mib)
{
	domid_t d;

	d = (domid_t)xt_ctl("create name=%s memory=%u maxmem=%u type=%s "
	    "kernel=%s/rumpxen", name, mib, mib, type, BINDIR);
	xt_sysctl_wait(d, BALLOON_SYSCTL "." BALLOON_NODE_TARGET);
	return d;
}

/*
 * The driver's thread is idle, as far as it says: this driver's
 * stats.state is 0 (idle); a driver without the node says nothing, and
 * its reservation at the target is all there is to wait for.
 */
static bool
xt_balloon_idle(void)
{
	size_t len = sizeof(int);
	int st = 0;

	if (sysctlbyname(BALLOON_SYSCTL "." BALLOON_NODE_STATS "."
	    BALLOON_STAT_STATE, &st, &len, NULL, 0) != 0)
		return errno == ENOENT;
	return st == 0;
}

/*
 * Wait for the reservation to reach pages, the guest's current (the
 * reservation in KiB) to say so, and the balloon to go idle.  Only the
 * NetBSD interface is needed.
 */
void
xt_balloon_settle(domid_t id, uint64_t pages)
{
	uint64_t tot;

	XT_WAIT_FOR(xt_dominfo(id).tot_pages == pages &&
	    xt_sysctl_quad(BALLOON_SYSCTL "." BALLOON_NODE_CURRENT) ==
	    pages * 4 && xt_balloon_idle());
	tot = xt_dominfo(id).tot_pages;
	ATF_REQUIRE_MSG(!xt_panicked(), "domain %u: the guest panicked", id);
	ATF_REQUIRE_EQ_MSG(tot, pages, "tot_pages %" PRIu64 ", not %" PRIu64,
	    tot, pages);
	ATF_REQUIRE_EQ(xt_sysctl_quad(BALLOON_SYSCTL "." BALLOON_NODE_CURRENT),
	    pages * 4);
	ATF_REQUIRE_MSG(xt_balloon_idle(), "domain %u: the balloon is not "
	    "idle", id);
	/* Every frame the driver gave back carried no data. */
	ATF_CHECK_EQ(xt_dominfo(id).dirty_given, 0);
	xt_no_foreign(id);
}

/*
 * The domain's guest, if it runs one, has its RAM watched and touched
 * no frame it does not own.
 */
void
xt_no_foreign(domid_t id)
{
	struct xensim_dominfo di = xt_dominfo(id);

	if (di.running)
		ATF_CHECK_MSG(di.ram_watched, "domain %u: RAM not watched", id);
	ATF_CHECK_EQ_MSG(di.foreign_accesses, 0, "domain %u: %" PRIu64
	    " accesses to frames not its own (see xensimd.log)", id,
	    di.foreign_accesses);
}

/* Does the domain's console log hold the text? */
bool
xt_console_has(domid_t id, const char *text)
{
	char path[PATH_MAX + 64], *buf = NULL;
	size_t len = 0;
	bool found;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/domains/%u/console.log", xt_dir, id);
	if ((fp = fopen(path, "r")) == NULL)
		return false;
	buf = malloc(1 << 20);
	ATF_REQUIRE(buf != NULL);
	len = fread(buf, 1, (1 << 20) - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	found = strstr(buf, text) != NULL;
	free(buf);
	return found;
}

/* The domain's guest process's resident share of its RAM, in KiB. */
uint64_t
xt_rss_shmem(domid_t id)
{
	char path[64], line[256];
	uint64_t kib = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", xt_dominfo(id).pid);
	ATF_REQUIRE((fp = fopen(path, "r")) != NULL);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "RssShmem: %" SCNu64, &kib) == 1)
			break;
	fclose(fp);
	return kib;
}

/* Lines of the domain's console log that begin with prefix. */
int
xt_console_count(domid_t id, const char *prefix)
{
	char path[PATH_MAX + 64], line[1024];
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/domains/%u/console.log", xt_dir, id);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			n++;
	fclose(fp);
	return n;
}

/* Write the domain's memory/target as dom0 does (xenstore-write). */
void
xt_xs_target(domid_t id, const char *value)
{
	char path[64];
	struct xs_handle *xs;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", id);
	ATF_REQUIRE((xs = xs_open(0)) != NULL);
	ATF_REQUIRE(xs_write(xs, XBT_NULL, path, value, strlen(value)));
	xs_close(xs);
}
