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
 * balloonctl: control the Xen balloon, from inside a domU (its sysctl
 * tree, as sysctl(8) shows it) or from dom0 (what xl(1) does for memory).
 */

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balloonctl.h"

/* NetBSD's getopt stops at the first operand; glibc's needs a '+'. */
#ifdef __GLIBC__
#define OPTSTRING	"+s:w:"
#else
#define OPTSTRING	"s:w:"
#endif

static void	usage(void) __attribute__((__noreturn__));

/* The -w assignments, pointers into argv. */
static char	**assigns;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: balloonctl [-s socket]\n"
	    "       balloonctl [-s socket] -w node=size ...\n"
	    "       balloonctl [-s socket] stats\n"
	    "       balloonctl [-s socket] wait [size]\n"
	    "       balloonctl list\n"
	    "       balloonctl mem-max domain size\n"
	    "       balloonctl mem-set domain size\n"
	    "       balloonctl reserve size\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	const char *cmd;
	int ch, nassigns, sflag;

	if ((assigns = calloc((size_t)argc, sizeof(*assigns))) == NULL)
		err(1, "calloc");
	nassigns = 0;
	sflag = 0;
	while ((ch = getopt(argc, argv, OPTSTRING)) != -1) {
		switch (ch) {
		case 's':
			if (*optarg == '\0')
				errx(1, "empty socket path");
			if (setenv("RUMP_SERVER", optarg, 1) == -1)
				err(1, "setenv");
			sflag = 1;
			break;
		case 'w':
			assigns[nassigns++] = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0) {
		if (nassigns > 0)
			return domu_write(assigns, nassigns);
		domu_check_guest();
		return domu_show();
	}
	cmd = argv[0];
	if (nassigns > 0)
		usage();

	if (strcmp(cmd, "stats") == 0) {
		if (argc != 1)
			usage();
		domu_check_guest();
		return domu_stats();
	}
	if (strcmp(cmd, "wait") == 0) {
		if (argc > 2)
			usage();
		return domu_wait(argc == 2 ? argv[1] : NULL);
	}

	/* The dom0 commands act on the host, never on a guest socket. */
	if (sflag)
		usage();
	if (strcmp(cmd, "list") == 0) {
		if (argc != 1)
			usage();
		return dom0_list();
	}
	if (strcmp(cmd, "mem-set") == 0) {
		if (argc != 3)
			usage();
		return dom0_mem_set(argv[1], argv[2]);
	}
	if (strcmp(cmd, "mem-max") == 0) {
		if (argc != 3)
			usage();
		return dom0_mem_max(argv[1], argv[2]);
	}
	if (strcmp(cmd, "reserve") == 0) {
		if (argc != 2)
			usage();
		return dom0_reserve(argv[1]);
	}
	errx(1, "unknown command: %s", cmd);
}
