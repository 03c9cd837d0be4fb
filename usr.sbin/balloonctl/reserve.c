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
 * balloonctl reserve: ask balloond(8) for memory free to start a domain,
 * on its socket (the protocol is in balloond's sockpath.h), and wait for
 * its one-line answer.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "balloonctl.h"
#include "size.h"
#include "sockpath.h"

int
dom0_reserve(const char *size)
{
	struct sockaddr_un sun;
	char line[BALLOOND_LINE_MAX];
	const char *path;
	uint64_t kib;
	size_t len;
	ssize_t got;
	int s, n;

	kib = getsize(size, SIZE_BARE_MIB);
	path = balloond_socket();
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		errx(1, "%s: path too long", path);
	strcpy(sun.sun_path, path);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "cannot reach balloond at %s", path);
	n = snprintf(line, sizeof(line), "reserve %" PRIu64 "\n", kib);
	if (write(s, line, (size_t)n) != n)
		err(1, "%s", path);
	len = 0;
	while (len < sizeof(line) - 1 &&
	    (got = read(s, line + len, sizeof(line) - 1 - len)) > 0)
		len += (size_t)got;
	close(s);
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "ok ", 3) == 0)
		return 0;
	if (strncmp(line, "error ", 6) == 0)
		errx(1, "cannot reserve %s: %s", size, line + 6);
	errx(1, "cannot reserve %s: balloond gave no answer", size);
}
