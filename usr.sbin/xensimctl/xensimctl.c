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
 * xensimctl: what xl does on a dom0, for the simulated Xen host: create,
 * destroy, shut down and list domains, show the host's memory.
 */

#include <sys/types.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "xensim.h"

#define UP_WAIT_S	60	/* seconds a guest may take to come up */

static const char	*dir;
static bool		 dflag;
static struct xensim	*h;

static void	usage(void) __attribute__((__noreturn__));

static void
usage(void)
{

	fprintf(stderr,
	    "usage: xensimctl [-d dir] create [-q] key=value ...\n"
	    "       xensimctl [-d dir] destroy domain\n"
	    "       xensimctl [-d dir] shutdown domain\n"
	    "       xensimctl [-d dir] domid name\n"
	    "       xensimctl [-d dir] list [-l]\n"
	    "       xensimctl [-d dir] info\n"
	    "       xensimctl [-d dir] fault domain budget=N|pool=empty|"
	    "pool=ok|maxorder=N|extents=N|xs=drop|clear\n");
	exit(1);
}

static void
connect_host(void)
{

	if ((h = xensim_open_privcmd(dir)) == NULL)
		err(1, "cannot reach xensimd at %s/privcmd", dir);
}

/* The host's xenstored, unless the caller named another. */
static struct xs_handle *
connect_xs(void)
{
	struct xs_handle *xs;
	char sock[PATH_MAX];

	if (dflag || getenv("XENSTORED_PATH") == NULL) {
		snprintf(sock, sizeof(sock), "%s/socket", dir);
		setenv("XENSTORED_PATH", sock, 1);
	}
	if ((xs = xs_open(0)) == NULL)
		err(1, "xenstore");
	return xs;
}

static bool
parse_u64(const char *s, uint64_t *vp)
{
	char *ep;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*vp = strtoull(s, &ep, 10);
	return errno == 0 && *ep == '\0';
}

/* A domain by name or by id, as xl takes it. */
static domid_t
lookup(const char *s)
{
	struct xensim_dominfo *list, di;
	unsigned int n, i;
	uint64_t v;

	if (parse_u64(s, &v)) {
		if (v > UINT16_MAX || xensim_domain_getinfo(h, (domid_t)v,
		    &di) == -1)
			errx(1, "%s: no such domain", s);
		return (domid_t)v;
	}
	if (xensim_domain_list(h, &list, &n) == -1)
		err(1, "list");
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, s) == 0) {
			v = list[i].domid;
			free(list);
			return (domid_t)v;
		}
	}
	free(list);
	errx(1, "%s: no such domain", s);
}

static void
set_str(char *dst, size_t size, const char *key, const char *val)
{

	if (strlen(val) >= size)
		errx(1, "%s: value too long (at most %zu characters)", key,
		    size - 1);
	strcpy(dst, val);
}

static uint64_t
mib(const char *key, const char *val)
{
	uint64_t v;

	if (!parse_u64(val, &v) || v == 0 || v > (UINT64_C(1) << 32))
		errx(1, "%s: invalid size in MiB: %s", key, val);
	return v;
}

/*
 * Wait until the guest program is up: it announces its PV control
 * interface (control/feature-poweroff = "1"), as a guest's drivers do
 * once they run; rumpxen(8) does so once its balloon has read the first
 * memory/target and its sysctl server listens.  A guest that exits
 * first fails the create, and so does one that is silent for UP_WAIT_S.
 */
static void
wait_up(domid_t id)
{
	struct xensim_dominfo di;
	struct xs_handle *xs;
	struct pollfd pfd;
	char path[64], **ev;
	struct timespec t0, t;
	unsigned int len;
	char *v;
	bool up;

	xs = connect_xs();
	snprintf(path, sizeof(path), "/local/domain/%u/control/"
	    "feature-poweroff", id);
	if (!xs_watch(xs, path, "up") || !xs_watch(xs, "@releaseDomain",
	    "gone"))
		err(1, "xenstore watch");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		v = xs_read(xs, XBT_NULL, path, &len);
		up = v != NULL && strcmp(v, "1") == 0;
		free(v);
		if (up)
			break;
		if (xensim_domain_getinfo(h, id, &di) == -1 || !di.running)
			errx(1, "domain %u: the guest exited before it was up; "
			    "see %s/domains/%u/console.log", id, dir, id);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= UP_WAIT_S)
			errx(1, "domain %u: the guest is not up after %d s "
			    "(it announces control/feature-poweroff when it "
			    "is); see %s/domains/%u/console.log", id,
			    UP_WAIT_S, dir, id);
		/* A watch event, or a second: look again. */
		pfd.fd = xs_fileno(xs);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1000) == 1 &&
		    (ev = xs_read_watch(xs, &len)) != NULL)
			free(ev);
	}
	xs_close(xs);
}

static int
cmd_create(int argc, char **argv)
{
	struct xensim_domcfg cfg;
	struct xensim_dominfo *list;
	struct xensim_hostinfo hi;
	uint64_t maxmem, limit;
	unsigned int n, i;
	bool quiet = false;
	char *key, *val;
	domid_t id;
	int ch;

	optind = 1;
	while ((ch = getopt(argc, argv, "q")) != -1) {
		if (ch != 'q')
			usage();
		quiet = true;
	}
	argc -= optind;
	argv += optind;
	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = XENSIM_PVH;
	cfg.toolstack = XENSIM_LIBXL;
	for (; argc > 0; argc--, argv++) {
		key = *argv;
		if ((val = strchr(key, '=')) == NULL)
			errx(1, "%s: expected key=value", key);
		*val++ = '\0';
		if (strcmp(key, "name") == 0)
			set_str(cfg.name, sizeof(cfg.name), key, val);
		else if (strcmp(key, "memory") == 0)
			cfg.memory_kib = mib(key, val) * 1024;
		else if (strcmp(key, "maxmem") == 0)
			cfg.maxmem_kib = mib(key, val) * 1024;
		else if (strcmp(key, "type") == 0) {
			if (strcmp(val, "pv") == 0)
				cfg.kind = XENSIM_PV;
			else if (strcmp(val, "pvh") == 0)
				cfg.kind = XENSIM_PVH;
			else
				errx(1, "type: must be pv or pvh: %s", val);
		} else if (strcmp(key, "toolstack") == 0) {
			if (strcmp(val, "libxl") == 0)
				cfg.toolstack = XENSIM_LIBXL;
			else if (strcmp(val, "xapi") == 0)
				cfg.toolstack = XENSIM_XAPI;
			else
				errx(1, "toolstack: must be libxl or xapi: %s",
				    val);
		} else if (strcmp(key, "kernel") == 0)
			set_str(cfg.kernel, sizeof(cfg.kernel), key, val);
		else if (strcmp(key, "cmdline") == 0)
			set_str(cfg.cmdline, sizeof(cfg.cmdline), key, val);
		else
			errx(1, "%s: unknown key", key);
	}
	if (cfg.name[0] == '\0')
		errx(1, "name= is required");
	if (cfg.memory_kib == 0)
		errx(1, "memory= is required");
	if (cfg.maxmem_kib != 0 && cfg.maxmem_kib < cfg.memory_kib)
		errx(1, "memory (%" PRIu64 " MiB) is above maxmem (%" PRIu64
		    " MiB)", cfg.memory_kib / 1024, cfg.maxmem_kib / 1024);
	maxmem = (cfg.maxmem_kib != 0 ? cfg.maxmem_kib : cfg.memory_kib) /
	    1024;
	limit = cfg.kind == XENSIM_PVH ? XENSIM_PVH_MAXMEM_MIB :
	    XENSIM_PV_MAXMEM_MIB;
	if (maxmem > limit)
		errx(1, "%s %" PRIu64 " MiB is above the %" PRIu64 " MiB a "
		    "%s domain can have", cfg.maxmem_kib != 0 ? "maxmem" :
		    "memory", maxmem, limit,
		    cfg.kind == XENSIM_PVH ? "PVH" : "PV");
	if (cfg.kernel[0] != '\0' && access(cfg.kernel, X_OK) == -1)
		err(1, "kernel: %s", cfg.kernel);
	connect_host();
	if (xensim_domain_list(h, &list, &n) == -1)
		err(1, "list");
	for (i = 0; i < n; i++)
		if (strcmp(list[i].name, cfg.name) == 0)
			errx(1, "domain %s already exists (id %u)", cfg.name,
			    list[i].domid);
	free(list);
	if (xensim_domain_create(h, &cfg, &id) == -1) {
		if (errno == EINVAL)
			errx(1, "invalid domain configuration (name: letters, "
			    "digits, '-', '_', '.', not all digits)");
		if (errno == ENOMEM && xensim_host_info(h, &hi) == 0)
			errx(1, "not enough free host memory for %" PRIu64
			    " MiB: the host has %" PRIu64 " MiB free",
			    cfg.memory_kib / 1024, hi.free_pages / 256);
		err(1, "create %s", cfg.name);
	}
	if (cfg.kernel[0] != '\0')
		wait_up(id);
	if (!quiet)
		printf("%u\n", id);
	return 0;
}

static int
cmd_destroy(int argc, char **argv)
{
	domid_t id;

	if (argc != 2)
		usage();
	connect_host();
	id = lookup(argv[1]);
	if (xensim_domain_destroy(h, id) == -1)
		err(1, "destroy %s", argv[1]);
	return 0;
}

static int
cmd_shutdown(int argc, char **argv)
{
	struct xs_handle *xs;
	char path[64];
	domid_t id;

	if (argc != 2)
		usage();
	connect_host();
	id = lookup(argv[1]);
	xs = connect_xs();
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", id);
	if (!xs_write(xs, XBT_NULL, path, "poweroff", strlen("poweroff")))
		err(1, "%s", path);
	xs_close(xs);
	return 0;
}

static int
cmd_domid(int argc, char **argv)
{
	uint64_t v;

	if (argc != 2)
		usage();
	connect_host();
	if (parse_u64(argv[1], &v))
		errx(1, "%s: not a domain name", argv[1]);
	printf("%u\n", lookup(argv[1]));
	return 0;
}

/*
 * memory/static-max, which xl mem-max (balloonctl mem-max) moves; the
 * maxmem the domain was created with if the node cannot be read.
 */
static uint64_t
static_max_kib(struct xs_handle *xs, const struct xensim_dominfo *di)
{
	char path[64], *v;
	unsigned int len;
	uint64_t kib;
	bool ok;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max",
	    di->domid);
	if ((v = xs_read(xs, XBT_NULL, path, &len)) == NULL)
		return di->maxmem_kib;
	ok = parse_u64(v, &kib);
	free(v);
	return ok ? kib : di->maxmem_kib;
}

static int
cmd_list(int argc, char **argv)
{
	struct xs_handle *xs;
	struct xensim_dominfo *list;
	char foreign[24];
	unsigned int n, i;
	bool lflag = false;
	int ch;

	optind = 1;
	while ((ch = getopt(argc, argv, "l")) != -1) {
		if (ch != 'l')
			usage();
		lflag = true;
	}
	if (argc != optind)
		usage();
	connect_host();
	if (xensim_domain_list(h, &list, &n) == -1)
		err(1, "list");
	if (lflag) {
		xs = connect_xs();
		printf("%-24s %5s %-4s %10s %10s %10s %10s %8s %10s %10s "
		    "%8s %8s\n", "Name", "ID", "Type", "TotPages", "MaxPages",
		    "RAMPages", "StaticMax", "Pid", "DirtyGiven", "PoDCache",
		    "Foreign", "MMUCalls");
		for (i = 0; i < n; i++) {
			if (list[i].ram_watched)
				snprintf(foreign, sizeof(foreign), "%" PRIu64,
				    list[i].foreign_accesses);
			else
				strcpy(foreign, "-");
			printf("%-24s %5u %-4s %10" PRIu64 " %10" PRIu64
			    " %10" PRIu64 " %10" PRIu64 " %8d %10" PRIu64
			    " %10" PRIu64 " %8s %8" PRIu64 "\n",
			    list[i].name, list[i].domid,
			    list[i].kind == XENSIM_PV ? "pv" : "pvh",
			    list[i].tot_pages, list[i].max_pages,
			    list[i].ram_allocated_pages,
			    static_max_kib(xs, &list[i]) / 4, list[i].pid,
			    list[i].dirty_given, list[i].pod_cache, foreign,
			    list[i].mmu_calls);
		}
		xs_close(xs);
		free(list);
		return 0;
	}
	/*
	 * xl list's own columns, dom0 first.  The simulated dom0 has no
	 * memory of its own (xensimd(8)), so its Mem reads 0.
	 */
	printf("%-40s %5s %5s %5s     %-6s %9s\n", "Name", "ID", "Mem",
	    "VCPUs", "State", "Time(s)");
	printf("%-40s %5u %5u %5d     %-6s %8.1f\n", "Domain-0", 0, 0, 1,
	    "r-----", 0.0);
	for (i = 0; i < n; i++)
		printf("%-40s %5u %5" PRIu64 " %5d     %-6s %8.1f\n",
		    list[i].name, list[i].domid, list[i].tot_pages / 256, 1,
		    list[i].running ? "r-----" : list[i].crashed ? "----c-" :
		    "--p---", 0.0);
	free(list);
	return 0;
}

static int
cmd_info(int argc, char **argv)
{
	struct xensim_hostinfo hi;

	(void)argv;
	if (argc != 1)
		usage();
	connect_host();
	if (xensim_host_info(h, &hi) == -1)
		err(1, "info");
	printf("%-23s: %" PRIu64 "\n", "total_memory", hi.total_pages / 256);
	printf("%-23s: %" PRIu64 "\n", "free_memory", hi.free_pages / 256);
	return 0;
}

static int
cmd_fault(int argc, char **argv)
{
	struct xensim_fault f;
	uint64_t v;
	int i;

	if (argc < 3)
		usage();
	connect_host();
	memset(&f, 0, sizeof(f));
	f.domid = lookup(argv[1]);
	f.alloc_budget = -1;
	/* xs=drop alone leaves the memory faults as they are. */
	f.mem_keep = 1;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "xs=drop") == 0) {
			f.xs_drop = 1;
			continue;
		}
		f.mem_keep = 0;
		if (strcmp(argv[i], "clear") == 0) {
			f.alloc_budget = -1;
			f.pool_empty = 0;
			f.limit_order = 0;
			f.limit_extents = 0;
		} else if (strcmp(argv[i], "pool=empty") == 0)
			f.pool_empty = 1;
		else if (strcmp(argv[i], "pool=ok") == 0)
			f.pool_empty = 0;
		else if (strncmp(argv[i], "budget=", 7) == 0) {
			if (!parse_u64(argv[i] + 7, &v) || v > INT64_MAX)
				errx(1, "budget: invalid number of pages: %s",
				    argv[i] + 7);
			f.alloc_budget = (int64_t)v;
		} else if (strncmp(argv[i], "maxorder=", 9) == 0) {
			if (!parse_u64(argv[i] + 9, &v) || v > 9)
				errx(1, "maxorder: invalid extent order: %s",
				    argv[i] + 9);
			f.limit_order = 1;
			f.max_order = (unsigned int)v;
		} else if (strncmp(argv[i], "extents=", 8) == 0) {
			if (!parse_u64(argv[i] + 8, &v) || v > UINT32_MAX)
				errx(1, "extents: invalid number of extents: "
				    "%s", argv[i] + 8);
			f.limit_extents = 1;
			f.max_extents = v;
		} else
			errx(1, "%s: unknown fault", argv[i]);
	}
	if (xensim_fault(h, &f) == -1)
		err(1, "fault %s", argv[1]);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "create", cmd_create }, { "destroy", cmd_destroy },
		{ "shutdown", cmd_shutdown }, { "domid", cmd_domid },
		{ "list", cmd_list }, { "info", cmd_info },
		{ "fault", cmd_fault }
	};
	size_t i;
	int ch;

	dir = xensim_dir();
	while ((ch = getopt(argc, argv, "+d:")) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			dflag = true;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			return (*cmds[i].fn)(argc, argv);
	warnx("%s: unknown command", argv[0]);
	usage();
}
