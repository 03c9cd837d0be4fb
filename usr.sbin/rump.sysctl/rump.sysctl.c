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
 * rump.sysctl: sysctl(8) for the bench guest named by $RUMP_SERVER, as
 * NetBSD's rump.sysctl is for a rump kernel: same options, same output.
 */

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rumpsysctl.h>

static void	usage(void) __attribute__((__noreturn__));
static int	show(const char *, int);

static void
usage(void)
{

	fprintf(stderr, "usage: rump.sysctl [-en] variable ...\n"
	    "       rump.sysctl [-en] -w variable=value ...\n"
	    "       rump.sysctl [-en] -a\n");
	exit(1);
}

static int
show(const char *name, int flags)
{
	struct rumpsysctl_node node;
	int badlevel, rv;

	if (rumpsysctl_getnode(name, &node, &badlevel) == -1) {
		rumpsysctl_warn_node(name, badlevel);
		return 1;
	}
	if ((rv = rumpsysctl_print(name, flags)) == -1)
		warn("%s", name);
	return rv != 0;
}

int
main(int argc, char **argv)
{
	char *eq;
	int aflag = 0, wflag = 0, flags = 0, ch, i, rv;

	while ((ch = getopt(argc, argv, "anew")) != -1) {
		switch (ch) {
		case 'a':
			aflag = 1;
			break;
		case 'e':
			flags |= RUMPSYSCTL_PRINT_EQ;
			break;
		case 'n':
			flags |= RUMPSYSCTL_PRINT_VALUE;
			break;
		case 'w':
			wflag = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (aflag ? argc != 0 || wflag : argc == 0)
		usage();
	if (getenv("RUMP_SERVER") == NULL || *getenv("RUMP_SERVER") == '\0')
		errx(1, "RUMP_SERVER is not set: name the guest's sysctl "
		    "socket");

	if (aflag) {
		if ((rv = rumpsysctl_print("", flags)) == -1)
			err(1, "%s", getenv("RUMP_SERVER"));
		return rv;
	}
	rv = 0;
	for (i = 0; i < argc; i++) {
		/* As sysctl(8), name=value writes, with or without -w. */
		if ((eq = strchr(argv[i], '=')) != NULL) {
			*eq = '\0';
			if (rumpsysctl_write(argv[i], eq + 1, flags) == -1)
				rv = 1;
		} else if (wflag) {
			warnx("%s: must specify -w variable=value", argv[i]);
			rv = 1;
		} else if (show(argv[i], flags) != 0)
			rv = 1;
	}
	return rv;
}
